package sqlite

import (
	"context"
	"database/sql"
	"fmt"
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
// SQLite loads a record's whole blob to evaluate substr on it, so this
// costs about one pass over every record (some 0.3 s for 2,000 records of
// 630,000 markers) however few positions are asked for. A mention of the
// column per position costs no more than one (the blob is loaded once per
// row), and beats one substr spanning the positions, which copies the span
// out of SQLite.
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
	var q strings.Builder
	q.WriteString(`SELECT profile_id`)
	args := make([]any, len(positions))
	for i, p := range positions {
		q.WriteString(`, substr(calls, ?, 1)`)
		args[i] = p + 1
	}
	q.WriteString(` FROM genomes ORDER BY profile_id`)
	rows, err := query(ctx, db.read, q.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	calls := make([]phenolink.Call, len(positions))
	bytes := make([]sql.RawBytes, len(positions))
	dest := make([]any, 1+len(positions))
	var profileID string
	dest[0] = &profileID
	for i := range bytes {
		dest[i+1] = &bytes[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, b := range bytes {
			calls[i] = phenolink.NotOnChip
			if len(b) == 1 {
				calls[i] = phenolink.Call(b[0])
			}
		}
		if err := fn(profileID, calls); err != nil {
			return err
		}
	}
	return rows.Err()
}
