package sqlite

import (
	"path/filepath"
	"testing"

	"phenolink/internal/storetest"
)

// TestSessionView holds the one-query reads of signed-in pages to the
// separate reads they replace.
func TestSessionView(t *testing.T) {
	storetest.RunSessionView(t, harness())
}

func BenchmarkSessionView(b *testing.B) {
	db, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{Box: benchBox(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	storetest.RunSessionViewBenchmarks(b, db)
}
