package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
	"phenolink/internal/postgres"
	"phenolink/internal/scan"
	"phenolink/internal/scan/scantest"
	"phenolink/internal/sqlite"
)

// store is what the scan job reads and writes.
type store interface {
	phenolink.UserStore
	phenolink.GenotypeStore
	phenolink.PhenotypeStore
	phenolink.ScanStore
	Migrate(ctx context.Context) error
	Close() error
}

// target lets scantest.Populate fill a store.
type target struct{ store }

func (t target) AddProfile(ctx context.Context, userID, profileID string) error {
	return t.SaveUser(ctx, phenolink.User{ID: userID}, []phenolink.Profile{{ID: profileID, UserID: userID, IsGenotyped: true}})
}

// openStore opens a migrated store: Postgres for a postgres:// URL, with
// its tables in schema (created when missing), else an SQLite file.
func openStore(ctx context.Context, db, schema string) (store, error) {
	if !strings.HasPrefix(db, "postgres://") {
		s, err := sqlite.Open(ctx, db, sqlite.Options{})
		if err != nil {
			return nil, err
		}
		return s, s.Migrate(ctx)
	}
	if schema == "" {
		return nil, fmt.Errorf("a Postgres store needs -schema")
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return nil, err
	}
	_, err = conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	conn.Close(ctx)
	if err != nil {
		return nil, err
	}
	sep := "?"
	if strings.Contains(db, "?") {
		sep = "&"
	}
	s, err := postgres.Open(ctx, db+sep+"search_path="+schema, postgres.Options{})
	if err != nil {
		return nil, err
	}
	return s, s.Migrate(ctx)
}

// storeFlags are the flags every store command takes.
func storeFlags(fs *flag.FlagSet) (db, schema *string) {
	db = fs.String("db", "", "postgres:// URL or SQLite file")
	schema = fs.String("schema", "", "Postgres schema holding the tables")
	return db, schema
}

// fill stores a consenting synthetic cohort with phenotypes and a
// researcher to scan it.
func fill(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("fill", flag.ContinueOnError)
	db, schema := storeFlags(fs)
	samples := fs.Int("samples", 2000, "profiles")
	markers := fs.Int("markers", 600000, "markers per genome")
	seed := fs.Int64("seed", 1, "seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	s, err := openStore(ctx, *db, *schema)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if _, err := scantest.Populate(ctx, target{s}, scantest.Config{Seed: *seed, Samples: *samples, Markers: *markers, NoSexEvery: 10}); err != nil {
		return err
	}
	if err := s.SaveUser(ctx, phenolink.User{ID: "researcher"}, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "stored %d genomes of %d markers in %.1fs\n", *samples, *markers, time.Since(start).Seconds())
	return nil
}

// job runs one scan job of height_mm on the stored cohort, as the job
// runner would, and prints its timings.
func job(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("job", flag.ContinueOnError)
	db, schema := storeFlags(fs)
	withCovar := fs.Bool("covar", false, "adjust for sex and age")
	threads := fs.Int("threads", 0, "cores (0: all)")
	profile := fs.String("cpuprofile", "", "write a CPU profile here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := startRun(*profile, *threads)
	if err != nil {
		return err
	}
	defer stop()
	ctx := context.Background()
	s, err := openStore(ctx, *db, *schema)
	if err != nil {
		return err
	}
	defer s.Close()
	sc := phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: "researcher"}
	if *withCovar {
		sc.Covariates = []string{phenolink.CovariateSex, phenolink.CovariateAge}
	}
	if sc, err = s.CreateScan(ctx, sc); err != nil {
		return err
	}
	start := time.Now()
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	d := scan.Deps{Scans: s, Genotypes: s, Phenotypes: s, Logger: logger}
	msg, err := scan.Handler(d)(ctx, phenolink.Job{ID: sc.JobID, Kind: phenolink.JobScan, Payload: []byte(strconv.FormatInt(sc.ID, 10))}, nil)
	if err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(stdout, "%s\njob %.3fs, Go heap peak (Sys) %d MB\n", msg, time.Since(start).Seconds(), ms.Sys>>20)
	return nil
}

// export writes the consenting cohort as a PLINK fileset, with height_mm
// and date_of_birth in PREFIX.pheno and sex and age covariates, as the
// scan computes them, in PREFIX.covar.
func export(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db, schema := storeFlags(fs)
	out := fs.String("out", "", "output prefix")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	s, err := openStore(ctx, *db, *schema)
	if err != nil {
		return err
	}
	defer s.Close()
	files := map[string]*os.File{}
	for _, ext := range []string{"bed", "bim", "fam", "pheno"} {
		f, err := os.Create(*out + "." + ext)
		if err != nil {
			return err
		}
		defer f.Close()
		files[ext] = f
	}
	d := scan.Deps{Scans: s, Genotypes: s, Phenotypes: s}
	sum, err := scan.ExportPLINK(ctx, d, []string{"height_mm", "date_of_birth"}, files["bed"], files["bim"], files["fam"], files["pheno"])
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := f.Close(); err != nil {
			return err
		}
	}
	if err := writeCovar(*out, time.Now().Year()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d samples x %d markers\n", sum.Samples, sum.Markers)
	return nil
}

// writeCovar writes PREFIX.covar with the scan's covariates: sex from the
// .fam (1 male, 0 female, NA unknown) and age, year minus date_of_birth.
func writeCovar(prefix string, year int) error {
	fam, err := os.ReadFile(prefix + ".fam")
	if err != nil {
		return err
	}
	pheno, err := readTable(prefix + ".pheno")
	if err != nil {
		return err
	}
	dob, ok := pheno.Column("date_of_birth")
	if !ok {
		return fmt.Errorf("%s.pheno has no date_of_birth", prefix)
	}
	var b strings.Builder
	b.WriteString("FID\tIID\tsex\tage\n")
	for i, line := range strings.Split(strings.TrimSpace(string(fam)), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || i >= len(dob) {
			return fmt.Errorf("%s.fam line %d does not match the .pheno", prefix, i+1)
		}
		sex := map[string]string{"1": "1", "2": "0"}[f[4]]
		if sex == "" {
			sex = "NA"
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%g\n", f[0], f[1], sex, float64(year)-dob[i])
	}
	return os.WriteFile(prefix+".covar", []byte(b.String()), 0o644)
}

// read times reading every stored record once, as a scan does, without
// coding the calls: the store's share of a scan job's reading.
func read(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("read", flag.ContinueOnError)
	db, schema := storeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	s, err := openStore(ctx, *db, *schema)
	if err != nil {
		return err
	}
	defer s.Close()
	rs, ok := s.(phenolink.GenomeRecordScanner)
	if !ok {
		return fmt.Errorf("%T cannot scan records as stored", s)
	}
	start := time.Now()
	var profiles, calls int
	var sum byte
	err = rs.ScanGenomeRecords(ctx, func(_ string, record []phenolink.Call) error {
		profiles++
		calls += len(record)
		sum ^= byte(record[len(record)/2]) // touch the record, as a reader would
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read %d records, %d calls, in %.3fs (%.0f MB/s)\n", profiles, calls, time.Since(start).Seconds(), float64(calls)/time.Since(start).Seconds()/1e6)
	return nil
}
