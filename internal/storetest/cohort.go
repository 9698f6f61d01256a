package storetest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// cohortValue is one value CohortValuesOf gave.
type cohortValue struct {
	Profile   string
	Phenotype int
	Value     float64
}

// cohortValuesOf returns everything CohortValuesOf gives for ids.
func cohortValuesOf(t *testing.T, s Store, ids ...string) ([]cohortValue, error) {
	t.Helper()
	var got []cohortValue
	err := s.CohortValuesOf(t.Context(), ids, func(profileID string, phenotype int, value float64) error {
		got = append(got, cohortValue{profileID, phenotype, value})
		return nil
	})
	return got, err
}

// RunCohortValuesOf holds an adapter's CohortValuesOf to its contract:
// only consenting profiles' values of the phenotypes asked for, ordered
// by profile id and then phenotype id as bytes (upper case before lower),
// each with the phenotype's place in the ids given; withdrawn consent and
// deleted values gone at the next read; an unknown or repeated id refused
// before any value; an error from fn stopping the read.
// oddID is a profile id with what a store's encoding of a list of ids
// could trip on: a quote, a backslash, a comma and a character of two
// bytes; oddValue a value whose every digit counts.
const (
	oddID    = "Q\"\\,\u00e9"
	oddValue = 1650.1234567890123
)

func RunCohortValuesOf(t *testing.T, h Harness) {
	t.Parallel()
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s) // u1: p1, p2; u2: p3
	if err := s.SaveUser(ctx, user("u3"), []phenolink.Profile{profile("P9", "u3"), profile("_x", "u3"), profile(oddID, "u3")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveUser(ctx, user("u4"), []phenolink.Profile{profile("p0", "u4")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"u1", "u2", "u3", "u4"} {
		consent(t, s, u)
	}
	if err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{
		value("p3", "height_mm", 1800), value("p1", "height_mm", 1600), value("p1", "weight_g", 60000),
		value("p2", "sex", 1), value("P9", "sex", 0), value("_x", "height_mm", 1700),
		value("p1", "sex", 0), value("p3", "caffeine_cups_per_day", 2.5), value("p0", "height_mm", 1500),
		value(oddID, "height_mm", oddValue),
	}); err != nil {
		t.Fatal(err)
	}
	// ids in no order of their own: places follow ids, order follows
	// the phenotype ids' bytes ("height_mm" < "sex" < "weight_g").
	ids := []string{"sex", "weight_g", "height_mm"}
	want := []cohortValue{
		{"P9", 0, 0},
		{oddID, 2, oddValue},
		{"_x", 2, 1700},
		{"p0", 2, 1500},
		{"p1", 2, 1600}, {"p1", 0, 0}, {"p1", 1, 60000},
		{"p2", 0, 1},
		{"p3", 2, 1800},
	}
	got, err := cohortValuesOf(t, s, ids...)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("CohortValuesOf(%q) = %v, %v;\nwant %v", ids, got, err, want)
	}
	// The same values CohortValues gives, phenotype by phenotype.
	for k, id := range ids {
		vs, err := s.CohortValues(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var one []cohortValue
		for _, v := range vs {
			one = append(one, cohortValue{v.ProfileID, k, v.Value})
		}
		var of []cohortValue
		for _, v := range got {
			if v.Phenotype == k {
				of = append(of, v)
			}
		}
		if !reflect.DeepEqual(one, of) {
			t.Errorf("CohortValues(%s) = %v, CohortValuesOf gave %v", id, one, of)
		}
	}

	// Withdrawn consent and a deleted value are gone at the next read.
	if err := s.WithdrawConsent(ctx, "u3"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePhenotypeValue(ctx, "p1", "sex"); err != nil {
		t.Fatal(err)
	}
	want = []cohortValue{{"p0", 2, 1500}, {"p1", 2, 1600}, {"p1", 1, 60000}, {"p2", 0, 1}, {"p3", 2, 1800}}
	if got, err := cohortValuesOf(t, s, ids...); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("CohortValuesOf after u3 withdrew and p1's sex went = %v, %v;\nwant %v", got, err, want)
	}
	// A phenotype nobody holds gives nothing; no ids, no call.
	if got, err := cohortValuesOf(t, s, "chronotype"); err != nil || got != nil {
		t.Errorf("CohortValuesOf(chronotype) = %v, %v; want nothing", got, err)
	}
	if got, err := cohortValuesOf(t, s); err != nil || got != nil {
		t.Errorf("CohortValuesOf() = %v, %v; want nothing", got, err)
	}

	// An unknown id is ENOTFOUND naming it, a repeated one EINVALID, and
	// fn is never called.
	for _, bad := range []struct {
		ids  []string
		code string
		name string
	}{
		{[]string{"height_mm", "shoe_size"}, phenolink.ENOTFOUND, "shoe_size"},
		{[]string{"height_mm", "sex", "height_mm"}, phenolink.EINVALID, "height_mm"},
	} {
		got, err := cohortValuesOf(t, s, bad.ids...)
		if got != nil {
			t.Errorf("CohortValuesOf(%q) gave %v before failing", bad.ids, got)
		}
		wantCode(t, err, bad.code)
		if msg := phenolink.ErrorMessage(err); !strings.Contains(msg, bad.name) {
			t.Errorf("CohortValuesOf(%q) error %q does not name %s", bad.ids, msg, bad.name)
		}
	}

	// An error from fn stops the read and comes back.
	stop := errors.New("stop")
	calls := 0
	err = s.CohortValuesOf(ctx, ids, func(string, int, float64) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("CohortValuesOf with a failing fn = %v after %d calls; want %v after 1", err, calls, stop)
	}
}
