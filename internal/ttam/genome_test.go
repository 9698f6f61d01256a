package ttam

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

const sampleKey = "# 23andMe genome key\r\n# comment\r\nindex\tsnp\tchromosome\tchromosome_position\r\n" +
	"0\trs3094315\t1\t742429\r\n1\ti3000001\t1\t800000\r\n\r\n2\trs4\tX\t5000\r\n3\ti5\tMT\t16518\r\n"

func TestParseGenomeKey(t *testing.T) {
	key, err := ParseGenomeKey(strings.NewReader(sampleKey))
	if err != nil {
		t.Fatal(err)
	}
	want := []KeyMarker{{"rs3094315", "1", 742429}, {"i3000001", "1", 800000}, {"rs4", "X", 5000}, {"i5", "MT", 16518}}
	if len(key.Markers) != len(want) {
		t.Fatalf("got %d markers, want %d", len(key.Markers), len(want))
	}
	for i := range want {
		if key.Markers[i] != want[i] {
			t.Errorf("marker %d = %+v, want %+v", i, key.Markers[i], want[i])
		}
	}
}

func TestParseGenomeKeyRejects(t *testing.T) {
	const header = "index\tsnp\tchromosome\tchromosome_position\n"
	tests := map[string]string{
		"no header":        "0\trs1\t1\t5\n",
		"wrong header":     "index\tid\tchromosome\tchromosome_position\n",
		"empty":            "# only a comment\n",
		"index gap":        header + "0\trs1\t1\t5\n2\trs2\t1\t6\n",
		"index from 1":     header + "1\trs1\t1\t5\n",
		"three fields":     header + "0\trs1\t1\n",
		"five fields":      header + "0\trs1\t1\t5\tx\n",
		"bad position":     header + "0\trs1\t1\tfive\n",
		"negative":         header + "0\trs1\t1\t-5\n",
		"empty id":         header + "0\t\t1\t5\n",
		"overlong line":    header + "0\trs1\t1\t" + strings.Repeat("9", maxKeyLine) + "\n",
		"many chromosomes": header + manyChromosomes(70),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseGenomeKey(strings.NewReader(in)); err == nil {
				t.Error("parsed without error")
			}
		})
	}
}

func manyChromosomes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d\trs%d\tc%d\t%d\n", i, i, i, i)
	}
	return b.String()
}

func TestDecodeGenome(t *testing.T) {
	key, err := ParseGenomeKey(strings.NewReader(sampleKey))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		genome  string
		want    []string
		wantErr bool
	}{
		{"AG__T---", []string{"AG", "__", "T", "--"}, false},
		{"GA--DIAA", []string{"AG", "--", "DI", "A"}, false}, // MT is haploid
		{"-C", []string{"C"}, false},
		{"", nil, false},
		{"AGC", nil, true},        // odd length
		{"AGAGAGAGAG", nil, true}, // longer than the key
		{"A_", nil, true},
		{"_-", nil, true},
		{"ag", nil, true},
		{"NN", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.genome, func(t *testing.T) {
			calls, err := DecodeGenome(key, tt.genome)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if len(calls) != len(tt.want) {
				t.Fatalf("got %d calls, want %d", len(calls), len(tt.want))
			}
			for i, c := range calls {
				if c.String() != tt.want[i] {
					t.Errorf("call %d = %q, want %q", i, c, tt.want[i])
				}
			}
		})
	}
	calls, _ := DecodeGenome(key, "__--")
	if calls[0] != phenolink.NotOnChip || calls[1] != phenolink.NoCall {
		t.Errorf(`"__" and "--" decoded to %#x and %#x`, uint8(calls[0]), uint8(calls[1]))
	}
}

func TestDecodeGenomeHaploidX(t *testing.T) {
	xKey := func(n int) *GenomeKey {
		k := &GenomeKey{}
		for i := range n {
			k.Markers = append(k.Markers, KeyMarker{ID: fmt.Sprintf("rs%d", i), Chromosome: "X", Position: int64(i + 1)})
		}
		k.Markers = append(k.Markers, KeyMarker{ID: "rs_auto", Chromosome: "2", Position: 1})
		return k
	}
	tests := []struct {
		name      string
		xCalls    []string
		wantFirst string
	}{
		{"single X", repeatCall("GG", MinXCallsForSex), "G"},
		{"one heterozygous call", append(repeatCall("GG", MinXCallsForSex), "AG"), "GG"},
		{"too few calls to tell", repeatCall("GG", MinXCallsForSex-1), "GG"},
		{"no-calls do not count", append(repeatCall("GG", MinXCallsForSex-1), "--", "__"), "GG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := xKey(len(tt.xCalls))
			calls, err := DecodeGenome(key, strings.Join(tt.xCalls, "")+"TT")
			if err != nil {
				t.Fatal(err)
			}
			if calls[0].String() != tt.wantFirst {
				t.Errorf("first X call = %q, want %q", calls[0], tt.wantFirst)
			}
			if last := calls[len(calls)-1]; last.String() != "TT" {
				t.Errorf("autosomal call = %q, want TT", last)
			}
		})
	}
}

func repeatCall(c string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func TestClientGenome(t *testing.T) {
	h := http.NewServeMux()
	h.HandleFunc("GET /res/txt/snps.data", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Error("the key request carried a token")
		}
		fmt.Fprint(w, sampleKey)
	})
	h.HandleFunc("GET /1/genomes/{pid}/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"id":%q,"genome":"CT__AA--"}`, r.PathValue("pid"))
	})
	c := newTestClient(t, h, StaticToken("tok"))
	key, err := c.GenomeKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.Genome(t.Context(), "p1", key)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for id, call := range g.Pairs() {
		got = append(got, id+"="+call.String())
	}
	if want := "rs3094315=CT i3000001=__ rs4=AA i5=--"; strings.Join(got, " ") != want || g.ProfileID != "p1" {
		t.Errorf("genome %q = %q, want %q", g.ProfileID, strings.Join(got, " "), want)
	}
}

// FuzzGenomeKeyAndDecode checks that no key or genome text panics the
// decoders and that a decoded genome re-encodes to what was read, "__" and
// "--" included.
func FuzzGenomeKeyAndDecode(f *testing.F) {
	f.Add(sampleKey, "AG__T---")
	f.Add(sampleKey, "GA--DIAA")
	f.Add("index\tsnp\tchromosome\tchromosome_position\n0\trs1\t1\t1\n", "-C")
	f.Add("#\nindex\tsnp\tchromosome\tchromosome_position\n", "")
	f.Add("index\tsnp\tchromosome\tchromosome_position\n0\trs1\tY\t9\n", "A_")
	f.Fuzz(func(t *testing.T, keyText, genome string) {
		key, err := ParseGenomeKey(strings.NewReader(keyText))
		if err != nil {
			return
		}
		calls, err := DecodeGenome(key, genome)
		if err != nil {
			return
		}
		if len(calls)*2 != len(genome) {
			t.Fatalf("%d calls from %d characters", len(calls), len(genome))
		}
		for i, c := range calls {
			pair := genome[2*i : 2*i+2]
			switch {
			case pair == "__":
				if c != phenolink.NotOnChip {
					t.Errorf("__ decoded to %v", c)
				}
			case pair == "--":
				if c != phenolink.NoCall {
					t.Errorf("-- decoded to %v", c)
				}
			case c.IsHaploid():
				chrom := key.Markers[i].Chromosome
				doubled := pair[0] == pair[1] && (chrom == "MT" || chrom == "Y" || chrom == "X")
				if !strings.Contains(pair, c.String()) || !strings.Contains(pair, "-") && !doubled {
					t.Errorf("%q decoded to haploid %v", pair, c)
				}
			default:
				if back, ok := phenolink.ParseCallBytes([]byte(pair)); !ok || back != c {
					t.Errorf("%q decoded to %v", pair, c)
				}
			}
		}
	})
}
