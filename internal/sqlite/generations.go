package sqlite

import (
	"context"
	"fmt"

	"phenolink/internal/phenolink"
)

// Generations returns the change counters that triggers move in every
// transaction writing a record, a value, a consent, a profile's deletion
// or the catalog (migration 00008).
func (db *DB) Generations(ctx context.Context) (phenolink.Generations, error) {
	var g phenolink.Generations
	if err := db.readQueryRow(ctx, `SELECT genomes, cohort FROM generations`).Scan(&g.Genomes, &g.Cohort); err != nil {
		return phenolink.Generations{}, fmt.Errorf("sqlite.Generations: %w", err)
	}
	return g, nil
}
