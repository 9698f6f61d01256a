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
	if want := slices.Sorted(slices.Values(append(personalTables(), sharedTables()...))); !slices.Equal(tables, want) {
		t.Fatalf("the schema has tables %v; the deletion test knows %v: add the new table to personalTables or sharedTables", tables, want)
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
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3, "tokens": 2, "sessions": 4, "genomes": 3, "jobs": 4})

	if err := s.DeleteUser(ctx, "u1"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	wantCounts(t, h, s, map[string]int{"users": 1, "profiles": 1, "tokens": 1, "sessions": 2, "genomes": 1, "jobs": 1})
	// The marker index is shared reference data, not u1's.
	if n := indexLen(t, s); n != 2 {
		t.Errorf("markers has %d rows after DeleteUser, want 2", n)
	}
	wantCalls(t, s, "p3", g)
	_, err := s.User(ctx, "u1")
	wantCode(t, err, phenolink.ENOTFOUND)
	if _, err := s.Token(ctx, "u2"); err != nil {
		t.Errorf("u2's token after deleting u1: %v", err)
	}
	wantCode(t, s.DeleteUser(ctx, "u1"), phenolink.ENOTFOUND)
}
