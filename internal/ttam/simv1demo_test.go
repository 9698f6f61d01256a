package ttam

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
	"phenolink/internal/ttamsim"
)

// TestSimV1Demo reads the /1/demo/ routes through V1Demo with a token that
// holds only the basic scope: the demo profiles are open to any valid
// token, while the account's own genome stays forbidden to it.
func TestSimV1Demo(t *testing.T) {
	const n = 3000
	e := newSimEnv(t, n, ttamsim.Faults{})
	o := e.oauth(t, "", "", "basic")
	a, q := e.signIn(t, o)
	tok, err := o.Finish(t.Context(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClientFor(t, e.api, o.TokenSource(tok, nil))
	demo := c.V1Demo()
	key, err := c.GenomeKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	acct, err := c.Account(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	own := acct.Profiles[0].ID
	if _, err := c.Genome(t.Context(), own, key); !errors.Is(err, ErrForbidden) {
		t.Fatalf("own genome with a basic token: err = %v, want ErrForbidden", err)
	}
	// V1Demo changes only the v1 calls.
	if demoAcct, err := demo.Account(t.Context()); err != nil || demoAcct.ID != acct.ID {
		t.Errorf("V1Demo().Account = %+v, %v; want the token's account %s", demoAcct, err, acct.ID)
	}

	profiles := e.sim.DemoProfiles()
	if len(profiles) != 2 || profiles[0].ID != DemoMotherProfileID || profiles[1].ID != DemoFatherProfileID {
		t.Fatalf("simulator demo profiles %+v, want %s and %s", profiles, DemoMotherProfileID, DemoFatherProfileID)
	}
	u, err := demo.V1User(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantUser := V1User{ID: ttamsim.DemoV1AccountID, Profiles: []V1UserProfile{
		{ID: DemoMotherProfileID, Genotyped: true}, {ID: DemoFatherProfileID, Genotyped: true}}}
	if !reflect.DeepEqual(u, wantUser) {
		t.Errorf("demo user %+v, want %+v", u, wantUser)
	}
	names, err := demo.V1Names(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantNames := V1Names{ID: ttamsim.DemoV1AccountID, FirstName: "Demo", LastName: "Family"}
	for _, p := range profiles {
		wantNames.Profiles = append(wantNames.Profiles, V1ProfileName{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName})
	}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("demo names %+v, want %+v", names, wantNames)
	}

	for _, p := range profiles {
		g, err := demo.Genome(t.Context(), p.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		if g.ProfileID != p.ID || len(g.Calls) != n {
			t.Fatalf("demo genome of %q with %d calls, want %q with %d", g.ProfileID, len(g.Calls), p.ID, n)
		}
		checkGenotypesMatchGenome(t, demo, g)
		kinds := map[string]int{}
		for i, call := range g.Calls {
			chrom := key.Markers[i].Chromosome
			switch {
			case call == phenolink.NotOnChip:
				kinds["not on chip"]++
			case call == phenolink.NoCall:
				kinds["no call"]++
			case call.IsHaploid():
				kinds["haploid "+chrom]++
			case chrom == "Y":
				t.Fatalf("%s: diploid call %v on Y at %s", p.ID, call, key.Markers[i].ID)
			default:
				kinds["diploid"]++
			}
		}
		if kinds["not on chip"] == 0 || kinds["no call"] == 0 || kinds["diploid"] == 0 {
			t.Errorf("%s: calls by kind %v lack __, -- or diploid calls", p.ID, kinds)
		}
		male := p.Sex == synth.Male
		if male != (kinds["haploid X"] > 0 && kinds["haploid Y"] > 0) || kinds["haploid MT"] == 0 {
			t.Errorf("%s (%s): calls by kind %v", p.ID, p.Sex, kinds)
		}
	}

	// The demo profiles live only under /1/demo/, and the account's only
	// outside it.
	if _, err := demo.Genotypes(t.Context(), own, []string{key.Markers[0].ID}, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("own profile on the demo routes: err = %v, want ErrNotFound", err)
	}
	if _, err := demo.Genome(t.Context(), "..", key); !errors.Is(err, ErrBadRequest) {
		t.Errorf("demo genome of \"..\": err = %v, want ErrBadRequest", err)
	} else if !strings.Contains(err.Error(), "V1Demo") {
		t.Errorf("error %q does not say it came from the demo routes", err)
	}
	// An invalid token is refused there as anywhere.
	bad := newTestClientFor(t, e.api, StaticToken("not-a-token")).V1Demo()
	if _, err := bad.V1User(t.Context()); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("demo user with an invalid token: err = %v, want ErrUnauthenticated", err)
	}
}
