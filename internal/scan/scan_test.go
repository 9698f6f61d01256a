package scan

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"phenolink/internal/association"
	"phenolink/internal/phenolink"
	"phenolink/internal/scan/scantest"
)

func newScan(phenotype string, covariates ...string) phenolink.Scan {
	return phenolink.Scan{PhenotypeID: phenotype, Covariates: covariates, CreatedBy: "researcher",
		CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
}

func TestScanMatchesAssociation(t *testing.T) {
	_, c, d := newCohort(t, scantest.Config{Seed: 7, Samples: 240, Markers: 3000})
	ctx := context.Background()
	all := func(int) bool { return true }
	ref := referenceMarkers(c, all)
	sex := make([]int, len(c.Individuals))
	for i, ind := range c.Individuals {
		sex[i] = plinkSex(ind)
	}
	opt := association.Options{Convention: association.PLINK1Linear}

	t.Run("linear", func(t *testing.T) {
		got, sum, err := Run(ctx, d, newScan("height_mm"), nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := association.LinearScan(ctx, markerSeq(ref), &association.Cohort{Phenotype: c.Height, Sex: sex}, opt)
		if err != nil {
			t.Fatal(err)
		}
		compareAll(t, got, want)
		if sum.Samples != 240 || sum.Tested != len(got) || sum.Markers != 3000 {
			t.Errorf("summary %+v", sum)
		}
		if l := association.InflationFactor(want); !near(sum.Lambda, l) {
			t.Errorf("lambda %g, association says %g", sum.Lambda, l)
		}
		top := got.TopHits(1)
		if len(top) != 1 || top[0].Log10P < 10 {
			t.Fatalf("top hit %+v: the planted effect should stand out", top)
		}
		if planted := c.Key[commonAutosomal(c.Key)].ID; top[0].Marker.ID != planted {
			t.Errorf("top hit %s, planted %s", top[0].Marker.ID, planted)
		}
	})
	t.Run("logistic", func(t *testing.T) {
		got, _, err := Run(ctx, d, newScan("chronotype"), nil)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float64, len(c.Height))
		for i, ind := range c.Individuals {
			res := c.Height[i] - 1650
			if ind.Sex == 2 {
				res -= 130
			}
			if res > 0 {
				y[i] = 1
			}
		}
		want, err := association.LogisticScan(ctx, markerSeq(ref), &association.Cohort{Phenotype: y, Sex: sex}, opt)
		if err != nil {
			t.Fatal(err)
		}
		compareAll(t, got, want)
	})
	t.Run("covariates", func(t *testing.T) {
		got, _, err := Run(ctx, d, newScan("height_mm", phenolink.CovariateSex, phenolink.CovariateAge), nil)
		if err != nil {
			t.Fatal(err)
		}
		sexCol, age := make([]float64, len(sex)), make([]float64, len(sex))
		for i := range sex {
			sexCol[i] = float64(2 - sex[i]) // male 1, female 0
			age[i] = 2026 - c.BirthYear[i]
		}
		cov := &association.Cohort{Phenotype: c.Height, Sex: sex, Covariates: [][]float64{sexCol, age}}
		want, err := association.LinearScan(ctx, markerSeq(ref), cov, association.Options{Convention: association.PLINK1Linear, NoXSex: true})
		if err != nil {
			t.Fatal(err)
		}
		compareAll(t, got, want)
	})
}

func TestScanLeavesOutProfilesWithoutCovariates(t *testing.T) {
	// Every 5th profile has no recorded sex, so it is inferred; every 7th
	// has no year of birth and leaves scans that adjust for age.
	st, c, d := newCohort(t, scantest.Config{Seed: 3, Samples: 140, Markers: 4000, NoSexEvery: 5, NoBirthYearEvery: 7})
	ctx := context.Background()
	// One more participant has every value but no genome.
	st.AddProfile(ctx, "u99999", "p99999")
	st.GiveConsent(ctx, phenolink.Consent{UserID: "u99999", Version: phenolink.ConsentVersion})
	if err := st.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{{ProfileID: "p99999", PhenotypeID: "height_mm", Value: 1700},
		{ProfileID: "p99999", PhenotypeID: "sex", Value: 1}, {ProfileID: "p99999", PhenotypeID: "date_of_birth", Value: 1980}}); err != nil {
		t.Fatal(err)
	}
	got, sum, err := Run(ctx, d, newScan("height_mm", phenolink.CovariateSex, phenolink.CovariateAge), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NoAge != 20 || sum.Samples != 120 || sum.NoSex != 0 || sum.NoGenome != 1 {
		t.Errorf("summary %+v: want 20 without a year of birth, 1 without a genome, 120 samples, every sex inferred", sum)
	}
	keep := func(i int) bool { return i%7 != 0 }
	ref := referenceMarkers(c, keep)
	var y, sexCol, age []float64
	var sex []int
	for i, ind := range c.Individuals {
		if !keep(i) {
			continue
		}
		y = append(y, c.Height[i])
		sex = append(sex, plinkSex(ind))
		sexCol = append(sexCol, float64(2-plinkSex(ind)))
		age = append(age, 2026-c.BirthYear[i])
	}
	want, err := association.LinearScan(ctx, markerSeq(ref), &association.Cohort{Phenotype: y, Sex: sex, Covariates: [][]float64{sexCol, age}}, association.Options{Convention: association.PLINK1Linear, NoXSex: true})
	if err != nil {
		t.Fatal(err)
	}
	compareAll(t, got, want)
	if msg := sum.message(); !strings.Contains(msg, "1 without a genome, 20 without a year of birth") {
		t.Errorf("message %q does not say who was left out", msg)
	}
}

func TestInferredSexMatchesGenomes(t *testing.T) {
	st, c, _ := newCohort(t, scantest.Config{Seed: 11, Samples: 60, Markers: 20000})
	markers, _ := st.Markers(context.Background())
	g, err := readMatrix(context.Background(), st, markers, func(string) bool { return true }, 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, ind := range c.Individuals {
		if got, want := g.stats[i].inferredSex(), plinkSex(ind); got != want {
			t.Errorf("%s: inferred sex %d, want %d (stats %+v)", c.Profiles[i], got, want, g.stats[i])
		}
	}
	if got := (genomeStats{xCalled: 50, yOnChip: 10, ySeen: 10}).inferredSex(); got != 0 {
		t.Errorf("sex inferred from 50 X calls: %d, want unknown", got)
	}
}

func TestScanExcludesWithdrawnConsent(t *testing.T) {
	st, c, d := newCohort(t, scantest.Config{Seed: 5, Samples: 80, Markers: 2000})
	ctx := context.Background()
	before, sb, err := Run(ctx, d, newScan("height_mm"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range c.Users[:10] {
		if err := st.WithdrawConsent(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	after, sa, err := Run(ctx, d, newScan("height_mm"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sb.Samples != 80 || sa.Samples != 70 {
		t.Fatalf("samples %d before and %d after 10 withdrawals", sb.Samples, sa.Samples)
	}
	for _, r := range after {
		if r.N > 70 {
			t.Fatalf("%s uses %d samples after withdrawals", r.Marker.ID, r.N)
		}
	}
	ref := referenceMarkers(c, func(i int) bool { return i >= 10 })
	var sex []int
	for _, ind := range c.Individuals[10:] {
		sex = append(sex, plinkSex(ind))
	}
	want, err := association.LinearScan(ctx, markerSeq(ref), &association.Cohort{Phenotype: c.Height[10:], Sex: sex}, association.Options{Convention: association.PLINK1Linear})
	if err != nil {
		t.Fatal(err)
	}
	compareAll(t, after, want)
	if len(before) == 0 {
		t.Fatal("no results before the withdrawals")
	}
}

// handMade stores genomes written out call by call, for the filters.
func handMade(t *testing.T, genomes map[string][]string, heights map[string]float64) Deps {
	t.Helper()
	ctx := context.Background()
	st := scantest.New()
	markers := []phenolink.Marker{
		{ID: "rs1", Chrom: 1, Pos: 100}, {ID: "rs2", Chrom: 1, Pos: 200},
		{ID: "rs3", Chrom: 2, Pos: 300}, {ID: "rs4", Chrom: 2, Pos: 400},
	}
	for p, gs := range genomes {
		st.AddProfile(ctx, "u"+p, p)
		st.GiveConsent(ctx, phenolink.Consent{UserID: "u" + p, Version: phenolink.ConsentVersion})
		calls := make([]phenolink.Call, len(gs))
		for i, s := range gs {
			c, err := phenolink.ParseCall(s)
			if err != nil {
				t.Fatal(err)
			}
			calls[i] = c
		}
		if _, err := st.SaveGenome(ctx, phenolink.GenomeInfo{ProfileID: p, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}, markers, calls); err != nil {
			t.Fatal(err)
		}
		if err := st.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{{ProfileID: p, PhenotypeID: "height_mm", Value: heights[p]}}); err != nil {
			t.Fatal(err)
		}
	}
	return Deps{Scans: st, Genotypes: st, Phenotypes: st}
}

func TestScanFilters(t *testing.T) {
	// 20 samples. rs1: MAF 0.25, every call made. rs2: MAF 0.5, called in
	// 12 of 20. rs3: MAF 0.05. rs4: a third allele in one sample.
	genomes, heights := map[string][]string{}, map[string]float64{}
	for i := range 20 {
		p := "p" + strconv.Itoa(100+i)
		g := []string{"AA", "CC", "GG", "AA"}
		if i < 10 {
			g[0] = "AG"
		}
		switch {
		case i >= 12:
			g[1] = "--"
		case i%2 == 0:
			g[1] = "CT"
		case i%4 == 1:
			g[1] = "TT"
		}
		if i == 0 {
			g[2] = "GT"
			g[2] = "TT"
		}
		if i%3 == 0 {
			g[3] = "AC"
		}
		if i == 19 {
			g[3] = "GG"
		}
		genomes[p], heights[p] = g, 1500+float64(i*10)
	}
	d := handMade(t, genomes, heights)
	tests := []struct {
		maf, callRate float64
		want          string
	}{
		{0, 0, "rs1 rs2 rs3"},
		{0.1, 0, "rs1 rs2"},
		{0.3, 0, "rs2"},
		{0, 0.7, "rs1 rs3"},
		{0.2, 0.6, "rs1 rs2"},
		{0.2, 0.61, "rs1"},
	}
	for _, tt := range tests {
		s := newScan("height_mm")
		s.MinMAF, s.MinCallRate = tt.maf, tt.callRate
		got, _, err := Run(context.Background(), d, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.Marker.ID)
			if r.MAF < tt.maf {
				t.Errorf("%s has MAF %g below %g", r.Marker.ID, r.MAF, tt.maf)
			}
		}
		if strings.Join(ids, " ") != tt.want {
			t.Errorf("MinMAF %g MinCallRate %g: tested %v, want %s", tt.maf, tt.callRate, ids, tt.want)
		}
	}
	s := newScan("height_mm")
	s.MinMAF, s.MinCallRate = 0.49, 0.9
	if _, _, err := Run(context.Background(), d, s, nil); phenolink.ErrorCode(err) != phenolink.EINVALID || !strings.Contains(phenolink.ErrorMessage(err), "lower the thresholds") {
		t.Errorf("thresholds no marker reaches: %v", err)
	}
	got, _, _ := Run(context.Background(), d, newScan("height_mm"), nil)
	if want := []float64{0.25, 0.5, 0.05}; len(got) != 3 || got[0].MAF != want[0] || got[1].MAF != want[1] || got[2].MAF != want[2] {
		t.Errorf("MAFs of %+v, want %v", got, want)
	}
}

func TestScanRefusals(t *testing.T) {
	_, _, d := newCohort(t, scantest.Config{Seed: 1, Samples: 8, Markers: 500})
	ctx := context.Background()
	tests := []struct {
		scan phenolink.Scan
		code string
		want string
	}{
		{newScan("height_mm"), phenolink.EINVALID, "at least 10"},
		{newScan("no_such_trait"), phenolink.ENOTFOUND, "no_such_trait"},
		{phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: "r", MinMAF: 0.7}, phenolink.EINVALID, "minor-allele"},
	}
	for _, tt := range tests {
		_, _, err := Run(ctx, d, tt.scan, nil)
		if phenolink.ErrorCode(err) != tt.code || !strings.Contains(phenolink.ErrorMessage(err), tt.want) {
			t.Errorf("Run(%+v): %v, want %s saying %q", tt.scan, err, tt.code, tt.want)
		}
	}
}

func TestHandlerCompletesScan(t *testing.T) {
	st, _, d := newCohort(t, scantest.Config{Seed: 9, Samples: 60, Markers: 1500})
	ctx := context.Background()
	s, err := st.CreateScan(ctx, newScan("height_mm", phenolink.CovariateSex))
	if err != nil {
		t.Fatal(err)
	}
	var fractions []float64
	progress := func(f float64, msg string) error {
		fractions = append(fractions, f)
		return nil
	}
	h := Handler(d)
	msg, err := h(ctx, phenolink.Job{ID: 1, Kind: phenolink.JobScan, Payload: []byte(strconv.FormatInt(s.ID, 10))}, progress)
	if err != nil {
		t.Fatal(err)
	}
	done, err := st.Scan(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := st.ScanResults(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := Run(ctx, d, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(want) || done.Tested != len(want) || done.Samples != 60 || done.CompletedAt.IsZero() || !near(done.Lambda, want.Lambda()) {
		t.Errorf("stored scan %+v with %d results; want %d results over 60 samples", done, len(res), len(want))
	}
	for i := range res {
		if res[i] != want[i] {
			t.Fatalf("stored result %d = %+v, want %+v", i, res[i], want[i])
		}
	}
	if !strings.Contains(msg, "60 samples") || len(fractions) < 2 || fractions[0] != 0 {
		t.Errorf("message %q, progress %v", msg, fractions)
	}

	for _, tt := range []struct{ payload, code string }{{"x", phenolink.EINVALID}, {"999", phenolink.ENOTFOUND}} {
		if _, err := h(ctx, phenolink.Job{Kind: phenolink.JobScan, Payload: []byte(tt.payload)}, progress); phenolink.ErrorCode(err) != tt.code {
			t.Errorf("payload %q: %v, want %s", tt.payload, err, tt.code)
		}
	}
}

func TestLambdaMatchesAssociation(t *testing.T) {
	var r Results
	var a []association.Result
	for i := range 101 {
		p := association.StudentTP(float64(i)/20, 50)
		r = append(r, Result{P: p.P, Log10P: p.MinusLog10})
		a = append(a, association.Result{P: p})
	}
	if got, want := r.Lambda(), association.InflationFactor(a); !near(got, want) {
		t.Errorf("Lambda %g, association %g", got, want)
	}
	if !math.IsNaN(Results(nil).Lambda()) {
		t.Error("Lambda of no results is not NaN")
	}
}
