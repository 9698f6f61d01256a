package importer

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"phenolink/internal/phenolink"
	"phenolink/internal/secretbox"
	"phenolink/internal/synth"
	"phenolink/internal/ttamsim"
)

// simGenome is what the simulator serves for a profile: synth's calls for
// the profile's individual, whose index counts the genotyped profiles in
// the order ttamsim lists its accounts (the demo profile is 0).
func simGenome(t *testing.T, e *env, p ttamsim.Profile, index int) map[string]phenolink.Call {
	t.Helper()
	chip, err := synth.LookupChip(p.Chip)
	if err != nil {
		t.Fatal(err)
	}
	key := e.sim.MarkerKey()
	ind := synth.Individual{Seed: simSeed, Index: index, Sex: p.Sex, Chip: chip}
	out := map[string]phenolink.Call{}
	for i, c := range ind.Genome(key) {
		if c != phenolink.NotOnChip {
			out[key[i].ID] = c
		}
	}
	return out
}

func sameCalls(t *testing.T, what string, got, want map[string]phenolink.Call) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d markers stored, the simulator has %d", what, len(got), len(want))
	}
	bad := 0
	for id, w := range want {
		if g := got[id]; g != w && bad < 5 {
			bad++
			t.Errorf("%s: %s = %v, the simulator has %v", what, id, g, w)
		}
	}
}

func TestSyncWholeGenome(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB, *secretbox.Box) store) {
		e := newEnv(t, open, ttamsim.Faults{})
		for _, tc := range []struct {
			first string
			index int
		}{{"Erin", 0}, {"Walter", 4}} {
			acc, p := e.account(t, tc.first)
			user, _ := e.signIn(t, acc.ID, "basic", "genomes")
			j := e.claim(t, phenolink.JobSyncGenome, user, p.ID, nil)
			msg, progress, err := run(t, e.im.SyncGenome, j)
			if err != nil {
				t.Fatalf("%s: %v", tc.first, err)
			}
			want := simGenome(t, e, p, tc.index)
			sameCalls(t, tc.first, record(t, e.db, p.ID), want)
			info, err := e.db.Genome(t.Context(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if info.Source != phenolink.GenomeSourceAPI || info.MarkerCount != len(want) {
				t.Errorf("%s: stored info %+v, want source api and %d markers", tc.first, info, len(want))
			}
			if wantMsg := storedMessage(info); msg != wantMsg || !strings.HasPrefix(msg, "Stored ") {
				t.Errorf("%s: message %q, want %q", tc.first, msg, wantMsg)
			}
			if len(progress) < 2 {
				t.Errorf("%s: progress %q, want reports while fetching and storing", tc.first, progress)
			}
		}
		if n := e.keys.Fetches(); n != 1 {
			t.Errorf("the genome key was fetched %d times for two syncs, want once", n)
		}
	})
}

func TestSyncSingleMarkersThroughV3(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB, *secretbox.Box) store) {
		e := newEnv(t, open, ttamsim.Faults{})
		erin, ep := e.account(t, "Erin")
		user, _ := e.signIn(t, erin.ID, "basic", "genomes")
		if _, _, err := run(t, e.im.SyncGenome, e.claim(t, phenolink.JobSyncGenome, user, ep.ID, nil)); err != nil {
			t.Fatal(err)
		}

		// Walter is a male on v3: ask for an autosomal, an X and a Y marker
		// on his chip, and one the index lacks, which is not asked for at all
		// (23andMe would refuse the whole request for an unknown id).
		walter, wp := e.account(t, "Walter")
		all := simGenome(t, e, wp, 4)
		key := e.sim.MarkerKey()
		var scopes []string
		want := map[string]phenolink.Call{}
		for _, chrom := range []synth.Chromosome{1, synth.ChromX, synth.ChromY} {
			for _, m := range key {
				if c, ok := all[m.ID]; ok && m.Chrom == chrom && c.IsCalled() {
					scopes, want[m.ID] = append(scopes, m.ID), c
					break
				}
			}
		}
		scopes = append(scopes, "rs999999999999")
		user, _ = e.signIn(t, walter.ID, append([]string{"basic"}, scopes...)...)
		msg, _, err := run(t, e.im.SyncGenome, e.claim(t, phenolink.JobSyncGenome, user, wp.ID, nil))
		if err != nil {
			t.Fatal(err)
		}
		sameCalls(t, "Walter by marker", record(t, e.db, wp.ID), want)
		if !strings.HasPrefix(msg, "Stored 3 markers") {
			t.Errorf("message %q", msg)
		}
		for k, id := range scopes[:3] {
			if c := want[id]; c.IsHaploid() != (k > 0) {
				t.Errorf("%s: call %v; X and Y of a male should be haploid, chromosome 1 not", id, c)
			}
		}
	})
}

// syncFails runs a sync for the first profile of account and checks that it
// fails for good with code and a message containing text, storing nothing.
func syncFails(t *testing.T, e *env, user, profileID, code, text string) {
	t.Helper()
	_, _, err := run(t, e.im.SyncGenome, e.claim(t, phenolink.JobSyncGenome, user, profileID, nil))
	if got := phenolink.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if msg := phenolink.ErrorMessage(err); !strings.Contains(msg, text) {
		t.Errorf("message %q, want it to mention %q", msg, text)
	}
	if _, err := e.db.Genome(t.Context(), profileID); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Errorf("a failed sync stored a genome: %v", err)
	}
}

func TestSyncWithoutGenomeScopeFailsForGood(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{})
	acc, p := e.account(t, "Erin")
	user, _ := e.signIn(t, acc.ID, "basic", "names")
	syncFails(t, e, user, p.ID, phenolink.EFORBIDDEN, "allow access to your genome (the genomes permission)")
}

func TestSyncRefreshesAnExpiredToken(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{})
	acc, p := e.account(t, "Erin")
	user, first := e.signIn(t, acc.ID, "basic", "genomes")
	e.clock.Add(25 * time.Hour)
	if _, _, err := run(t, e.im.SyncGenome, e.claim(t, phenolink.JobSyncGenome, user, p.ID, nil)); err != nil {
		t.Fatal(err)
	}
	now, err := e.db.Token(t.Context(), user)
	if err != nil {
		t.Fatal(err)
	}
	if now.AccessToken == first.AccessToken || now.RefreshToken == first.RefreshToken || !now.Expiry.After(e.clock.Now()) {
		t.Error("the refreshed token was not saved in place of the expired one")
	}
	if now.Scope != first.Scope {
		t.Errorf("scope after refresh = %q, want %q", now.Scope, first.Scope)
	}
}

func TestSyncWithDeadSignInAsksToSignInAgain(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{})
	acc, p := e.account(t, "Erin")
	user, stored := e.signIn(t, acc.ID, "basic", "genomes")
	// Another client rotates the refresh token, so the stored one is dead.
	tok := &oauth2.Token{AccessToken: stored.AccessToken, RefreshToken: stored.RefreshToken, Expiry: stored.Expiry}
	if _, err := e.oauth(t, "basic", "genomes").TokenSource(tok, nil).Refresh(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(25 * time.Hour)
	syncFails(t, e, user, p.ID, phenolink.EFORBIDDEN, "Sign in with 23andMe again")

	if err := e.db.DeleteToken(t.Context(), user); err != nil {
		t.Fatal(err)
	}
	syncFails(t, e, user, p.ID, phenolink.EFORBIDDEN, "Sign in with 23andMe again")
}

func TestSyncWhile23andMeFailsIsRetried(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{ErrorRate: 1})
	acc, p := e.account(t, "Erin")
	user, _ := e.signIn(t, acc.ID, "basic", "genomes")
	_, _, err := run(t, e.im.SyncGenome, e.claim(t, phenolink.JobSyncGenome, user, p.ID, nil))
	if phenolink.ErrorCode(err) != phenolink.EUNAVAILABLE {
		t.Fatalf("error %v: code %q, want %q so that the runner retries", err, phenolink.ErrorCode(err), phenolink.EUNAVAILABLE)
	}
}

func TestGenomeKeysFetchOncePerURL(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{})
	c, err := e.im.client("nobody", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := e.keys.Key(ctx, c, e.api.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := e.keys.Key(ctx, c, e.api.URL, nil); b != a || e.keys.Fetches() != 1 {
		t.Fatalf("second Key fetched again (%d fetches)", e.keys.Fetches())
	}
	if b, _ := e.keys.Key(ctx, c, e.api.URL, a); b == a || e.keys.Fetches() != 2 || len(b.Markers) != simMarkers {
		t.Fatalf("a stale key was not fetched again (%d fetches)", e.keys.Fetches())
	}
}

// rotatingStore plays the web process rotating the user's token while a
// sync is refreshing it: its third read finds the newer token saved.
type rotatingStore struct {
	store
	reads int
	fresh phenolink.Token
}

func (r *rotatingStore) Token(ctx context.Context, userID string) (phenolink.Token, error) {
	if r.reads++; r.reads == 3 {
		if err := r.store.SaveToken(ctx, r.fresh); err != nil {
			return phenolink.Token{}, err
		}
	}
	return r.store.Token(ctx, userID)
}

func TestSyncUsesATokenRotatedMeanwhile(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{})
	acc, p := e.account(t, "Erin")
	user, stored := e.signIn(t, acc.ID, "basic", "genomes")
	tok := &oauth2.Token{AccessToken: stored.AccessToken, RefreshToken: stored.RefreshToken, Expiry: stored.Expiry}
	fresh, err := e.oauth(t, "basic", "genomes").TokenSource(tok, nil).Refresh(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(25 * time.Hour)
	rs := &rotatingStore{store: e.db, fresh: phenolink.Token{UserID: user, AccessToken: fresh.AccessToken,
		RefreshToken: fresh.RefreshToken, TokenType: fresh.TokenType, Scope: stored.Scope, Expiry: fresh.Expiry}}
	im, err := New(Deps{Genomes: e.db, Tokens: rs, HTTPClient: e.api.Client(), Now: e.clock.Now,
		API: API{URL: e.api.URL, ClientID: testClientID, ClientSecret: testSecret, RedirectURL: e.redirect}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, im.SyncGenome, e.claim(t, phenolink.JobSyncGenome, user, p.ID, nil)); err != nil {
		t.Fatalf("sync after a concurrent rotation: %v", err)
	}
	if rs.reads < 3 {
		t.Errorf("the store was read %d times; the rotated token was never tried", rs.reads)
	}
}

func TestGenomeKeysConcurrentSyncsFetchOnce(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{Latency: 20 * time.Millisecond})
	c, err := e.im.client("nobody", nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := e.keys.Key(t.Context(), c, e.api.URL, nil)
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := e.keys.Fetches(); n != 1 {
		t.Errorf("four concurrent first syncs fetched the key %d times, want once", n)
	}
}

func TestSyncOfAProfileAwaitingResultsStoresNothing(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{})
	acc, p := e.account(t, "Priya")
	user, _ := e.signIn(t, acc.ID, "basic", "genomes")
	syncFails(t, e, user, p.ID, phenolink.EINVALID, "no genotypes for this profile yet")
}
