package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unsafe"

	"phenolink/internal/phenolink"
)

// GenotypeCalls lists a page of the profile's markers that are on its chip,
// ordered by chromosome and position, searching this process's copy of the
// marker index.
func (db *DB) GenotypeCalls(ctx context.Context, profileID string, q phenolink.GenotypeQuery) (phenolink.GenotypePage, error) {
	q, err := q.Normalize()
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
	}
	var record []byte
	err = db.readQueryRow(ctx, `SELECT calls FROM genomes WHERE profile_id = ?`, profileID).Scan(&record)
	if errors.Is(err, sql.ErrNoRows) {
		err = errNoGenome(profileID)
	}
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
	}
	x := db.index.Lock()
	defer func() { db.index.Unlock(x) }()
	// The record was read first, so the index read now covers it.
	if x, err = loadIndex(ctx, db.read, x); err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
	}
	return x.Search(q, callsOf(record)), nil
}

// callsOf views bytes as calls without copying them.
func callsOf(b []byte) []phenolink.Call {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*phenolink.Call)(unsafe.Pointer(&b[0])), len(b))
}

// Markers returns the whole shared index in index order, decoded from its
// stored blocks (the process's cached copy is left alone).
func (db *DB) Markers(ctx context.Context) ([]phenolink.Marker, error) {
	ms, err := db.markers(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite.Markers: %w", err)
	}
	return ms, nil
}

func (db *DB) markers(ctx context.Context) ([]phenolink.Marker, error) {
	n, err := indexLength(ctx, db.read)
	if err != nil {
		return nil, err
	}
	ms := make([]phenolink.Marker, 0, n)
	rows, err := db.readQuery(ctx, `SELECT first, ids, chroms, positions FROM marker_blocks ORDER BY first`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b phenolink.MarkerBlock
		if err := rows.Scan(&b.First, &b.IDs, &b.Chroms, &b.Positions); err != nil {
			return nil, err
		}
		if ms, err = phenolink.BlockMarkers(ms, b); err != nil {
			return nil, err
		}
	}
	return ms, rows.Err()
}

// ScanGenomes streams every record, in profile id order, from one read
// transaction's snapshot. Each record is copied into one reused buffer the
// length of the index, padded with NotOnChip.
func (db *DB) ScanGenomes(ctx context.Context, fn func(profileID string, calls []phenolink.Call) error) error {
	var buf []phenolink.Call
	err := db.scanRecords(ctx, func(n int) { buf = make([]phenolink.Call, n) }, func(profileID string, record []phenolink.Call) error {
		copy(buf, record)
		clear(buf[len(record):])
		return fn(profileID, buf)
	})
	if err != nil {
		return fmt.Errorf("sqlite.ScanGenomes: %w", err)
	}
	return nil
}

// ScanGenomeRecords streams every record as stored, in profile id order,
// from one read transaction's snapshot, straight from the driver's row
// buffer.
func (db *DB) ScanGenomeRecords(ctx context.Context, fn func(profileID string, record []phenolink.Call) error) error {
	if err := db.scanRecords(ctx, func(int) {}, fn); err != nil {
		return fmt.Errorf("sqlite.ScanGenomeRecords: %w", err)
	}
	return nil
}

// scanRecords tells begin the index length of its snapshot, then calls fn
// with every record, which stays valid until fn returns.
func (db *DB) scanRecords(ctx context.Context, begin func(indexLen int), fn func(profileID string, record []phenolink.Call) error) error {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	n, err := indexLength(ctx, tx)
	if err != nil {
		return err
	}
	begin(n)
	rows, err := query(ctx, tx, `SELECT profile_id, calls FROM genomes ORDER BY profile_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var profileID string
		var record sql.RawBytes // valid until the next row; saves a copy
		if err := rows.Scan(&profileID, &record); err != nil {
			return err
		}
		if len(record) > n {
			return fmt.Errorf("the record of profile %q has %d calls, more than the %d markers indexed", profileID, len(record), n)
		}
		if err := fn(profileID, callsOf(record)); err != nil {
			return err
		}
	}
	return rows.Err()
}
