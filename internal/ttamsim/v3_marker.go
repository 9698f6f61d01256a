package ttamsim

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

// refVariant is an allele of a marker as reference data describes it.
type refVariant struct {
	AccessionID    string   `json:"accession_id"`
	Start          int      `json:"start"`
	End            int      `json:"end"`
	Allele         string   `json:"allele"`
	PlatformLabels []string `json:"platform_labels"`
}

// v3Variant is an allele of a marker in one profile: dosage is how many
// copies the profile carries, null on a no-call or off the chip.
type v3Variant struct {
	refVariant
	Dosage    *int `json:"dosage"`
	IsAssayed bool `json:"is_assayed"`
	IsNoCall  bool `json:"is_no_call"`
}

// refMarker is /3/marker/{id}/: a marker without any profile's call.
type refMarker struct {
	ID           string       `json:"id"`
	AlternateIDs []string     `json:"alternate_ids"`
	GeneNames    []string     `json:"gene_names"`
	AccessionID  string       `json:"accession_id"`
	Start        int          `json:"start"`
	End          int          `json:"end"`
	Variants     []refVariant `json:"variants"`
}

// v3Marker is a marker in one profile. is_assayed says the marker is on the
// profile's chip, is_no_call that it is but no call was made, and
// is_genotyped that a call exists.
type v3Marker struct {
	ID           string      `json:"id"`
	AlternateIDs []string    `json:"alternate_ids"`
	GeneNames    []string    `json:"gene_names"`
	AccessionID  string      `json:"accession_id"`
	Start        int         `json:"start"`
	End          int         `json:"end"`
	IsGenotyped  bool        `json:"is_genotyped"`
	IsAssayed    bool        `json:"is_assayed"`
	IsNoCall     bool        `json:"is_no_call"`
	Variants     []v3Variant `json:"variants"`
}

// refVariants returns marker i's reference and alternate alleles, labelled
// with the platforms of the chips listed.
func (s *Server) refVariants(i int, labels []string) [2]refVariant {
	m := s.key[i]
	v := refVariant{AccessionID: m.Chrom.Accession(), Start: int(m.Pos) - 1, End: int(m.Pos), PlatformLabels: labels}
	ref, alt := v, v
	ref.Allele = string(phenolink.AlleleLetter(m.Ref))
	alt.Allele = string(phenolink.AlleleLetter(m.Alt))
	return [2]refVariant{ref, alt}
}

func (s *Server) refMarkerJSON(i int) refMarker {
	m := s.key[i]
	var labels []string
	for _, c := range synth.Chips() {
		if c.Has(s.cfg.Seed, i) {
			labels = append(labels, c.Platform)
		}
	}
	if labels == nil {
		labels = []string{}
	}
	vs := s.refVariants(i, labels)
	return refMarker{ID: m.ID, AlternateIDs: []string{}, GeneNames: geneNames(m), AccessionID: m.Chrom.Accession(),
		Start: int(m.Pos) - 1, End: int(m.Pos), Variants: vs[:]}
}

func geneNames(m synth.Marker) []string {
	if m.Gene == "" {
		return []string{}
	}
	return []string{m.Gene}
}

// profileVariants returns marker i's two alleles with profile p's dosages.
func (s *Server) profileVariants(p Profile, i int) [2]v3Variant {
	c := s.call(p, i)
	labels := []string{}
	if c != phenolink.NotOnChip {
		labels = []string{p.person.Chip.Platform}
	}
	refs := s.refVariants(i, labels)
	var out [2]v3Variant
	for k, rv := range refs {
		out[k] = v3Variant{refVariant: rv, IsAssayed: c != phenolink.NotOnChip, IsNoCall: c == phenolink.NoCall}
		if c.IsCalled() {
			allele := s.key[i].Ref
			if k == 1 {
				allele = s.key[i].Alt
			}
			d := 0
			if c.First() == allele {
				d++
			}
			if c.Second() == allele {
				d++
			}
			out[k].Dosage = &d
		}
	}
	return out
}

func (s *Server) v3MarkerJSON(p Profile, i int) v3Marker {
	m := s.key[i]
	vs := s.profileVariants(p, i)
	c := s.call(p, i)
	return v3Marker{ID: m.ID, AlternateIDs: []string{}, GeneNames: geneNames(m), AccessionID: m.Chrom.Accession(),
		Start: int(m.Pos) - 1, End: int(m.Pos), IsGenotyped: c.IsCalled(), IsAssayed: c != phenolink.NotOnChip,
		IsNoCall: c == phenolink.NoCall, Variants: vs[:]}
}

// v3Markers answers markers chosen by id list, by accession range or by
// gene name.
func (s *Server) v3Markers(w http.ResponseWriter, r *http.Request, g grant) error {
	p, err := s.profile(g, r.PathValue("pid"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	given := 0
	for _, name := range []string{"id", "accession_id", "gene_name"} {
		if q.Has(name) {
			given++
		}
	}
	if given > 1 {
		return errorf(http.StatusUnprocessableEntity, "invalid_request", "Give only one of id, accession_id and gene_name.")
	}
	var idx []int
	switch {
	case len(q["id"]) > 0:
		ids, err := parseMarkerIDs(q["id"])
		if err != nil {
			return errorf(http.StatusBadRequest, "invalid_request", "%s.", err)
		}
		if err := checkMarkerScope(g, ids); err != nil {
			return err
		}
		if idx, err = s.markerIndexes(ids, http.StatusNotFound); err != nil {
			return err
		}
	case q.Get("accession_id") != "":
		if idx, err = s.rangeIndexes(r); err != nil {
			return err
		}
		if idx, err = filterScope(g, s.key, idx); err != nil {
			return err
		}
	case q.Get("gene_name") != "":
		idx = s.byGene[strings.ToUpper(q.Get("gene_name"))]
		if idx, err = filterScope(g, s.key, idx); err != nil {
			return err
		}
	default:
		return errorf(http.StatusBadRequest, "invalid_request", "Give id (a comma-separated list), accession_id (with optional start and end) or gene_name.")
	}
	from, to, next, err := pageBounds(r, len(idx))
	if err != nil {
		return err
	}
	data := make([]v3Marker, 0, to-from)
	for _, i := range idx[from:to] {
		data = append(data, s.v3MarkerJSON(p, i))
	}
	writeJSON(w, http.StatusOK, envelope{Data: data, Links: links{Next: next}})
	return nil
}

// filterScope keeps the markers the grant unlocks; with none unlocked at
// all it answers 403.
func filterScope(g grant, key []synth.Marker, idx []int) ([]int, error) {
	if !g.scope.allowsAnyMarker() {
		return nil, errorf(http.StatusForbidden, "insufficient_scope", "Reading genotypes needs the genomes scope or a marker scope.")
	}
	if g.scope["genomes"] {
		return idx, nil
	}
	var out []int
	for _, i := range idx {
		if g.scope[key[i].ID] {
			out = append(out, i)
		}
	}
	return out, nil
}

// rangeIndexes returns the key indexes in accession_id's [start, end),
// 0-based, the whole sequence when start and end are absent.
func (s *Server) rangeIndexes(r *http.Request) ([]int, error) {
	q := r.URL.Query()
	acc := q.Get("accession_id")
	chrom, ok := synth.ChromosomeByAccession(acc)
	if !ok {
		return nil, errorf(http.StatusNotFound, "not_found", "Accession %q is not a GRCh37 sequence; see /3/accession/.", acc)
	}
	start, end := 0, int(chrom.Length())
	for name, dst := range map[string]*int{"start": &start, "end": &end} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, errorf(http.StatusBadRequest, "invalid_request", "%s %q: want a 0-based position.", name, v)
			}
			*dst = n
		}
	}
	if end < start {
		return nil, errorf(http.StatusUnprocessableEntity, "invalid_request", "end %d is before start %d.", end, start)
	}
	// The key is sorted by chromosome, then position.
	lo := sort.Search(len(s.key), func(i int) bool {
		m := s.key[i]
		return m.Chrom > chrom || m.Chrom == chrom && int(m.Pos)-1 >= start
	})
	hi := sort.Search(len(s.key), func(i int) bool {
		m := s.key[i]
		return m.Chrom > chrom || m.Chrom == chrom && int(m.Pos)-1 >= end
	})
	idx := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		idx = append(idx, i)
	}
	return idx, nil
}

// v3Marker answers one marker of one profile.
func (s *Server) v3Marker(w http.ResponseWriter, r *http.Request, g grant) error {
	p, err := s.profile(g, r.PathValue("pid"))
	if err != nil {
		return err
	}
	id := r.PathValue("mid")
	if err := checkMarkerScope(g, []string{id}); err != nil {
		return err
	}
	idx, err := s.markerIndexes([]string{id}, http.StatusNotFound)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.v3MarkerJSON(p, idx[0]))
	return nil
}

// v3Variants answers the variants in an accession range, two per marker.
func (s *Server) v3Variants(w http.ResponseWriter, r *http.Request, g grant) error {
	p, err := s.profile(g, r.PathValue("pid"))
	if err != nil {
		return err
	}
	if r.URL.Query().Get("accession_id") == "" {
		return errorf(http.StatusBadRequest, "invalid_request", "Give accession_id, with optional start and end.")
	}
	idx, err := s.rangeIndexes(r)
	if err != nil {
		return err
	}
	if idx, err = filterScope(g, s.key, idx); err != nil {
		return err
	}
	from, to, next, err := pageBounds(r, 2*len(idx))
	if err != nil {
		return err
	}
	data := make([]v3Variant, 0, to-from)
	for k := from; k < to; k++ {
		vs := s.profileVariants(p, idx[k/2])
		data = append(data, vs[k%2])
	}
	writeJSON(w, http.StatusOK, envelope{Data: data, Links: links{Next: next}})
	return nil
}
