package importer

import (
	"fmt"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/secretbox"
	"phenolink/internal/ttamsim"
)

// BenchmarkSyncGenome syncs a v5 profile over a 100,000-marker key (the
// simulator's default) and a 1.2-million one into each store with the key already cached: the
// v1 request, decoding and SaveGenome, token read included.
func BenchmarkSyncGenome(b *testing.B) {
	for _, size := range []int{100_000, ttamsim.MaxMarkers} {
		for _, s := range stores {
			b.Run(fmt.Sprintf("%s/%d", s.name, size), func(b *testing.B) { benchSync(b, s.open, size) })
		}
	}
}

func benchSync(b *testing.B, open func(testing.TB, *secretbox.Box) store, size int) {
	e := newEnvSized(b, open, ttamsim.Faults{}, size)
	acc, p := e.account(b, "Erin")
	user, _ := e.signIn(b, acc.ID, "basic", "genomes")
	if _, err := e.keys.Key(b.Context(), mustClient(b, e), e.api.URL, nil); err != nil {
		b.Fatal(err)
	}
	progress := func(float64, string) error { return nil }
	for b.Loop() {
		j := e.claim(b, phenolink.JobSyncGenome, user, p.ID, nil)
		if _, err := e.im.SyncGenome(b.Context(), j, progress); err != nil {
			b.Fatal(err)
		}
		if err := e.db.Complete(b.Context(), j.ID, "done"); err != nil {
			b.Fatal(err)
		}
	}
}
