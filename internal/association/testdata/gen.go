//go:build ignore

// Command gen writes a simulated cohort as a PLINK fileset with .pheno and
// .covar files: go run gen.go -out plink/cohort -samples 300 -markers 2000.
package main

import (
	"flag"
	"fmt"
	"os"

	"phenolink/internal/association/cohortsim"
)

func main() {
	out := flag.String("out", "plink/cohort", "output prefix")
	samples := flag.Int("samples", 300, "number of samples")
	markers := flag.Int("markers", 2000, "number of markers")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	cfg := cohortsim.Config{Samples: *samples, Markers: *markers, Seed: *seed}
	if err := cohortsim.Write(*out, cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
