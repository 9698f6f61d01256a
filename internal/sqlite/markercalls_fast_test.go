package sqlite

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// oddProfileIDs are profile ids whose bytes could part the order SQLite
// keeps its pieces in from the order Go sorts ids in, or trip the JSON the
// ids come in: NUL and other control bytes, quotes, a backslash, upper
// case, and characters whose UTF-8 and UTF-16 orders differ.
var oddProfileIDs = []string{
	"p\x00z", "p\x01", "p\x7f", "p'q", `p"q`, `p\q`, "P", "p\u00e9", "p\u2028", "p\uff01", "p\U0001F600", "p\U0010FFFF",
}

// storeRecords stores records, by profile id, as SaveGenome leaves them (a
// genomes row and its pieces), for profiles of the user, who must have no
// others, in one write transaction: far faster than SaveGenome for
// thousands of records.
func storeRecords(tb testing.TB, db *DB, user string, records map[string][]byte) {
	tb.Helper()
	ctx := tb.Context()
	var ps []phenolink.Profile
	for id := range records {
		ps = append(ps, phenolink.Profile{ID: id, UserID: user})
	}
	if err := db.SaveUser(ctx, phenolink.User{ID: user, Email: user + "@example.com"}, ps); err != nil {
		tb.Fatal(err)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for id, record := range records {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO genomes (profile_id, source, build, chip, marker_count, called, call_rate, mismatches, chrom_counts, imported_at, calls)
				VALUES (?, 'file', 37, 'v5', ?, ?, 1, 0, '[]', 0, ?)`, id, len(record), len(record), record); err != nil {
				return err
			}
			if err := replaceChunks(ctx, tx, id, record); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// randomRecord returns n calls of every byte value, NotOnChip among them.
func randomRecord(r *rand.Rand, n int) []byte {
	record := make([]byte, n)
	for i := range record {
		record[i] = byte(r.IntN(256))
	}
	return record
}

// readChunkBothWays reads every position of piece chunk, in a shuffled
// order, of the records stored, both as one row (readWholeChunk) and row
// by row (readChunk), each into calls of its own.
func readChunkBothWays(t *testing.T, db *DB, chunk int, ids []string, r *rand.Rand) (whole bool, fast, rows []phenolink.Call) {
	t.Helper()
	ctx := t.Context()
	positions := make([]int, chunkSize)
	for i := range positions {
		positions[i] = chunk*chunkSize + i
	}
	r.Shuffle(len(positions), func(i, j int) { positions[i], positions[j] = positions[j], positions[i] })
	which := make([]int, len(positions))
	for i := range which {
		which[i] = i
	}
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rollback(tx)
	fast = make([]phenolink.Call, len(ids)*len(positions))
	rows = make([]phenolink.Call, len(ids)*len(positions))
	if whole, err = readWholeChunk(ctx, tx, chunk, positions, which, ids, nil, fast); err != nil {
		t.Fatalf("readWholeChunk(%d): %v", chunk, err)
	}
	if err := readChunk(ctx, tx, chunk, positions, which, ids, nil, rows); err != nil {
		t.Fatalf("readChunk(%d): %v", chunk, err)
	}
	return whole, fast, rows
}

// storedIDs returns the stored records' profile ids as readCallsAt reads
// them.
func storedIDs(t *testing.T, db *DB) []string {
	t.Helper()
	ids, err := storedProfiles(t.Context(), db.read)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestCallsAtWholePiecesReadAsRows stores records that all have their
// first four pieces, some ending inside the fourth, under odd profile ids,
// and checks that every position of those pieces reads the same as one
// row as row by row; then adds a record that ends after two pieces, and
// checks that the pieces it lacks are left to the row-by-row read and
// that CallsAt still reads every record as stored.
func TestCallsAtWholePiecesReadAsRows(t *testing.T) {
	db := openMigrated(t, Options{})
	r := rand.New(rand.NewPCG(3, 4))
	records := map[string][]byte{}
	lengths := []int{3*chunkSize + 1, 3*chunkSize + 100, 3*chunkSize + 100, 4 * chunkSize, 4*chunkSize + 9}
	for i, id := range oddProfileIDs {
		records[id] = randomRecord(r, lengths[i%len(lengths)])
	}
	for i := range 30 {
		records[fmt.Sprintf("p%02d", i)] = randomRecord(r, lengths[i%len(lengths)])
	}
	storeRecords(t, db, "u1", records)
	ids := storedIDs(t, db)
	if len(ids) != len(records) {
		t.Fatalf("%d ids read, %d records stored", len(ids), len(records))
	}
	for chunk := range 5 {
		whole, fast, rows := readChunkBothWays(t, db, chunk, ids, r)
		if want := chunk < 4; whole != want {
			t.Errorf("piece %d read as one row: %v, want %v", chunk, whole, want)
		}
		if whole && !slices.Equal(fast, rows) {
			t.Errorf("piece %d reads differently as one row and row by row", chunk)
		}
		if !whole && slices.ContainsFunc(fast, func(c phenolink.Call) bool { return c != phenolink.NotOnChip }) {
			t.Errorf("piece %d, not read as one row, changed the calls", chunk)
		}
	}
	wantCallsAt(t, db, records, 4*chunkSize+9+chunkSize+1)

	// A record of two pieces: the third and later are read row by row.
	short := map[string][]byte{"p\u00e8": randomRecord(r, 2*chunkSize)}
	storeRecords(t, db, "u2", short)
	records["p\u00e8"] = short["p\u00e8"]
	ids = storedIDs(t, db)
	for chunk := range 5 {
		whole, fast, rows := readChunkBothWays(t, db, chunk, ids, r)
		if want := chunk < 2; whole != want {
			t.Errorf("with a shorter record, piece %d read as one row: %v, want %v", chunk, whole, want)
		}
		if whole && !slices.Equal(fast, rows) {
			t.Errorf("with a shorter record, piece %d reads differently as one row and row by row", chunk)
		}
	}
	wantCallsAt(t, db, records, 4*chunkSize+9+chunkSize+1)
}

// TestCallsAtWholePieceWrongCount checks that a piece whose count of rows
// is not the number of ids is not read as one row, and leaves the calls
// alone, whether an id is missing or one too many.
func TestCallsAtWholePieceWrongCount(t *testing.T) {
	db := openMigrated(t, Options{})
	r := rand.New(rand.NewPCG(5, 6))
	records := map[string][]byte{}
	for i := range 10 {
		records[fmt.Sprintf("p%d", i)] = randomRecord(r, chunkSize+1)
	}
	storeRecords(t, db, "u1", records)
	ids := storedIDs(t, db)
	for name, wrong := range map[string][]string{
		"one missing":  ids[1:],
		"one too many": append(slices.Clone(ids), "q"),
	} {
		tx, err := db.read.BeginTx(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		calls := make([]phenolink.Call, len(wrong))
		whole, err := readWholeChunk(t.Context(), tx, 0, []int{7}, []int{0}, wrong, nil, calls)
		rollback(tx)
		if err != nil || whole {
			t.Errorf("%s: readWholeChunk = %v, %v; want false, nil", name, whole, err)
		}
		if slices.ContainsFunc(calls, func(c phenolink.Call) bool { return c != phenolink.NotOnChip }) {
			t.Errorf("%s: readWholeChunk changed the calls", name)
		}
	}
}

// TestWholeChunkQueryReadsInKeyOrder checks the plan that readWholeChunk's
// order rests on: one search of genome_chunks by its primary key, which
// yields the pieces in profile id order, and no sort anywhere.
func TestWholeChunkQueryReadsInKeyOrder(t *testing.T) {
	db := openMigrated(t, Options{})
	q, args := wholeChunkQuery(3, []int{3*chunkSize + 5, 3*chunkSize + 400}, []int{1, 0}, nil)
	rows, err := db.read.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(plan, "; ")
	if !strings.Contains(all, "SEARCH genome_chunks USING PRIMARY KEY (chunk=?)") || strings.Contains(all, "TEMP B-TREE") {
		t.Errorf("plan of %s: %s; want a search by the primary key and no sort", q, all)
	}
}

// BenchmarkCallsAtPieces reads 5 positions, each in a piece of its own,
// of 10,000 records of 10,000 markers, as the per-SNP results page does:
// with every record having every piece, so that each piece is one row,
// and with one record more that ends before the last three pieces, which
// are then read row by row after one try as a row. path=rows reads every
// piece row by row, for comparison.
func BenchmarkCallsAtPieces(b *testing.B) {
	db := openMigrated(b, Options{})
	r := rand.New(rand.NewPCG(1, 2))
	records := map[string][]byte{}
	for i := range 10_000 {
		records[fmt.Sprintf("p%05d", i)] = randomRecord(r, 10_000)
	}
	storeRecords(b, db, "u1", records)
	positions := []int{900, 2300, 4600, 7300, 9990}
	read := func(b *testing.B, want int) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			if err := db.CallsAt(b.Context(), positions, func(string, []phenolink.Call) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
			if n != want {
				b.Fatalf("CallsAt visited %d records, want %d", n, want)
			}
		}
	}
	readRows := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tx, err := db.read.BeginTx(b.Context(), nil)
			if err != nil {
				b.Fatal(err)
			}
			ids, err := storedProfiles(b.Context(), tx)
			if err != nil {
				b.Fatal(err)
			}
			calls := make([]phenolink.Call, len(ids)*len(positions))
			for j, p := range positions {
				if err := readChunk(b.Context(), tx, p/chunkSize, positions, []int{j}, ids, nil, calls); err != nil {
					b.Fatal(err)
				}
			}
			rollback(tx)
		}
	}
	b.Run("records=equal/path=whole", func(b *testing.B) { read(b, len(records)) })
	b.Run("records=equal/path=rows", readRows)
	storeRecords(b, db, "u2", map[string][]byte{"p-short": randomRecord(r, 3000)})
	b.Run("records=one-short/path=whole-then-rows", func(b *testing.B) { read(b, len(records)+1) })
	b.Run("records=one-short/path=rows", readRows)
}

// TestSecondReaderSeesTheSameRecords checks that a second read
// connection joins a read only while it sees the genome count the first
// saw: after a record is written between the two, it does not, and the
// read stays on one connection.
func TestSecondReaderSeesTheSameRecords(t *testing.T) {
	db := openMigrated(t, Options{})
	storeRecords(t, db, "u1", map[string][]byte{"p1": {0x11, 0x13}})
	gens, err := db.Generations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other, done := db.secondReader(t.Context(), gens.Genomes)
	if other == nil {
		t.Fatal("no second reader at the current count, with the pool idle")
	}
	// It outlasts the wait for its connection.
	time.Sleep(30 * time.Millisecond)
	var n int
	if err := other.QueryRow(`SELECT count(*) FROM genome_chunks`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the second reader, 30 ms on, counts %d pieces (%v); want 1", n, err)
	}
	done()
	storeRecords(t, db, "u2", map[string][]byte{"p2": {0x33}})
	if other, done := db.secondReader(t.Context(), gens.Genomes); other != nil {
		done()
		t.Error("a second reader joined a read of an older count, after a record was written")
	}
}
