package ttam

import (
	"errors"
	"reflect"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/ttamsim"
)

// TestSimEveryAccount signs in as each simulated account, once with the
// basic scope alone and once with names, email and genomes too, and checks
// field by field what the client decodes from v3 account and profile and
// v1 user and names against the simulator's accounts: names and email come
// back empty (null on the wire) without their scopes, a profile awaiting
// results is not genotyped and has no marker on any chip.
func TestSimEveryAccount(t *testing.T) {
	const n = 1000
	e := newSimEnv(t, n, ttamsim.Faults{})
	key, err := newTestClientFor(t, e.api, nil).GenomeKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	for i, m := range key.Markers {
		ids[i] = m.ID
	}
	ungenotyped, twoProfiles := 0, 0
	for _, want := range e.sim.Accounts() {
		for _, full := range []bool{false, true} {
			scopes := []string{"basic"}
			if full {
				scopes = []string{"basic", "names", "email", "genomes"}
			}
			o := e.oauth(t, "", "", scopes...)
			a := o.Start()
			q, status := e.authorize(t, browser(t), a.URL, want.ID, "approve")
			if q == nil {
				t.Fatalf("%s: approve did not reach the callback (status %d)", want.ID, status)
			}
			tok, err := o.Finish(t.Context(), a, q)
			if err != nil {
				t.Fatal(err)
			}
			c := newTestClientFor(t, e.api, o.TokenSource(tok, nil))
			checkAccount(t, c.Client, want, full)
			if !full {
				continue
			}
			if len(want.Profiles) == 2 {
				twoProfiles++
			}
			for _, p := range want.Profiles {
				if p.Genotyped {
					continue
				}
				ungenotyped++
				checkNotGenotyped(t, c.Client, p.ID, key, ids)
			}
		}
	}
	if ungenotyped == 0 || twoProfiles == 0 {
		t.Errorf("the simulator has %d profiles awaiting results and %d two-profile accounts; want some of each", ungenotyped, twoProfiles)
	}
}

// checkAccount compares the client's v3 and v1 views of the token's
// account with want; withNames says the token holds names and email.
func checkAccount(t *testing.T, c *Client, want ttamsim.Account, withNames bool) {
	t.Helper()
	named := func(s string) string {
		if withNames {
			return s
		}
		return ""
	}
	wantAcct := Account{ID: want.ID, FirstName: named(want.FirstName), LastName: named(want.LastName), Email: named(want.Email)}
	wantUser := V1User{ID: want.ID}
	wantNames := V1Names{ID: want.ID, FirstName: want.FirstName, LastName: want.LastName}
	for _, p := range want.Profiles {
		wantAcct.Profiles = append(wantAcct.Profiles, Profile{ID: p.ID, FirstName: named(p.FirstName), LastName: named(p.LastName), IsGenotyped: p.Genotyped})
		wantUser.Profiles = append(wantUser.Profiles, V1UserProfile{ID: p.ID, Genotyped: p.Genotyped})
		wantNames.Profiles = append(wantNames.Profiles, V1ProfileName{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName})
	}
	acct, err := c.Account(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(acct, wantAcct) {
		t.Errorf("names=%v: account\n%+v, want\n%+v", withNames, acct, wantAcct)
	}
	for i, p := range wantAcct.Profiles {
		got, err := c.Profile(t.Context(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("names=%v: profile %d %+v, want %+v", withNames, i, got, p)
		}
	}
	u, err := c.V1User(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(u, wantUser) {
		t.Errorf("v1 user %+v, want %+v", u, wantUser)
	}
	names, err := c.V1Names(t.Context())
	switch {
	case !withNames && !errors.Is(err, ErrForbidden):
		t.Errorf("v1 names without the names scope: %+v, %v; want ErrForbidden", names, err)
	case withNames && err != nil:
		t.Fatal(err)
	case withNames && !reflect.DeepEqual(names, wantNames):
		t.Errorf("v1 names %+v, want %+v", names, wantNames)
	}
}

// checkNotGenotyped checks a profile awaiting results: "__" at every
// marker of the genome and v1 genotypes, and not assayed in v3.
func checkNotGenotyped(t *testing.T, c *Client, profileID string, key *GenomeKey, ids []string) {
	t.Helper()
	g, err := c.Genome(t.Context(), profileID, key)
	if err != nil {
		t.Fatal(err)
	}
	for i, call := range g.Calls {
		if call != phenolink.NotOnChip {
			t.Fatalf("%s: genome has %v at %s, want __", profileID, call, ids[i])
		}
	}
	checkGenotypesMatchGenome(t, c, g)
	ms, err := c.Markers(t.Context(), profileID, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		call, err := m.Call()
		if err != nil || call != phenolink.NotOnChip || m.IsAssayed || m.IsGenotyped {
			t.Fatalf("%s: marker %+v (call %v, %v), want not assayed", profileID, m, call, err)
		}
	}
}
