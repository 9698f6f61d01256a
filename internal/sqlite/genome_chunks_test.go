package sqlite

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"phenolink/internal/phenolink"
)

// chunksVersion is the migration that adds genome_chunks; the one before
// it in this store is 00009.
const chunksVersion = 11

// TestGenomeChunksMigrationCutsStoredRecords stores records of every
// length around a piece's edges, and one long enough to be halved many
// times, under the schema before genome_chunks, then migrates up and checks
// that CallsAt reads every position of every record as stored, and that
// the pieces are the records cut every chunkSize positions.
func TestGenomeChunksMigrationCutsStoredRecords(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "phenolink.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.migrations.UpTo(ctx, chunksVersion-1); err != nil {
		t.Fatalf("migrating up to %d: %v", chunksVersion-1, err)
	}
	if v, err := db.migrations.GetDBVersion(ctx); err != nil || v != 9 {
		t.Fatalf("schema version before genome_chunks = %d, %v; want 9", v, err)
	}
	lengths := []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 2*chunkSize + 7, 3000, 70_001}
	records := map[string][]byte{}
	var ps []phenolink.Profile
	for i := range lengths {
		ps = append(ps, phenolink.Profile{ID: fmt.Sprintf("p%d", i), UserID: "u1"})
	}
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, ps); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 1))
	for i, n := range lengths {
		record := make([]byte, n)
		for j := range record {
			record[j] = byte(r.IntN(256))
		}
		records[ps[i].ID] = record
		// The schema before genome_chunks, written as SaveGenome then did.
		if _, err := db.write.ExecContext(ctx, `
			INSERT INTO genomes (profile_id, source, build, chip, marker_count, called, call_rate, mismatches, chrom_counts, imported_at, calls)
			VALUES (?, 'file', 37, 'v5', ?, ?, 1, 0, '[]', 0, ?)`, ps[i].ID, n, n, record); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating up: %v", err)
	}
	wantPieces(t, db, records)
	wantCallsAt(t, db, records, 70_001+chunkSize+1)

	// SaveGenome keeps them so on top of the migrated ones.
	g := synthRecord(600, 5)
	if _, err := db.SaveGenome(ctx, phenolink.GenomeInfo{ProfileID: "p7", Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}, g.markers, g.calls); err != nil {
		t.Fatal(err)
	}
	records["p7"] = callBytes(g.calls)
	wantPieces(t, db, records)
	wantCallsAt(t, db, records, 70_001+chunkSize+1)
}

// TestGenomeChunksMigrationGoesDownAndUpAgain checks that going back below
// genome_chunks drops it and keeps the records, and that coming up again
// cuts them anew.
func TestGenomeChunksMigrationGoesDownAndUpAgain(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	ps := []phenolink.Profile{{ID: "p1", UserID: "u1"}, {ID: "p2", UserID: "u1"}, {ID: "p3", UserID: "u1"}}
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, ps); err != nil {
		t.Fatal(err)
	}
	records := map[string][]byte{}
	for i, n := range []int{3000, 2049, 700} {
		g := synthRecord(n, uint64(i))
		if _, err := db.SaveGenome(ctx, phenolink.GenomeInfo{ProfileID: ps[i].ID, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}, g.markers, g.calls); err != nil {
			t.Fatal(err)
		}
	}
	// A record is as long as the index was when it was stored.
	err := db.ScanGenomeRecords(ctx, func(profileID string, record []phenolink.Call) error {
		records[profileID] = slices.Clone(callBytes(record))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantPieces(t, db, records)

	if _, err := db.migrations.DownTo(ctx, chunksVersion-1); err != nil {
		t.Fatalf("migrating down to %d: %v", chunksVersion-1, err)
	}
	var tables int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'genome\_chunks%' ESCAPE '\'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d tables and indexes of genome_chunks remain after migrating down", tables)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM genomes`).Scan(&n); err != nil || n != len(records) {
		t.Errorf("%d records after migrating down, %v; want %d", n, err, len(records))
	}

	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating up again: %v", err)
	}
	wantPieces(t, db, records)
	wantCallsAt(t, db, records, 3000+chunkSize+1)
}

// BenchmarkChunksMigration times migration 00011 cutting 200 stored
// records of 630,000 calls into pieces.
func BenchmarkChunksMigration(b *testing.B) {
	ctx := b.Context()
	const records, markers = 200, 630_000
	record := make([]byte, markers)
	r := rand.New(rand.NewPCG(7, 3))
	for i := range record {
		record[i] = byte(r.IntN(256))
	}
	ps := make([]phenolink.Profile, records)
	for i := range ps {
		ps[i] = phenolink.Profile{ID: fmt.Sprintf("scan-p%05d", i), UserID: "u1"}
	}
	for b.Loop() {
		b.StopTimer()
		db, err := Open(ctx, filepath.Join(b.TempDir(), "phenolink.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.migrations.UpTo(ctx, chunksVersion-1); err != nil {
			b.Fatal(err)
		}
		if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, ps); err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			record[r.IntN(markers)]++ // records differ a little, as real ones do
			if _, err := db.write.ExecContext(ctx, `
				INSERT INTO genomes (profile_id, source, build, chip, marker_count, called, call_rate, mismatches, chrom_counts, imported_at, calls)
				VALUES (?, 'file', 37, 'v5', ?, ?, 1, 0, '[]', 0, ?)`, p.ID, markers, markers, record); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if _, err := db.migrations.UpTo(ctx, chunksVersion); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// synthRecord makes an import of n markers rs1, rs2, ... with calls that
// are never NotOnChip.
func synthRecord(n int, seed uint64) (g struct {
	markers []phenolink.Marker
	calls   []phenolink.Call
}) {
	r := rand.New(rand.NewPCG(seed, 2))
	for i := range n {
		g.markers = append(g.markers, phenolink.Marker{ID: fmt.Sprintf("rs%d", i+1), Chrom: 1, Pos: uint32(100 + i)})
		a, b := uint8(1+r.IntN(4)), uint8(1+r.IntN(4))
		g.calls = append(g.calls, phenolink.Call(min(a, b)<<4|max(a, b)))
	}
	return g
}

// wantPieces fails the test unless genome_chunks holds exactly records cut
// every chunkSize positions.
func wantPieces(t *testing.T, db *DB, records map[string][]byte) {
	t.Helper()
	got := map[string][]byte{}
	rows, err := db.read.QueryContext(t.Context(), `SELECT chunk, profile_id, calls FROM genome_chunks ORDER BY profile_id, chunk`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var chunk int
		var profileID string
		var calls []byte
		if err := rows.Scan(&chunk, &profileID, &calls); err != nil {
			t.Fatal(err)
		}
		if chunk*chunkSize != len(got[profileID]) || len(calls) < 1 || len(calls) > chunkSize {
			t.Errorf("piece %d of %s has %d calls after %d", chunk, profileID, len(calls), len(got[profileID]))
		}
		got[profileID] = append(got[profileID], calls...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for id, record := range records {
		if !slices.Equal(got[id], record) {
			t.Errorf("the pieces of %s join to %d calls, not its record of %d", id, len(got[id]), len(record))
		}
		delete(got, id)
	}
	for id := range got {
		t.Errorf("genome_chunks has pieces of %s, which has no record", id)
	}
}

// wantCallsAt fails the test unless CallsAt reads every record at every
// position below end, past its end NotOnChip, in profile id order.
func wantCallsAt(t *testing.T, db *DB, records map[string][]byte, end int) {
	t.Helper()
	var ids []string
	for id := range records {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for from := 0; from < end; from += MaxCallsAtPositions {
		positions := make([]int, min(MaxCallsAtPositions, end-from))
		for i := range positions {
			// Each batch backwards, so the pieces come out of order.
			positions[i] = from + len(positions) - 1 - i
		}
		var visited []string
		err := db.CallsAt(t.Context(), positions, func(profileID string, calls []phenolink.Call) error {
			visited = append(visited, profileID)
			record := records[profileID]
			for i, p := range positions {
				want := phenolink.NotOnChip
				if p < len(record) {
					want = phenolink.Call(record[p])
				}
				if calls[i] != want {
					return fmt.Errorf("%s at %d = %v, want %v", profileID, p, calls[i], want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("CallsAt(%d to %d): %v", from, from+len(positions)-1, err)
		}
		if !slices.Equal(visited, ids) {
			t.Fatalf("CallsAt visited %v, want %v", visited, ids)
		}
	}
}
