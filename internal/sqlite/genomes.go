package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"phenolink/internal/phenolink"
	"phenolink/internal/sqltrace"
)

// SaveGenome merges the import's markers into the shared index and replaces
// the profile's record, in one transaction: a failure, a cancelled context
// or a killed process leaves the previous record whole. The write
// connection's IMMEDIATE transaction makes importers in every process take
// turns, so index positions stay dense. The record's pieces for CallsAt
// (genome_chunks) are replaced in the same transaction. It returns
// ENOTFOUND when the profile does not exist and ECONFLICT when info.JobID
// is set but that job is no longer running.
func (db *DB) SaveGenome(ctx context.Context, info phenolink.GenomeInfo, markers []phenolink.Marker, calls []phenolink.Call) (phenolink.GenomeInfo, error) {
	if err := info.Validate(); err != nil {
		return phenolink.GenomeInfo{}, fmt.Errorf("sqlite.SaveGenome(%q): %w", info.ProfileID, err)
	}
	info.ImportedAt = time.Now().UTC()
	x := db.index.Lock()
	defer func() { db.index.Unlock(x) }()
	merged := -1 // the index length before a merge that may need undoing
	var m phenolink.GenomeMerge
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkJobRunning(ctx, tx, info); err != nil {
			return err
		}
		var err error
		if x, err = loadIndex(ctx, tx, x); err != nil {
			return err
		}
		if m, err = x.MergeGenome(info, markers, calls); err != nil {
			return err
		}
		merged = m.From
		// One block at a time, so the new markers are never held twice.
		for p := m.From; p < x.Len(); {
			b := x.Block(p)
			if _, err := exec(ctx, tx, `INSERT INTO marker_blocks (first, size, ids, chroms, positions) VALUES (?, ?, ?, ?, ?)`,
				b.First, b.Len(), b.IDs, b.Chroms, b.Positions); err != nil {
				return err
			}
			p += b.Len()
		}
		counts, err := json.Marshal(m.Counts)
		if err != nil {
			return err
		}
		g := m.Info
		_, err = exec(ctx, tx, `
			INSERT INTO genomes (profile_id, source, build, chip, marker_count, called, call_rate, mismatches, chrom_counts, imported_at, calls)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (profile_id) DO UPDATE SET
				source = excluded.source, build = excluded.build, chip = excluded.chip,
				marker_count = excluded.marker_count, called = excluded.called,
				call_rate = excluded.call_rate, mismatches = excluded.mismatches,
				chrom_counts = excluded.chrom_counts, imported_at = excluded.imported_at,
				calls = excluded.calls`,
			g.ProfileID, g.Source, g.Build, g.Chip, g.MarkerCount, g.Called, g.CallRate, g.Mismatches,
			string(counts), g.ImportedAt.UnixNano(), callBytes(m.Record))
		if err != nil {
			return err
		}
		// The write to genomes above moves its change counter (migration
		// 00008), which therefore covers the pieces too.
		return replaceChunks(ctx, tx, g.ProfileID, callBytes(m.Record))
	})
	if err != nil && merged >= 0 {
		x.Truncate(merged) // the new markers were rolled back
	}
	if isForeignKeyViolation(err) {
		err = fmt.Errorf("%w: %w", phenolink.Errorf(phenolink.ENOTFOUND, "No profile has id %q; sign in again to refresh your profiles.", info.ProfileID), err)
	}
	if err != nil {
		return phenolink.GenomeInfo{}, fmt.Errorf("sqlite.SaveGenome(%q, %d markers): %w", info.ProfileID, len(markers), err)
	}
	return m.Info, nil
}

// chunkSize is the number of index positions in each piece of a record
// that genome_chunks holds; migration 00011 says why it is 512.
const chunkSize = 512

// replaceChunks replaces the profile's pieces in genome_chunks with those of
// record, cut every chunkSize positions, with one prepared statement. On
// Postgres a trigger does this, for any writer; SQLite's triggers cannot:
// they take no WITH clause, and this build has no generate_series to cut
// a blob by. SQLite serves one local process, not a deploy's two releases.
func replaceChunks(ctx context.Context, tx *sql.Tx, profileID string, record []byte) error {
	if _, err := exec(ctx, tx, `DELETE FROM genome_chunks WHERE profile_id = ?`, profileID); err != nil {
		return err
	}
	if len(record) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO genome_chunks (chunk, profile_id, calls) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for k := 0; k*chunkSize < len(record); k++ {
		start := time.Now()
		_, err := stmt.ExecContext(ctx, k, profileID, record[k*chunkSize:min((k+1)*chunkSize, len(record))])
		sqltrace.Record(ctx, time.Since(start))
		if err != nil {
			return err
		}
	}
	return nil
}

// checkJobRunning fails unless the import's job, when it has one, is still
// running for the profile. The write transaction keeps it so until commit.
func checkJobRunning(ctx context.Context, tx *sql.Tx, info phenolink.GenomeInfo) error {
	if info.JobID == 0 {
		return nil
	}
	var n int
	err := queryRow(ctx, tx, `SELECT 1 FROM jobs WHERE id = ? AND state = 'running' AND profile_id = ?`,
		info.JobID, info.ProfileID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return phenolink.Errorf(phenolink.ECONFLICT, "The import was cancelled or taken over before it finished; nothing was stored.")
	}
	return err
}

// indexLength returns the number of markers in the stored index.
func indexLength(ctx context.Context, q querier) (int, error) {
	var n int
	err := queryRow(ctx, q, `SELECT coalesce(max(first + size), 0) FROM marker_blocks`).Scan(&n)
	return n, err
}

// loadIndex brings x, which may be nil, up to the stored index, reading
// only the blocks past its length: all of them in a new process, those
// other processes appended since otherwise.
func loadIndex(ctx context.Context, q querier, x *phenolink.MarkerIndex) (*phenolink.MarkerIndex, error) {
	n, err := indexLength(ctx, q)
	if err != nil {
		return nil, err
	}
	if x == nil || n < x.Len() {
		// A shorter index means the database was replaced; start over.
		x = phenolink.NewMarkerIndex()
	}
	if n == x.Len() {
		return x, nil
	}
	rows, err := query(ctx, q, `SELECT first, ids, chroms, positions FROM marker_blocks WHERE first >= ? ORDER BY first`, x.Len())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b phenolink.MarkerBlock
		if err := rows.Scan(&b.First, &b.IDs, &b.Chroms, &b.Positions); err != nil {
			return nil, err
		}
		if err := x.AppendBlock(b); err != nil {
			return nil, fmt.Errorf("loading the marker index: %w", err)
		}
	}
	return x, rows.Err()
}

// callBytes views a record as bytes without copying it; a Call is a uint8,
// so the two share their memory layout.
func callBytes(calls []phenolink.Call) []byte {
	if len(calls) == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&calls[0])), len(calls))
}

// Genome returns the profile's record info, or ENOTFOUND.
func (db *DB) Genome(ctx context.Context, profileID string) (phenolink.GenomeInfo, error) {
	g := phenolink.GenomeInfo{ProfileID: profileID}
	var imported int64
	err := db.readQueryRow(ctx, `
		SELECT source, build, chip, marker_count, called, call_rate, mismatches, imported_at
		FROM genomes WHERE profile_id = ?`, profileID).
		Scan(&g.Source, &g.Build, &g.Chip, &g.MarkerCount, &g.Called, &g.CallRate, &g.Mismatches, &imported)
	if errors.Is(err, sql.ErrNoRows) {
		err = errNoGenome(profileID)
	}
	if err != nil {
		return phenolink.GenomeInfo{}, fmt.Errorf("sqlite.Genome(%q): %w", profileID, err)
	}
	g.ImportedAt = time.Unix(0, imported).UTC()
	return g, nil
}

func errNoGenome(profileID string) error {
	return phenolink.Errorf(phenolink.ENOTFOUND, "No genotypes are stored for profile %q; import them first.", profileID)
}

// ChromosomeCounts returns the counts stored with the profile's record.
func (db *DB) ChromosomeCounts(ctx context.Context, profileID string) ([]phenolink.ChromosomeCount, error) {
	var raw string
	err := db.readQueryRow(ctx, `SELECT chrom_counts FROM genomes WHERE profile_id = ?`, profileID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		err = errNoGenome(profileID)
	}
	var counts []phenolink.ChromosomeCount
	if err == nil {
		err = json.Unmarshal([]byte(raw), &counts)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite.ChromosomeCounts(%q): %w", profileID, err)
	}
	return counts, nil
}

// DeleteGenome removes the profile's record and all of its jobs, so a
// queued import cannot bring the record back; the record's pieces in
// genome_chunks go with it by cascade. Deleting a missing record is not an
// error.
func (db *DB) DeleteGenome(ctx context.Context, profileID string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := exec(ctx, tx, `DELETE FROM jobs WHERE profile_id = ?`, profileID); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `DELETE FROM genomes WHERE profile_id = ?`, profileID)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite.DeleteGenome(%q): %w", profileID, err)
	}
	return nil
}
