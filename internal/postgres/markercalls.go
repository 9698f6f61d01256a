package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

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
// It reads the marker-major copy, genome_chunks (migration 00011): for each
// piece the positions fall in, one range of the covering index, which holds
// that piece of every record in profile id order. The records' ids come
// from genomes in the same snapshot, so a record without that piece (it
// ends before) reads NotOnChip there. A marker of 10,000 records costs a
// read of some 10 MB of index, where a byte of each TOASTed record cost
// 10,000 index probes.
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
	var ids []string
	var cols [][]phenolink.Call // cols[j][r]: the call at positions[j] of record ids[r]
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// Byte order, as ScanGenomes, CohortValues and SQLite use,
		// whatever the database's collation.
		var err error
		if ids, err = storedProfiles(ctx, tx); err != nil {
			return err
		}
		cols, err = db.readCalls(ctx, tx, positions, ids, false)
		return err
	})
	if err != nil {
		return err
	}
	return eachRecordCalls(ids, cols, fn)
}

// snapshotID matches what pg_export_snapshot returns, which SET
// TRANSACTION SNAPSHOT takes only as a literal.
var snapshotID = regexp.MustCompile(`^[0-9A-F]+(-[0-9A-F]+)+$`)

// sharedSnapshot opens, on a second connection, a read-only transaction
// that sees exactly what tx (repeatable read) sees, by the snapshot tx
// exports, so that a read can be split between two server processes and
// both cores; done ends it. It returns a nil transaction when no
// connection is idle at once: a page never waits on the pool for a
// second connection, which pages holding one each could otherwise do
// forever.
func (db *DB) sharedSnapshot(ctx context.Context, tx pgx.Tx) (other pgx.Tx, done func(), err error) {
	if db.pool.Stat().IdleConns() == 0 {
		return nil, nil, nil
	}
	actx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	conn, err := db.pool.Acquire(actx)
	cancel()
	if err != nil {
		return nil, nil, ctx.Err() // nil unless the read itself is cancelled
	}
	var id string
	if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		conn.Release()
		return nil, nil, err
	}
	if !snapshotID.MatchString(id) {
		conn.Release()
		return nil, nil, fmt.Errorf("unexpected snapshot id %q", id)
	}
	other, err = conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		conn.Release()
		return nil, nil, err
	}
	done = func() {
		other.Rollback(context.WithoutCancel(ctx))
		conn.Release()
	}
	if _, err := other.Exec(ctx, `SET TRANSACTION SNAPSHOT '`+id+`'`); err != nil {
		done()
		return nil, nil, err
	}
	return other, done, nil
}

// eachRecordCalls calls fn for every record of ids with its calls in
// cols, as CallsAt does.
func eachRecordCalls(ids []string, cols [][]phenolink.Call, fn func(profileID string, calls []phenolink.Call) error) error {
	calls := make([]phenolink.Call, len(cols))
	for r, id := range ids {
		for j := range calls {
			calls[j] = cols[j][r]
		}
		if err := fn(id, calls); err != nil {
			return err
		}
	}
	return nil
}

// readCalls reads in tx the calls at positions of the records ids, one
// piece at a time: cols[j][r] is the call at positions[j] of record
// ids[r]. ids are every stored record's, in byte order, and the pieces are
// shared out between tx and a second transaction of the same snapshot
// when one is at hand (sharedSnapshot), each reading its own at once; or,
// when some is true, ids are some of the records, whose pieces alone tx
// reads.
func (db *DB) readCalls(ctx context.Context, tx pgx.Tx, positions []int, ids []string, some bool) ([][]phenolink.Call, error) {
	cols := make([][]phenolink.Call, len(positions))
	for j := range cols {
		cols[j] = make([]phenolink.Call, len(ids)) // NotOnChip
	}
	if len(ids) == 0 {
		return cols, nil
	}
	byChunk := map[int][]int{} // the positions' places, by the piece they are in
	var chunks []int
	for j, p := range positions {
		k := p / ChunkSize
		if byChunk[k] == nil {
			chunks = append(chunks, k)
		}
		byChunk[k] = append(byChunk[k], j)
	}
	slices.Sort(chunks)
	txs := []pgx.Tx{tx}
	if !some && len(chunks) > 1 {
		other, done, err := db.sharedSnapshot(ctx, tx)
		if err != nil {
			return nil, err
		}
		if other != nil {
			defer done()
			txs = append(txs, other)
		}
	}
	var only []string // the records whose pieces are read; nil for all
	if some {
		only = ids
	}
	// readChunk's aggregates take their rows in the subquery's order,
	// which parallel workers would not keep.
	for _, tx := range txs {
		if _, err := tx.Exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
			return nil, err
		}
	}
	// Each piece fills the columns of its own positions alone.
	errs := make([]error, len(txs))
	var wg sync.WaitGroup
	for w, tx := range txs {
		wg.Go(func() {
			// A record is cut from its start, so one that lacks a piece
			// lacks every later one too: once a piece is missing from
			// some record, the later pieces go straight to the read with
			// the records' ids.
			whole := true
			for i := w; i < len(chunks) && errs[w] == nil; i += len(txs) {
				k := chunks[i]
				if whole {
					if whole, errs[w] = readWholeChunk(ctx, tx, k, positions, byChunk[k], ids, only, cols); errs[w] != nil || whole {
						continue
					}
				}
				errs[w] = readChunk(ctx, tx, k, positions, byChunk[k], ids, only, cols)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cols, nil
}

// readWholeChunk reads piece k as readChunk does when every record of ids
// has it, and reports false, having changed nothing, when some record
// lacks it. The row then brings the number of pieces and the calls
// alone: the pieces are those of ids (each belongs to a stored record of
// the same snapshot, by its foreign key, and a record has one piece k at
// most), in the same byte order, so the i-th piece is that of ids[i], and
// neither the server aggregates nor the client matches 10,000 ids.
func readWholeChunk(ctx context.Context, tx pgx.Tx, k int, positions, places []int, ids, only []string, cols [][]phenolink.Call) (bool, error) {
	q, args := chunkQuery(`count(*)`, k, positions, places, only)
	var n int64
	var calls []byte
	if err := tx.QueryRow(ctx, q, args...).Scan(&n, &calls); err != nil {
		return false, err
	}
	if n != int64(len(ids)) {
		return false, nil
	}
	if len(calls) != len(ids)*len(places) {
		return false, fmt.Errorf("%d bytes of calls of piece %d for %d records and %d markers", len(calls), k, len(ids), len(places))
	}
	for r := range ids {
		for i, j := range places {
			cols[j][r] = phenolink.Call(calls[r*len(places)+i])
		}
	}
	return true, nil
}

// chunkQuery returns the query of piece k of every record (or of those of
// only, when not nil) that aggregates, in profile id byte order, what
// first says and the calls at positions[j] for each j of places, as one
// bytea of len(places) bytes a record (0, NotOnChip, past a shorter last
// piece's end), and its arguments, result formats first.
func chunkQuery(first string, k int, positions, places []int, only []string) (string, []any) {
	// Offsets are checked integers, written into the query so that each
	// substring is a constant-offset slice.
	var q strings.Builder
	q.WriteString(`SELECT ` + first + `, string_agg(`)
	for i, j := range places {
		if i > 0 {
			q.WriteString(` || `)
		}
		o := strconv.Itoa(positions[j]%ChunkSize + 1)
		q.WriteString(`CASE WHEN length(calls) >= ` + o + ` THEN substring(calls FROM ` + o + ` FOR 1) ELSE '\x00'::bytea END`)
	}
	args := []any{pgx.QueryResultFormats{pgx.BinaryFormatCode, pgx.BinaryFormatCode}, int32(k)}
	filter := ""
	if only != nil {
		filter, args = ` AND profile_id = ANY ($2::text[])`, append(args, only)
	}
	q.WriteString(`, ''::bytea) FROM (SELECT profile_id, calls FROM genome_chunks WHERE chunk = $1` + filter + ` ORDER BY profile_id COLLATE "C") c`)
	return q.String(), args
}

// readChunk reads piece k of every record that has it (or of those of
// only, when not nil), at positions[j] for each j of places (all in piece
// k), into cols[j] by the record's place in ids. The records come as one row: their ids as an array and
// their calls at the places as one bytea, len(places) bytes a record (0,
// NotOnChip, past a shorter last piece's end), both in profile id order.
func readChunk(ctx context.Context, tx pgx.Tx, k int, positions, places []int, ids, only []string, cols [][]phenolink.Call) error {
	q, args := chunkQuery(`array_agg(profile_id)`, k, positions, places, only)
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		raw := rows.RawValues()
		if raw[0] == nil {
			continue // no record has the piece
		}
		if err := mergeChunk(k, raw[0], raw[1], places, ids, cols); err != nil {
			return err
		}
	}
	return rows.Err()
}

// mergeChunk puts the calls readChunk read of piece k, got the records'
// ids as a binary text[], into cols at places.
func mergeChunk(k int, got, calls []byte, places []int, ids []string, cols [][]phenolink.Call) error {
	elems, n, err := textArrayElements(got)
	if err != nil {
		return err
	}
	if len(calls) != n*len(places) {
		return fmt.Errorf("%d bytes of calls of piece %d for %d records and %d markers", len(calls), k, n, len(places))
	}
	r := 0
	for e := range n {
		var id []byte
		if id, elems, err = nextElement(elems); err != nil {
			return fmt.Errorf("the records of piece %d: %w", k, err)
		}
		for r < len(ids) && ids[r] < string(id) {
			r++
		}
		if r == len(ids) || ids[r] != string(id) {
			return fmt.Errorf("piece %d of a record of %q, which is not stored or out of order", k, id)
		}
		for i, j := range places {
			cols[j][r] = phenolink.Call(calls[e*len(places)+i])
		}
		r++
	}
	return nil
}
