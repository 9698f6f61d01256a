package postgres

import (
	"context"
	"fmt"

	"phenolink/internal/phenolink"
)

// Generations returns the change counters that deferred triggers move in
// every transaction writing a record, a value, a consent or the catalog
// (migration 00008).
func (db *DB) Generations(ctx context.Context) (phenolink.Generations, error) {
	var g phenolink.Generations
	if err := db.pool.QueryRow(ctx, `SELECT genomes, cohort FROM generations`).Scan(&g.Genomes, &g.Cohort); err != nil {
		return phenolink.Generations{}, fmt.Errorf("postgres.Generations: %w", err)
	}
	return g, nil
}
