package postgres

import (
	"testing"

	"phenolink/internal/secretbox"
	"phenolink/internal/storetest"
)

// TestSessionView holds the one-query reads of signed-in pages to the
// separate reads they replace.
func TestSessionView(t *testing.T) {
	storetest.RunSessionView(t, harness())
}

func BenchmarkSessionView(b *testing.B) {
	box, err := secretbox.New("bench secret")
	if err != nil {
		b.Fatal(err)
	}
	db := openMigrated(b, Options{Box: box})
	storetest.RunSessionViewBenchmarks(b, db)
}
