package ttam

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"phenolink/internal/phenolink"
)

func TestDecodeGenotypes(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    map[string]string
		wantErr bool
	}{
		{"flat", `{"id":"p1","rs3094315":"AA","i3000001":"II","rs9":"__","rs8":"--"}`,
			map[string]string{"rs3094315": "AA", "i3000001": "II", "rs9": "__", "rs8": "--"}, false},
		{"embedded", `{"id":"p1","genotypes":[{"location":"i3000001","call":"II"},{"location":"rs2","call":"GA"}]}`,
			map[string]string{"i3000001": "II", "rs2": "AG"}, false},
		{"haploid", `{"id":"p1","rs1":"A","rs2":"C-"}`, map[string]string{"rs1": "A", "rs2": "C"}, false},
		{"not a call", `{"id":"p1","rs1":"XY"}`, nil, true},
		{"not a string", `{"id":"p1","rs1":7}`, nil, true},
		{"embedded bad call", `{"id":"p1","genotypes":[{"location":"rs1","call":"A_"}]}`, nil, true},
		{"not json", `rs1 AA`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeGenotypes(strings.NewReader(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for loc, call := range tt.want {
				if got[loc].String() != call {
					t.Errorf("%s = %q, want %q", loc, got[loc], call)
				}
			}
		})
	}
}

func TestGenotypesChunksAndOrder(t *testing.T) {
	var requests atomic.Int32
	h := http.NewServeMux()
	h.HandleFunc("GET /1/genotypes/{pid}/", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if !strings.Contains(r.URL.RawQuery, "%20") {
			t.Errorf("locations not separated by %%20: %s", r.URL.RawQuery)
		}
		locs := strings.Split(r.URL.Query().Get("locations"), " ")
		if len(locs) > GenotypeChunk {
			t.Errorf("asked %d locations at once", len(locs))
		}
		if r.URL.Query().Get("format") == "embedded" {
			var parts []string
			for _, l := range locs {
				parts = append(parts, fmt.Sprintf(`{"location":%q,"call":"CT"}`, l))
			}
			fmt.Fprintf(w, `{"id":%q,"genotypes":[%s]}`, r.PathValue("pid"), strings.Join(parts, ","))
			return
		}
		parts := []string{fmt.Sprintf(`"id":%q`, r.PathValue("pid"))}
		for _, l := range locs {
			if l != "rs404" {
				parts = append(parts, fmt.Sprintf(`%q:"CT"`, l))
			}
		}
		fmt.Fprintf(w, "{%s}", strings.Join(parts, ","))
	})
	c := newTestClient(t, h, StaticToken("tok"))
	var locs []string
	for i := range 250 {
		locs = append(locs, fmt.Sprintf("rs%d", 1000+i))
	}
	locs = append(locs, "rs404")
	for _, embedded := range []bool{false, true} {
		requests.Store(0)
		got, err := c.Genotypes(t.Context(), "p1", locs, embedded)
		if err != nil {
			t.Fatal(err)
		}
		if requests.Load() != 3 {
			t.Errorf("embedded=%v: %d requests, want 3", embedded, requests.Load())
		}
		wantN := 250
		if embedded {
			wantN = 251
		}
		if len(got) != wantN {
			t.Fatalf("embedded=%v: %d genotypes, want %d", embedded, len(got), wantN)
		}
		for i, g := range got {
			if g.Location != locs[i] || g.Call.String() != "CT" {
				t.Errorf("genotype %d = %+v", i, g)
			}
		}
	}
}

// FuzzDecodeGenotypes checks that no v1 answer panics the decoder and that
// every call it returns is one phenolink can write back.
func FuzzDecodeGenotypes(f *testing.F) {
	f.Add(`{"id":"p1","rs3094315":"AA","i3000001":"II"}`)
	f.Add(`{"id":"p1","genotypes":[{"location":"i3000001","call":"II"}]}`)
	f.Add(`{"id":"p1","rs1":"__","rs2":"--","rs3":"G","rs4":"-T"}`)
	f.Add(`{"id":"p1","genotypes":{"location":"x"}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, body string) {
		calls, err := DecodeGenotypes(strings.NewReader(body))
		if err != nil {
			return
		}
		for loc, c := range calls {
			if back, err := phenolink.ParseCall(c.String()); err != nil || back != c {
				t.Errorf("%s: call %#x does not round-trip", loc, uint8(c))
			}
		}
	})
}
