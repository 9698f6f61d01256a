package storetest

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// RunSessionView checks an adapter's one-query reads for signed-in pages
// against the separate reads they stand in for. It is separate from Run so
// that an adapter states that it offers them.
func RunSessionView(t *testing.T, h Harness) {
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"SessionView", testSessionView},
		{"GenomeStatus", testGenomeStatus},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, h)
		})
	}
}

// sessionViews returns the store's SessionViewStore or fails the test.
func sessionViews(t *testing.T, s Store) phenolink.SessionViewStore {
	t.Helper()
	v, ok := s.(phenolink.SessionViewStore)
	if !ok {
		t.Fatalf("%T does not implement phenolink.SessionViewStore", s)
	}
	return v
}

// wantView fails unless the view of token holds data and, for a signed-in
// session, exactly what User and Profiles give for userID.
func wantView(t *testing.T, s Store, token string, data []byte, userID string) {
	t.Helper()
	ctx := t.Context()
	v, found, err := sessionViews(t, s).SessionView(ctx, token)
	if err != nil || !found {
		t.Fatalf("SessionView = found %v, %v; want the session", found, err)
	}
	if !bytes.Equal(v.Data, data) {
		t.Errorf("SessionView data = %q, want %q", v.Data, data)
	}
	if userID == "" {
		if v.User != nil || v.Profiles != nil {
			t.Errorf("signed-out SessionView = user %+v, profiles %+v; want neither", v.User, v.Profiles)
		}
		return
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.Profiles(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	if v.User == nil || *v.User != u {
		t.Errorf("SessionView user = %+v, want %+v", v.User, u)
	}
	if !reflect.DeepEqual(v.Profiles, ps) {
		t.Errorf("SessionView profiles = %+v, want %+v", v.Profiles, ps)
	}
}

func testSessionView(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	views := sessionViews(t, s)
	if _, found, err := views.SessionView(ctx, "unknown"); err != nil || found {
		t.Fatalf("SessionView of an unknown token = found %v, %v; want not found, no error", found, err)
	}
	withGenomeUsers(t, s)
	if err := s.SaveUser(ctx, user("u3"), nil); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	sessions := []struct {
		token, userID string
		data          []byte
	}{
		{"signed-out", "", sessionData(t, map[string]any{"flash": "hello"})},
		{"two-profiles", "u1", sessionData(t, map[string]any{"user_id": "u1", "profile_id": "p2"})},
		{"one-profile", "u2", sessionData(t, map[string]any{"user_id": "u2"})},
		{"no-profiles", "u3", sessionData(t, map[string]any{"user_id": "u3"})},
	}
	for _, c := range sessions {
		if err := s.CommitCtx(ctx, c.token, c.data, later); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range sessions {
		wantView(t, s, c.token, c.data, c.userID)
	}
	if v, _, _ := views.SessionView(ctx, "no-profiles"); v.Profiles == nil {
		t.Error("SessionView of an account without profiles gave nil profiles, want an empty list")
	}

	// The researcher role comes with the view, and its change shows on the
	// next read.
	researcher := func(token string) bool {
		t.Helper()
		v, _, err := views.SessionView(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return v.Researcher
	}
	for _, c := range sessions {
		if researcher(c.token) {
			t.Errorf("SessionView(%s) says researcher before any role was granted", c.token)
		}
	}
	if err := s.SetRole(ctx, "u2", phenolink.RoleResearcher, true); err != nil {
		t.Fatal(err)
	}
	if !researcher("one-profile") || researcher("two-profiles") || researcher("signed-out") {
		t.Error("after granting u2 the researcher role, SessionView does not say so for u2 alone")
	}
	if err := s.SetRole(ctx, "u2", phenolink.RoleResearcher, false); err != nil {
		t.Fatal(err)
	}
	if researcher("one-profile") {
		t.Error("SessionView still says researcher after the role was revoked")
	}

	// A change to the account shows on the next read.
	if err := s.SaveUser(ctx, phenolink.User{ID: "u1", FirstName: "Grace"}, []phenolink.Profile{profile("p2", "u1")}); err != nil {
		t.Fatal(err)
	}
	wantView(t, s, "two-profiles", sessions[1].data, "u1")

	// Expired sessions and those of a deleted user are gone.
	if err := s.CommitCtx(ctx, "expired", sessions[2].data, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"expired", "two-profiles"} {
		if v, found, err := views.SessionView(ctx, tok); err != nil || found {
			t.Errorf("SessionView(%s) = %+v, found %v, %v; want not found", tok, v, found, err)
		}
	}
	wantView(t, s, "one-profile", sessions[2].data, "u2")
}

// wantStatus fails unless the profile's GenomeStatus is what Genome and
// LatestJob for both kinds give.
func wantStatus(t *testing.T, s Store, profileID string) phenolink.GenomeStatus {
	t.Helper()
	ctx := t.Context()
	reader, ok := s.(phenolink.GenomeStatusReader)
	if !ok {
		t.Fatalf("%T does not implement phenolink.GenomeStatusReader", s)
	}
	got, err := reader.GenomeStatus(ctx, profileID)
	if err != nil {
		t.Fatalf("GenomeStatus(%s): %v", profileID, err)
	}
	var want phenolink.GenomeStatus
	if g, err := s.Genome(ctx, profileID); err == nil {
		want.Genome = &g
	} else if phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Fatal(err)
	}
	for _, kind := range []string{phenolink.JobImportGenome, phenolink.JobSyncGenome} {
		j, err := s.LatestJob(ctx, profileID, kind)
		if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if want.Job == nil || j.CreatedAt.After(want.Job.CreatedAt) || (j.CreatedAt.Equal(want.Job.CreatedAt) && j.ID > want.Job.ID) {
			want.Job = &j
		}
	}
	// Neither read returns a job's payload; they differ only in how they
	// spell its absence.
	if want.Job != nil {
		want.Job.Payload = nil
	}
	if got.Job != nil {
		got.Job.Payload = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GenomeStatus(%s) = genome %+v, job %+v; want genome %+v, job %+v", profileID, got.Genome, got.Job, want.Genome, want.Job)
	}
	return got
}

func testGenomeStatus(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	for _, p := range []string{"p1", "unknown"} {
		if st := wantStatus(t, s, p); st.Genome != nil || st.Job != nil || st.Busy() {
			t.Errorf("status of %s with nothing stored = %+v; want empty", p, st)
		}
	}

	imp := enqueue(t, s, "u1", "p1", 0)
	if st := wantStatus(t, s, "p1"); st.Job == nil || st.Job.ID != imp || !st.Busy() {
		t.Errorf("status after an import was queued = %+v; want that job, busy", st)
	}
	time.Sleep(2 * time.Millisecond) // a later creation time on every database
	sync, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobSyncGenome, UserID: "u1", ProfileID: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	// Another kind of job and another profile's job are not the genome's.
	if _, err := s.Enqueue(ctx, phenolink.Job{Kind: "another_kind", UserID: "u1", ProfileID: "p1"}); err != nil {
		t.Fatal(err)
	}
	enqueue(t, s, "u1", "p2", 0)
	if st := wantStatus(t, s, "p1"); st.Job == nil || st.Job.ID != sync {
		t.Errorf("status after a sync was queued = %+v; want the sync job %d", st, sync)
	}

	claimed, err := s.Claim(ctx, []string{phenolink.JobSyncGenome}, time.Minute)
	if err != nil || claimed.ID != sync {
		t.Fatalf("Claim = %d, %v; want %d", claimed.ID, err, sync)
	}
	if err := s.Fail(ctx, sync, "the API did not answer", false); err != nil {
		t.Fatal(err)
	}
	if st := wantStatus(t, s, "p1"); st.Busy() || st.Job == nil || st.Job.State != phenolink.JobFailed {
		t.Errorf("status after the sync failed = %+v; want it failed, not busy", st.Job)
	}

	save(t, s, "p1", parseImport(t, "rs1 1 100 AG", "rs2 1 200 --"))
	if st := wantStatus(t, s, "p1"); st.Genome == nil || st.Genome.MarkerCount != 2 {
		t.Errorf("status after a genome was stored = %+v; want it", st.Genome)
	}
	if st := wantStatus(t, s, "p2"); st.Genome != nil || st.Job == nil {
		t.Errorf("status of p2 = %+v; want its own job and no genome", st)
	}
}

// RunSessionViewBenchmarks compares the one-query reads of a signed-in page
// with the separate reads they replace, on a signed-in session of a user
// with two profiles, one with a genome and two finished jobs.
func RunSessionViewBenchmarks(b *testing.B, s Store) {
	ctx := b.Context()
	if err := s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p1", "u1"), profile("p2", "u1")}); err != nil {
		b.Fatal(err)
	}
	data, err := encodeSession(time.Now().Add(time.Hour), map[string]any{"user_id": "u1", "profile_id": "p1"})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.CommitCtx(ctx, "bench-token", data, time.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	for _, kind := range []string{phenolink.JobImportGenome, phenolink.JobSyncGenome} {
		if _, err := s.Enqueue(ctx, phenolink.Job{Kind: kind, UserID: "u1", ProfileID: "p1"}); err != nil {
			b.Fatal(err)
		}
	}
	g := synthGenome("rs", 1000, 1)
	if _, err := s.SaveGenome(ctx, fileInfo("p1"), g.markers, g.calls); err != nil {
		b.Fatal(err)
	}
	views := s.(phenolink.SessionViewStore)
	status := s.(phenolink.GenomeStatusReader)
	parallel := func(b *testing.B, read func() error) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("SessionView", func(b *testing.B) {
		parallel(b, func() error { _, _, err := views.SessionView(ctx, "bench-token"); return err })
	})
	b.Run("SessionThenUserThenProfiles", func(b *testing.B) {
		parallel(b, func() error {
			if _, _, err := s.FindCtx(ctx, "bench-token"); err != nil {
				return err
			}
			if _, err := s.User(ctx, "u1"); err != nil {
				return err
			}
			_, err := s.Profiles(ctx, "u1")
			return err
		})
	})
	b.Run("GenomeStatus", func(b *testing.B) {
		parallel(b, func() error { _, err := status.GenomeStatus(ctx, "p1"); return err })
	})
	b.Run("GenomeThenLatestJobs", func(b *testing.B) {
		parallel(b, func() error {
			if _, err := s.Genome(ctx, "p1"); err != nil {
				return err
			}
			for _, kind := range []string{phenolink.JobImportGenome, phenolink.JobSyncGenome} {
				if _, err := s.LatestJob(ctx, "p1", kind); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
