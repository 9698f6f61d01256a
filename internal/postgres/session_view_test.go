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
	db := open(b, newSchema(b), Options{Box: box})
	if err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	storetest.RunSessionViewBenchmarks(b, db)
}
