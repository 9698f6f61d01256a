package scan

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"phenolink/internal/association"
	"phenolink/internal/jobs"
	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// Deps are what scans and exports read and write.
type Deps struct {
	Scans      phenolink.ScanStore
	Genotypes  phenolink.GenotypeStore
	Phenotypes phenolink.PhenotypeStore
	Logger     *slog.Logger // nil logs nothing
}

func (d Deps) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// MinSamples is the smallest cohort a scan runs on.
const MinSamples = 10

// Phenotype ids the covariates come from.
const (
	sexPhenotype       = "sex"
	birthYearPhenotype = "date_of_birth"
)

// progressEvery is how often a running scan reports its progress.
const progressEvery = 2 * time.Second

// Summary describes a finished scan's cohort and markers.
type Summary struct {
	Samples     int     // in the regression
	NoGenome    int     // consenting profiles with the phenotype but no stored genome
	NoSex       int     // left out: sex requested, neither recorded nor inferable
	NoAge       int     // left out: age requested, no year of birth
	Markers     int     // in the index
	Tested      int     // markers with a result
	Lambda      float64 // genomic inflation factor
	ReadGenomes time.Duration
	RanTests    time.Duration
}

// Handler runs phenolink.JobScan jobs: the payload is the decimal scan id.
// It completes the scan with its summary and encoded results.
func Handler(d Deps) jobs.Handler {
	return func(ctx context.Context, job phenolink.Job, progress jobs.Progress) (string, error) {
		id, err := strconv.ParseInt(strings.TrimSpace(string(job.Payload)), 10, 64)
		if err != nil || id <= 0 {
			return "", phenolink.Errorf(phenolink.EINVALID, "The scan job names no scan (payload %q).", job.Payload)
		}
		s, err := d.Scans.Scan(ctx, id)
		if err != nil {
			return "", fmt.Errorf("scan.Handler: loading scan %d: %w", id, err)
		}
		res, sum, err := Run(ctx, d, s, progress)
		if err != nil {
			return "", fmt.Errorf("scan.Handler: scan %d: %w", id, err)
		}
		enc, err := res.Encode()
		if err != nil {
			return "", fmt.Errorf("scan.Handler: scan %d: %w", id, err)
		}
		s.Samples, s.Tested, s.Lambda, s.CompletedAt = sum.Samples, sum.Tested, sum.Lambda, time.Now()
		if err := d.Scans.CompleteScan(ctx, s, enc); err != nil {
			return "", fmt.Errorf("scan.Handler: completing scan %d: %w", id, err)
		}
		d.logger().Info("scan done", "scan", id, "samples", sum.Samples, "markers", sum.Markers, "tested", sum.Tested,
			"lambda", sum.Lambda, "read", sum.ReadGenomes, "tests", sum.RanTests)
		return sum.message(), nil
	}
}

// message tells the researcher what the scan covered.
func (s Summary) message() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tested %d of %d markers in %d samples; genomic inflation %.3f.", s.Tested, s.Markers, s.Samples, s.Lambda)
	var left []string
	if s.NoGenome > 0 {
		left = append(left, fmt.Sprintf("%d without a genome", s.NoGenome))
	}
	if s.NoSex > 0 {
		left = append(left, fmt.Sprintf("%d without a known sex", s.NoSex))
	}
	if s.NoAge > 0 {
		left = append(left, fmt.Sprintf("%d without a year of birth", s.NoAge))
	}
	if len(left) > 0 {
		fmt.Fprintf(&b, " Left out: %s.", strings.Join(left, ", "))
	}
	return b.String()
}

// Run scans s and returns its results and summary without storing them.
// progress may be nil.
func Run(ctx context.Context, d Deps, s phenolink.Scan, progress jobs.Progress) (Results, Summary, error) {
	var sum Summary
	if err := s.Validate(); err != nil {
		return nil, sum, err
	}
	rep := &reporter{progress: progress}
	if err := rep.report(0, "Gathering the cohort.", true); err != nil {
		return nil, sum, err
	}
	ph, err := d.Phenotypes.Phenotype(ctx, s.PhenotypeID)
	if err != nil {
		return nil, sum, fmt.Errorf("loading phenotype %q: %w", s.PhenotypeID, err)
	}
	co, err := loadCohort(ctx, d.Phenotypes, s, ph)
	if err != nil {
		return nil, sum, err
	}
	sum.NoAge = co.noAge
	markers, err := d.Genotypes.Markers(ctx)
	if err != nil {
		return nil, sum, fmt.Errorf("loading the marker index: %w", err)
	}
	sum.Markers = len(markers)
	start := time.Now()
	wanted := len(co.values) - co.noAge
	g, err := readMatrix(ctx, d.Genotypes, markers, co.wanted, wanted, func(read int) error {
		return rep.report(0.5*float64(read)/float64(wanted), fmt.Sprintf("Read %d of %d genomes.", read, wanted), false)
	})
	if err != nil {
		return nil, sum, err
	}
	sum.ReadGenomes = time.Since(start)
	sum.NoGenome = wanted - g.n()
	c, valid, male := co.associationCohort(s, g, &sum)
	if sum.Samples < MinSamples {
		return nil, sum, phenolink.Errorf(phenolink.EINVALID, "Only %d consenting participants have %s, a genome and every covariate; a scan needs at least %d.", sum.Samples, ph.Label, MinSamples)
	}
	if ph.Kind == phenolink.Binary {
		if err := checkBothClasses(c.Phenotype, ph); err != nil {
			return nil, sum, err
		}
	}
	mask := newSampleMask(valid, male)
	kept := filterMarkers(g, mask, s)
	if len(kept) == 0 {
		return nil, sum, phenolink.Errorf(phenolink.EINVALID, "None of the %d markers reaches a minor-allele frequency of %g and a call rate of %g in these %d samples; lower the thresholds.", len(markers), s.MinMAF, s.MinCallRate, sum.Samples)
	}
	if err := rep.report(0.5, fmt.Sprintf("Testing %d markers.", len(kept)), true); err != nil {
		return nil, sum, err
	}
	start = time.Now()
	res, err := runTests(ctx, g, kept, c, ph.Kind, slices.Contains(s.Covariates, phenolink.CovariateSex), rep)
	if err != nil {
		return nil, sum, err
	}
	sum.RanTests = time.Since(start)
	sum.Tested = len(res)
	sum.Lambda = res.Lambda()
	return res, sum, nil
}

// checkBothClasses refuses a binary phenotype without both values.
func checkBothClasses(y []float64, ph phenolink.Phenotype) error {
	var n [2]int
	for _, v := range y {
		if v == 0 || v == 1 {
			n[int(v)]++
		}
	}
	if n[0] == 0 || n[1] == 0 {
		return phenolink.Errorf(phenolink.EINVALID, "%s needs participants with both values (%s: %d, %s: %d) to be scanned.", ph.Label, ph.Levels[0], n[0], ph.Levels[1], n[1])
	}
	return nil
}

// runTests runs the regressions over the kept markers and collects the
// results that have a p-value.
func runTests(ctx context.Context, g *genotypeMatrix, kept []keptMarker, c *association.Cohort, kind string, sexCovariate bool, rep *reporter) (Results, error) {
	opt := association.Options{Convention: association.PLINK1Linear, NoXSex: sexCovariate}
	recLen := plinkfile.RecordLen(g.n())
	markers := func(yield func(*association.Marker, error) bool) {
		var m association.Marker
		for _, k := range kept {
			mk := g.markers[k.index]
			a1, a2 := g.alleleLetters(k.index)
			m = association.Marker{Chrom: mk.Chrom.String(), ID: mk.ID, Pos: int64(mk.Pos), Allele1: a1, Allele2: a2, Genotypes: g.recs[k.index*g.recLen : k.index*g.recLen+recLen]}
			if !yield(&m, nil) {
				return
			}
		}
	}
	res := make(Results, 0, len(kept))
	done := 0
	emit := func(r *association.Result) error {
		k := kept[done]
		done++
		if r.NotTestable == "" && !math.IsNaN(r.P.MinusLog10) {
			res = append(res, Result{Marker: g.markers[k.index], A1: r.A1, A2: r.A2, N: r.N, MAF: k.maf,
				Beta: r.Beta, SE: r.SE, Stat: r.Stat, P: r.P.P, Log10P: r.P.MinusLog10})
		}
		return rep.report(0.5+0.5*float64(done)/float64(len(kept)), fmt.Sprintf("Tested %d of %d markers.", done, len(kept)), false)
	}
	var err error
	if kind == phenolink.Binary {
		err = association.LogisticScanEach(ctx, markers, c, opt, emit)
	} else {
		err = association.LinearScanEach(ctx, markers, c, opt, emit)
	}
	if err != nil {
		return nil, fmt.Errorf("testing markers: %w", err)
	}
	return res, nil
}

// reporter passes progress on at most every progressEvery, unless forced.
type reporter struct {
	progress jobs.Progress
	last     time.Time
}

func (r *reporter) report(fraction float64, message string, force bool) error {
	if r.progress == nil {
		return nil
	}
	now := time.Now()
	if !force && now.Sub(r.last) < progressEvery {
		return nil
	}
	r.last = now
	return r.progress(fraction, message)
}
