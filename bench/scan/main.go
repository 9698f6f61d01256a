// Command scan times Phenolink's genome-wide scan, for comparison with
// PLINK on the same data: on a PLINK fileset (see run.sh), and as the scan
// job reading a store's genomes (see run-store.sh).
//
//	scan gen -out /tmp/x/cohort -samples 2000 -markers 600000
//	scan linear -bfile /tmp/x/cohort -pheno-name qt [-covar] [-threads 2] -out results.tsv
//	scan fill -db URL|FILE [-schema S] -samples 2000 -markers 600000
//	scan job -db URL|FILE [-schema S] [-covar] [-threads 2]
//	scan export -db URL|FILE [-schema S] -out /tmp/x/stored
//	scan read -db URL|FILE [-schema S]
//
// The linear scan streams the .bed file marker by marker through the
// workers and writes one line per marker, as PLINK does. fill stores a
// synthetic consenting cohort in Postgres (a postgres:// URL, tables in
// -schema) or SQLite (a file); job runs the scan job on it; export writes
// what the job scanned as a PLINK fileset with .pheno and .covar files;
// read times the store's reading of every record alone.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"phenolink/internal/association"
	"phenolink/internal/association/cohortsim"
	"phenolink/internal/plinkfile"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scan:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("want a command: gen, linear, fill, job, export or read")
	}
	switch args[0] {
	case "gen":
		return gen(args[1:])
	case "linear":
		return linear(args[1:], stdout)
	case "fill":
		return fill(args[1:], stdout)
	case "job":
		return job(args[1:], stdout)
	case "export":
		return export(args[1:], stdout)
	case "read":
		return read(args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q: want gen, linear, fill, job, export or read", args[0])
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("out", "", "output prefix")
	samples := fs.Int("samples", 2000, "samples")
	markers := fs.Int("markers", 600000, "markers")
	seed := fs.Uint64("seed", 1, "seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return cohortsim.Write(*out, cohortsim.Config{Samples: *samples, Markers: *markers, Seed: *seed})
}

func linear(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("linear", flag.ContinueOnError)
	bfile := fs.String("bfile", "", "fileset prefix; its .pheno and .covar are read too")
	phenoName := fs.String("pheno-name", "qt", "phenotype column")
	withCovar := fs.Bool("covar", false, "adjust for the .covar columns (sex, age)")
	threads := fs.Int("threads", 0, "workers (0: all cores)")
	out := fs.String("out", "", "results file (tab-separated)")
	profile := fs.String("cpuprofile", "", "write a CPU profile here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := startRun(*profile, *threads)
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now()
	r, err := plinkfile.Open(*bfile)
	if err != nil {
		return err
	}
	defer r.Close()
	c, err := cohort(*bfile, r.Samples, *phenoName, *withCovar)
	if err != nil {
		return err
	}
	opt := association.Options{Convention: association.PLINK2, NoXSex: *withCovar, Workers: *threads}
	dst := io.Discard
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		dst = f
	}
	w := newResultWriter(dst)
	markers := 0
	err = association.LinearScanEach(context.Background(), association.PlinkMarkers(r), c, opt, func(res *association.Result) error {
		markers++
		return w.write(res)
	})
	if err == nil {
		err = w.flush()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d samples x %d markers: %.3fs\n", len(r.Samples), markers, time.Since(start).Seconds())
	return nil
}

// cohort reads prefix.pheno (and prefix.covar) in .fam order; the files
// cohortsim writes list the samples in that order.
func cohort(prefix string, samples []plinkfile.Sample, name string, withCovar bool) (*association.Cohort, error) {
	pheno, err := readTable(prefix + ".pheno")
	if err != nil {
		return nil, err
	}
	y, ok := pheno.Column(name)
	if !ok || len(y) != len(samples) {
		return nil, fmt.Errorf("%s.pheno: no column %q for all %d samples", prefix, name, len(samples))
	}
	c := &association.Cohort{Phenotype: y}
	for _, s := range samples {
		c.Sex = append(c.Sex, s.Sex)
	}
	if withCovar {
		covar, err := readTable(prefix + ".covar")
		if err != nil {
			return nil, err
		}
		for _, n := range covar.Names {
			col, _ := covar.Column(n)
			c.Covariates = append(c.Covariates, col)
		}
	}
	return c, nil
}

func readTable(path string) (*plinkfile.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return plinkfile.ReadTable(f)
}

// resultWriter writes results as tab-separated text, one line per
// marker, as PLINK writes its reports.
type resultWriter struct {
	w *bufio.Writer
	b []byte
}

func newResultWriter(dst io.Writer) *resultWriter {
	w := &resultWriter{w: bufio.NewWriterSize(dst, 1<<20)}
	w.w.WriteString("#CHROM\tPOS\tID\tA1\tOBS_CT\tBETA\tSE\tT_STAT\tP\tLOG10_P\tERRCODE\n")
	return w
}

func (w *resultWriter) write(r *association.Result) error {
	b := append(w.b[:0], r.Chrom...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, r.Pos, 10)
	b = append(b, '\t')
	b = append(b, r.ID...)
	b = append(b, '\t')
	b = append(b, r.A1...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(r.N), 10)
	for _, v := range []float64{r.Beta, r.SE, r.Stat, r.P.P, -r.P.MinusLog10} {
		b = append(b, '\t')
		b = plinkfile.AppendG6(b, v)
	}
	b = append(b, '\t')
	if r.NotTestable == "" {
		b = append(b, '.')
	} else {
		b = append(b, r.NotTestable...)
	}
	b = append(b, '\n')
	w.b = b
	_, err := w.w.Write(b)
	return err
}

func (w *resultWriter) flush() error { return w.w.Flush() }

// startRun starts a CPU profile into path (none when empty) and limits
// the process to threads cores (all when 0); stop ends the profile.
func startRun(path string, threads int) (stop func(), err error) {
	if threads > 0 {
		runtime.GOMAXPROCS(threads)
	}
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
