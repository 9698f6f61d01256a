// Package scantest is an in-memory store of genomes, phenotypes, consent,
// roles, the audit log and scans, for tests of scans and exports that need
// no database.
package scantest

import (
	"context"
	"slices"
	"sync"
	"time"

	"phenolink/internal/phenolink"
)

// Store keeps everything in maps. It implements phenolink.ScanStore,
// phenolink.PhenotypeStore, phenolink.GenomeRecordScanner and the parts
// of phenolink.GenotypeStore that scans and exports use (SaveGenome,
// Genome, Markers, ScanGenomes, DeleteGenome); the genotype browser's
// methods are left to the embedded nil interface and panic.
type Store struct {
	phenolink.GenotypeStore

	mu         sync.Mutex
	markers    []phenolink.Marker
	index      map[string]int
	genomes    map[string][]phenolink.Call
	infos      map[string]phenolink.GenomeInfo
	profiles   map[string]string // profile id -> user id
	consent    map[string]phenolink.Consent
	roles      map[string]bool // user id + "\x00" + role
	phenotypes map[string]phenolink.Phenotype
	values     map[string]map[string]phenolink.PhenotypeValue // phenotype -> profile -> value
	audit      []phenolink.AuditEntry
	scans      map[int64]phenolink.Scan
	results    map[int64][]byte
	nextID     int64
}

// New returns a store with the default phenotype catalog.
func New() *Store {
	s := &Store{
		index: map[string]int{}, genomes: map[string][]phenolink.Call{}, infos: map[string]phenolink.GenomeInfo{},
		profiles: map[string]string{}, consent: map[string]phenolink.Consent{}, roles: map[string]bool{},
		phenotypes: map[string]phenolink.Phenotype{}, values: map[string]map[string]phenolink.PhenotypeValue{},
		scans: map[int64]phenolink.Scan{}, results: map[int64][]byte{},
	}
	for _, p := range phenolink.DefaultPhenotypes() {
		s.phenotypes[p.ID] = p
	}
	return s
}

// AddProfile records that a profile belongs to a user.
func (s *Store) AddProfile(ctx context.Context, userID, profileID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[profileID] = userID
	return nil
}

// SaveGenome merges markers into the index and stores the profile's
// calls in index order.
func (s *Store) SaveGenome(ctx context.Context, info phenolink.GenomeInfo, markers []phenolink.Marker, calls []phenolink.Call) (phenolink.GenomeInfo, error) {
	if err := info.Validate(); err != nil {
		return info, err
	}
	if len(markers) != len(calls) {
		return info, phenolink.Errorf(phenolink.EINVALID, "%d markers but %d calls", len(markers), len(calls))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range markers {
		if i < len(s.markers) && s.markers[i].ID == m.ID {
			continue
		}
		if _, ok := s.index[m.ID]; !ok {
			s.index[m.ID] = len(s.markers)
			s.markers = append(s.markers, m)
		}
	}
	rec := make([]phenolink.Call, len(s.markers))
	for i, m := range markers {
		if i < len(s.markers) && s.markers[i].ID == m.ID {
			rec[i] = calls[i] // the usual case: the import is in index order
			continue
		}
		rec[s.index[m.ID]] = calls[i]
	}
	s.genomes[info.ProfileID] = rec
	s.infos[info.ProfileID] = info
	return info, nil
}

// Genome returns a stored genome's info, or ENOTFOUND.
func (s *Store) Genome(ctx context.Context, profileID string) (phenolink.GenomeInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info, ok := s.infos[profileID]
	if !ok {
		return info, phenolink.Errorf(phenolink.ENOTFOUND, "no genome for profile %q", profileID)
	}
	return info, nil
}

// DeleteGenome removes a profile's genome.
func (s *Store) DeleteGenome(ctx context.Context, profileID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.genomes, profileID)
	delete(s.infos, profileID)
	return nil
}

// Markers returns the index in index order.
func (s *Store) Markers(ctx context.Context) ([]phenolink.Marker, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.markers), nil
}

// ScanGenomes calls fn with every genome in profile id order, each padded
// to the index's length with NotOnChip in one reused buffer.
func (s *Store) ScanGenomes(ctx context.Context, fn func(profileID string, calls []phenolink.Call) error) error {
	s.mu.Lock()
	ids := make([]string, 0, len(s.genomes))
	for id := range s.genomes {
		ids = append(ids, id)
	}
	n := len(s.markers)
	s.mu.Unlock()
	slices.Sort(ids)
	buf := make([]phenolink.Call, n)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.mu.Lock()
		rec, ok := s.genomes[id]
		s.mu.Unlock()
		if !ok {
			continue
		}
		clear(buf)
		copy(buf, rec)
		if err := fn(id, buf); err != nil {
			return err
		}
	}
	return nil
}

// ScanGenomeRecords calls fn with every genome in profile id order as
// stored: a genome saved before the index grew is shorter than the index.
func (s *Store) ScanGenomeRecords(ctx context.Context, fn func(profileID string, record []phenolink.Call) error) error {
	s.mu.Lock()
	ids := make([]string, 0, len(s.genomes))
	for id := range s.genomes {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	slices.Sort(ids)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.mu.Lock()
		rec, ok := s.genomes[id]
		s.mu.Unlock()
		if !ok {
			continue
		}
		if err := fn(id, rec); err != nil {
			return err
		}
	}
	return nil
}

// Phenotypes returns the catalog ordered by source, then label.
func (s *Store) Phenotypes(ctx context.Context) ([]phenolink.Phenotype, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []phenolink.Phenotype
	for _, p := range s.phenotypes {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b phenolink.Phenotype) int {
		if a.Source != b.Source {
			return cmpString(a.Source, b.Source)
		}
		return cmpString(a.Label, b.Label)
	})
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Phenotype returns one catalog entry, or ENOTFOUND.
func (s *Store) Phenotype(ctx context.Context, id string) (phenolink.Phenotype, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.phenotypes[id]
	if !ok {
		return p, phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", id)
	}
	return p, nil
}

// SavePhenotype adds or updates a catalog entry.
func (s *Store) SavePhenotype(ctx context.Context, p phenolink.Phenotype) error {
	if err := p.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.phenotypes[p.ID] = p
	return nil
}

// SavePhenotypeValues checks every value and stores all or none.
func (s *Store) SavePhenotypeValues(ctx context.Context, values []phenolink.PhenotypeValue) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		p, ok := s.phenotypes[v.PhenotypeID]
		if !ok {
			return phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", v.PhenotypeID)
		}
		if err := p.Check(v.Value); err != nil {
			return err
		}
		user, ok := s.profiles[v.ProfileID]
		if !ok {
			return phenolink.Errorf(phenolink.ENOTFOUND, "no profile %q", v.ProfileID)
		}
		if _, ok := s.consent[user]; !ok {
			return phenolink.Errorf(phenolink.EFORBIDDEN, "user %q does not consent", user)
		}
	}
	for _, v := range values {
		if s.values[v.PhenotypeID] == nil {
			s.values[v.PhenotypeID] = map[string]phenolink.PhenotypeValue{}
		}
		s.values[v.PhenotypeID][v.ProfileID] = v
	}
	return nil
}

// DeletePhenotypeValue removes one value.
func (s *Store) DeletePhenotypeValue(ctx context.Context, profileID, phenotypeID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.values[phenotypeID], profileID)
	return nil
}

// PhenotypeValues returns a profile's values ordered by phenotype id.
func (s *Store) PhenotypeValues(ctx context.Context, profileID string) ([]phenolink.PhenotypeValue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []phenolink.PhenotypeValue
	for _, vs := range s.values {
		if v, ok := vs[profileID]; ok {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b phenolink.PhenotypeValue) int { return cmpString(a.PhenotypeID, b.PhenotypeID) })
	return out, nil
}

// CohortValues returns the values of consenting profiles by profile id.
func (s *Store) CohortValues(ctx context.Context, phenotypeID string) ([]phenolink.PhenotypeValue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.phenotypes[phenotypeID]; !ok {
		return nil, phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", phenotypeID)
	}
	var out []phenolink.PhenotypeValue
	for profile, v := range s.values[phenotypeID] {
		if _, ok := s.consent[s.profiles[profile]]; ok {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b phenolink.PhenotypeValue) int { return cmpString(a.ProfileID, b.ProfileID) })
	return out, nil
}

// CohortValuesOf calls fn with the values of the phenotypes ids that
// consenting profiles hold, by profile id and then phenotype id.
func (s *Store) CohortValuesOf(ctx context.Context, ids []string, fn func(profileID string, phenotype int, value float64) error) error {
	type entry struct {
		profile, phenotype string
		k                  int
		value              float64
	}
	if err := phenolink.CheckCohortPhenotypeIDs(ids); err != nil {
		return err
	}
	var out []entry
	s.mu.Lock()
	for k, id := range ids {
		if _, ok := s.phenotypes[id]; !ok {
			s.mu.Unlock()
			return phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", id)
		}
		for profile, v := range s.values[id] {
			if _, ok := s.consent[s.profiles[profile]]; ok {
				out = append(out, entry{profile, id, k, v.Value})
			}
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b entry) int {
		if c := cmpString(a.profile, b.profile); c != 0 {
			return c
		}
		return cmpString(a.phenotype, b.phenotype)
	})
	for _, e := range out {
		if err := fn(e.profile, e.k, e.value); err != nil {
			return err
		}
	}
	return nil
}

// ConsentingProfiles returns the consenting users' profile ids in order.
func (s *Store) ConsentingProfiles(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for profile, user := range s.profiles {
		if _, ok := s.consent[user]; ok {
			out = append(out, profile)
		}
	}
	slices.Sort(out)
	return out, nil
}

// GiveConsent records the user's consent.
func (s *Store) GiveConsent(ctx context.Context, c phenolink.Consent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consent[c.UserID] = c
	return nil
}

// Consent returns the user's consent, or ENOTFOUND.
func (s *Store) Consent(ctx context.Context, userID string) (phenolink.Consent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.consent[userID]
	if !ok {
		return c, phenolink.Errorf(phenolink.ENOTFOUND, "user %q has not consented", userID)
	}
	return c, nil
}

// WithdrawConsent removes the user's consent.
func (s *Store) WithdrawConsent(ctx context.Context, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.consent, userID)
	return nil
}

// SetRole grants or revokes a role.
func (s *Store) SetRole(ctx context.Context, userID, role string, granted bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[userID+"\x00"+role] = granted
	return nil
}

// HasRole reports whether the user holds the role.
func (s *Store) HasRole(ctx context.Context, userID, role string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roles[userID+"\x00"+role], nil
}

// RecordAudit appends an entry.
func (s *Store) RecordAudit(ctx context.Context, e phenolink.AuditEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.ID = int64(len(s.audit) + 1)
	s.audit = append(s.audit, e)
	return nil
}

// AuditLog returns the newest entries first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]phenolink.AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []phenolink.AuditEntry
	for i := len(s.audit) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, s.audit[i])
	}
	return out, nil
}

// CreateScan stores a scan with the next id; no job queue is involved.
func (s *Store) CreateScan(ctx context.Context, sc phenolink.Scan) (phenolink.Scan, error) {
	if err := sc.Validate(); err != nil {
		return sc, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	sc.ID = s.nextID
	if sc.CreatedAt.IsZero() {
		sc.CreatedAt = time.Now()
	}
	s.scans[sc.ID] = sc
	return sc, nil
}

// Scan returns one scan, or ENOTFOUND.
func (s *Store) Scan(ctx context.Context, id int64) (phenolink.Scan, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := s.scans[id]
	if !ok {
		return sc, phenolink.Errorf(phenolink.ENOTFOUND, "no scan %d", id)
	}
	return sc, nil
}

// Scans returns every scan, newest first.
func (s *Store) Scans(ctx context.Context) ([]phenolink.Scan, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []phenolink.Scan
	for _, sc := range s.scans {
		out = append(out, sc)
	}
	slices.SortFunc(out, func(a, b phenolink.Scan) int { return int(b.ID - a.ID) })
	return out, nil
}

// CompleteScan stores the summary and results.
func (s *Store) CompleteScan(ctx context.Context, sc phenolink.Scan, results []byte) error {
	if len(results) > phenolink.MaxScanResults {
		return phenolink.Errorf(phenolink.ETOOLARGE, "results too large")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.scans[sc.ID]; !ok {
		return phenolink.Errorf(phenolink.ENOTFOUND, "no scan %d", sc.ID)
	}
	s.scans[sc.ID] = sc
	s.results[sc.ID] = slices.Clone(results)
	return nil
}

// ScanResults returns a completed scan's results, or ENOTFOUND.
func (s *Store) ScanResults(ctx context.Context, id int64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.results[id]
	if !ok {
		return nil, phenolink.Errorf(phenolink.ENOTFOUND, "scan %d has no results", id)
	}
	return r, nil
}

// DeleteScan removes a scan and its results.
func (s *Store) DeleteScan(ctx context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.scans, id)
	delete(s.results, id)
	return nil
}

var (
	_ phenolink.ScanStore      = (*Store)(nil)
	_ phenolink.PhenotypeStore = (*Store)(nil)
	_ phenolink.GenotypeStore  = (*Store)(nil)
)
