package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/research"
)

// BenchmarkResultsPageRender measures what the web layer adds to the
// results service on the target page of 5 SNPs x 10 phenotypes: turning
// the 50 tables into rows, tests and charts, and executing the template.
// The service's own time is measured by package research's benchmarks.
func BenchmarkResultsPageRender(b *testing.B) {
	pages, err := newRenderer(discardLogger(), Settings{}, benchAssets(b), newSessionManager(nil, Settings{}))
	if err != nil {
		b.Fatal(err)
	}
	rq, rep := benchReport()
	req := httptest.NewRequest(http.MethodGet, "/results/?"+rq.query(), nil)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		p := resultsPage{K: rep.MinGroupSize, MaxSNPs: research.MaxSNPs}
		p.fill(rq, rep)
		rec := httptest.NewRecorder()
		pages.page(rec, req, http.StatusOK, "results", p)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "page-bytes")
}

// benchReport is a report of 5 SNPs x 10 phenotypes, eight quantitative
// and two binary, each with three genotype groups of which the rarest
// homozygote is hidden in every other table.
func benchReport() (resultsRequest, *research.Report) {
	var rq resultsRequest
	rep := &research.Report{MinGroupSize: 5}
	for j := range 5 {
		rq.snps = append(rq.snps, fmt.Sprintf("rs%d", 1000+j))
	}
	for i := range 10 {
		p := phenolink.Phenotype{ID: fmt.Sprintf("trait_%d", i), Label: fmt.Sprintf("Trait %d", i), Unit: "mm", Kind: phenolink.Quantitative}
		if i >= 8 {
			p = phenolink.Phenotype{ID: fmt.Sprintf("trait_%d", i), Label: fmt.Sprintf("Trait %d", i), Kind: phenolink.Binary, Levels: [2]string{"no", "yes"}}
		}
		rq.phenotypes = append(rq.phenotypes, p)
	}
	for j, id := range rq.snps {
		m := phenolink.IndexedMarker{Marker: phenolink.Marker{ID: id, Chrom: phenolink.Chromosome(j + 1), Pos: uint32(1_000_000 * (j + 1))}, Index: j}
		for i, p := range rq.phenotypes {
			t := research.Table{Marker: m, Phenotype: p, N: 9000}
			for d, g := range []string{"GG", "AG", "AA"} {
				grp := research.Group{Genotype: g, Dosage: 2 - d, N: 1000 * (d*3 + 1), Mean: 1600 + 10*float64(d), SD: 60, Median: 1601 + 10*float64(d)}
				if p.Kind == phenolink.Binary {
					grp.Mean, grp.SD, grp.Median = 0, 0, 0
					grp.Cases, grp.CaseRate = grp.N/3, 1.0/3
				}
				if d == 0 && (i+j)%2 == 0 {
					grp = research.Group{Genotype: g, Dosage: 2, Hidden: true}
				}
				t.Groups = append(t.Groups, grp)
			}
			t.Test = &research.Test{Model: research.ModelLinear, A1: "G", A2: "A", N: t.N, Beta: -5.2, SE: 1.1, Stat: -4.7, P: 2.6e-6, MinusLog10P: 5.58}
			if p.Kind == phenolink.Binary {
				t.Test.Model, t.Test.OR, t.Test.ORLow, t.Test.ORHigh = research.ModelLogistic, 0.9, 0.8, 1.01
			}
			rep.Tables = append(rep.Tables, t)
		}
	}
	return rq, rep
}
