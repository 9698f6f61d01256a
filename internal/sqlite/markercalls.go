package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"phenolink/internal/phenolink"
)

// FindMarkers returns the index entries of the ids that are in the index,
// in the order of ids, looked up in this process's copy of the index.
func (db *DB) FindMarkers(ctx context.Context, ids []string) ([]phenolink.IndexedMarker, error) {
	x := db.index.Lock()
	defer func() { db.index.Unlock(x) }()
	var err error
	if x, err = loadIndex(ctx, db.read, x); err != nil {
		return nil, fmt.Errorf("sqlite.FindMarkers: %w", err)
	}
	ms := []phenolink.IndexedMarker{}
	for _, id := range ids {
		if i, ok := x.Lookup(id); ok {
			ms = append(ms, phenolink.IndexedMarker{Marker: x.Marker(i), Index: i})
		}
	}
	return ms, nil
}

// MaxCallsAtPositions bounds the positions one CallsAt reads.
const MaxCallsAtPositions = 1000

// checkPositions reports whether positions can be read.
func checkPositions(positions []int) error {
	if len(positions) > MaxCallsAtPositions {
		return phenolink.Errorf(phenolink.EINVALID, "At most %d markers can be read at once, not %d.", MaxCallsAtPositions, len(positions))
	}
	for _, p := range positions {
		if p < 0 {
			return phenolink.Errorf(phenolink.EINVALID, "Marker position %d is not in the index.", p)
		}
	}
	return nil
}

// CallsAt calls fn for every stored record, in profile id order, with the
// record's calls at the index positions (NotOnChip past its end).
//
// SQLite hands a function a blob column whole, reading every overflow page
// of it, however little substr keeps; it does so once per mention of the
// column. So the query mentions calls once, in one substr spanning the
// lowest to the highest position, and the calls are picked out here: one
// pass over each record whatever the number of positions.
func (db *DB) CallsAt(ctx context.Context, positions []int, fn func(profileID string, calls []phenolink.Call) error) error {
	if err := db.callsAt(ctx, positions, fn); err != nil {
		return fmt.Errorf("sqlite.CallsAt(%d positions): %w", len(positions), err)
	}
	return nil
}

func (db *DB) callsAt(ctx context.Context, positions []int, fn func(profileID string, calls []phenolink.Call) error) error {
	if err := checkPositions(positions); err != nil {
		return err
	}
	lo, hi := 0, 0
	if len(positions) > 0 {
		lo, hi = slices.Min(positions), slices.Max(positions)
	}
	var q strings.Builder
	q.WriteString(`SELECT profile_id, `)
	if len(positions) == 0 {
		q.WriteString(`x''`)
	} else {
		q.WriteString(`substr(calls, ?, ?)`)
	}
	q.WriteString(` FROM genomes ORDER BY profile_id`)
	var args []any
	if len(positions) > 0 {
		args = []any{lo + 1, hi - lo + 1}
	}
	rows, err := query(ctx, db.read, q.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	calls := make([]phenolink.Call, len(positions))
	var span []byte
	for rows.Next() {
		var profileID string
		if err := rows.Scan(&profileID, &span); err != nil {
			return err
		}
		for i, p := range positions {
			calls[i] = phenolink.NotOnChip
			if k := p - lo; k < len(span) {
				calls[i] = phenolink.Call(span[k])
			}
		}
		if err := fn(profileID, calls); err != nil {
			return err
		}
	}
	return rows.Err()
}
