package storetest

import (
	"slices"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

func testDeleteUser(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	// The counts below prove deletion only if they cover every table.
	tables := h.Tables(t, s)
	slices.Sort(tables)
	known := append(append(personalTables(), sharedTables()...), researchTables()...)
	if want := slices.Sorted(slices.Values(known)); !slices.Equal(tables, want) {
		t.Fatalf("the schema has tables %v; the deletion test knows %v: add the new table to personalTables, sharedTables or researchTables", tables, want)
	}
	later := time.Now().Add(time.Hour)
	// u1 has rows in every table; u2 and an anonymous session must survive.
	for _, u := range []struct {
		id       string
		profiles []phenolink.Profile
		sessions []string
	}{
		{"u1", []phenolink.Profile{profile("p1", "u1"), profile("p2", "u1")}, []string{"s1", "s2"}},
		{"u2", []phenolink.Profile{profile("p3", "u2")}, []string{"s3"}},
	} {
		if err := s.SaveUser(ctx, user(u.id), u.profiles); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveToken(ctx, token(u.id, u.id)); err != nil {
			t.Fatal(err)
		}
		for _, tok := range u.sessions {
			if err := s.CommitCtx(ctx, tok, sessionData(t, map[string]any{"user_id": u.id}), later); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.CommitCtx(ctx, "anonymous", sessionData(t, nil), later); err != nil {
		t.Fatal(err)
	}
	// Genotype records and jobs, of each profile and of the account.
	g := parseImport(t, "rs1 1 100 AA", "rs2 1 200 CC")
	for _, p := range []struct{ userID, profileID string }{{"u1", "p1"}, {"u1", "p2"}, {"u2", "p3"}} {
		save(t, s, p.profileID, g)
		if _, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: p.userID, ProfileID: p.profileID, Payload: []byte("staged")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Enqueue(ctx, phenolink.Job{Kind: "account_export", UserID: "u1"}); err != nil {
		t.Fatal(err)
	}
	// Consent, phenotype values and roles of both; u1 is also a
	// researcher who ran a scan (one more job) and exported data.
	for _, p := range []struct{ userID, profileID string }{{"u1", "p1"}, {"u1", "p2"}, {"u2", "p3"}} {
		consent(t, s, p.userID)
		if err := s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{
			{ProfileID: p.profileID, PhenotypeID: "height_mm", Value: 1700, Source: phenolink.ValueSourceSurvey},
			{ProfileID: p.profileID, PhenotypeID: "sex", Value: 1, Source: phenolink.ValueSourceSurvey},
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"u1", "u2"} {
		if err := s.SetRole(ctx, id, phenolink.RoleResearcher, true); err != nil {
			t.Fatal(err)
		}
	}
	sc, err := s.CreateScan(ctx, phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: "u1", MinCallRate: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteScan(ctx, phenolink.Scan{ID: sc.ID, Samples: 3, Tested: 2, Lambda: 1}, []byte("results")); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAudit(ctx, phenolink.AuditEntry{UserID: "u1", Action: "export.plink", Detail: "3 samples"}); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3, "tokens": 2, "sessions": 4, "genomes": 3, "genome_chunks": 3, "jobs": 5,
		"phenotype_values": 6, "consents": 2, "roles": 2, "scans": 1, "scan_results": 1, "audit_log": 1})

	if err := s.DeleteUser(ctx, "u1"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	// The scan and the audit entry stay, as researchTables explains; the
	// scan's job went with u1's other jobs.
	wantCounts(t, h, s, map[string]int{"users": 1, "profiles": 1, "tokens": 1, "sessions": 2, "genomes": 1, "genome_chunks": 1, "jobs": 1,
		"phenotype_values": 2, "consents": 1, "roles": 1, "scans": 1, "scan_results": 1, "audit_log": 1})
	// The logs of changes name p3, whose values and record were saved,
	// and neither profile of u1 any more. (Count counts the rows of what
	// follows FROM, here with a condition.)
	if n := h.Count(t, s, "cohort_changes WHERE profile_id = 'p3'"); n == 0 {
		t.Error("the log of cohort changes does not name p3, whose values were saved")
	}
	if n := h.Count(t, s, "cohort_changes WHERE profile_id IN ('p1', 'p2')"); n != 0 {
		t.Errorf("the log of cohort changes names u1's profiles %d times after u1 was deleted, want none", n)
	}
	if n := h.Count(t, s, "genome_changes WHERE profile_id = 'p3'"); n == 0 {
		t.Error("the log of record changes does not name p3, whose record was saved")
	}
	if n := h.Count(t, s, "genome_changes WHERE profile_id IN ('p1', 'p2')"); n != 0 {
		t.Errorf("the log of record changes names u1's profiles %d times after u1 was deleted, want none", n)
	}
	if got, err := s.ConsentingProfiles(ctx); err != nil || !slices.Equal(got, []string{"p3"}) {
		t.Errorf("ConsentingProfiles after deleting u1 = %v, %v; want [p3]", got, err)
	}
	if n := len(defaultCatalog(t, s)); n != len(phenolink.DefaultPhenotypes()) {
		t.Errorf("the catalog has %d phenotypes after DeleteUser, want %d", n, len(phenolink.DefaultPhenotypes()))
	}
	// The marker index is shared reference data, not u1's.
	if n := indexLen(t, s); n != 2 {
		t.Errorf("markers has %d rows after DeleteUser, want 2", n)
	}
	wantCalls(t, s, "p3", g)
	_, err = s.User(ctx, "u1")
	wantCode(t, err, phenolink.ENOTFOUND)
	if _, err := s.Token(ctx, "u2"); err != nil {
		t.Errorf("u2's token after deleting u1: %v", err)
	}
	wantCode(t, s.DeleteUser(ctx, "u1"), phenolink.ENOTFOUND)
}
