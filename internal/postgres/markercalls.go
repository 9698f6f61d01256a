package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// FindMarkers returns the index entries of the ids that are in the index,
// in the order of ids, looked up in this process's copy of the index.
func (db *DB) FindMarkers(ctx context.Context, ids []string) ([]phenolink.IndexedMarker, error) {
	x := db.index.Lock()
	defer func() { db.index.Unlock(x) }()
	var err error
	if x, err = loadIndex(ctx, db.pool, x); err != nil {
		return nil, fmt.Errorf("postgres.FindMarkers: %w", err)
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
		if p < 0 || p >= 1<<31-1 {
			return phenolink.Errorf(phenolink.EINVALID, "Marker position %d is not in the index.", p)
		}
	}
	return nil
}

// CallsAt calls fn for every stored record, in profile id order, with the
// record's calls at the index positions (NotOnChip past its end).
//
// Records are stored uncompressed (STORAGE EXTERNAL), so substring of one
// byte fetches only the TOAST chunk that holds it, not the whole record:
// one query reads a byte per position per profile, whatever the records'
// size.
func (db *DB) CallsAt(ctx context.Context, positions []int, fn func(profileID string, calls []phenolink.Call) error) error {
	if err := db.callsAt(ctx, positions, fn); err != nil {
		return fmt.Errorf("postgres.CallsAt(%d positions): %w", len(positions), err)
	}
	return nil
}

func (db *DB) callsAt(ctx context.Context, positions []int, fn func(profileID string, calls []phenolink.Call) error) error {
	if err := checkPositions(positions); err != nil {
		return err
	}
	// Positions are checked integers, written into the query so that
	// each substring is a constant-offset slice.
	var q strings.Builder
	q.WriteString(`SELECT profile_id`)
	for _, p := range positions {
		q.WriteString(`, substring(calls FROM `)
		q.WriteString(strconv.Itoa(p + 1))
		q.WriteString(` FOR 1)`)
	}
	// Byte order, as ScanGenomes, CohortValues and SQLite use, whatever
	// the database's collation.
	q.WriteString(` FROM genomes ORDER BY profile_id COLLATE "C"`)
	formats := make(pgx.QueryResultFormats, 1+len(positions))
	for i := range formats {
		formats[i] = pgx.BinaryFormatCode
	}
	formats[0] = pgx.TextFormatCode
	rows, err := db.pool.Query(ctx, q.String(), formats)
	if err != nil {
		return err
	}
	defer rows.Close()
	calls := make([]phenolink.Call, len(positions))
	for rows.Next() {
		raw := rows.RawValues()
		for i := range calls {
			calls[i] = phenolink.NotOnChip
			if b := raw[i+1]; len(b) == 1 {
				calls[i] = phenolink.Call(b[0])
			}
		}
		if err := fn(string(raw[0]), calls); err != nil {
			return err
		}
	}
	return rows.Err()
}
