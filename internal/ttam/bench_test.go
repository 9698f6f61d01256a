package ttam

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"testing"

	"phenolink/internal/ttamsim"
)

// benchKey writes a key of n markers and a genome over it, the sizes of a
// full v1 answer at n = 1.2 million.
func benchKey(n int) (key []byte, genome string) {
	var k bytes.Buffer
	k.WriteString("# key\nindex\tsnp\tchromosome\tchromosome_position\n")
	g := make([]byte, 0, 2*n)
	calls := []string{"AA", "AG", "GG", "__", "--", "CT", "DI"}
	for i := range n {
		fmt.Fprintf(&k, "%d\trs%d\t%d\t%d\n", i, 1000000+i, 1+i*22/n, 10000+i*100)
		g = append(g, calls[i%len(calls)]...)
	}
	return k.Bytes(), string(g)
}

func BenchmarkParseGenomeKey(b *testing.B) {
	key, _ := benchKey(1_200_000)
	b.SetBytes(int64(len(key)))
	for b.Loop() {
		if _, err := ParseGenomeKey(bytes.NewReader(key)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeGenome(b *testing.B) {
	keyText, genome := benchKey(1_200_000)
	key, err := ParseGenomeKey(bytes.NewReader(keyText))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(genome)))
	for b.Loop() {
		if _, err := DecodeGenome(key, genome); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimFullGenome fetches and decodes the key and the genome of a
// full-size (1.2 million marker) profile from the simulator over loopback.
func BenchmarkSimFullGenome(b *testing.B) {
	sim, err := ttamsim.New(ttamsim.Config{Markers: ttamsim.MaxMarkers})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := NewClient(ClientConfig{APIURL: srv.URL, HTTPClient: srv.Client(), Tokens: StaticToken(ttamsim.DemoToken)})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		key, err := c.GenomeKey(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		g, err := c.Genome(b.Context(), ttamsim.DemoProfileID, key)
		if err != nil {
			b.Fatal(err)
		}
		if len(g.Calls) != ttamsim.MaxMarkers {
			b.Fatalf("%d calls", len(g.Calls))
		}
	}
}
