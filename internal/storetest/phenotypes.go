package storetest

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// consent records the user's consent to the current text or fails the test.
func consent(t *testing.T, s Store, userID string) {
	t.Helper()
	c := phenolink.Consent{UserID: userID, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}
	if err := s.GiveConsent(t.Context(), c); err != nil {
		t.Fatalf("GiveConsent(%s): %v", userID, err)
	}
}

// defaultCatalog returns the stored catalog or fails the test.
func defaultCatalog(t *testing.T, s Store) []phenolink.Phenotype {
	t.Helper()
	ps, err := s.Phenotypes(t.Context())
	if err != nil {
		t.Fatalf("Phenotypes: %v", err)
	}
	return ps
}

// value is a survey value of the profile.
func value(profileID, phenotypeID string, v float64) phenolink.PhenotypeValue {
	return phenolink.PhenotypeValue{ProfileID: profileID, PhenotypeID: phenotypeID, Value: v, Source: phenolink.ValueSourceSurvey}
}

// valuesOf returns the profile's stored values without their times.
func valuesOf(t *testing.T, s Store, profileID string) []phenolink.PhenotypeValue {
	t.Helper()
	vs, err := s.PhenotypeValues(t.Context(), profileID)
	if err != nil {
		t.Fatalf("PhenotypeValues(%s): %v", profileID, err)
	}
	for i := range vs {
		vs[i].UpdatedAt = time.Time{}
	}
	return vs
}

func testPhenotypeCatalog(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	want := phenolink.DefaultPhenotypes()
	slices.SortFunc(want, func(a, b phenolink.Phenotype) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Label, b.Label))
	})
	got := defaultCatalog(t, s)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Phenotypes after Migrate =\n%+v\nwant the defaults by source and label\n%+v", got, want)
	}
	for _, p := range got {
		if err := p.Validate(); err != nil {
			t.Errorf("seeded phenotype %q: %v", p.ID, err)
		}
	}
	height, err := s.Phenotype(ctx, "height_mm")
	if err != nil || height.Label != "Height" || height.Min != 500 || height.Max != 2500 || height.Step != 1 {
		t.Errorf("Phenotype(height_mm) = %+v, %v", height, err)
	}
	_, err = s.Phenotype(ctx, "shoe_size")
	wantCode(t, err, phenolink.ENOTFOUND)

	// The catalog can change later; a new Migrate keeps the change.
	height.Label, height.Max = "Height in socks", 2600
	shoe := phenolink.Phenotype{ID: "shoe_size", Label: "Shoe size", Unit: "EU", Kind: phenolink.Quantitative, Min: 15, Max: 55, Source: phenolink.PhenotypeSourceSurvey}
	for _, p := range []phenolink.Phenotype{height, shoe} {
		if err := s.SavePhenotype(ctx, p); err != nil {
			t.Fatalf("SavePhenotype(%s): %v", p.ID, err)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []phenolink.Phenotype{height, shoe} {
		if got, err := s.Phenotype(ctx, p.ID); err != nil || !reflect.DeepEqual(got, p) {
			t.Errorf("Phenotype(%s) after saving and migrating = %+v, %v; want %+v", p.ID, got, err, p)
		}
	}
	if n := len(defaultCatalog(t, s)); n != len(want)+1 {
		t.Errorf("the catalog has %d phenotypes, want %d", n, len(want)+1)
	}
	bad := shoe
	bad.Kind = "ordinal"
	wantCode(t, s.SavePhenotype(ctx, bad), phenolink.EINVALID)
	if got, _ := s.Phenotype(ctx, "shoe_size"); got.Kind != phenolink.Quantitative {
		t.Errorf("an invalid SavePhenotype changed the entry to %+v", got)
	}
}

func testPhenotypeValuesAllOrNone(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	consent(t, s, "u1")
	consent(t, s, "u2")
	tests := []struct {
		name, code, mention string
		values              []phenolink.PhenotypeValue
	}{
		{"out of range in the middle", phenolink.EINVALID, `Row 2 (profile "p2", phenotype "height_mm")`,
			[]phenolink.PhenotypeValue{value("p1", "height_mm", 1700), value("p2", "height_mm", 12), value("p3", "height_mm", 1800)}},
		{"binary value not 0 or 1", phenolink.EINVALID, `Row 3 (profile "p1", phenotype "sex")`,
			[]phenolink.PhenotypeValue{value("p1", "height_mm", 1700), value("p2", "sex", 0), value("p1", "sex", 0.5)}},
		{"not a number", phenolink.EINVALID, `phenotype "weight_g"`,
			[]phenolink.PhenotypeValue{value("p1", "height_mm", 1700), value("p1", "weight_g", nan())}},
		{"unknown phenotype", phenolink.ENOTFOUND, `phenotype "shoe_size"`,
			[]phenolink.PhenotypeValue{value("p1", "height_mm", 1700), value("p1", "shoe_size", 40)}},
		{"unknown profile", phenolink.ENOTFOUND, `profile "p9"`,
			[]phenolink.PhenotypeValue{value("p1", "height_mm", 1700), value("p9", "height_mm", 1700)}},
		{"unknown source", phenolink.EINVALID, `Row 1 (profile "p1"`,
			[]phenolink.PhenotypeValue{{ProfileID: "p1", PhenotypeID: "height_mm", Value: 1700, Source: "guess"}}},
	}
	for _, tt := range tests {
		err := s.SavePhenotypeValues(ctx, tt.values)
		if phenolink.ErrorCode(err) != tt.code || !strings.Contains(phenolink.ErrorMessage(err), tt.mention) {
			t.Errorf("%s: SavePhenotypeValues = %v; want code %s naming %s", tt.name, err, tt.code, tt.mention)
		}
		if n := h.Count(t, s, "phenotype_values"); n != 0 {
			t.Fatalf("%s: a refused batch left %d values", tt.name, n)
		}
	}

	start := time.Now()
	if err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{
		value("p1", "sex", 0), value("p1", "height_mm", 1650), value("p2", "height_mm", 1700),
	}); err != nil {
		t.Fatal(err)
	}
	// A later save replaces the value of the same profile and phenotype.
	imported := phenolink.PhenotypeValue{ProfileID: "p1", PhenotypeID: "height_mm", Value: 1655, Source: phenolink.ValueSourceImport}
	if err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{imported}); err != nil {
		t.Fatal(err)
	}
	end := time.Now()
	vs, err := s.PhenotypeValues(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if !within(v.UpdatedAt, start, end) {
			t.Errorf("value %+v updated at %v, want between %v and %v", v, v.UpdatedAt, start, end)
		}
	}
	want := []phenolink.PhenotypeValue{imported, value("p1", "sex", 0)}
	if got := valuesOf(t, s, "p1"); !reflect.DeepEqual(got, want) {
		t.Errorf("PhenotypeValues(p1) = %+v, want %+v", got, want)
	}
	if err := s.DeletePhenotypeValue(ctx, "p1", "sex"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePhenotypeValue(ctx, "p1", "sex"); err != nil {
		t.Errorf("deleting a missing value: %v", err)
	}
	if got := valuesOf(t, s, "p1"); !reflect.DeepEqual(got, want[:1]) {
		t.Errorf("PhenotypeValues(p1) after deleting sex = %+v, want %+v", got, want[:1])
	}
	if got := valuesOf(t, s, "p3"); len(got) != 0 {
		t.Errorf("PhenotypeValues(p3) = %+v, want none", got)
	}
}

func testPhenotypeValuesNeedConsent(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	consent(t, s, "u1") // u2 never consents
	err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p1", "height_mm", 1700), value("p3", "height_mm", 1700)})
	wantCode(t, err, phenolink.EFORBIDDEN)
	if !strings.Contains(phenolink.ErrorMessage(err), `profile "p3"`) {
		t.Errorf("the refusal %q does not name profile p3", phenolink.ErrorMessage(err))
	}
	if n := h.Count(t, s, "phenotype_values"); n != 0 {
		t.Errorf("a refused batch left %d values", n)
	}
	_, err = s.Consent(ctx, "u2")
	wantCode(t, err, phenolink.ENOTFOUND)
	wantCode(t, s.GiveConsent(ctx, phenolink.Consent{UserID: "nobody", Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}), phenolink.ENOTFOUND)
	wantCode(t, s.GiveConsent(ctx, phenolink.Consent{UserID: "u2"}), phenolink.EINVALID)
	if n := h.Count(t, s, "consents"); n != 1 {
		t.Errorf("refused consents left %d rows, want u1's only", n)
	}
}

func testWithdrawConsent(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	given := time.Date(2026, 11, 2, 10, 30, 0, 0, time.UTC)
	old := phenolink.Consent{UserID: "u1", Version: "2025-01", Text: "older text", GivenAt: given}
	if err := s.GiveConsent(ctx, old); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Consent(ctx, "u1"); err != nil || !reflect.DeepEqual(got, old) {
		t.Errorf("Consent(u1) = %+v, %v; want %+v", got, err, old)
	}
	consent(t, s, "u1") // renewed to the current version
	if got, err := s.Consent(ctx, "u1"); err != nil || got.Version != phenolink.ConsentVersion || got.Text != phenolink.ConsentText || !got.GivenAt.After(given) {
		t.Errorf("Consent(u1) after renewal = %+v, %v", got, err)
	}
	consent(t, s, "u2")
	if err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{
		value("p3", "height_mm", 1800), value("p1", "height_mm", 1600), value("p2", "sex", 1),
	}); err != nil {
		t.Fatal(err)
	}
	cohort := func() []string {
		t.Helper()
		vs, err := s.CohortValues(ctx, "height_mm")
		if err != nil {
			t.Fatalf("CohortValues: %v", err)
		}
		var ids []string
		for _, v := range vs {
			if v.PhenotypeID != "height_mm" {
				t.Errorf("CohortValues(height_mm) gave %+v", v)
			}
			ids = append(ids, v.ProfileID)
		}
		return ids
	}
	consenting := func() []string {
		t.Helper()
		ids, err := s.ConsentingProfiles(ctx)
		if err != nil {
			t.Fatalf("ConsentingProfiles: %v", err)
		}
		return ids
	}
	if got := cohort(); !slices.Equal(got, []string{"p1", "p3"}) {
		t.Errorf("CohortValues(height_mm) profiles = %v, want [p1 p3]", got)
	}
	if got := consenting(); !slices.Equal(got, []string{"p1", "p2", "p3"}) {
		t.Errorf("ConsentingProfiles = %v, want [p1 p2 p3]", got)
	}
	for range 2 { // withdrawing twice is not an error
		if err := s.WithdrawConsent(ctx, "u2"); err != nil {
			t.Fatalf("WithdrawConsent: %v", err)
		}
	}
	if got := cohort(); !slices.Equal(got, []string{"p1"}) {
		t.Errorf("CohortValues(height_mm) after u2 withdrew = %v, want [p1]", got)
	}
	if got := consenting(); !slices.Equal(got, []string{"p1", "p2"}) {
		t.Errorf("ConsentingProfiles after u2 withdrew = %v, want [p1 p2]", got)
	}
	_, err := s.Consent(ctx, "u2")
	wantCode(t, err, phenolink.ENOTFOUND)
	// A withdrawn participant contributes nothing new either.
	wantCode(t, s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p3", "sex", 0)}), phenolink.EFORBIDDEN)
	_, err = s.CohortValues(ctx, "shoe_size")
	wantCode(t, err, phenolink.ENOTFOUND)
}

func testRoles(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	has := func(userID string) bool {
		t.Helper()
		ok, err := s.HasRole(ctx, userID, phenolink.RoleResearcher)
		if err != nil {
			t.Fatalf("HasRole(%s): %v", userID, err)
		}
		return ok
	}
	if has("u1") {
		t.Error("u1 is a researcher before any grant")
	}
	for range 2 { // granting twice is not an error
		if err := s.SetRole(ctx, "u1", phenolink.RoleResearcher, true); err != nil {
			t.Fatalf("SetRole grant: %v", err)
		}
	}
	if !has("u1") || has("u2") {
		t.Errorf("after granting u1: u1 %v, u2 %v; want true, false", has("u1"), has("u2"))
	}
	if ok, err := s.HasRole(ctx, "u1", "admin"); err != nil || ok {
		t.Errorf("HasRole(u1, admin) = %v, %v; want false", ok, err)
	}
	for range 2 {
		if err := s.SetRole(ctx, "u1", phenolink.RoleResearcher, false); err != nil {
			t.Fatalf("SetRole revoke: %v", err)
		}
	}
	if has("u1") {
		t.Error("u1 is still a researcher after the revoke")
	}
	err := s.SetRole(ctx, "nobody", phenolink.RoleResearcher, true)
	wantCode(t, err, phenolink.ENOTFOUND)
	if !strings.Contains(phenolink.ErrorMessage(err), `"nobody"`) {
		t.Errorf("SetRole of an unknown account: %q does not name it", phenolink.ErrorMessage(err))
	}
	wantCode(t, s.SetRole(ctx, "nobody", phenolink.RoleResearcher, false), phenolink.ENOTFOUND)
	wantCode(t, s.SetRole(ctx, "u1", "", true), phenolink.EINVALID)
	if has("nobody") {
		t.Error("an unknown account holds a role")
	}
	if n := h.Count(t, s, "roles"); n != 0 {
		t.Errorf("roles has %d rows, want 0", n)
	}
}

func testAuditLog(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	entries := []phenolink.AuditEntry{
		{UserID: "r1", Action: "export.results.csv", Detail: "scan 1", At: at},
		{UserID: "r2", Action: "export.plink", Detail: "rs1, rs2; height_mm; 120 rows", At: at.Add(-time.Hour)}, // an older clock
		{UserID: "r1", Action: "export.plink", Detail: "all markers", At: at.Add(time.Minute)},
	}
	for _, e := range entries {
		if err := s.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, s.RecordAudit(ctx, phenolink.AuditEntry{UserID: "r1"}), phenolink.EINVALID)
	strip := func(es []phenolink.AuditEntry) []phenolink.AuditEntry {
		for i := range es {
			if es[i].ID <= 0 {
				t.Errorf("audit entry %+v has no id", es[i])
			}
			es[i].ID = 0
		}
		return es
	}
	// Newest first means in the order recorded, whatever the times say.
	all, err := s.AuditLog(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 3 && !(all[0].ID > all[1].ID && all[1].ID > all[2].ID) {
		t.Errorf("audit ids %d, %d, %d do not descend", all[0].ID, all[1].ID, all[2].ID)
	}
	want := []phenolink.AuditEntry{entries[2], entries[1], entries[0]}
	if got := strip(all); !reflect.DeepEqual(got, want) {
		t.Errorf("AuditLog(10) = %+v, want %+v", got, want)
	}
	two, err := s.AuditLog(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := strip(two); !reflect.DeepEqual(got, want[:2]) {
		t.Errorf("AuditLog(2) = %+v, want %+v", got, want[:2])
	}
	if none, err := s.AuditLog(ctx, 0); err != nil || len(none) != 0 {
		t.Errorf("AuditLog(0) = %+v, %v; want none", none, err)
	}
}
