package postgres

import (
	"testing"

	"phenolink/internal/storetest"
)

// TestSessionView holds the one-query reads of signed-in pages to the
// separate reads they replace.
func TestSessionView(t *testing.T) {
	storetest.RunSessionView(t, harness())
}

func BenchmarkSessionView(b *testing.B) {
	db := openMigrated(b, Options{Box: benchBox(b)})
	storetest.RunSessionViewBenchmarks(b, db)
}
