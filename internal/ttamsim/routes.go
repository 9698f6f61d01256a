package ttamsim

import (
	"net/http"
	"strings"
)

// routes registers every endpoint, each with and without its trailing
// slash, because real clients send both.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	both := func(method, path string, h http.Handler) {
		base := strings.TrimSuffix(path, "/")
		mux.Handle(method+" "+base+"/{$}", h)
		mux.Handle(method+" "+base, h)
	}
	api := func(path string, h apiHandler) { both("GET", path, s.withFaults(s.authenticated(h))) }
	open := func(path string, h func(http.ResponseWriter, *http.Request) error) {
		both("GET", path, s.withFaults(s.handle(h)))
	}

	both("GET", "/authorize/", s.handle(s.authorize))
	both("POST", "/authorize/", s.handle(s.authorize))
	both("POST", "/token/", s.handle(s.token))
	both("GET", "/logout/", s.handle(s.logout))

	api("/3/account/", s.v3Account)
	api("/3/profile/{pid}/", s.v3Profile)
	api("/3/profile/{pid}/marker/", s.v3Markers)
	api("/3/profile/{pid}/marker/{mid}/", s.v3Marker)
	api("/3/profile/{pid}/variant/", s.v3Variants)
	api("/3/profile/{pid}/report/", s.v3Reports)
	api("/3/profile/{pid}/report/{rid}/", s.v3Report)
	open("/3/marker/{mid}/", s.refMarker)
	open("/3/accession/", s.refAccessions)
	open("/3/accession/{aid}/", s.refAccession)

	for _, demo := range []bool{false, true} {
		prefix := "/1"
		if demo {
			prefix = "/1/demo"
		}
		v1 := func(path string, h v1Handler) { api(prefix+path, s.v1(demo, h)) }
		v1("/user/", s.v1User)
		v1("/names/", s.v1Names)
		for _, genotypes := range []string{"/genotypes/", "/genotype/"} {
			v1(genotypes, s.v1Genotypes)
			v1(genotypes+"{pid}/", s.v1Genotypes)
		}
		v1("/genomes/", s.v1Genomes)
		v1("/genomes/{pid}/", s.v1Genomes)
	}
	mux.Handle("GET /res/txt/snps.data", s.withFaults(http.HandlerFunc(s.snpsData)))

	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notRouted(mux, w, r)
	}))
	return mux
}

// handle adapts a handler that returns an error.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// notRouted answers a request no pattern took: 405 when the path exists
// for another method, 404 otherwise, both with the JSON error body.
func notRouted(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) error {
	var allowed []string
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, method)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return errorf(http.StatusMethodNotAllowed, "invalid_request", "%s %s is not allowed; use %s.", r.Method, r.URL.Path, strings.Join(allowed, " or "))
	}
	return errorf(http.StatusNotFound, "not_found", "No endpoint at %s %s; see docs/23andme-api.md.", r.Method, r.URL.Path)
}
