package ttam

import (
	"encoding/json"
	"testing"

	"phenolink/internal/phenolink"
)

// referenceMarker is the marker example from the API reference.
const referenceMarker = `{"id":"rs10195681","alternate_ids":[],"gene_names":["SYN1"],"accession_id":"NC_000002.11","start":18673,"end":18674,"is_genotyped":true,"is_assayed":true,"is_no_call":false,"variants":[{"accession_id":"NC_000002.11","start":18673,"end":18674,"allele":"C","platform_labels":["ILMN_CUSTOMv4"],"dosage":2,"is_assayed":true,"is_no_call":false},{"accession_id":"NC_000002.11","start":18673,"end":18674,"allele":"A","platform_labels":["ILMN_CUSTOMv4"],"dosage":0,"is_assayed":true,"is_no_call":false}]}`

func TestDecodeReferenceMarker(t *testing.T) {
	var m Marker
	if err := json.Unmarshal([]byte(referenceMarker), &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "rs10195681" || m.AccessionID != "NC_000002.11" || m.Start != 18673 || m.End != 18674 ||
		!m.IsGenotyped || !m.IsAssayed || m.IsNoCall || len(m.Variants) != 2 || len(m.GeneNames) != 1 {
		t.Fatalf("decoded %+v", m)
	}
	v := m.Variants[0]
	if v.Allele != "C" || v.Dosage == nil || *v.Dosage != 2 || v.PlatformLabels[0] != "ILMN_CUSTOMv4" || !v.IsAssayed {
		t.Errorf("variant %+v", v)
	}
	c, err := m.Call()
	if err != nil || c.String() != "CC" {
		t.Errorf("Call() = %v, %v; want CC", c, err)
	}
}

func dose(n int) *int { return &n }

func TestMarkerCall(t *testing.T) {
	called := func(vs ...Variant) Marker {
		return Marker{ID: "rs1", IsGenotyped: true, IsAssayed: true, Variants: vs}
	}
	tests := []struct {
		name    string
		m       Marker
		want    string
		wantErr bool
	}{
		{"homozygous", called(Variant{Allele: "G", Dosage: dose(2)}, Variant{Allele: "A", Dosage: dose(0)}), "GG", false},
		{"heterozygous sorted", called(Variant{Allele: "G", Dosage: dose(1)}, Variant{Allele: "A", Dosage: dose(1)}), "AG", false},
		{"haploid", called(Variant{Allele: "T", Dosage: dose(1)}, Variant{Allele: "C", Dosage: dose(0)}), "T", false},
		{"indel", called(Variant{Allele: "D", Dosage: dose(1)}, Variant{Allele: "I", Dosage: dose(1)}), "DI", false},
		{"no-call flag", Marker{IsGenotyped: true, IsAssayed: true, IsNoCall: true}, "--", false},
		{"null dosage", called(Variant{Allele: "G"}, Variant{Allele: "A"}), "--", false},
		{"not assayed", Marker{IsGenotyped: true, IsAssayed: false}, "__", false},
		{"assayed, not genotyped", Marker{IsGenotyped: false, IsAssayed: true}, "--", false},
		{"not assayed, stray dosage", Marker{IsGenotyped: true, Variants: []Variant{{Allele: "A", Dosage: dose(2)}}}, "__", false},
		{"dosages over 2", called(Variant{Allele: "G", Dosage: dose(2)}, Variant{Allele: "A", Dosage: dose(1)}), "", true},
		{"negative dosage", called(Variant{Allele: "G", Dosage: dose(-1)}), "", true},
		{"all zero", called(Variant{Allele: "G", Dosage: dose(0)}), "", true},
		{"long allele", called(Variant{Allele: "AT", Dosage: dose(2)}), "", true},
		{"unknown letter", called(Variant{Allele: "N", Dosage: dose(2)}), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.m.Call()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Call() error = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && c.String() != tt.want {
				t.Errorf("Call() = %q, want %q", c, tt.want)
			}
		})
	}
	if c, _ := (Marker{IsGenotyped: true, IsAssayed: true, IsNoCall: true}).Call(); c != phenolink.NoCall {
		t.Errorf("no-call is %#x, want phenolink.NoCall", uint8(c))
	}
}

func TestDecodeAccountProfiles(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"objects", `{"id":"a1","first_name":"Erin","last_name":"Mendel","email":"e@example.com","profiles":[{"id":"p1","first_name":"Erin","last_name":"Mendel","is_genotyped":true,"is_ancestry_only":false,"profile_image":null}]}`},
		{"bare ids", `{"id":"a1","first_name":"Erin","last_name":"Mendel","email":"e@example.com","profiles":["p1"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Account
			if err := json.Unmarshal([]byte(tt.body), &a); err != nil {
				t.Fatal(err)
			}
			if a.ID != "a1" || a.Email != "e@example.com" || len(a.Profiles) != 1 || a.Profiles[0].ID != "p1" {
				t.Errorf("decoded %+v", a)
			}
		})
	}
	var a Account
	if err := json.Unmarshal([]byte(`{"id":"a1","first_name":null,"last_name":null,"email":null,"profiles":[]}`), &a); err != nil || a.FirstName != "" {
		t.Errorf("null names without the names scope: %+v, %v", a, err)
	}
}

func TestDecodeReport(t *testing.T) {
	var r Report
	if err := json.Unmarshal([]byte(`{"id":"lactose","title":"Lactose intolerance","summary":{"x":1}}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.ID != "lactose" || string(r.Fields["title"]) != `"Lactose intolerance"` || len(r.Fields) != 3 {
		t.Errorf("decoded %+v", r)
	}
	if err := json.Unmarshal([]byte(`{"id":7}`), &r); err == nil {
		t.Error("a numeric report id decoded without error")
	}
}

// FuzzDecodeV3 feeds arbitrary bytes to the v3 decoders: they may reject
// them but must not panic, and a decoded marker's call must round-trip.
func FuzzDecodeV3(f *testing.F) {
	f.Add([]byte(referenceMarker))
	f.Add([]byte(`{"data":[` + referenceMarker + `],"links":{"next":null}}`))
	f.Add([]byte(`{"data":[{"id":"a1","profiles":["p1",{"id":"p2"}]}],"links":{"next":"/3/account/?offset=1"}}`))
	f.Add([]byte(`{"id":"r","variants":[{"allele":"A","dosage":null}],"is_assayed":true,"is_genotyped":true}`))
	f.Add([]byte(`{"id":"x","title":[1,2]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Marker
		if json.Unmarshal(b, &m) == nil {
			if c, err := m.Call(); err == nil {
				if back, err := phenolink.ParseCall(c.String()); err != nil || back != c {
					t.Errorf("call %v does not round-trip: %v, %v", c, back, err)
				}
			}
		}
		var env envelope[Account]
		_ = json.Unmarshal(b, &env)
		var r Report
		_ = json.Unmarshal(b, &r)
	})
}
