package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// GenotypeCalls lists a page of the profile's markers that are on its chip,
// ordered by chromosome and position. The record travels to the server as a
// parameter, so the filter reads it from memory rather than decompressing
// the stored value once per row.
func (db *DB) GenotypeCalls(ctx context.Context, profileID string, q phenolink.GenotypeQuery) (phenolink.GenotypePage, error) {
	q, err := q.Normalize()
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("postgres.GenotypeCalls(%q): %w", profileID, err)
	}
	var record []byte
	err = db.pool.QueryRow(ctx, `SELECT calls FROM genomes WHERE profile_id = $1`, profileID).Scan(&record)
	if errors.Is(err, pgx.ErrNoRows) {
		err = errNoGenome(profileID)
	}
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("postgres.GenotypeCalls(%q): %w", profileID, err)
	}
	where, args := `true`, []any{record, q.Limit + 1, q.Offset}
	switch {
	case q.ID != "" && q.Prefix:
		// A byte range on the "C"-collated unique index; U+10FFFF sorts
		// after every byte an id can continue with.
		where, args = `id >= $4 AND id < $5`, append(args, q.ID, q.ID+"\U0010FFFF")
	case q.ID != "":
		where, args = `id = $4`, append(args, q.ID)
	case q.Chrom != 0:
		where, args = `chrom = $4 AND pos BETWEEN $5 AND $6`, append(args, int16(q.Chrom), int32(q.Start), int32(q.End))
	}
	rows, _ := db.pool.Query(ctx, `
		SELECT idx, id, chrom, pos FROM markers
		WHERE `+where+` AND idx < length($1::bytea) AND get_byte($1::bytea, idx) <> 0
		ORDER BY chrom, pos, idx LIMIT $2 OFFSET $3`, args...)
	page := phenolink.GenotypePage{Rows: []phenolink.GenotypeRow{}}
	var idx int32
	var chrom int16
	var pos int32
	var id string
	_, err = pgx.ForEachRow(rows, []any{&idx, &id, &chrom, &pos}, func() error {
		page.Rows = append(page.Rows, phenolink.GenotypeRow{
			Marker: phenolink.Marker{ID: id, Chrom: phenolink.Chromosome(chrom), Pos: uint32(pos)},
			Call:   phenolink.Call(record[idx]),
		})
		return nil
	})
	if err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("postgres.GenotypeCalls(%q): %w", profileID, err)
	}
	if len(page.Rows) > q.Limit {
		page.Rows, page.More = page.Rows[:q.Limit], true
	}
	return page, nil
}

// Markers returns the whole shared index in index order.
func (db *DB) Markers(ctx context.Context) ([]phenolink.Marker, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(idx) + 1, 0) FROM markers`).Scan(&n); err != nil {
		return nil, fmt.Errorf("postgres.Markers: %w", err)
	}
	ms := make([]phenolink.Marker, 0, n)
	rows, _ := db.pool.Query(ctx, `SELECT id, chrom, pos FROM markers ORDER BY idx`)
	var id string
	var chrom int16
	var pos int32
	_, err := pgx.ForEachRow(rows, []any{&id, &chrom, &pos}, func() error {
		ms = append(ms, phenolink.Marker{ID: id, Chrom: phenolink.Chromosome(chrom), Pos: uint32(pos)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres.Markers: %w", err)
	}
	return ms, nil
}

// scanTimeout bounds a whole ScanGenomes, which streams every record and
// may legitimately outlast the pool's per-statement timeout while fn works.
const scanTimeout = "15min"

// ScanGenomes streams every record, in profile id order, from one snapshot.
// Each record is copied straight from the wire into one reused buffer the
// length of the index, padded with NotOnChip, so a scan of thousands of
// profiles allocates one record.
func (db *DB) ScanGenomes(ctx context.Context, fn func(profileID string, calls []phenolink.Call) error) error {
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '`+scanTimeout+`'`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(idx) + 1, 0) FROM markers`).Scan(&n); err != nil {
			return err
		}
		buf := make([]phenolink.Call, n)
		rows, err := tx.Query(ctx, `SELECT profile_id, calls FROM genomes ORDER BY profile_id`,
			pgx.QueryResultFormats{pgx.TextFormatCode, pgx.BinaryFormatCode})
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			raw := rows.RawValues()
			profileID := string(raw[0])
			if len(raw[1]) > n {
				return fmt.Errorf("the record of profile %q has %d calls, more than the %d markers indexed", profileID, len(raw[1]), n)
			}
			copy(callBytes(buf), raw[1])
			clear(buf[len(raw[1]):])
			if err := fn(profileID, buf); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("postgres.ScanGenomes: %w", err)
	}
	return nil
}
