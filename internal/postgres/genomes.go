package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// SaveGenome merges the import's markers into the shared index and replaces
// the profile's record, in one transaction: a failure, a cancelled context
// or a killed process leaves the previous record whole. New markers go in
// as blocks with COPY. The index table is locked against other writers for
// the transaction, so processes importing at once take turns and index
// positions stay dense. A trigger replaces the record's pieces for
// CallsAt (genome_chunks) in the same transaction. It returns ENOTFOUND
// when the profile does not exist and ECONFLICT when info.JobID is set but
// that job is no longer running.
func (db *DB) SaveGenome(ctx context.Context, info phenolink.GenomeInfo, markers []phenolink.Marker, calls []phenolink.Call) (phenolink.GenomeInfo, error) {
	if err := info.Validate(); err != nil {
		return phenolink.GenomeInfo{}, fmt.Errorf("postgres.SaveGenome(%q): %w", info.ProfileID, err)
	}
	info.ImportedAt = time.Now().UTC().Truncate(time.Microsecond)
	x := db.index.Lock()
	defer func() { db.index.Unlock(x) }()
	merged := -1 // the index length before a merge that may need undoing
	var m phenolink.GenomeMerge
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkJobRunning(ctx, tx, info); err != nil {
			return err
		}
		// SHARE ROW EXCLUSIVE conflicts with itself and with writes, not
		// with reads: one importer at a time, readers go on.
		if _, err := tx.Exec(ctx, `LOCK TABLE marker_blocks IN SHARE ROW EXCLUSIVE MODE`); err != nil {
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
		if err := copyBlocks(ctx, tx, x, m.From); err != nil {
			return err
		}
		counts, err := json.Marshal(m.Counts)
		if err != nil {
			return err
		}
		g := m.Info
		_, err = tx.Exec(ctx, `
			INSERT INTO genomes (profile_id, source, build, chip, marker_count, called, call_rate, mismatches, chrom_counts, imported_at, calls)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (profile_id) DO UPDATE SET
				source = excluded.source, build = excluded.build, chip = excluded.chip,
				marker_count = excluded.marker_count, called = excluded.called,
				call_rate = excluded.call_rate, mismatches = excluded.mismatches,
				chrom_counts = excluded.chrom_counts, imported_at = excluded.imported_at,
				calls = excluded.calls`,
			g.ProfileID, g.Source, g.Build, g.Chip, g.MarkerCount, g.Called, g.CallRate, g.Mismatches,
			string(counts), g.ImportedAt, callBytes(m.Record))
		return err
	})
	if err != nil && merged >= 0 {
		x.Truncate(merged) // the new markers were rolled back
	}
	if isForeignKeyViolation(err) {
		err = fmt.Errorf("%w: %w", phenolink.Errorf(phenolink.ENOTFOUND, "No profile has id %q; sign in again to refresh your profiles.", info.ProfileID), err)
	}
	if err != nil {
		return phenolink.GenomeInfo{}, fmt.Errorf("postgres.SaveGenome(%q, %d markers): %w", info.ProfileID, len(markers), err)
	}
	return m.Info, nil
}

// copyBlocks writes the index's markers from position from on with COPY,
// building each block as COPY asks for it, so the new markers are never
// held twice. A re-import that added nothing skips the round trip.
func copyBlocks(ctx context.Context, tx pgx.Tx, x *phenolink.MarkerIndex, from int) error {
	if from >= x.Len() {
		return nil
	}
	p := from
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"marker_blocks"}, []string{"first", "size", "ids", "chroms", "positions"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if p >= x.Len() {
				return nil, nil
			}
			b := x.Block(p)
			p += b.Len()
			return []any{int32(b.First), int32(b.Len()), b.IDs, b.Chroms, b.Positions}, nil
		}))
	return err
}

// ChunkSize is the number of index positions in each piece of a record
// that genome_chunks holds, as migration 00011's trigger cuts them.
const ChunkSize = 1024

// checkJobRunning locks the import's job, when it has one, and fails unless
// it is still running for the profile.
func checkJobRunning(ctx context.Context, tx pgx.Tx, info phenolink.GenomeInfo) error {
	if info.JobID == 0 {
		return nil
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT 1 FROM jobs WHERE id = $1 AND state = 'running' AND profile_id = $2 FOR UPDATE`,
		info.JobID, info.ProfileID).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return phenolink.Errorf(phenolink.ECONFLICT, "The import was cancelled or taken over before it finished; nothing was stored.")
	}
	return err
}

// querier is what the pool and a transaction share.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// indexLength returns the number of markers in the stored index.
func indexLength(ctx context.Context, q querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT coalesce(max(first + size), 0) FROM marker_blocks`).Scan(&n)
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
	rows, _ := q.Query(ctx, `SELECT first, ids, chroms, positions FROM marker_blocks WHERE first >= $1 ORDER BY first`, x.Len())
	var b phenolink.MarkerBlock
	_, err = pgx.ForEachRow(rows, []any{&b.First, &b.IDs, &b.Chroms, &b.Positions}, func() error {
		return x.AppendBlock(b)
	})
	if err != nil {
		return nil, fmt.Errorf("loading the marker index: %w", err)
	}
	return x, nil
}

// callBytes views a record as bytes without copying it; a Call is a uint8,
// so the two share their memory layout, and a million-byte record is moved
// with memmove rather than byte by byte.
func callBytes(calls []phenolink.Call) []byte {
	if len(calls) == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&calls[0])), len(calls))
}

// Genome returns the profile's record info, or ENOTFOUND.
func (db *DB) Genome(ctx context.Context, profileID string) (phenolink.GenomeInfo, error) {
	g := phenolink.GenomeInfo{ProfileID: profileID}
	err := db.pool.QueryRow(ctx, `
		SELECT source, build, chip, marker_count, called, call_rate, mismatches, imported_at
		FROM genomes WHERE profile_id = $1`, profileID).
		Scan(&g.Source, &g.Build, &g.Chip, &g.MarkerCount, &g.Called, &g.CallRate, &g.Mismatches, &g.ImportedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = errNoGenome(profileID)
	}
	if err != nil {
		return phenolink.GenomeInfo{}, fmt.Errorf("postgres.Genome(%q): %w", profileID, err)
	}
	g.ImportedAt = g.ImportedAt.UTC()
	return g, nil
}

func errNoGenome(profileID string) error {
	return phenolink.Errorf(phenolink.ENOTFOUND, "No genotypes are stored for profile %q; import them first.", profileID)
}

// ChromosomeCounts returns the counts stored with the profile's record.
func (db *DB) ChromosomeCounts(ctx context.Context, profileID string) ([]phenolink.ChromosomeCount, error) {
	var raw []byte
	err := db.pool.QueryRow(ctx, `SELECT chrom_counts FROM genomes WHERE profile_id = $1`, profileID).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		err = errNoGenome(profileID)
	}
	var counts []phenolink.ChromosomeCount
	if err == nil {
		err = json.Unmarshal(raw, &counts)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres.ChromosomeCounts(%q): %w", profileID, err)
	}
	return counts, nil
}

// DeleteGenome removes the profile's record and all of its jobs, so a
// queued import cannot bring the record back; deleting a missing record is
// not an error.
func (db *DB) DeleteGenome(ctx context.Context, profileID string) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM jobs WHERE profile_id = $1`, profileID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM genomes WHERE profile_id = $1`, profileID)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres.DeleteGenome(%q): %w", profileID, err)
	}
	return nil
}
