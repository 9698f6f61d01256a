package storetest

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/sessioncodec"
)

// sessionData encodes values as the web layer stores a session (package
// sessioncodec).
func sessionData(t *testing.T, values map[string]any) []byte {
	t.Helper()
	b, err := encodeSession(time.Now().Add(time.Hour), values)
	if err != nil {
		t.Fatalf("encoding session data: %v", err)
	}
	return b
}

// encodeSession encodes as the web layer does.
func encodeSession(deadline time.Time, values map[string]any) ([]byte, error) {
	return sessioncodec.Codec{}.Encode(deadline, values)
}

func testSessions(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	const tok = "session-token-Zx81kq"
	if _, found, err := s.FindCtx(ctx, tok); err != nil || found {
		t.Fatalf("FindCtx of an unknown token = found %v, %v; want not found, no error", found, err)
	}
	data := sessionData(t, map[string]any{"flash": "hello"})
	if err := s.CommitCtx(ctx, tok, data, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("CommitCtx: %v", err)
	}
	got, found, err := s.FindCtx(ctx, tok)
	if err != nil || !found || !bytes.Equal(got, data) {
		t.Fatalf("FindCtx = %d bytes, found %v, %v; want the committed data", len(got), found, err)
	}

	// Committing again replaces the data.
	data2 := sessionData(t, map[string]any{"flash": "again"})
	if err := s.CommitCtx(ctx, tok, data2, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("CommitCtx again: %v", err)
	}
	if got, _, _ := s.FindCtx(ctx, tok); !bytes.Equal(got, data2) {
		t.Error("FindCtx after a second commit did not return the new data")
	}
	wantCounts(t, h, s, map[string]int{"sessions": 1})

	// The token is stored hashed.
	raw := h.Raw(t, s, "sessions")
	for _, form := range []string{tok, hex.EncodeToString([]byte(tok))} {
		if bytes.Contains(raw, []byte(form)) {
			t.Errorf("the sessions table holds the session token %q in the clear", form)
		}
	}

	for range 2 { // deleting a missing session is not an error
		if err := s.DeleteCtx(ctx, tok); err != nil {
			t.Fatalf("DeleteCtx: %v", err)
		}
	}
	if _, found, _ := s.FindCtx(ctx, tok); found {
		t.Error("FindCtx found a deleted session")
	}

	// The context-free methods the session library also requires.
	if err := s.Commit("plain", data, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got, found, err := s.Find("plain"); err != nil || !found || !bytes.Equal(got, data) {
		t.Fatalf("Find = found %v, %v; want the committed data", found, err)
	}
	if err := s.Delete("plain"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, found, _ := s.Find("plain"); found {
		t.Error("Find found a deleted session")
	}
}

func testSessionExpiry(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	data := sessionData(t, nil)
	for _, c := range []struct {
		token  string
		expiry time.Time
	}{
		{"expired-1", time.Now().Add(-time.Minute)},
		{"expired-2", time.Now().Add(-time.Hour)},
		{"live", time.Now().Add(time.Hour)},
	} {
		if err := s.CommitCtx(ctx, c.token, data, c.expiry); err != nil {
			t.Fatalf("CommitCtx(%s): %v", c.token, err)
		}
	}
	if _, found, err := s.FindCtx(ctx, "expired-1"); err != nil || found {
		t.Errorf("FindCtx of an expired session = found %v, %v; want not found", found, err)
	}
	n, err := s.DeleteExpiredSessions(ctx)
	if err != nil || n != 2 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 2", n, err)
	}
	wantCounts(t, h, s, map[string]int{"sessions": 1})
	if _, found, _ := s.FindCtx(ctx, "live"); !found {
		t.Error("DeleteExpiredSessions removed a live session")
	}
	if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 0 {
		t.Errorf("second DeleteExpiredSessions = %d, %v; want 0", n, err)
	}
}

func testSessionUser(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	later := time.Now().Add(time.Hour)
	// A session naming a user who does not exist must not be stored, so a
	// request racing DeleteUser cannot bring the session back.
	err := s.CommitCtx(ctx, "ghost", sessionData(t, map[string]any{"user_id": "nobody"}), later)
	wantCode(t, err, phenolink.EUNAUTHORIZED)
	// Data the default codec cannot read is refused rather than stored
	// without its user.
	if err := s.CommitCtx(ctx, "garbage", []byte("not gob"), later); err == nil {
		t.Error("CommitCtx accepted session data it cannot decode")
	}
	// user_id must be a string, per the web layer's contract.
	if err := s.CommitCtx(ctx, "typed", sessionData(t, map[string]any{"user_id": 42}), later); err == nil {
		t.Error("CommitCtx accepted a non-string user_id")
	}
	wantCounts(t, h, s, nil)

	if err := s.SaveUser(ctx, user("u1"), nil); err != nil {
		t.Fatal(err)
	}
	signedIn := sessionData(t, map[string]any{"user_id": "u1"})
	if err := s.CommitCtx(ctx, "signed-in", signedIn, later); err != nil {
		t.Fatalf("CommitCtx for a signed-in user: %v", err)
	}
	// Signing out (the same token, the user removed from the data)
	// detaches the session from the user.
	if err := s.CommitCtx(ctx, "signed-out", signedIn, later); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitCtx(ctx, "signed-out", sessionData(t, map[string]any{"flash": "bye"}), later); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.FindCtx(ctx, "signed-in"); found {
		t.Error("the user's session survived DeleteUser")
	}
	if _, found, _ := s.FindCtx(ctx, "signed-out"); !found {
		t.Error("DeleteUser removed a session that no longer named the user")
	}
}
