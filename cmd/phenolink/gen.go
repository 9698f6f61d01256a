package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

// genOptions is what `phenolink gen` writes.
type genOptions struct {
	out       string
	n         int
	seed      int64
	markers   int
	chip      synth.Chip
	gzip      bool
	trait     synth.Trait
	plantSpec string // as given, for the manifest
}

// Defaults of `phenolink gen`: a 1.2-million-marker key, which gives v5
// files of about 630,000 rows and v3 files of about 960,000, as 23andMe's do.
const (
	genDefaultMarkers = 1_200_000
	genMaxIndividuals = 100_000
	genDefaultPlanted = 5
)

// genDefaultBetas are the effects planted when --plant is not given, in
// the trait's unit (mm for the default height): a few common variants of
// modest effect, as height's real ones are, but large enough that a
// cohort of a few hundred finds them.
var genDefaultBetas = []float64{40, -30, 25, -20, 15}

// runGen writes a synthetic cohort: 23andMe raw-data files, a phenotype
// table with a trait planted on chosen markers, and the truth about what
// was planted, all fixed by the seed.
func runGen(ctx context.Context, e env, args []string) error {
	opts, helped, err := parseGenFlags(e, args)
	if helped || err != nil {
		return err
	}
	start := time.Now()
	key, err := synth.Markers(opts.seed, opts.markers)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if err := opts.plant(key); err != nil {
		return fmt.Errorf("gen: --plant: %w: %w", err, errUsage)
	}
	if err := prepareOutDir(opts.out); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	written, err := writeCohort(ctx, opts, key)
	if err != nil {
		for _, f := range written {
			os.Remove(f)
		}
		return fmt.Errorf("gen: %w", err)
	}
	fmt.Fprintf(e.stdout, "Wrote %d synthetic raw-data files (chip %s, %d-marker key, seed %d), phenotypes.csv, truth.csv and README.txt to %s in %s.\n",
		opts.n, opts.chip.Name, opts.markers, opts.seed, opts.out, time.Since(start).Round(time.Millisecond))
	return nil
}

// parseGenFlags reads and checks the command line before anything is
// written.
func parseGenFlags(e env, args []string) (genOptions, bool, error) {
	fs := newFlagSet(e, "gen", "gen --out DIR [flags]\n\n"+
		"Writes N synthetic 23andMe raw-data files (build 37, realistic headers marked as\n"+
		"synthetic), phenotypes.csv (profile_id, sex and a quantitative trait computed as\n"+
		"mean + male shift + sum of beta x alternate-allele dosage + normal noise),\n"+
		"truth.csv (the planted markers and effects) and README.txt. The same flags\n"+
		"always give the same files. A profile's id is its file name without the\n"+
		"extension, e.g. synthetic-0001.")
	o := genOptions{}
	fs.StringVar(&o.out, "out", "", "directory to write to; created if missing, and must be empty (required)")
	fs.IntVar(&o.n, "n", 10, fmt.Sprintf("number of individuals, 1..%d", genMaxIndividuals))
	fs.Int64Var(&o.seed, "seed", 1, "seed of the marker key, the genotypes, the planted markers and the noise")
	fs.IntVar(&o.markers, "markers", genDefaultMarkers, fmt.Sprintf("size of the marker key, 1..%d; a chip covers a share of it", synth.MaxMarkers))
	chip := fs.String("chip", "v5", "chip version: v5 (about 630,000 rows with the default key), v3 (about 960,000), v1, v2, v4 or full (every marker)")
	fs.BoolVar(&o.gzip, "gzip", false, "gzip each raw-data file (.txt.gz)")
	fs.StringVar(&o.plantSpec, "plant", "", "planted effects, comma separated MARKER:BETA where MARKER is a marker id (rs123, i700123) or a\n"+
		fmt.Sprintf("key index (123), e.g. \"rs123:40,i700456:-25\"; empty picks %d common autosomal markers on the chip\nwith betas %v", genDefaultPlanted, genDefaultBetas))
	fs.StringVar(&o.trait.ID, "trait", "height_mm", "the trait's column name in phenotypes.csv (lower case, digits and _)")
	fs.Float64Var(&o.trait.Mean, "mean", 1640, "the trait's baseline: its mean in females with no planted allele")
	fs.Float64Var(&o.trait.MaleShift, "male-shift", 130, "added to the trait of males (0 for a trait that does not differ by sex)")
	fs.Float64Var(&o.trait.SD, "sd", 60, "standard deviation of the trait's normal noise")
	if helped, err := parseFlags(fs, e, args); helped || err != nil {
		return o, helped, err
	}
	var problems []string
	if o.out == "" {
		problems = append(problems, "--out is required")
	}
	if o.n < 1 || o.n > genMaxIndividuals {
		problems = append(problems, fmt.Sprintf("--n %d: want 1..%d", o.n, genMaxIndividuals))
	}
	if o.markers < 1 || o.markers > synth.MaxMarkers {
		problems = append(problems, fmt.Sprintf("--markers %d: want 1..%d", o.markers, synth.MaxMarkers))
	}
	c, err := synth.LookupChip(*chip)
	if err != nil {
		problems = append(problems, fmt.Sprintf("--chip %q: want v1..v5 or full", *chip))
	}
	o.chip = c
	if err := o.trait.Validate(0); err != nil {
		problems = append(problems, strings.TrimPrefix(err.Error(), "synth: "))
	}
	if o.trait.ID == "sex" || o.trait.ID == "profile_id" {
		problems = append(problems, fmt.Sprintf("--trait %q: that column is already written", o.trait.ID))
	}
	if len(problems) > 0 {
		return o, false, fmt.Errorf("gen: %s: %w", strings.Join(problems, "; "), errUsage)
	}
	return o, false, nil
}

// plant fills the trait's effects from --plant, or picks them.
func (o *genOptions) plant(key []synth.Marker) error {
	if strings.TrimSpace(o.plantSpec) == "" {
		effects, err := synth.PickEffects(o.seed, key, o.chip, 0.2, genDefaultBetas)
		if err != nil {
			return err
		}
		o.trait.Effects = effects
		return nil
	}
	byID := map[string]int{}
	var pairs [][2]string
	for part := range strings.SplitSeq(o.plantSpec, ",") {
		name, beta, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || name == "" {
			return fmt.Errorf("%q is not MARKER:BETA", part)
		}
		pairs = append(pairs, [2]string{name, beta})
		byID[name] = -1
	}
	for i, m := range key {
		if _, ok := byID[m.ID]; ok {
			byID[m.ID] = i
		}
	}
	for _, p := range pairs {
		beta, err := strconv.ParseFloat(p[1], 64)
		if err != nil {
			return fmt.Errorf("%s: beta %q is not a number", p[0], p[1])
		}
		i, err := strconv.Atoi(p[0])
		if err != nil {
			if i = byID[p[0]]; i < 0 {
				return fmt.Errorf("marker %s is not in the %d-marker key of seed %d", p[0], len(key), o.seed)
			}
		}
		o.trait.Effects = append(o.trait.Effects, synth.Effect{Marker: i, Beta: beta})
	}
	if err := o.trait.Validate(len(key)); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "synth: "))
	}
	return nil
}

// prepareOutDir creates dir, or accepts it empty, so that no earlier
// cohort's files are mixed with or overwritten by this one's.
func prepareOutDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating --out: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("reading --out: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("--out %s is not empty; choose a new directory so that no file is overwritten: %w", dir, errUsage)
	}
	return nil
}

// genProfileID names individual i of n: "synthetic-0001", padded to n's
// width and at least four digits.
func genProfileID(i, n int) string {
	width := max(4, len(strconv.Itoa(n)))
	return fmt.Sprintf("synthetic-%0*d", width, i+1)
}

// genGenerated is when individual i's file claims to have been generated:
// a second in 2024 fixed by the seed, since the header needs a date and a
// real clock would make runs differ.
func genGenerated(seed int64, i int) time.Time {
	const year = 366 * 24 * 3600
	offset := (uint64(seed)*0x9e3779b97f4a7c15 + uint64(i)*0xbf58476d1ce4e5b9) >> 11 % year
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(offset) * time.Second)
}

// genRow is one individual's line of phenotypes.csv.
type genRow struct {
	sex   synth.Sex
	value float64
}

// writeCohort writes every file and returns the paths it wrote, so that
// a failure can remove them.
func writeCohort(ctx context.Context, o genOptions, key []synth.Marker) ([]string, error) {
	var (
		mu      sync.Mutex
		written []string
		errs    []error
	)
	rows := make([]genRow, o.n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), o.n) {
		wg.Go(func() {
			genome := make([]phenolink.Call, 0, len(key))
			for i := range next {
				ind := synth.NewIndividual(o.seed, i, o.chip)
				genome = ind.AppendGenome(genome[:0], key)
				rows[i] = genRow{sex: ind.Sex, value: o.trait.ValueOf(ind, key, func(j int) phenolink.Call { return genome[j] })}
				path, err := writeGenFile(o, i, key, genome)
				mu.Lock()
				if path != "" {
					written = append(written, path)
				}
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	var err error
feed:
	for i := range o.n {
		mu.Lock()
		failed := len(errs) > 0
		mu.Unlock()
		if failed {
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err = errors.Join(append(errs, err)...); err != nil {
		return written, err
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"phenotypes.csv", func(w io.Writer) error { return writePhenotypes(w, o, rows) }},
		{"truth.csv", func(w io.Writer) error { return writeTruth(w, o, key) }},
		{"README.txt", func(w io.Writer) error { return writeGenReadme(w, o, rows) }},
	} {
		path := filepath.Join(o.out, f.name)
		written = append(written, path)
		if err := writeFileWith(path, f.write); err != nil {
			return written, err
		}
	}
	return written, nil
}

// writeGenFile writes individual i's raw-data file and returns its path
// once created.
func writeGenFile(o genOptions, i int, key []synth.Marker, genome []phenolink.Call) (string, error) {
	name := genProfileID(i, o.n) + ".txt"
	if o.gzip {
		name += ".gz"
	}
	path := filepath.Join(o.out, name)
	return path, writeFileWith(path, func(w io.Writer) error {
		if !o.gzip {
			return synth.WriteRawFile(w, key, genome, genGenerated(o.seed, i))
		}
		zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if err != nil {
			return err
		}
		zw.Name = strings.TrimSuffix(name, ".gz")
		if err := synth.WriteRawFile(zw, key, genome, genGenerated(o.seed, i)); err != nil {
			return err
		}
		return zw.Close()
	})
}

// writeFileWith creates path, refusing to replace a file, and writes it
// with write.
func writeFileWith(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writePhenotypes writes profile_id, sex and the trait, one row per
// individual. Values keep 0.1 of the trait's unit.
func writePhenotypes(w io.Writer, o genOptions, rows []genRow) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"profile_id", "sex", o.trait.ID})
	for i, r := range rows {
		cw.Write([]string{genProfileID(i, o.n), r.sex.String(), strconv.FormatFloat(r.value, 'f', 1, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// writeTruth lists the planted markers with everything needed to check a
// scan's hits against them.
func writeTruth(w io.Writer, o genOptions, key []synth.Marker) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"trait", "marker_index", "marker_id", "chromosome", "position", "ref", "alt", "alt_freq", "beta"})
	for _, e := range o.trait.Effects {
		m := key[e.Marker]
		cw.Write([]string{o.trait.ID, strconv.Itoa(e.Marker), m.ID, m.Chrom.String(), strconv.FormatUint(uint64(m.Pos), 10),
			string(phenolink.AlleleLetter(m.Ref)), string(phenolink.AlleleLetter(m.Alt)),
			strconv.FormatFloat(float64(m.AltFreq), 'f', 4, 32), strconv.FormatFloat(e.Beta, 'g', -1, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// writeGenReadme explains the cohort and how to make it again.
func writeGenReadme(w io.Writer, o genOptions, rows []genRow) error {
	males := 0
	for _, r := range rows {
		if r.sex == synth.Male {
			males++
		}
	}
	ext := ".txt"
	if o.gzip {
		ext = ".txt.gz"
	}
	t := o.trait
	_, err := fmt.Fprintf(w, `SYNTHETIC DATA: these genotypes and phenotypes were drawn at random and belong to no one.

Made by: phenolink gen --n %d --seed %d --markers %d --chip %s --trait %s --mean %g --male-shift %g --sd %g --plant %q%s

Files
  %s..%s%s  23andMe raw-data files (build 37) on chip %s, one per individual
  phenotypes.csv  profile_id (the file name without its extension), sex, %s
  truth.csv       the planted markers: key index, id, position, alleles, alternate allele frequency, beta

Individuals: %d (%d male, %d female). Sex is chromosomal: males have one X (haploid calls) and a Y.

Trait %s = %g + %g if male + sum over planted markers of beta x (copies of the alternate allele) + normal noise (sd %g).
A missing dosage (a no-call) counts as the allele's population mean, 2 x alt_freq.
Planted markers: %d; see truth.csv.
`, o.n, o.seed, o.markers, o.chip.Name, t.ID, t.Mean, t.MaleShift, t.SD, o.plantSpec, map[bool]string{true: " --gzip"}[o.gzip],
		genProfileID(0, o.n), genProfileID(o.n-1, o.n), ext, o.chip.Name, t.ID,
		o.n, males, o.n-males, t.ID, t.Mean, t.MaleShift, t.SD, len(t.Effects))
	return err
}
