package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// TestSharedSnapshotSeesWhatItsTransactionSees checks that the second
// transaction a split read uses sees exactly the first one's snapshot: a
// record committed after the first began is in neither, though a new
// transaction sees it.
func TestSharedSnapshotSeesWhatItsTransactionSees(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, []phenolink.Profile{{ID: "p1", UserID: "u1"}, {ID: "p2", UserID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	markers := []phenolink.Marker{{ID: "rs1", Chrom: 1, Pos: 1}}
	calls := []phenolink.Call{0x14}
	save := func(id string) {
		t.Helper()
		info := phenolink.GenomeInfo{ProfileID: id, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild, Chip: "v5"}
		if _, err := db.SaveGenome(ctx, info, markers, calls); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q interface {
		QueryRow(context.Context, string, ...any) pgx.Row
	}) int {
		t.Helper()
		var n int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM genome_chunks`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	save("p1")
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if n := count(tx); n != 1 {
		t.Fatalf("%d pieces before the second record, want 1", n)
	}
	save("p2")
	other, done, err := db.sharedSnapshot(ctx, tx)
	if err != nil || other == nil {
		t.Fatalf("sharedSnapshot = %v, %v; want a transaction (the pool has idle connections)", other, err)
	}
	defer done()
	if n := count(other); n != 1 {
		t.Errorf("the shared snapshot sees %d pieces, want the 1 its transaction sees", n)
	}
	if n := count(db.pool); n != 2 {
		t.Errorf("a new transaction sees %d pieces, want 2", n)
	}
}
