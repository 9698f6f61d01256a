package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestReadStatementsStayPreparedAndBounded checks that a read query is
// prepared once and reused, that a query failing to prepare is not kept,
// and that past the bound queries still answer, unprepared.
func TestReadStatementsStayPreparedAndBounded(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()

	var n int
	for range 3 {
		if err := db.readQueryRow(ctx, `SELECT 41 + ?`, 1).Scan(&n); err != nil || n != 42 {
			t.Fatalf("readQueryRow = %d, %v", n, err)
		}
	}
	if got := len(db.reads.stmts); got != 1 {
		t.Errorf("%d statements cached after one query run three times, want 1", got)
	}
	if err := db.readQueryRow(ctx, `SELECT x FROM no_such_table`).Scan(&n); err == nil {
		t.Error("a query of a missing table succeeded")
	}
	if got := len(db.reads.stmts); got != 1 {
		t.Errorf("a query that failed to prepare was cached: %d statements", got)
	}
	for i := range maxCachedStatements + 10 {
		rows, err := db.readQuery(ctx, fmt.Sprintf(`SELECT %d`, i))
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		if !rows.Next() {
			t.Fatalf("query %d: no row", i)
		}
		if err := rows.Scan(&n); err != nil || n != i {
			t.Fatalf("query %d = %d, %v", i, n, err)
		}
		rows.Close()
	}
	if got := len(db.reads.stmts); got != maxCachedStatements {
		t.Errorf("%d statements cached, want the bound %d", got, maxCachedStatements)
	}
}
