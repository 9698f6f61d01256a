package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"phenolink/internal/phenolink"
)

// GenotypeCalls lists a page of the profile's markers that are on its chip,
// ordered by chromosome and position. The record is bound as a parameter
// and the on-chip filter reads its bytes with substr.
func (db *DB) GenotypeCalls(ctx context.Context, profileID string, q phenolink.GenotypeQuery) (phenolink.GenotypePage, error) {
	q, err := q.Normalize()
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
	}
	var record []byte
	err = queryRow(ctx, db.read, `SELECT calls FROM genomes WHERE profile_id = ?`, profileID).Scan(&record)
	if errors.Is(err, sql.ErrNoRows) {
		err = errNoGenome(profileID)
	}
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
	}
	where, args := `1`, []any{record, q.Limit + 1, q.Offset}
	switch {
	case q.ID != "" && q.Prefix:
		// A range on the unique index; U+10FFFF sorts after every byte an
		// id can continue with.
		where, args = `id >= ?4 AND id < ?5`, append(args, q.ID, q.ID+"\U0010FFFF")
	case q.ID != "":
		where, args = `id = ?4`, append(args, q.ID)
	case q.Chrom != 0:
		where, args = `chrom = ?4 AND pos BETWEEN ?5 AND ?6`, append(args, int(q.Chrom), int64(q.Start), int64(min(q.End, math.MaxInt32)))
	}
	rows, err := query(ctx, db.read, `
		SELECT idx, id, chrom, pos FROM markers
		WHERE `+where+` AND idx < length(?1) AND substr(?1, idx + 1, 1) <> x'00'
		ORDER BY chrom, pos, idx LIMIT ?2 OFFSET ?3`, args...)
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
	}
	defer rows.Close()
	page := phenolink.GenotypePage{Rows: []phenolink.GenotypeRow{}}
	for rows.Next() {
		var idx int
		var r phenolink.GenotypeRow
		if err := rows.Scan(&idx, &r.ID, &r.Chrom, &r.Pos); err != nil {
			return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
		}
		r.Call = phenolink.Call(record[idx])
		page.Rows = append(page.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("sqlite.GenotypeCalls(%q): %w", profileID, err)
	}
	if len(page.Rows) > q.Limit {
		page.Rows, page.More = page.Rows[:q.Limit], true
	}
	return page, nil
}

// Markers returns the whole shared index in index order.
func (db *DB) Markers(ctx context.Context) ([]phenolink.Marker, error) {
	ms, err := db.markers(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite.Markers: %w", err)
	}
	return ms, nil
}

func (db *DB) markers(ctx context.Context) ([]phenolink.Marker, error) {
	var n int
	if err := queryRow(ctx, db.read, `SELECT coalesce(max(idx) + 1, 0) FROM markers`).Scan(&n); err != nil {
		return nil, err
	}
	ms := make([]phenolink.Marker, 0, n)
	rows, err := query(ctx, db.read, `SELECT id, chrom, pos FROM markers ORDER BY idx`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m phenolink.Marker
		if err := rows.Scan(&m.ID, &m.Chrom, &m.Pos); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// ScanGenomes streams every record, in profile id order, from one read
// transaction's snapshot. Each record is copied into one reused buffer the
// length of the index, padded with NotOnChip.
func (db *DB) ScanGenomes(ctx context.Context, fn func(profileID string, calls []phenolink.Call) error) error {
	if err := db.scanGenomes(ctx, fn); err != nil {
		return fmt.Errorf("sqlite.ScanGenomes: %w", err)
	}
	return nil
}

func (db *DB) scanGenomes(ctx context.Context, fn func(profileID string, calls []phenolink.Call) error) error {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	var n int
	if err := queryRow(ctx, tx, `SELECT coalesce(max(idx) + 1, 0) FROM markers`).Scan(&n); err != nil {
		return err
	}
	buf := make([]phenolink.Call, n)
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
		copy(callBytes(buf), record)
		clear(buf[len(record):])
		if err := fn(profileID, buf); err != nil {
			return err
		}
	}
	return rows.Err()
}
