package scan

import (
	"context"
	"flag"
	"strconv"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan/scantest"
)

var fullBench = flag.Bool("scan.full", false, "benchmark the scan job at 2,000 samples x 600,000 markers too")

// BenchmarkScanJob runs the scan job end to end on an in-memory store:
// reading every genome, packing, filtering, testing, encoding and
// completing the scan.
//
//	go test -run '^$' -bench ScanJob ./internal/scan [-args -scan.full]
func BenchmarkScanJob(b *testing.B) {
	sizes := [][2]int{{1000, 100_000}}
	if *fullBench {
		sizes = append(sizes, [2]int{2000, 600_000})
	}
	for _, size := range sizes {
		n, m := size[0], size[1]
		b.Run(strconv.Itoa(n)+"x"+strconv.Itoa(m), func(b *testing.B) {
			st, _, d := newCohort(b, scantest.Config{Seed: 1, Samples: n, Markers: m})
			ctx := context.Background()
			for _, cov := range [][]string{nil, {phenolink.CovariateSex, phenolink.CovariateAge}} {
				name := "no-covariates"
				if cov != nil {
					name = "sex+age"
				}
				b.Run(name, func(b *testing.B) {
					s, err := st.CreateScan(ctx, newScan("height_mm", cov...))
					if err != nil {
						b.Fatal(err)
					}
					job := phenolink.Job{Kind: phenolink.JobScan, Payload: []byte(strconv.FormatInt(s.ID, 10))}
					h := Handler(d)
					for b.Loop() {
						if _, err := h(ctx, job, nil); err != nil {
							b.Fatal(err)
						}
					}
					_, sum, err := Run(ctx, d, s, nil)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(sum.ReadGenomes.Seconds(), "read-s")
					b.ReportMetric(sum.RanTests.Seconds(), "tests-s")
					b.ReportMetric(float64(sum.Tested), "tested")
				})
			}
		})
	}
}
