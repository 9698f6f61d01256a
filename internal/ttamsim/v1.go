package ttamsim

import (
	"net/http"
	"strings"

	"phenolink/internal/phenolink"
)

// DemoV1AccountID is the account id /1/demo/user/ reports.
const DemoV1AccountID = "SP1_DEMO_USER"

// v1View is what a v1 request may read: the grant's account, or the two
// demo profiles under /1/demo/.
type v1View struct {
	grant     grant
	accountID string
	first     string
	last      string
	profiles  []Profile
}

type v1Handler func(w http.ResponseWriter, r *http.Request, v v1View) error

// v1 adapts a v1 handler; under /1/demo/ any valid token reads the demo
// profiles with every scope.
func (s *Server) v1(demo bool, h v1Handler) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, g grant) error {
		if demo {
			return h(w, r, v1View{grant: grant{scope: demoScope()}, accountID: DemoV1AccountID,
				first: "Demo", last: "Family", profiles: s.demo})
		}
		a, err := s.account(g)
		if err != nil {
			return err
		}
		return h(w, r, v1View{grant: g, accountID: a.ID, first: a.FirstName, last: a.LastName, profiles: a.Profiles})
	}
}

// selected returns the profile named in the path, or every profile.
func (s *Server) selected(r *http.Request, v v1View) ([]Profile, bool, error) {
	pid := r.PathValue("pid")
	if pid == "" {
		return v.profiles, false, nil
	}
	for _, p := range v.profiles {
		if p.ID == pid {
			return []Profile{p}, true, nil
		}
	}
	if v.accountID == DemoV1AccountID {
		return nil, false, errorf(http.StatusNotFound, "not_found", "No demo profile %q; use %s or %s.", pid, DemoMotherID, DemoFatherID)
	}
	p, err := s.profile(v.grant, pid)
	return []Profile{p}, true, err
}

// respond writes one object for a single profile, an array otherwise.
func respond[T any](w http.ResponseWriter, items []T, single bool) {
	if single {
		writeJSON(w, http.StatusOK, items[0])
		return
	}
	writeJSON(w, http.StatusOK, items)
}

type v1UserProfile struct {
	ID        string `json:"id"`
	Genotyped bool   `json:"genotyped"`
}

type v1User struct {
	ID       string          `json:"id"`
	Profiles []v1UserProfile `json:"profiles"`
}

func (s *Server) v1User(w http.ResponseWriter, r *http.Request, v v1View) error {
	if err := needScope(v.grant, "basic"); err != nil {
		return err
	}
	out := v1User{ID: v.accountID, Profiles: []v1UserProfile{}}
	for _, p := range v.profiles {
		out.Profiles = append(out.Profiles, v1UserProfile{ID: p.ID, Genotyped: p.Genotyped})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type v1NameProfile struct {
	ID        string `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

type v1Names struct {
	ID        string          `json:"id"`
	FirstName string          `json:"first_name"`
	LastName  string          `json:"last_name"`
	Profiles  []v1NameProfile `json:"profiles"`
}

func (s *Server) v1Names(w http.ResponseWriter, r *http.Request, v v1View) error {
	if err := needScope(v.grant, "names"); err != nil {
		return err
	}
	out := v1Names{ID: v.accountID, FirstName: v.first, LastName: v.last, Profiles: []v1NameProfile{}}
	for _, p := range v.profiles {
		out.Profiles = append(out.Profiles, v1NameProfile{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type v1Location struct {
	Location string `json:"location"`
	Call     string `json:"call"`
}

type v1Embedded struct {
	ID        string       `json:"id"`
	Genotypes []v1Location `json:"genotypes"`
}

// v1Genotypes answers ?locations=rs1 i2 ... as {"id":pid,"rs1":"AA"}, or
// with format=embedded as {"id":pid,"genotypes":[{"location","call"}]}.
func (s *Server) v1Genotypes(w http.ResponseWriter, r *http.Request, v v1View) error {
	q := r.URL.Query()
	ids, err := parseMarkerIDs(q["locations"])
	if err != nil {
		return errorf(http.StatusBadRequest, "invalid_request", "locations: %s.", err)
	}
	if len(ids) == 0 {
		return errorf(http.StatusBadRequest, "invalid_request", "Give locations: marker ids separated by spaces.")
	}
	if err := checkMarkerScope(v.grant, ids); err != nil {
		return err
	}
	idx, err := s.markerIndexes(ids, http.StatusBadRequest)
	if err != nil {
		return err
	}
	profiles, single, err := s.selected(r, v)
	if err != nil {
		return err
	}
	if q.Get("format") == "embedded" {
		var out []v1Embedded
		for _, p := range profiles {
			e := v1Embedded{ID: p.ID, Genotypes: make([]v1Location, len(idx))}
			for k, i := range idx {
				e.Genotypes[k] = v1Location{Location: ids[k], Call: v1Call(s.call(p, i))}
			}
			out = append(out, e)
		}
		respond(w, out, single)
		return nil
	}
	var out []map[string]string
	for _, p := range profiles {
		m := map[string]string{"id": p.ID}
		for k, i := range idx {
			m[ids[k]] = v1Call(s.call(p, i))
		}
		out = append(out, m)
	}
	respond(w, out, single)
	return nil
}

type v1Genome struct {
	ID     string `json:"id"`
	Genome string `json:"genome"`
}

// genomeString packs p's calls two characters per SNP in key order.
func (s *Server) genomeString(p Profile) string {
	b := make([]byte, 0, 2*len(s.key))
	if !p.Genotyped {
		return strings.Repeat("__", len(s.key))
	}
	for _, c := range p.person.Genome(s.key) {
		switch {
		case c.IsHaploid():
			l := phenolink.AlleleLetter(c.First())
			b = append(b, l, l)
		case c.IsCalled():
			b = append(b, phenolink.AlleleLetter(c.First()), phenolink.AlleleLetter(c.Second()))
		default:
			b = append(b, c.String()...)
		}
	}
	return string(b)
}

func (s *Server) v1Genomes(w http.ResponseWriter, r *http.Request, v v1View) error {
	if err := needScope(v.grant, "genomes"); err != nil {
		return err
	}
	profiles, single, err := s.selected(r, v)
	if err != nil {
		return err
	}
	var out []v1Genome
	for _, p := range profiles {
		out = append(out, v1Genome{ID: p.ID, Genome: s.genomeString(p)})
	}
	respond(w, out, single)
	return nil
}
