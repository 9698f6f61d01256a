package storetest

import (
	"reflect"
	"testing"

	"phenolink/internal/phenolink"
)

func testGenotypeCalls(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	save(t, s, "p1", parseImport(t,
		"rs100 1 400 GG",
		"rs10 1 100 AA",
		"rs11 1 200 AG",
		"rs12 1 300 --",
		"rs13 1 250 __",
		"rs2 2 50 CC",
		"i3 X 10 A",
	))
	save(t, s, "p2", parseImport(t, "rs14 1 150 TT")) // in the index, not on p1's chip

	row := func(id string, chrom phenolink.Chromosome, pos uint32, call string) phenolink.GenotypeRow {
		c, err := phenolink.ParseCall(call)
		if err != nil {
			t.Fatal(err)
		}
		return phenolink.GenotypeRow{Marker: phenolink.Marker{ID: id, Chrom: chrom, Pos: pos}, Call: c}
	}
	rs10, rs11, rs12 := row("rs10", 1, 100, "AA"), row("rs11", 1, 200, "AG"), row("rs12", 1, 300, "--")
	rs100, rs2, i3 := row("rs100", 1, 400, "GG"), row("rs2", 2, 50, "CC"), row("i3", phenolink.ChromosomeX, 10, "A")
	tests := []struct {
		name string
		q    phenolink.GenotypeQuery
		want []phenolink.GenotypeRow
		more bool
	}{
		{"everything on the chip", phenolink.GenotypeQuery{}, []phenolink.GenotypeRow{rs10, rs11, rs12, rs100, rs2, i3}, false},
		{"exact id", phenolink.GenotypeQuery{ID: "rs11"}, []phenolink.GenotypeRow{rs11}, false},
		{"exact id not on the chip", phenolink.GenotypeQuery{ID: "rs14"}, []phenolink.GenotypeRow{}, false},
		{"exact id is not a prefix", phenolink.GenotypeQuery{ID: "rs1"}, []phenolink.GenotypeRow{}, false},
		{"prefix", phenolink.GenotypeQuery{ID: "rs1", Prefix: true}, []phenolink.GenotypeRow{rs10, rs11, rs12, rs100}, false},
		{"region", phenolink.GenotypeQuery{Chrom: 1, Start: 150, End: 350}, []phenolink.GenotypeRow{rs11, rs12}, false},
		{"region to the end", phenolink.GenotypeQuery{Chrom: 1, Start: 300}, []phenolink.GenotypeRow{rs12, rs100}, false},
		{"whole chromosome", phenolink.GenotypeQuery{Chrom: phenolink.ChromosomeX}, []phenolink.GenotypeRow{i3}, false},
		{"first page", phenolink.GenotypeQuery{Limit: 2}, []phenolink.GenotypeRow{rs10, rs11}, true},
		{"second page", phenolink.GenotypeQuery{Limit: 2, Offset: 2}, []phenolink.GenotypeRow{rs12, rs100}, true},
		{"last page", phenolink.GenotypeQuery{Limit: 2, Offset: 4}, []phenolink.GenotypeRow{rs2, i3}, false},
		{"past the end", phenolink.GenotypeQuery{Limit: 2, Offset: 6}, []phenolink.GenotypeRow{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.GenotypeCalls(ctx, "p1", tt.q)
			if err != nil {
				t.Fatalf("GenotypeCalls(%+v): %v", tt.q, err)
			}
			if !reflect.DeepEqual(page.Rows, tt.want) || page.More != tt.more {
				t.Errorf("GenotypeCalls(%+v) = %v, more %v; want %v, more %v", tt.q, page.Rows, page.More, tt.want, tt.more)
			}
		})
	}
	for _, q := range []phenolink.GenotypeQuery{
		{ID: "rs1", Chrom: 1},
		{Limit: phenolink.MaxGenotypePage + 1},
		{Offset: -1},
		{Start: 5},
		{Chrom: 1, Start: 10, End: 5},
		{Chrom: 26},
	} {
		_, err := s.GenotypeCalls(ctx, "p1", q)
		wantCode(t, err, phenolink.EINVALID)
	}
}
