// Package ttamsim is a faithful simulator of the 23andMe API as described in
// docs/23andme-api.md: OAuth 2.0 with a real authorize page, API v3 and v1,
// reference data and the key file, all over deterministic synthetic data
// from package synth. It is an http.Handler; Command serves it.
//
// Choices the reference leaves open, documented here for clients:
//   - v1 writes a haploid call (male X and Y, MT) as its letter twice ("AA"),
//     in /1/genomes/ and /1/genotypes/ alike, so every SNP takes two
//     characters; v3 variants and raw files give it dosage 1 and one letter.
//   - Females' Y markers on their chip are no-calls: "--", is_no_call true.
//   - A profile that is not genotyped has no marker on any chip: "__" in v1
//     and is_assayed false in v3.
//   - Unknown marker ids are 404 in v3 and 400 in v1, naming the id. A
//     well-formed but contradictory query (end before start, or id together
//     with accession_id or gene_name) is 422.
//   - v3 list endpoints page with limit (1..10000, default 100) and offset;
//     links.next is an absolute URL on the host the request named.
//   - /res/txt/snps.data positions are 1-based like the raw file; v3 start
//     and end are 0-based half-open.
//   - /1/demo/ serves the account DemoV1AccountID ("Demo Family") with the
//     profiles DemoMotherID and DemoFatherID to any valid token, whatever
//     its scopes; the demo profiles exist only there, not in v3.
//   - /1/names/ needs the names scope (403 without it), since names are
//     all it returns; v3 account and profile objects instead carry null
//     names without it, and a null email without email.
//   - With select_profile=true the authorize page also offers a radio
//     "profile" (a profile id); the token then covers only that profile and
//     other profiles on the account answer 403.
package ttamsim

import (
	"crypto/rand"
	"fmt"
	"html/template"
	"log/slog"
	mathrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"phenolink/internal/synth"
)

// Server is the simulator. It is safe for concurrent use.
type Server struct {
	cfg      Config
	key      []synth.Marker
	byID     map[string]int
	byGene   map[string][]int
	accounts []Account
	demo     []Profile
	clients  map[string]Client
	tokens   *tokenStore
	csrfKey  []byte
	pages    *template.Template
	reports  []report
	handler  http.Handler

	diceMu sync.Mutex
	dice   *mathrand.Rand // fault rolls, seeded so a faulty run repeats
}

// New builds a simulator: the marker key, the accounts and the routes.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	key, err := synth.Markers(cfg.Seed, cfg.Markers)
	if err != nil {
		return nil, fmt.Errorf("ttamsim.New: %w", err)
	}
	accounts, err := buildAccounts(cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("ttamsim.New: %w", err)
	}
	pages, err := template.New("pages").Parse(authorizePage)
	if err != nil {
		return nil, fmt.Errorf("ttamsim.New: authorize page: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		key:      key,
		byID:     make(map[string]int, len(key)),
		byGene:   map[string][]int{},
		accounts: accounts,
		demo:     demoProfiles(cfg.Seed),
		clients:  map[string]Client{},
		tokens:   newTokenStore(),
		csrfKey:  []byte(rand.Text()),
		pages:    pages,
		dice:     mathrand.New(mathrand.NewPCG(uint64(cfg.Seed), 0xfa017)),
	}
	for i, m := range key {
		s.byID[m.ID] = i
		if m.Gene != "" {
			g := strings.ToUpper(m.Gene)
			s.byGene[g] = append(s.byGene[g], i)
		}
	}
	for _, c := range append([]Client{DemoClient()}, cfg.Clients...) {
		s.clients[c.ID] = c
	}
	s.reports = buildReports(key)
	s.handler = s.logRequests(s.routes())
	return s, nil
}

// ServeHTTP serves the API, the OAuth pages and the key file.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Accounts returns the accounts the simulator serves, the demo one first.
func (s *Server) Accounts() []Account {
	out := make([]Account, len(s.accounts))
	for i, a := range s.accounts {
		a.Profiles = append([]Profile(nil), a.Profiles...)
		out[i] = a
	}
	return out
}

// DemoProfiles returns the two profiles the /1/demo/ routes serve to any
// valid token: DemoMotherID, a woman, and DemoFatherID, a man, both on the
// v4 chip, under the account DemoV1AccountID.
func (s *Server) DemoProfiles() []Profile { return append([]Profile(nil), s.demo...) }

// MarkerKey returns the marker key behind /res/txt/snps.data and every
// genotype the simulator serves. Callers must not modify it.
func (s *Server) MarkerKey() []synth.Marker { return s.key }

func (s *Server) now() time.Time { return s.cfg.Now() }

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("took", time.Since(start)))
	})
}
