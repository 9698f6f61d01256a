package storetest

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// cohortRead is a cohort read as a map: each profile's values by the
// phenotype's place in the ids asked for.
type cohortRead map[string]map[int]float64

// readCohort returns what CohortValuesOf gives for ids.
func readCohort(t *testing.T, s Store, ids []string) cohortRead {
	t.Helper()
	got := cohortRead{}
	err := s.CohortValuesOf(t.Context(), ids, func(profileID string, k int, v float64) error {
		got.set(profileID, k, v)
		return nil
	})
	if err != nil {
		t.Fatalf("CohortValuesOf: %v", err)
	}
	return got
}

func (r cohortRead) set(profileID string, k int, v float64) {
	if r[profileID] == nil {
		r[profileID] = map[int]float64{}
	}
	r[profileID][k] = v
}

// cohortChanges returns CohortChangesSince(gen) and r with its changes
// applied: every changed profile's values replaced by those read.
func cohortChanges(t *testing.T, s Store, r cohortRead, gen int64, ids []string, max int) (phenolink.Changes, cohortRead) {
	t.Helper()
	fresh := cohortRead{}
	var order []string
	ch, err := s.CohortChangesSince(t.Context(), gen, ids, max, func(profileID string, k int, v float64) error {
		fresh.set(profileID, k, v)
		order = append(order, profileID)
		return nil
	})
	if err != nil {
		t.Fatalf("CohortChangesSince(%d): %v", gen, err)
	}
	return ch, patchWith(t, fmt.Sprintf("CohortChangesSince(%d)", gen), r, ch, order, fresh)
}

// patchWith checks what a read of changes (what names it) gave: its
// profiles, and those fn was called for (order), both in order, none of
// either when not complete, and none called for but not named; and
// returns r with the changes applied, nil when not complete: every named
// profile's part replaced by that in fresh, or gone, and the profiles
// not present gone too.
func patchWith[V any](t *testing.T, what string, r map[string]V, ch phenolink.Changes, order []string, fresh map[string]V) map[string]V {
	t.Helper()
	if !slices.IsSorted(order) || !slices.IsSorted(ch.Profiles) {
		t.Errorf("%s: gave the parts of %q and profiles %q, want both in order", what, order, ch.Profiles)
	}
	if !ch.Complete {
		if len(ch.Profiles) > 0 || len(order) > 0 {
			t.Errorf("%s is not complete but names %q and gave the parts of %q", what, ch.Profiles, order)
		}
		return nil
	}
	patched := maps.Clone(r)
	for _, p := range ch.Profiles {
		delete(patched, p)
	}
	dropGone(patched, ch.Present)
	for p, part := range fresh {
		if !slices.Contains(ch.Profiles, p) {
			t.Errorf("%s gave the part of %q, which it does not name as changed", what, p)
		}
		patched[p] = part
	}
	return patched
}

// wantGone fails the test unless ch names no one gone but gives the
// profiles present without it, when a profile is gone ("" for none).
func wantGone(t *testing.T, step string, ch phenolink.Changes, gone string) {
	t.Helper()
	if gone == "" {
		return
	}
	if !ch.Complete || ch.Present == nil || slices.Contains(ch.Present, gone) || slices.Contains(ch.Profiles, gone) {
		t.Errorf("%s: changes %+v; want complete, not naming %q, with those present and %q not among them", step, ch, gone, gone)
	}
}

// dropGone deletes from m every profile not in present, when there is a
// present list: profiles that left, which the logs do not name.
func dropGone[V any](m map[string]V, present []string) {
	if present == nil {
		return
	}
	for p := range m {
		if _, ok := slices.BinarySearch(present, p); !ok {
			delete(m, p)
		}
	}
}

// testCohortChanges checks that every write a cohort read depends on is
// logged with the profiles it touched, so that a read patched with the
// changes since its count equals a fresh read: values written, replaced
// and deleted, consent given, withdrawn and renewed, and profiles
// deleted (dropped from their account, or with the account), which are
// not named, so that the log names no one who has left, but leave every
// consenting profile's id for the reader to drop the rest. A catalog
// change names nobody; a log pruned past the count and more changed
// profiles than asked for make the changes incomplete; a rolled-back
// write logs nothing.
func testCohortChanges(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	if err := s.SaveUser(ctx, user("u3"), []phenolink.Profile{profile("p4", "u3")}); err != nil {
		t.Fatal(err)
	}
	ids := []string{"sex", "height_mm", "weight_g"}
	base := readCohort(t, s, ids)
	at := generations(t, s).Cohort
	steps := []struct {
		name    string
		write   func() error
		touched []string // the profiles the write must name
	}{
		{"consent", func() error { consent(t, s, "u1"); consent(t, s, "u2"); consent(t, s, "u3"); return nil }, []string{"p1", "p2", "p3", "p4"}},
		{"values", func() error {
			return s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{
				value("p1", "height_mm", 1700), value("p1", "sex", 1), value("p2", "height_mm", 1650),
				value("p3", "sex", 0), value("p4", "weight_g", 70_000), value("p4", "caffeine_cups_per_day", 2),
			})
		}, []string{"p1", "p2", "p3", "p4"}},
		{"a value replaced", func() error {
			return s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p1", "height_mm", 1710)})
		}, []string{"p1"}},
		{"a value deleted", func() error { return s.DeletePhenotypeValue(ctx, "p3", "sex") }, []string{"p3"}},
		{"a value of another phenotype", func() error {
			return s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p2", "caffeine_cups_per_day", 3)})
		}, []string{"p2"}},
		{"consent withdrawn", func() error { return s.WithdrawConsent(ctx, "u3") }, []string{"p4"}},
		{"consent renewed", func() error { consent(t, s, "u3"); return nil }, []string{"p4"}},
		{"profile dropped", func() error { return s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p2", "u1")}) }, nil},
		{"a value after", func() error { return s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p2", "sex", 0)}) }, []string{"p2"}},
		// The deleted profile's id comes back before the next read,
		// under a consenting account and with no value: it must not
		// count, nor keep its values.
		{"account deleted, its profile's id reused", func() error {
			if err := s.DeleteUser(ctx, "u3"); err != nil {
				return err
			}
			return s.SaveUser(ctx, user("u2"), []phenolink.Profile{profile("p3", "u2"), profile("p4", "u2")})
		}, nil},
	}
	// The profile each deletion takes, which the changes must not name
	// and must leave out of those present.
	gone := map[string]string{"profile dropped": "p1", "account deleted, its profile's id reused": "p4"}
	for _, step := range steps {
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		now := generations(t, s).Cohort
		ch, patched := cohortChanges(t, s, base, at, ids, 100)
		wantGone(t, step.name, ch, gone[step.name])
		if !ch.Complete || ch.Gen != now {
			t.Fatalf("%s: changes since %d complete %v at %d; want complete at %d", step.name, at, ch.Complete, ch.Gen, now)
		}
		for _, p := range step.touched {
			if !slices.Contains(ch.Profiles, p) {
				t.Errorf("%s: changes since %d name %q, want %q among them", step.name, at, ch.Profiles, p)
			}
		}
		if want := readCohort(t, s, ids); !equalReads(patched, want) {
			t.Errorf("%s: the read patched with the changes is %v, a fresh read %v", step.name, patched, want)
		}
		base, at = patched, now
	}

	// From the latest count nothing changed; a rolled-back write (SaveUser
	// drops p2 with its value before finding p3 is another account's)
	// logs nothing.
	err := s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p3", "u1")})
	wantCode(t, err, phenolink.ECONFLICT)
	if ch, _ := cohortChanges(t, s, base, at, ids, 100); !ch.Complete || len(ch.Profiles) != 0 || ch.Gen != at {
		t.Errorf("after a rolled-back write, changes since %d are %+v; want complete, none, at %d", at, ch, at)
	}

	// More changed profiles than asked for: not complete.
	consent(t, s, "u1")
	consent(t, s, "u2")
	if ch, _ := cohortChanges(t, s, base, at, ids, 1); ch.Complete {
		t.Errorf("two profiles changed, changes with at most one are %+v; want not complete", ch)
	}
	// An unknown phenotype is refused, as CohortValuesOf refuses it.
	_, err = s.CohortChangesSince(ctx, at, []string{"height_mm", "no_such"}, 100, func(string, int, float64) error { return nil })
	wantCode(t, err, phenolink.ENOTFOUND)

	// A catalog change moves the count and names nobody: it changes no
	// value.
	p := defaultCatalog(t, s)[0]
	p.Description += " (edited)"
	if err := s.SavePhenotype(ctx, p); err != nil {
		t.Fatal(err)
	}
	if now := generations(t, s).Cohort; now == at {
		t.Error("a catalog change did not move the cohort count")
	}
	if ch, _ := cohortChanges(t, s, base, generations(t, s).Cohort-1, ids, 100); !ch.Complete || len(ch.Profiles) != 0 || ch.Present != nil {
		t.Errorf("the changes of a catalog change are %+v; want complete, naming nobody", ch)
	}

	// Pruning forgets what came before: changes from before the last
	// logged count are not complete, from it they are.
	if err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p2", "height_mm", 1655)}); err != nil {
		t.Fatal(err)
	}
	at = generations(t, s).Cohort
	if err := s.PruneChanges(ctx, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ch, _ := cohortChanges(t, s, base, at-1, ids, 100); ch.Complete {
		t.Errorf("after pruning, changes since %d are %+v; want not complete", at-1, ch)
	}
	if ch, _ := cohortChanges(t, s, base, at, ids, 100); !ch.Complete || len(ch.Profiles) != 0 {
		t.Errorf("after pruning, changes since the newest count %d are %+v; want complete, none", at, ch)
	}
	if n := h.Count(t, s, "cohort_changes"); n != 0 {
		t.Errorf("%d changes logged after pruning everything, want none", n)
	}
	// Pruning what is newer than the time given leaves it.
	if err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p2", "height_mm", 1660)}); err != nil {
		t.Fatal(err)
	}
	if err := s.PruneChanges(ctx, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ch, _ := cohortChanges(t, s, base, at, ids, 100); !ch.Complete || !slices.Equal(ch.Profiles, []string{"p2"}) {
		t.Errorf("after pruning older changes only, changes since %d are %+v; want p2's", at, ch)
	}
}

func equalReads(a, b cohortRead) bool {
	return maps.EqualFunc(a, b, func(x, y map[int]float64) bool { return maps.Equal(x, y) })
}

// recordsRead is a calls read as a map: each record's calls at the
// positions asked for.
type recordsRead map[string][]phenolink.Call

// readRecords returns what CallsAt gives for positions.
func readRecords(t *testing.T, s Store, positions []int) recordsRead {
	t.Helper()
	got := recordsRead{}
	err := s.CallsAt(t.Context(), positions, func(profileID string, calls []phenolink.Call) error {
		got[profileID] = slices.Clone(calls)
		return nil
	})
	if err != nil {
		t.Fatalf("CallsAt: %v", err)
	}
	return got
}

// genomeChanges returns GenomeChangesSince(gen) and r with its changes
// applied: every changed profile's calls replaced by those read, or gone.
func genomeChanges(t *testing.T, s Store, r recordsRead, gen int64, positions []int, max int) (phenolink.Changes, recordsRead) {
	t.Helper()
	fresh := recordsRead{}
	var order []string
	ch, err := s.GenomeChangesSince(t.Context(), gen, positions, max, func(profileID string, calls []phenolink.Call) error {
		if len(calls) != len(positions) {
			t.Errorf("GenomeChangesSince(%d) gave %d calls of %q for %d positions", gen, len(calls), profileID, len(positions))
		}
		fresh[profileID] = slices.Clone(calls)
		order = append(order, profileID)
		return nil
	})
	if err != nil {
		t.Fatalf("GenomeChangesSince(%d): %v", gen, err)
	}
	return ch, patchWith(t, fmt.Sprintf("GenomeChangesSince(%d)", gen), r, ch, order, fresh)
}

// testGenomeChanges checks that every write to the stored records is
// logged with its profile, so that calls read before, patched with the
// changes since, equal a fresh CallsAt, positions past a record's end and
// in a piece no record has included: a record stored, re-imported and
// deleted, and a profile deleted, which is not named but leaves the
// stored records' ids for the reader to drop the rest. More changed
// records than asked for, and a pruned log, make the changes incomplete;
// a position CallsAt refuses is refused.
func testGenomeChanges(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	first := parseImport(t, "rs1 1 100 AG", "rs2 1 200 CC", "rs3 1 300 TT")
	other := parseImport(t, "rs1 1 100 GG", "rs2 1 200 CT")
	save(t, s, "p1", first)
	positions := []int{2, 0, 1, 9000}
	base := readRecords(t, s, positions)
	at := generations(t, s).Genomes
	steps := []struct {
		name    string
		write   func() error
		touched []string
	}{
		{"a record stored", func() error { _, err := s.SaveGenome(ctx, fileInfo("p2"), other.markers, other.calls); return err }, []string{"p2"}},
		{"a record re-imported", func() error { _, err := s.SaveGenome(ctx, fileInfo("p1"), other.markers, other.calls); return err }, []string{"p1"}},
		{"a value, not a record", func() error {
			consent(t, s, "u2")
			return s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p3", "sex", 1)})
		}, nil},
		{"a record deleted", func() error { return s.DeleteGenome(ctx, "p2") }, []string{"p2"}},
		{"two records", func() error {
			if _, err := s.SaveGenome(ctx, fileInfo("p2"), first.markers, first.calls); err != nil {
				return err
			}
			_, err := s.SaveGenome(ctx, fileInfo("p3"), first.markers, first.calls)
			return err
		}, []string{"p2", "p3"}},
		{"profile dropped", func() error { return s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p2", "u1")}) }, nil},
		{"a record after", func() error { _, err := s.SaveGenome(ctx, fileInfo("p3"), other.markers, other.calls); return err }, []string{"p3"}},
		{"a catalog change, not a record", func() error {
			p := defaultCatalog(t, s)[0]
			p.Description += " (edited)"
			return s.SavePhenotype(ctx, p)
		}, nil},
	}
	gone := map[string]string{"profile dropped": "p1"}
	for _, step := range steps {
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		now := generations(t, s).Genomes
		ch, patched := genomeChanges(t, s, base, at, positions, 100)
		wantGone(t, step.name, ch, gone[step.name])
		if !ch.Complete || ch.Gen != now {
			t.Fatalf("%s: changes since %d complete %v at %d; want complete at %d", step.name, at, ch.Complete, ch.Gen, now)
		}
		if !slices.Equal(ch.Profiles, step.touched) && !(len(step.touched) == 0 && len(ch.Profiles) == 0) {
			t.Errorf("%s: changes since %d name %q, want %q", step.name, at, ch.Profiles, step.touched)
		}
		if want := readRecords(t, s, positions); !maps.EqualFunc(patched, want, slices.Equal) {
			t.Errorf("%s: the calls patched with the changes are %v, a fresh read %v", step.name, patched, want)
		}
		base, at = patched, now
	}

	// More changed records than asked for; a position CallsAt refuses.
	save(t, s, "p2", other)
	save(t, s, "p3", first)
	if ch, _ := genomeChanges(t, s, base, at, positions, 1); ch.Complete {
		t.Errorf("two records changed, changes with at most one are %+v; want not complete", ch)
	}
	_, err := s.GenomeChangesSince(ctx, at, []int{0, -1}, 100, func(string, []phenolink.Call) error { return nil })
	wantCode(t, err, phenolink.EINVALID)

	// Pruning forgets what came before.
	at = generations(t, s).Genomes
	if err := s.PruneChanges(ctx, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ch, _ := genomeChanges(t, s, base, at-1, positions, 100); ch.Complete {
		t.Errorf("after pruning, changes since %d are %+v; want not complete", at-1, ch)
	}
	if ch, _ := genomeChanges(t, s, base, at, positions, 100); !ch.Complete || len(ch.Profiles) != 0 {
		t.Errorf("after pruning, changes since the newest count %d are %+v; want complete, none", at, ch)
	}
	if n := h.Count(t, s, "genome_changes"); n != 0 {
		t.Errorf("%d record changes logged after pruning everything, want none", n)
	}
}
