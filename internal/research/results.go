package research

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"phenolink/internal/phenolink"
)

// MaxPhenotypes bounds the phenotypes one request names.
const MaxPhenotypes = 64

// Service computes per-SNP results from the stores. It keeps what it read
// for the next pages (see pageCache), so one Service serves every request
// and is not copied; Markers and Phenotypes must be the same database,
// whose change counters Markers reads.
type Service struct {
	Markers    phenolink.MarkerCallReader
	Phenotypes phenolink.PhenotypeStore
	// MinGroupSize is k; zero means DefaultMinGroupSize. Below 2 is refused:
	// a group of one would show a person's own value.
	MinGroupSize int
	// CallsCacheBytes bounds the markers' calls kept between pages; zero
	// means DefaultCallsCacheBytes, and a negative value keeps none.
	CallsCacheBytes int
	// Changes, when set, lets a page after a write read only the
	// profiles the write touched instead of every value again (see
	// patchValues); without it every write to the cohort means reading
	// it whole.
	Changes phenolink.ChangeReader

	cache     pageCache
	lastPage  atomic.Int64 // when Results last began, in Unix nanoseconds; 0 before
	refreshed atomic.Int64 // 1 + the cohort count Refresh last read the values at; 0 before
}

// cohort is one phenotype's consenting people with a value, in profile id
// order, and each one's row in the calls read.
type cohort struct {
	phenotype phenolink.Phenotype
	values    []float64
	rows      []int
}

// Results returns the report for the marker ids snps (as ParseSNPs returns
// them) and the phenotypes phenotypeIDs; no phenotype ids means every
// catalog phenotype that some consenting profile has a value of. Ids not in
// the marker index are listed in Report.Unknown; an id not in the catalog is
// an ENOTFOUND error naming it, and nothing is computed.
//
// It reads the store's change counters, and then only what the Service
// does not keep from earlier pages read since the same counts (see
// pageCache); a repeated page costs that query, the marker look-up and the
// computation.
func (s *Service) Results(ctx context.Context, snps, phenotypeIDs []string) (*Report, error) {
	s.lastPage.Store(time.Now().UnixNano())
	k, err := s.minGroupSize()
	if err != nil {
		return nil, err
	}
	snps, err = checkSNPs(snps)
	if err != nil {
		return nil, err
	}
	ids, err := checkPhenotypeIDs(phenotypeIDs)
	if err != nil {
		return nil, err
	}
	// The counts come first: whatever is read after them, from the stores
	// or from other pages' reads, is at least as new as they are.
	gens, err := s.Markers.Generations(ctx)
	if err != nil {
		return nil, fmt.Errorf("research.Results: reading the change counters: %w", err)
	}
	markers, err := s.Markers.FindMarkers(ctx, snps)
	if err != nil {
		return nil, fmt.Errorf("research.Results: finding markers %q: %w", snps, err)
	}
	report := &Report{MinGroupSize: k, Unknown: unknownIDs(snps, markers)}
	cohorts, calls, err := s.read(ctx, gens, ids, markers)
	if err != nil {
		return nil, err
	}
	if len(phenotypeIDs) == 0 {
		// The whole catalog: leave out phenotypes nobody has a value of.
		cohorts = slices.DeleteFunc(cohorts, func(c cohort) bool { return len(c.values) == 0 })
	}
	if len(markers) == 0 || len(cohorts) == 0 {
		return report, nil
	}
	byPhenotype, err := allTables(ctx, cohorts, markers, calls, k)
	if err != nil {
		return nil, err
	}
	for j := range markers {
		for i := range cohorts {
			report.Tables = append(report.Tables, byPhenotype[i][j])
		}
	}
	return report, nil
}

// allTables builds every cohort's tables, cohorts in parallel: each costs
// its regressions' set-up over the whole cohort.
func allTables(ctx context.Context, cohorts []cohort, markers []phenolink.IndexedMarker, calls []phenolink.Call, k int) ([][]Table, error) {
	out := make([][]Table, len(cohorts))
	errs := make([]error, len(cohorts))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, c := range cohorts {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			out[i], errs[i] = tables(ctx, c, markers, calls, k)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("research.Results: phenotype %q: %w", cohorts[i].phenotype.ID, err)
		}
	}
	return out, nil
}

func (s *Service) minGroupSize() (int, error) {
	switch k := s.MinGroupSize; {
	case k == 0:
		return DefaultMinGroupSize, nil
	case k < 2:
		return 0, fmt.Errorf("research: minimum group size %d is below 2, which would show single people", k)
	default:
		return k, nil
	}
}

// checkSNPs bounds and de-duplicates ids that did not come through
// ParseSNPs.
func checkSNPs(snps []string) ([]string, error) {
	out := make([]string, 0, len(snps))
	seen := make(map[string]bool, len(snps))
	for _, id := range snps {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	switch {
	case len(out) == 0:
		return nil, phenolink.Errorf(phenolink.EINVALID, "Enter at least one marker id, such as rs53576.")
	case len(out) > MaxSNPs:
		return nil, phenolink.Errorf(phenolink.EINVALID, "%d marker ids is too many: enter at most %d at a time.", len(out), MaxSNPs)
	}
	return out, nil
}

// checkPhenotypeIDs bounds and de-duplicates the phenotype ids of a
// request.
func checkPhenotypeIDs(ids []string) ([]string, error) {
	if len(ids) > MaxPhenotypes {
		return nil, phenolink.Errorf(phenolink.EINVALID, "%d phenotypes is too many: choose at most %d at a time.", len(ids), MaxPhenotypes)
	}
	var out []string
	for i, id := range ids {
		if !slices.Contains(ids[:i], id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// errNotInCatalog is the error for a phenotype id not in the catalog.
func errNotInCatalog(id string) error {
	return phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog: pick one from the list.", id)
}

// phenotypes returns the catalog entries of ids (checked), or the whole
// catalog when ids is empty, read from the store.
func (s *Service) phenotypes(ctx context.Context, ids []string) ([]phenolink.Phenotype, error) {
	if len(ids) == 0 {
		all, err := s.Phenotypes.Phenotypes(ctx)
		if err != nil {
			return nil, fmt.Errorf("research.Results: reading the catalog: %w", err)
		}
		return all, nil
	}
	out := make([]phenolink.Phenotype, 0, len(ids))
	for _, id := range ids {
		p, err := s.Phenotypes.Phenotype(ctx, id)
		if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
			return nil, errNotInCatalog(id)
		}
		if err != nil {
			return nil, fmt.Errorf("research.Results: reading phenotype %q: %w", id, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// unknownIDs returns the ids FindMarkers did not find, in the order asked.
func unknownIDs(ids []string, found []phenolink.IndexedMarker) []string {
	known := make(map[string]bool, len(found))
	for _, m := range found {
		known[m.ID] = true
	}
	var out []string
	for _, id := range ids {
		if !known[id] {
			out = append(out, id)
		}
	}
	return out
}
