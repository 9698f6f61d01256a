package ttam

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
	"phenolink/internal/ttamsim"
)

// demoClient is a client reading the demo account through the simulator.
func (e *simEnv) demoClient(t *testing.T) *testClient {
	t.Helper()
	return newTestClientFor(t, e.api, StaticToken(ttamsim.DemoToken))
}

func TestSimAccountAndProfile(t *testing.T) {
	e := newSimEnv(t, 2000, ttamsim.Faults{})
	c := e.demoClient(t)
	acct, err := c.Account(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if acct.ID != ttamsim.DemoAccountID || acct.FirstName != "Erin" || acct.LastName != "Mendel" || acct.Email == "" {
		t.Errorf("account %+v", acct)
	}
	if len(acct.Profiles) == 0 || acct.Profiles[0].ID != ttamsim.DemoProfileID {
		t.Fatalf("profiles %+v", acct.Profiles)
	}
	p, err := c.Profile(t.Context(), ttamsim.DemoProfileID)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != ttamsim.DemoProfileID || p.FirstName != "Erin" || p.LastName != "Mendel" || !p.IsGenotyped || p.IsAncestryOnly {
		t.Errorf("profile %+v", p)
	}
	if p != acct.Profiles[0] {
		t.Errorf("profile %+v differs from the account's %+v", p, acct.Profiles[0])
	}
	if _, err := c.Profile(t.Context(), "no_such_profile"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown profile: err = %v, want ErrNotFound", err)
	}

	u, err := c.V1User(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || len(u.Profiles) == 0 || u.Profiles[0].ID != ttamsim.DemoProfileID || !u.Profiles[0].Genotyped {
		t.Errorf("v1 user %+v", u)
	}
	n, err := c.V1Names(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n.FirstName != "Erin" || n.LastName != "Mendel" || len(n.Profiles) == 0 || n.Profiles[0].ID != ttamsim.DemoProfileID || n.Profiles[0].FirstName != "Erin" {
		t.Errorf("v1 names %+v", n)
	}
}

func TestSimBadTokenIsUnauthenticated(t *testing.T) {
	e := newSimEnv(t, 1000, ttamsim.Faults{})
	c := newTestClientFor(t, e.api, StaticToken("not-a-token"))
	_, err := c.Account(t.Context())
	if !errors.Is(err, ErrUnauthenticated) || phenolink.ErrorCode(err) != phenolink.EUNAUTHORIZED {
		t.Errorf("err = %v, want ErrUnauthenticated", err)
	}
}

func TestSimGenomeMatchesMarkers(t *testing.T) {
	const n = 5000
	e := newSimEnv(t, n, ttamsim.Faults{})
	c := e.demoClient(t)
	key, err := c.GenomeKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ref := e.sim.MarkerKey()
	if len(key.Markers) != n || len(ref) != n {
		t.Fatalf("key has %d markers, simulator %d, want %d", len(key.Markers), len(ref), n)
	}
	for i, m := range ref {
		k := key.Markers[i]
		if k.ID != m.ID || k.Chromosome != m.Chrom.String() || k.Position != int64(m.Pos) {
			t.Fatalf("key row %d = %+v, simulator %+v", i, k, m)
		}
	}
	kinds := checkGenomeMatchesMarkers(t, c.Client, ttamsim.DemoProfileID, key)
	for _, k := range []string{"not on chip", "no call", "diploid"} {
		if kinds[k] == 0 {
			t.Errorf("no %s call among %d markers: %v", k, n, kinds)
		}
	}

	// A male profile, signed in through OAuth with the genomes scope: his
	// X and Y calls are haploid in v3 and doubled letters in the genome.
	var account, profile string
	for _, a := range e.sim.Accounts() {
		for _, p := range a.Profiles {
			if p.Genotyped && p.Sex == synth.Male && p.Chip == "v4" {
				account, profile = a.ID, p.ID
			}
		}
	}
	if account == "" {
		t.Fatal("the simulator has no genotyped male v4 profile")
	}
	o := e.oauth(t, "", "", "basic", "names", "email", "genomes")
	a := o.Start()
	q, status := e.authorize(t, browser(t), a.URL, account, "approve")
	if q == nil {
		t.Fatalf("approve did not reach the callback (status %d)", status)
	}
	tok, err := o.Finish(t.Context(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	male := newTestClientFor(t, e.api, o.TokenSource(tok, nil))
	kinds = checkGenomeMatchesMarkers(t, male.Client, profile, key)
	if kinds["haploid"] == 0 {
		t.Errorf("no haploid call for a male profile: %v", kinds)
	}
}

// checkGenomeMatchesMarkers reads the profile's packed genome, the v3
// markers and the v1 genotypes for every id of the key, checks that all
// three give the same call at every marker, and returns the calls counted
// by kind.
func checkGenomeMatchesMarkers(t *testing.T, c *Client, profileID string, key *GenomeKey) map[string]int {
	t.Helper()
	n := len(key.Markers)
	g, err := c.Genome(t.Context(), profileID, key)
	if err != nil {
		t.Fatal(err)
	}
	if g.ProfileID != profileID || len(g.Calls) != n {
		t.Fatalf("genome of %q with %d calls", g.ProfileID, len(g.Calls))
	}
	ids := make([]string, n)
	for i, m := range key.Markers {
		ids[i] = m.ID
	}
	markers, err := c.Markers(t.Context(), profileID, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(markers) != n {
		t.Fatalf("v3 returned %d markers for %d ids", len(markers), n)
	}
	byID := make(map[string]Marker, n)
	for _, m := range markers {
		byID[m.ID] = m
	}
	kinds := map[string]int{}
	for i, id := range ids {
		m, ok := byID[id]
		if !ok {
			t.Fatalf("v3 left out %s", id)
		}
		call, err := m.Call()
		if err != nil {
			t.Fatalf("marker %s: %v", id, err)
		}
		if call != g.Calls[i] {
			t.Fatalf("marker %s on %s: v3 call %v, genome %v", id, key.Markers[i].Chromosome, call, g.Calls[i])
		}
		switch {
		case call == phenolink.NotOnChip:
			kinds["not on chip"]++
		case call == phenolink.NoCall:
			kinds["no call"]++
		case call.IsHaploid():
			kinds["haploid"]++
		default:
			kinds["diploid"]++
		}
		if m.AccessionID == "" || m.End != m.Start+1 || m.Start != key.Markers[i].Position-1 || len(m.Variants) != 2 {
			t.Fatalf("marker %+v does not have the reference's shape", m)
		}
	}
	t.Logf("%s: calls by kind: %v", profileID, kinds)

	checkGenotypesMatchGenome(t, c, g)

	// One marker, and its reference data without a profile.
	one, err := c.Marker(t.Context(), profileID, ids[17])
	if err != nil {
		t.Fatal(err)
	}
	if call, _ := one.Call(); call != g.Calls[17] || one.AccessionID != byID[ids[17]].AccessionID {
		t.Errorf("Marker(%s) = %+v", ids[17], one)
	}
	refm, err := withTokens(c, nil).ReferenceMarker(t.Context(), ids[17])
	if err != nil {
		t.Fatal(err)
	}
	if refm.ID != ids[17] || refm.Start != one.Start || refm.IsAssayed || refm.IsGenotyped || len(refm.Variants) != 2 {
		t.Errorf("ReferenceMarker = %+v", refm)
	}
	for _, v := range refm.Variants {
		if v.Dosage != nil || v.Allele == "" {
			t.Errorf("reference variant %+v", v)
		}
	}
	return kinds
}

// checkGenotypesMatchGenome asks c's v1 genotypes endpoint, in both
// formats, for every marker of g's key and checks each call equals the
// genome's, up to the doubled letter v1 writes for a haploid call.
func checkGenotypesMatchGenome(t *testing.T, c *Client, g Genome) {
	t.Helper()
	ids := make([]string, len(g.Calls))
	for i := range ids {
		ids[i] = g.Key.Markers[i].ID
	}
	for _, embedded := range []bool{false, true} {
		gts, err := c.Genotypes(t.Context(), g.ProfileID, ids, embedded)
		if err != nil {
			t.Fatal(err)
		}
		if len(gts) != len(ids) {
			t.Fatalf("%s embedded=%v: %d genotypes for %d locations", g.ProfileID, embedded, len(gts), len(ids))
		}
		for i, gt := range gts {
			call := gt.Call
			if g.Calls[i].IsHaploid() {
				call = haploid(call)
			}
			if gt.Location != ids[i] || call != g.Calls[i] {
				t.Fatalf("%s embedded=%v: %s = %v, genome %v", g.ProfileID, embedded, gt.Location, gt.Call, g.Calls[i])
			}
		}
	}
}

// withTokens returns a copy of c that uses tokens.
func withTokens(c *Client, tokens Tokens) *Client {
	cc := *c
	cc.tokens = tokens
	return &cc
}

func TestSimVariantsAndAccessions(t *testing.T) {
	e := newSimEnv(t, 3000, ttamsim.Faults{})
	c := e.demoClient(t)
	accs, err := c.Accessions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// The GRCh37 (RefSeq) sequences, written out independently of the
	// simulator's table.
	grch37 := []Accession{
		{"NC_000001.10", "1", 249250621}, {"NC_000002.11", "2", 243199373}, {"NC_000003.11", "3", 198022430},
		{"NC_000004.11", "4", 191154276}, {"NC_000005.9", "5", 180915260}, {"NC_000006.11", "6", 171115067},
		{"NC_000007.13", "7", 159138663}, {"NC_000008.10", "8", 146364022}, {"NC_000009.11", "9", 141213431},
		{"NC_000010.10", "10", 135534747}, {"NC_000011.9", "11", 135006516}, {"NC_000012.11", "12", 133851895},
		{"NC_000013.10", "13", 115169878}, {"NC_000014.8", "14", 107349540}, {"NC_000015.9", "15", 102531392},
		{"NC_000016.9", "16", 90354753}, {"NC_000017.10", "17", 81195210}, {"NC_000018.9", "18", 78077248},
		{"NC_000019.9", "19", 59128983}, {"NC_000020.10", "20", 63025520}, {"NC_000021.8", "21", 48129895},
		{"NC_000022.10", "22", 51304566}, {"NC_000023.10", "X", 155270560}, {"NC_000024.9", "Y", 59373566},
		{"NC_012920.1", "MT", 16569},
	}
	if !reflect.DeepEqual(accs, grch37) {
		t.Errorf("accessions\n%v, want GRCh37's\n%v", accs, grch37)
	}
	for _, want := range grch37 {
		got, err := c.Accession(t.Context(), want.ID)
		if err != nil || got != want {
			t.Errorf("Accession(%s) = %+v, %v; want %+v", want.ID, got, err, want)
		}
	}
	a4, err := c.Accession(t.Context(), "NC_000004.11")
	if err != nil {
		t.Fatal(err)
	}
	if a4 != (Accession{ID: "NC_000004.11", Chromosome: "4", Length: 191154276}) {
		t.Errorf("accession 4 = %+v", a4)
	}
	found := false
	for _, a := range accs {
		found = found || a == a4
	}
	if !found {
		t.Errorf("the list %v lacks %+v", accs, a4)
	}
	if _, err := c.Accession(t.Context(), "NC_999999.1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown accession: err = %v, want ErrNotFound", err)
	}

	// Every chromosome 1 marker of the key, asked as variants over the
	// chromosome's whole length, across pages of the simulator's links.
	c.pageSize = 37
	var want int
	for _, m := range e.sim.MarkerKey() {
		if m.Chrom.String() == "1" {
			want++
		}
	}
	vs, err := c.Variants(t.Context(), ttamsim.DemoProfileID, "NC_000001.10", 0, 249250621)
	if err != nil {
		t.Fatal(err)
	}
	positions := map[int64]bool{}
	for _, v := range vs {
		if v.AccessionID != "NC_000001.10" || v.End != v.Start+1 || v.Allele == "" {
			t.Fatalf("variant %+v", v)
		}
		positions[v.Start] = true
	}
	if pages, wantPages := strings.Count(c.logs.String(), "/variant/"), (2*want+36)/37; pages != wantPages {
		t.Errorf("variants came in %d pages, want %d", pages, wantPages)
	}
	if len(positions) != want {
		t.Errorf("variants cover %d positions, the key has %d chromosome 1 markers", len(positions), want)
	}

	// The same range as markers, which must match the key in order.
	ms, err := c.MarkersInRange(t.Context(), ttamsim.DemoProfileID, "NC_000001.10", 0, 249250621)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != want {
		t.Fatalf("%d markers in range, the key has %d on chromosome 1", len(ms), want)
	}
	for i, m := range e.sim.MarkerKey()[:want] {
		if ms[i].ID != m.ID || ms[i].Start != int64(m.Pos)-1 {
			t.Fatalf("marker %d in range = %s at %d, key %s at %d", i, ms[i].ID, ms[i].Start, m.ID, m.Pos-1)
		}
	}
	// A narrow window holds only what lies inside it.
	lo, hi := ms[10].Start, ms[20].Start
	narrow, err := c.MarkersInRange(t.Context(), ttamsim.DemoProfileID, "NC_000001.10", lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	if len(narrow) != 10 || narrow[0].ID != ms[10].ID {
		t.Errorf("[%d, %d) holds %d markers, want 10 from %s", lo, hi, len(narrow), ms[10].ID)
	}
}

func TestSimReports(t *testing.T) {
	e := newSimEnv(t, 1000, ttamsim.Faults{})
	c := e.demoClient(t)
	reports, err := c.Reports(t.Context(), ttamsim.DemoProfileID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) == 0 {
		t.Fatal("no reports for the demo profile")
	}
	r, err := c.Report(t.Context(), ttamsim.DemoProfileID, reports[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != reports[0].ID || len(r.Fields) < 2 {
		t.Errorf("report %+v", r)
	}
	if _, err := c.Report(t.Context(), ttamsim.DemoProfileID, "no_such_report"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown report: err = %v, want ErrNotFound", err)
	}
}

func TestSimResilience(t *testing.T) {
	tests := []struct {
		name        string
		faults      ttamsim.Faults
		timeout     time.Duration
		maxAttempts int
		want        error
	}{
		{"occasional 429", ttamsim.Faults{RateLimitRate: 0.3, RetryAfter: 2 * time.Second}, 0, 12, nil},
		{"occasional 500", ttamsim.Faults{ErrorRate: 0.3}, 0, 12, nil},
		{"slow but in time", ttamsim.Faults{Latency: 5 * time.Millisecond}, time.Second, 2, nil},
		{"always 429", ttamsim.Faults{RateLimitRate: 1, RetryAfter: time.Minute}, 0, 3, ErrRateLimited},
		{"always 500", ttamsim.Faults{ErrorRate: 1}, 0, 3, ErrServer},
		{"too slow", ttamsim.Faults{Latency: 300 * time.Millisecond}, 30 * time.Millisecond, 2, ErrNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSimEnv(t, 1000, tt.faults)
			c := e.demoClient(t)
			c.retry.MaxAttempts = tt.maxAttempts
			if tt.timeout > 0 {
				c.timeout = tt.timeout
			}
			calls := 20 // occasional faults: enough calls that some are hit
			if tt.want != nil {
				calls = 3
			}
			for range calls {
				_, err := c.Profile(t.Context(), ttamsim.DemoProfileID)
				if tt.want == nil && err != nil {
					t.Fatalf("err = %v after %d waits", err, len(c.sleeps.all()))
				}
				if tt.want != nil {
					if !errors.Is(err, tt.want) {
						t.Fatalf("err = %v, want %v", err, tt.want)
					}
					if apiErr, _ := errors.AsType[*APIError](err); apiErr == nil || apiErr.Attempts != tt.maxAttempts {
						t.Errorf("err = %#v, want %d attempts", err, tt.maxAttempts)
					}
				}
			}
			if tt.want == nil && tt.faults.Latency == 0 && len(c.sleeps.all()) == 0 {
				t.Errorf("no fault was injected in %d calls, so nothing was tested", calls)
			}
			for _, w := range c.sleeps.all() {
				if w > 30*time.Second {
					t.Errorf("waited %v, over the Retry-After cap", w)
				}
			}
		})
	}
}
