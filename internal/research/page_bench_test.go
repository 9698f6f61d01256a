package research

import (
	"context"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/pgtest"
	"phenolink/internal/phenolink"
	"phenolink/internal/postgres"
	"phenolink/internal/sqlite"
)

// The results page's target: 5 SNPs x 10 phenotypes over 10,000
// participants in under 50 ms of server time.
const (
	pageProfiles = 10_000
	// pageRecordMarkers is the length of every stored record on the
	// database stores. SQLite reads a whole record to take a byte of it,
	// so its cost grows with this; a full genome has about 630,000.
	pageRecordMarkers = 10_000
)

// pagePhenotypes are the page's 10 phenotypes: the catalog's two binary
// ones and eight quantitative ones.
var pagePhenotypes = []string{
	"height_mm", "weight_g", "sex", "date_of_birth", "fitbit_avg_num_steps",
	"fitbit_resting_heart_rate", "fitbit_sleep_duration", "openness", "caffeine_cups_per_day", "chronotype",
}

// pageCohort is a synthetic cohort of the target's shape: four autosomal
// SNPs of minor-allele frequency 5% to 50% and one on X (males haploid),
// 2% no-calls, and each phenotype known for about 90% of the people.
type pageCohort struct {
	snps    []phenolink.Marker // the page's markers
	markers []phenolink.Marker // every marker of a stored record, snps among them
	at      []int              // each snp's position in markers
	ids     []string           // profile ids, sorted
	calls   [][]phenolink.Call // per profile, per snp
	values  []phenolink.PhenotypeValue
}

func newPageCohort(tb testing.TB, profiles, recordMarkers int) *pageCohort {
	c := &pageCohort{}
	rng := mrand.New(mrand.NewPCG(5, 10))
	snpChroms := []phenolink.Chromosome{2, 6, 11, 17, phenolink.ChromosomeX}
	for i := range recordMarkers - len(snpChroms) {
		chrom := phenolink.Chromosome(1 + i*22/recordMarkers)
		c.markers = append(c.markers, phenolink.Marker{ID: fmt.Sprintf("i%d", 9_000_000+i), Chrom: chrom, Pos: uint32(1000 + i*10)})
	}
	for j, chrom := range snpChroms {
		m := phenolink.Marker{ID: fmt.Sprintf("rs%d", 7_000_000+j), Chrom: chrom, Pos: uint32(5)}
		c.snps = append(c.snps, m)
		// Insert where the chromosome starts, so the record stays in
		// chromosome order.
		at := len(c.markers)
		for k, o := range c.markers {
			if o.Chrom >= chrom {
				at = k
				break
			}
		}
		c.markers = append(c.markers[:at], append([]phenolink.Marker{m}, c.markers[at:]...)...)
	}
	for j, s := range c.snps {
		for k, m := range c.markers {
			if m.ID == s.ID {
				c.at = append(c.at, k)
			}
		}
		if len(c.at) != j+1 {
			tb.Fatalf("snp %s not placed", s.ID)
		}
	}
	alleles := [][2]string{{"A", "G"}, {"C", "T"}, {"A", "C"}, {"G", "T"}, {"A", "G"}}
	for i := range profiles {
		id := fmtProfile(i)
		c.ids = append(c.ids, id)
		male := i%2 == 0
		calls := make([]phenolink.Call, len(c.snps))
		for j, m := range c.snps {
			q := 0.05 + 0.45*float64(j)/3
			pick := func() string { return alleles[j][b2i(rng.Float64() < min(q, 0.5))] }
			s := pick() + pick()
			switch {
			case rng.Float64() < 0.02:
				s = "--"
			case m.Chrom == phenolink.ChromosomeX && male:
				s = pick()
			}
			call, err := phenolink.ParseCall(s)
			if err != nil {
				tb.Fatal(err)
			}
			calls[j] = call
		}
		c.calls = append(c.calls, calls)
		for _, p := range phenolink.DefaultPhenotypes() {
			if !inPage(p.ID) || rng.Float64() < 0.1 {
				continue
			}
			v := p.Min + (p.Max-p.Min)*rng.Float64()
			if p.Step > 0 {
				v = p.Min + p.Step*math.Floor((v-p.Min)/p.Step)
			}
			if p.Kind == phenolink.Binary {
				v = b2f(rng.Float64() < 0.3)
			}
			c.values = append(c.values, phenolink.PhenotypeValue{ProfileID: id, PhenotypeID: p.ID, Value: v, Source: phenolink.ValueSourceSurvey})
		}
	}
	return c
}

func inPage(phenotype string) bool {
	for _, id := range pagePhenotypes {
		if id == phenotype {
			return true
		}
	}
	return false
}

func b2f(b bool) float64 { return float64(b2i(b)) }

func (c *pageCohort) snpIDs() []string {
	var ids []string
	for _, m := range c.snps {
		ids = append(ids, m.ID)
	}
	return ids
}

// memStore holds the cohort's records as the page's markers alone.
func (c *pageCohort) memStore() *memStore {
	s := newMemStore()
	for _, m := range c.snps {
		s.marker(m.ID, m.Chrom)
	}
	for i, id := range c.ids {
		s.genomes[id] = c.calls[i]
	}
	for _, v := range c.values {
		s.setValue(v.ProfileID, v.PhenotypeID, v.Value)
	}
	return s
}

// pageStore is what filling a database store needs beyond the page.
type pageStore interface {
	phenolink.MarkerCallReader
	phenolink.PhenotypeStore
	phenolink.ChangeReader
	SaveUser(ctx context.Context, u phenolink.User, profiles []phenolink.Profile) error
	SaveGenome(ctx context.Context, info phenolink.GenomeInfo, markers []phenolink.Marker, calls []phenolink.Call) (phenolink.GenomeInfo, error)
}

// fill stores the cohort: a consenting user per profile, its record of
// every marker (filler markers' calls "AG"), and its values. Four
// goroutines save profiles at once, which the stores allow, to shorten
// the wait on each commit.
func (c *pageCohort) fill(tb testing.TB, s pageStore) {
	ctx := context.Background()
	start := time.Now()
	filler, err := phenolink.ParseCall("AG")
	if err != nil {
		tb.Fatal(err)
	}
	const workers = 4
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			errs <- c.fillProfiles(ctx, s, filler, w, workers)
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			tb.Fatal(err)
		}
	}
	for start := 0; start < len(c.values); start += 5000 {
		if err := s.SavePhenotypeValues(ctx, c.values[start:min(start+5000, len(c.values))]); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Logf("stored %d profiles of %d markers in %v", len(c.ids), len(c.markers), time.Since(start).Round(time.Second))
}

// fillProfiles stores every workers-th profile from the first-th.
func (c *pageCohort) fillProfiles(ctx context.Context, s pageStore, filler phenolink.Call, first, workers int) error {
	rec := make([]phenolink.Call, len(c.markers))
	for i := first; i < len(c.ids); i += workers {
		id := c.ids[i]
		user := "u" + id
		if err := s.SaveUser(ctx, phenolink.User{ID: user}, []phenolink.Profile{{ID: id, UserID: user, IsGenotyped: true}}); err != nil {
			return err
		}
		if err := s.GiveConsent(ctx, phenolink.Consent{UserID: user, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}); err != nil {
			return err
		}
		for k := range rec {
			rec[k] = filler
		}
		for j, k := range c.at {
			rec[k] = c.calls[i][j]
		}
		info := phenolink.GenomeInfo{ProfileID: id, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
		if _, err := s.SaveGenome(ctx, info, c.markers, rec); err != nil {
			return err
		}
	}
	return nil
}

// benchmarkPage measures the page on svc, after checking once that it
// gives every table and tests every one, cold, warm and with one new
// marker; then, apart, the store's two reads a cold page makes: every
// phenotype's values (one CohortValuesOf), and the calls.
func benchmarkPage(b *testing.B, svc *Service, c *pageCohort) {
	ctx := context.Background()
	snps := c.snpIDs()
	r, err := svc.Results(ctx, snps, pagePhenotypes)
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Tables) != len(snps)*len(pagePhenotypes) {
		b.Fatalf("%d tables, want %d", len(r.Tables), len(snps)*len(pagePhenotypes))
	}
	for _, t := range r.Tables {
		if t.Test == nil || t.N < pageProfiles*8/10 {
			b.Fatalf("%s x %s: N %d, test %+v, note %q; want a test over most people", t.Marker.ID, t.Phenotype.ID, t.N, t.Test, t.Note)
		}
	}
	markers, err := svc.Markers.FindMarkers(ctx, snps)
	if err != nil {
		b.Fatal(err)
	}
	var positions []int
	for _, m := range markers {
		positions = append(positions, m.Index)
	}
	// The page as the cache leaves it: cold, every read made again; warm,
	// a repeated page; with one marker not asked for before, the other
	// four kept; and with none of the five asked for before, the values
	// kept (a researcher's first page of a process that has read the
	// values ahead).
	for _, part := range []struct {
		name   string
		forget func(i int)
	}{
		{"page-cold", func(int) { svc.cache.drop() }},
		{"page", func(int) {}},
		{"page-new-snp", func(i int) { svc.cache.forgetCalls(positions[i%len(positions)]) }},
		{"page-new-snps", func(int) { svc.cache.forgetAllCalls() }},
	} {
		b.Run("part="+part.name, func(b *testing.B) {
			b.ReportAllocs()
			before := cpuTime(b)
			i := 0
			for b.Loop() {
				part.forget(i)
				i++
				if _, err := svc.Results(ctx, snps, pagePhenotypes); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
	b.Run("part=values", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			err := svc.Phenotypes.CohortValuesOf(ctx, pagePhenotypes, func(string, int, float64) error {
				n++
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if n != len(c.values) {
				b.Fatalf("CohortValuesOf gave %d values, want %d", n, len(c.values))
			}
		}
	})
	b.Run("part=calls", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			err := svc.Markers.CallsAt(ctx, positions, func(string, []phenolink.Call) error {
				n++
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if n != pageProfiles {
				b.Fatalf("CallsAt visited %d records, want %d", n, pageProfiles)
			}
		}
	})
}

// BenchmarkPage measures the results page at its target shape, 5 SNPs x
// 10 phenotypes over 10,000 participants, on each store, and the store's
// reads alone; filling a database store takes far longer than the page
// and is not timed.
func BenchmarkPage(b *testing.B) {
	c := newPageCohort(b, pageProfiles, pageRecordMarkers)
	b.Run("store=memory", func(b *testing.B) {
		benchmarkPage(b, c.memStore().service(5), c)
	})
	b.Run("store=sqlite", func(b *testing.B) {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "page.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		c.fill(b, db)
		benchmarkStore(b, db, c)
	})
	b.Run("store=postgres", func(b *testing.B) {
		dbURL := pgtest.SchemaURL(b)
		db := openPostgresAt(b, dbURL)
		c.fill(b, db)
		// A store past its bulk load has been vacuumed and analyzed by
		// autovacuum: without statistics the planner sorts the values
		// on disk, and without the visibility map every index entry
		// visits the table.
		vacuumAnalyze(b, dbURL)
		benchmarkStore(b, db, c)
	})
}

// benchmarkStore measures the page on a filled database store: as the
// cache leaves it, and after writes, with the logs of changes and without.
func benchmarkStore(b *testing.B, db pageStore, c *pageCohort) {
	benchmarkPage(b, &Service{Markers: db, Phenotypes: db, Changes: db, MinGroupSize: 5}, c)
	benchmarkPageAfterWrites(b, &Service{Markers: db, Phenotypes: db, Changes: db, MinGroupSize: 5}, c, db, "")
	benchmarkPageAfterWrites(b, &Service{Markers: db, Phenotypes: db, MinGroupSize: 5}, c, db, "-whole")
}

// vacuumAnalyze runs VACUUM ANALYZE on the tables the page reads, in the
// schema dbURL names, as autovacuum would after a bulk load.
func vacuumAnalyze(tb testing.TB, dbURL string) {
	tb.Helper()
	conn, err := pgx.Connect(tb.Context(), dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(tb.Context(), "VACUUM ANALYZE genomes, genome_chunks, phenotype_values, phenotypes, consents, profiles, users"); err != nil {
		tb.Fatalf("VACUUM ANALYZE: %v", err)
	}
	// Write the fill's pages out now rather than under the timed pages,
	// where the checkpointer would compete with them for the disk and
	// the cores.
	if _, err := conn.Exec(tb.Context(), "CHECKPOINT"); err != nil {
		tb.Logf("CHECKPOINT (needs a superuser; the pages run with the fill still being written out): %v", err)
	}
}

// openPostgres opens a migrated Postgres store on a fresh schema of the
// server TEST_DATABASE_URL names (the local one by default), dropped at
// the end; it skips when the variable is "off".
func openPostgres(tb testing.TB) *postgres.DB {
	tb.Helper()
	return openPostgresAt(tb, pgtest.SchemaURL(tb))
}

// openPostgresAt opens a migrated Postgres store on the database dbURL
// names.
func openPostgresAt(tb testing.TB, dbURL string) *postgres.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, dbURL, postgres.Options{})
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("postgres Migrate: %v", err)
	}
	return db
}

// cpuTime is the CPU time this process has used, in user and system
// mode: on a machine whose cores others share, it says what a page costs
// better than the wall time does. It leaves out a database server's work.
func cpuTime(tb testing.TB) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// forgetCalls drops the calls kept at position, as if no page had asked
// for that marker.
func (c *pageCache) forgetCalls(position int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cc := &c.calls
	if e, ok := cc.entries[position]; ok {
		cc.lru.Remove(e)
		delete(cc.entries, position)
		cc.bytes -= len(e.Value.(*callsEntry).calls) + callsEntryOverhead
	}
}

// benchmarkPageAfterWrites measures the page right after a write of each
// kind, before the background refresh could have read anything (none runs
// here): a participant's survey value, a withdrawal (and the consent
// given again, alternately), a catalog entry edited, and a re-imported
// genome. The write itself is not timed. After the first two the values
// are read only for the profile the write touched, after the catalog edit
// only the catalog, after the genome only its calls (Service.Changes).
//
// The parts named with suffix "-whole" measure the same without the
// stores' logs of changes (a Service without Changes): every value, or
// every record's calls, read again, as before the logs.
func benchmarkPageAfterWrites(b *testing.B, svc *Service, c *pageCohort, db pageStore, suffix string) {
	ctx := context.Background()
	snps := c.snpIDs()
	if _, err := svc.Results(ctx, snps, pagePhenotypes); err != nil {
		b.Fatal(err)
	}
	filler, err := phenolink.ParseCall("AG")
	if err != nil {
		b.Fatal(err)
	}
	rec := make([]phenolink.Call, len(c.markers))
	for _, w := range []struct {
		name  string
		write func(i int) error
	}{
		{"value", func(i int) error {
			id := c.ids[i%len(c.ids)]
			return db.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{{ProfileID: id, PhenotypeID: "height_mm", Value: float64(1500 + i%300), Source: phenolink.ValueSourceSurvey}})
		}},
		{"withdrawal", func(i int) error {
			user := "u" + c.ids[i/2%len(c.ids)]
			if i%2 == 0 {
				return db.WithdrawConsent(ctx, user)
			}
			return db.GiveConsent(ctx, phenolink.Consent{UserID: user, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText})
		}},
		{"catalog", func(i int) error {
			p, err := db.Phenotype(ctx, "height_mm")
			if err != nil {
				return err
			}
			p.Description = fmt.Sprintf("Height, edited %d times.", i+1)
			return db.SavePhenotype(ctx, p)
		}},
		{"genome", func(i int) error {
			k := i % len(c.ids)
			for m := range rec {
				rec[m] = filler
			}
			for j, at := range c.at {
				rec[at] = c.calls[k][j]
			}
			info := phenolink.GenomeInfo{ProfileID: c.ids[k], Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
			_, err := db.SaveGenome(ctx, info, c.markers, rec)
			return err
		}},
	} {
		b.Run("part=page-after-"+w.name+suffix, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				if err := w.write(i); err != nil {
					b.Fatal(err)
				}
				i++
				b.StartTimer()
				if _, err := svc.Results(ctx, snps, pagePhenotypes); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// forgetAllCalls drops every marker's calls, and what a read of the
// records' changes would start from, keeping the values.
func (c *pageCache) forgetAllCalls() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = callsCache{}
}
