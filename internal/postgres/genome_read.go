package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// GenotypeCalls lists a page of the profile's markers that are on its chip,
// ordered by chromosome and position, searching this process's copy of the
// marker index.
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
	x := db.index.Lock()
	defer func() { db.index.Unlock(x) }()
	// The record was read first, so the index read now covers it.
	if x, err = loadIndex(ctx, db.pool, x); err != nil {
		return phenolink.GenotypePage{}, fmt.Errorf("postgres.GenotypeCalls(%q): %w", profileID, err)
	}
	return x.Search(q, callsOf(record)), nil
}

// Markers returns the whole shared index in index order, decoded from its
// stored blocks (the process's cached copy is left alone).
func (db *DB) Markers(ctx context.Context) ([]phenolink.Marker, error) {
	n, err := indexLength(ctx, db.pool)
	if err != nil {
		return nil, fmt.Errorf("postgres.Markers: %w", err)
	}
	ms := make([]phenolink.Marker, 0, n)
	rows, _ := db.pool.Query(ctx, `SELECT first, ids, chroms, positions FROM marker_blocks ORDER BY first`)
	var b phenolink.MarkerBlock
	_, err = pgx.ForEachRow(rows, []any{&b.First, &b.IDs, &b.Chroms, &b.Positions}, func() error {
		ms, err = phenolink.BlockMarkers(ms, b)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres.Markers: %w", err)
	}
	return ms, nil
}

// callsOf views bytes as calls without copying them.
func callsOf(b []byte) []phenolink.Call {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*phenolink.Call)(unsafe.Pointer(&b[0])), len(b))
}

// scanTimeout bounds a whole ScanGenomes, which streams every record and
// may legitimately outlast the pool's per-statement timeout while fn works.
const scanTimeout = "15min"

// ScanGenomes streams every record, in profile id order (byte order, as
// CallsAt and CohortValues, whatever the collation), from one snapshot.
// Each record is copied straight from the wire into one reused buffer the
// length of the index, padded with NotOnChip, so a scan of thousands of
// profiles allocates one record.
func (db *DB) ScanGenomes(ctx context.Context, fn func(profileID string, calls []phenolink.Call) error) error {
	var buf []phenolink.Call
	err := db.scanRecords(ctx, func(n int) { buf = make([]phenolink.Call, n) }, func(profileID string, record []phenolink.Call) error {
		copy(buf, record)
		clear(buf[len(record):])
		return fn(profileID, buf)
	})
	if err != nil {
		return fmt.Errorf("postgres.ScanGenomes: %w", err)
	}
	return nil
}

// ScanGenomeRecords streams every record as stored, in profile id order
// (byte order), from one snapshot; each record is handed to fn in the
// connection's read buffer, as it came off the wire.
func (db *DB) ScanGenomeRecords(ctx context.Context, fn func(profileID string, record []phenolink.Call) error) error {
	if err := db.scanRecords(ctx, func(int) {}, fn); err != nil {
		return fmt.Errorf("postgres.ScanGenomeRecords: %w", err)
	}
	return nil
}

// scanReaders is how many connections read records at once. Detoasting
// and sending a 630,000-byte record is the server's work, and one backend
// does it no faster than the scan codes the calls, so a second backend
// reading every other record keeps the scan fed.
const scanReaders = 2

// scanRecords tells begin the index length of its snapshot, then calls fn
// with every record, which stays valid until fn returns. The records come
// in binary format, so the wire holds the calls themselves rather than
// twice as many hex digits, and from scanReaders connections sharing one
// snapshot, each reading every scanReaders-th profile into buffers that fn
// is handed in profile order.
func (db *DB) scanRecords(ctx context.Context, begin func(indexLen int), fn func(profileID string, record []phenolink.Call) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '`+scanTimeout+`'`); err != nil {
			return err
		}
		n, err := indexLength(ctx, tx)
		if err != nil {
			return err
		}
		begin(n)
		rows, _ := tx.Query(ctx, `SELECT profile_id FROM genomes ORDER BY profile_id COLLATE "C"`)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		readers := scanReaders
		if len(ids) < readers || db.pool.Config().MaxConns < int32(readers) {
			readers = 1
		}
		return db.readRecords(ctx, tx, ids, n, readers, fn)
	})
}

// scannedRecord is one record a reader has copied, or the error that
// stopped it.
type scannedRecord struct {
	profileID string
	calls     []phenolink.Call
	err       error
}

// readRecords reads the records of ids, in order, from readers
// connections: tx's, and others in transactions importing its snapshot.
func (db *DB) readRecords(ctx context.Context, tx pgx.Tx, ids []string, n, readers int, fn func(profileID string, record []phenolink.Call) error) error {
	var snapshot string
	if readers > 1 {
		if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
			return err
		}
	}
	// Readers left behind by an error are stopped and waited for.
	readCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		stop()
		wg.Wait()
	}()
	// Each reader may hold a record in its channel and fill another while
	// fn works on a third.
	free := make(chan []phenolink.Call, 2*readers+1)
	for range cap(free) {
		free <- make([]phenolink.Call, n)
	}
	out := make([]chan scannedRecord, readers)
	for k := range readers {
		out[k] = make(chan scannedRecord, 1)
		var mine []string
		for i := k; i < len(ids); i += readers {
			mine = append(mine, ids[i])
		}
		wg.Go(func() {
			defer close(out[k])
			var err error
			if k == 0 {
				err = readSome(readCtx, tx, mine, n, free, out[k])
			} else {
				err = db.readSomeInSnapshot(readCtx, snapshot, mine, n, free, out[k])
			}
			if err != nil {
				select {
				case out[k] <- scannedRecord{err: err}:
				case <-readCtx.Done():
				}
			}
		})
	}
	for i, id := range ids {
		r, ok := <-out[i%readers]
		switch {
		case !ok:
			return fmt.Errorf("the record of profile %q was not read", id)
		case r.err != nil:
			return r.err
		case r.profileID != id:
			return fmt.Errorf("read the record of profile %q where %q's was due", r.profileID, id)
		}
		if err := fn(r.profileID, r.calls); err != nil {
			return err
		}
		free <- r.calls[:n]
	}
	// Let the readers end their transactions before stopping them, and
	// report an error in ending them.
	wg.Wait()
	for _, c := range out {
		if r, ok := <-c; ok && r.err != nil {
			return r.err
		}
	}
	return nil
}

// readSomeInSnapshot is readSome on a connection of its own, in a
// transaction that sees the exported snapshot.
func (db *DB) readSomeInSnapshot(ctx context.Context, snapshot string, ids []string, n int, free chan []phenolink.Call, out chan<- scannedRecord) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET TRANSACTION SNAPSHOT '`+snapshot+`'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '`+scanTimeout+`'`); err != nil {
			return err
		}
		return readSome(ctx, tx, ids, n, free, out)
	})
}

// readSome copies the records of ids, sorted in byte order, into buffers
// taken from free and sends them to out in that order.
func readSome(ctx context.Context, tx pgx.Tx, ids []string, n int, free chan []phenolink.Call, out chan<- scannedRecord) error {
	rows, err := tx.Query(ctx, `SELECT profile_id, calls FROM genomes WHERE profile_id = ANY($1) ORDER BY profile_id COLLATE "C"`,
		pgx.QueryResultFormats{pgx.TextFormatCode, pgx.BinaryFormatCode}, ids)
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
		var buf []phenolink.Call
		select {
		case buf = <-free:
		case <-ctx.Done():
			return ctx.Err()
		}
		buf = buf[:copy(buf, callsOf(raw[1]))]
		select {
		case out <- scannedRecord{profileID: profileID, calls: buf}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return rows.Err()
}
