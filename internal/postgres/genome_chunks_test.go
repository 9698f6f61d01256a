package postgres

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// TestGenomeChunksMigration checks that migration 00011 cuts the records
// stored before it into the pieces SaveGenome writes, at the lengths
// where a piece ends: one marker, a piece exactly, a piece and one, and
// more, and that going down and up again gives the same.
func TestGenomeChunksMigration(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	lengths := map[string]int{"p1": 1, "p2": ChunkSize, "p3": ChunkSize + 1, "p4": 2*ChunkSize + 500}
	var profiles []phenolink.Profile
	for id := range lengths {
		profiles = append(profiles, phenolink.Profile{ID: id, UserID: "u1"})
	}
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, profiles); err != nil {
		t.Fatal(err)
	}
	// In order of length: a record spans the index as it is when saved.
	for _, id := range []string{"p1", "p2", "p3", "p4"} {
		n := lengths[id]
		markers := make([]phenolink.Marker, n)
		calls := make([]phenolink.Call, n)
		for i := range n {
			markers[i] = phenolink.Marker{ID: fmt.Sprintf("rs%d", i+1), Chrom: 1, Pos: uint32(i + 1)}
			a := uint8(1 + (i+len(id))%4)
			calls[i] = phenolink.Call(a<<4 | 4)
		}
		info := phenolink.GenomeInfo{ProfileID: id, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild, Chip: "v5"}
		if _, err := db.SaveGenome(ctx, info, markers, calls); err != nil {
			t.Fatal(err)
		}
	}
	saved := chunkRows(t, db)
	want := 1 + 1 + 2 + 3
	if len(saved) != want {
		t.Fatalf("SaveGenome wrote %d pieces, want %d", len(saved), want)
	}
	if _, err := db.migrations.DownTo(ctx, 10); err != nil {
		t.Fatalf("migrating down to 10: %v", err)
	}
	if _, err := db.migrations.Up(ctx); err != nil {
		t.Fatalf("migrating up again: %v", err)
	}
	migrated := chunkRows(t, db)
	if len(migrated) != len(saved) {
		t.Fatalf("the migration cut %d pieces, SaveGenome %d", len(migrated), len(saved))
	}
	for key, b := range saved {
		if !bytes.Equal(migrated[key], b) {
			t.Errorf("piece %s: the migration cut %d bytes, SaveGenome wrote %d, or they differ", key, len(migrated[key]), len(b))
		}
	}
}

// chunkRows returns every row of genome_chunks by profile and piece.
func chunkRows(t *testing.T, db *DB) map[string][]byte {
	t.Helper()
	rows, err := db.pool.Query(t.Context(), `SELECT profile_id, chunk, calls FROM genome_chunks`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var id string
		var k int
		var b []byte
		if err := rows.Scan(&id, &k, &b); err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("%s/%d", id, k)] = b
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGenomeChunksMigrationOutlastsStatementTimeout checks that migration
// 00011 cuts a store's records even when that takes longer than the
// connection's statement timeout: 300 records of 100,000 markers (30,000
// pieces) take some 0.4 s here, against a timeout of 200 ms.
func TestGenomeChunksMigrationOutlastsStatementTimeout(t *testing.T) {
	ctx := t.Context()
	u := newSchema(t)
	db := open(t, u, Options{})
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	profiles := make([]phenolink.Profile, 300)
	for i := range profiles {
		profiles[i] = phenolink.Profile{ID: fmt.Sprintf("p%03d", i), UserID: "u1"}
	}
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, profiles); err != nil {
		t.Fatal(err)
	}
	markers := make([]phenolink.Marker, 100_000)
	calls := make([]phenolink.Call, len(markers))
	for i := range markers {
		markers[i] = phenolink.Marker{ID: fmt.Sprintf("rs%d", i+1), Chrom: 1, Pos: uint32(i + 1)}
		calls[i] = phenolink.Call(1<<4 | 2)
	}
	for _, p := range profiles {
		info := phenolink.GenomeInfo{ProfileID: p.ID, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild, Chip: "v5"}
		if _, err := db.SaveGenome(ctx, info, markers, calls); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.migrations.DownTo(ctx, 10); err != nil {
		t.Fatalf("migrating down to 10: %v", err)
	}
	// Short enough that cutting the records outlasts it, long enough
	// for every other statement of the migration on a loaded machine.
	short := open(t, u, Options{StatementTimeout: 200 * time.Millisecond})
	if _, err := short.migrations.Up(ctx); err != nil {
		t.Fatalf("migrating up under a 200 ms statement timeout: %v", err)
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM genome_chunks`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 300*98 {
		t.Errorf("the migration cut %d pieces, want %d", n, 300*98)
	}
}

// TestGenomeChunksFollowAnyWrite checks that a record written without
// SaveGenome, as a process of the release before migration 00011 writes
// it, still gets its pieces, and that a shorter record leaves none of the
// longer one's behind.
func TestGenomeChunksFollowAnyWrite(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, []phenolink.Profile{{ID: "p1", UserID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	long := bytes.Repeat([]byte{0x12, 0x34, 0x44}, 1000) // 3,000 calls: three pieces
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO genomes (profile_id, source, build, chip, marker_count, called, call_rate, mismatches, chrom_counts, imported_at, calls)
		VALUES ('p1', 'file', 37, 'v5', 3000, 3000, 1, 0, '[]', now(), $1)`, long); err != nil {
		t.Fatal(err)
	}
	want := func(record []byte) {
		t.Helper()
		got := chunkRows(t, db)
		n := (len(record) + ChunkSize - 1) / ChunkSize
		if len(got) != n {
			t.Fatalf("%d pieces for a record of %d calls, want %d", len(got), len(record), n)
		}
		for k := range n {
			if piece := record[k*ChunkSize : min((k+1)*ChunkSize, len(record))]; !bytes.Equal(got[fmt.Sprintf("p1/%d", k)], piece) {
				t.Errorf("piece %d differs from the record's calls %d to %d", k, k*ChunkSize, k*ChunkSize+len(piece))
			}
		}
	}
	want(long)
	short := long[:1500]
	if _, err := db.pool.Exec(ctx, `UPDATE genomes SET calls = $1 WHERE profile_id = 'p1'`, short); err != nil {
		t.Fatal(err)
	}
	want(short)
}
