package research

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"phenolink/internal/phenolink"
)

// memStore keeps a catalog, values, consent and genomes in memory, with
// the orderings and consent filter the stores promise.
type memStore struct {
	phenolink.PhenotypeStore // methods research does not call panic if called

	mu sync.Mutex // guards sorted and merged: pages may read at once

	catalog   []phenolink.Phenotype
	values    map[string]map[string]float64         // phenotype id -> profile id -> value
	sorted    map[string][]phenolink.PhenotypeValue // phenotype id -> its values in profile id order, once asked
	merged    map[string][]cohortValue              // CohortValuesOf's ids joined by commas -> their values merged, once asked
	withdrawn map[string]bool                       // profiles whose user withdrew consent
	index     []phenolink.Marker
	genomes   map[string][]phenolink.Call
	nextID    int
	gens      phenolink.Generations // moved by every change below
}

func newMemStore() *memStore {
	return &memStore{
		catalog:   phenolink.DefaultPhenotypes(),
		values:    map[string]map[string]float64{},
		sorted:    map[string][]phenolink.PhenotypeValue{},
		merged:    map[string][]cohortValue{},
		withdrawn: map[string]bool{},
		genomes:   map[string][]phenolink.Call{},
	}
}

func (s *memStore) Phenotypes(ctx context.Context) ([]phenolink.Phenotype, error) {
	return slices.Clone(s.catalog), nil
}

func (s *memStore) Phenotype(ctx context.Context, id string) (phenolink.Phenotype, error) {
	for _, p := range s.catalog {
		if p.ID == id {
			return p, nil
		}
	}
	return phenolink.Phenotype{}, phenolink.Errorf(phenolink.ENOTFOUND, "no phenotype %q", id)
}

func (s *memStore) CohortValues(ctx context.Context, phenotypeID string) ([]phenolink.PhenotypeValue, error) {
	s.mu.Lock()
	sorted := s.sortedValues(phenotypeID)
	s.mu.Unlock()
	out := make([]phenolink.PhenotypeValue, 0, len(sorted))
	for _, v := range sorted {
		if !s.withdrawn[v.ProfileID] {
			out = append(out, v)
		}
	}
	return out, nil
}

// cohortValue is one value in the order CohortValuesOf gives it.
type cohortValue struct {
	profile string
	k       int
	value   float64
}

// CohortValuesOf gives the consenting values of the phenotypes ids by
// profile id, then phenotype id, merging each phenotype's sorted values
// once per set of ids (kept in merged until a value changes).
func (s *memStore) CohortValuesOf(ctx context.Context, ids []string, fn func(profileID string, phenotype int, value float64) error) error {
	for _, id := range ids {
		if _, err := s.Phenotype(ctx, id); err != nil {
			return err
		}
	}
	key := strings.Join(ids, ",")
	s.mu.Lock()
	all, ok := s.merged[key]
	if !ok {
		all = s.merge(ids)
		s.merged[key] = all
	}
	s.mu.Unlock()
	for _, v := range all {
		if s.withdrawn[v.profile] {
			continue
		}
		if err := fn(v.profile, v.k, v.value); err != nil {
			return err
		}
	}
	return nil
}

// merge merges the phenotypes' values, withdrawn or not, by profile id
// and then phenotype id; s.mu is held.
func (s *memStore) merge(ids []string) []cohortValue {
	lists := make([][]phenolink.PhenotypeValue, len(ids))
	for k, id := range ids {
		lists[k] = s.sortedValues(id)
	}
	var all []cohortValue
	for {
		next := -1
		for k, l := range lists {
			if len(l) == 0 {
				continue
			}
			if next < 0 {
				next = k
				continue
			}
			switch c := strings.Compare(l[0].ProfileID, lists[next][0].ProfileID); {
			case c < 0, c == 0 && ids[k] < ids[next]:
				next = k
			}
		}
		if next < 0 {
			return all
		}
		v := lists[next][0]
		lists[next] = lists[next][1:]
		all = append(all, cohortValue{v.ProfileID, next, v.Value})
	}
}

// sortedValues returns the phenotype's values, withdrawn or not, in
// profile id order; s.mu is held.
func (s *memStore) sortedValues(phenotypeID string) []phenolink.PhenotypeValue {
	sorted, ok := s.sorted[phenotypeID]
	if !ok {
		for profile, v := range s.values[phenotypeID] {
			sorted = append(sorted, phenolink.PhenotypeValue{ProfileID: profile, PhenotypeID: phenotypeID, Value: v, Source: phenolink.ValueSourceSurvey})
		}
		slices.SortFunc(sorted, func(a, b phenolink.PhenotypeValue) int { return strings.Compare(a.ProfileID, b.ProfileID) })
		s.sorted[phenotypeID] = sorted
	}
	return sorted
}

func (s *memStore) FindMarkers(ctx context.Context, ids []string) ([]phenolink.IndexedMarker, error) {
	var out []phenolink.IndexedMarker
	for _, id := range ids {
		for i, m := range s.index {
			if m.ID == id {
				out = append(out, phenolink.IndexedMarker{Marker: m, Index: i})
				break
			}
		}
	}
	return out, nil
}

func (s *memStore) Generations(ctx context.Context) (phenolink.Generations, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gens, nil
}

func (s *memStore) CallsAt(ctx context.Context, positions []int, fn func(profileID string, calls []phenolink.Call) error) error {
	ids := make([]string, 0, len(s.genomes))
	for id := range s.genomes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	calls := make([]phenolink.Call, len(positions))
	for _, id := range ids {
		rec := s.genomes[id]
		for i, p := range positions {
			calls[i] = phenolink.NotOnChip
			if p < len(rec) {
				calls[i] = rec[p]
			}
		}
		if err := fn(id, calls); err != nil {
			return err
		}
	}
	return nil
}

// marker adds a marker to the index (once) and returns its position.
func (s *memStore) marker(id string, chrom phenolink.Chromosome) int {
	for i, m := range s.index {
		if m.ID == id {
			return i
		}
	}
	s.index = append(s.index, phenolink.Marker{ID: id, Chrom: chrom, Pos: uint32(1000 + len(s.index))})
	return len(s.index) - 1
}

// person adds a new profile with call at marker id (on chromosome 1 unless
// the marker exists) and its value of phenotype; it returns the profile id.
func (s *memStore) person(t testing.TB, markerID, call, phenotype string, value float64) string {
	t.Helper()
	s.nextID++
	profile := fmtProfile(s.nextID)
	s.setCall(t, profile, markerID, call)
	s.setValue(profile, phenotype, value)
	return profile
}

// group adds one person per value, all with call.
func (s *memStore) group(t testing.TB, markerID, call, phenotype string, values ...float64) []string {
	var ids []string
	for _, v := range values {
		ids = append(ids, s.person(t, markerID, call, phenotype, v))
	}
	return ids
}

func (s *memStore) setCall(t testing.TB, profile, markerID, call string) {
	t.Helper()
	c, err := phenolink.ParseCall(call)
	if err != nil {
		t.Fatal(err)
	}
	pos := s.marker(markerID, 1)
	rec := s.genomes[profile]
	for len(rec) <= pos {
		rec = append(rec, phenolink.NotOnChip)
	}
	rec[pos] = c
	s.genomes[profile] = rec
	s.moved(true, false)
}

// moved moves the change counters of genomes, values or both.
func (s *memStore) moved(genomes, cohort bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if genomes {
		s.gens.Genomes++
	}
	if cohort {
		s.gens.Cohort++
	}
}

// withdraw withdraws the consent of the profiles' users (consenting again
// when consents is true).
func (s *memStore) withdraw(consents bool, profiles ...string) {
	for _, p := range profiles {
		if consents {
			delete(s.withdrawn, p)
		} else {
			s.withdrawn[p] = true
		}
	}
	s.moved(false, true)
}

func (s *memStore) setValue(profile, phenotype string, v float64) {
	if s.values[phenotype] == nil {
		s.values[phenotype] = map[string]float64{}
	}
	s.values[phenotype][profile] = v
	delete(s.sorted, phenotype)
	clear(s.merged)
	s.moved(false, true)
}

// deleteValue deletes one value.
func (s *memStore) deleteValue(profile, phenotype string) {
	delete(s.values[phenotype], profile)
	delete(s.sorted, phenotype)
	clear(s.merged)
	s.moved(false, true)
}

// remove deletes a profile's genome and values, as if it never existed.
func (s *memStore) remove(profiles ...string) {
	for _, p := range profiles {
		delete(s.genomes, p)
		for _, vals := range s.values {
			delete(vals, p)
		}
		clear(s.sorted)
		clear(s.merged)
	}
	s.moved(true, true)
}

func (s *memStore) service(k int) *Service {
	return &Service{Markers: s, Phenotypes: s, MinGroupSize: k}
}

// results runs Results and fails the test on error.
func results(t testing.TB, s *Service, snps []string, phenotypes ...string) *Report {
	t.Helper()
	r, err := s.Results(context.Background(), snps, phenotypes)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// onlyTable returns the report's single table.
func onlyTable(t testing.TB, r *Report) Table {
	t.Helper()
	if len(r.Tables) != 1 {
		t.Fatalf("got %d tables, want 1", len(r.Tables))
	}
	return r.Tables[0]
}

// fmtProfile names the profile numbered n, so that ids sort as numbered.
func fmtProfile(n int) string { return fmt.Sprintf("p%05d", n) }
