package storetest

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/secretbox"
)

// token returns a token whose strings are easy to search for in raw bytes.
func token(userID, tag string) phenolink.Token {
	return phenolink.Token{
		UserID:       userID,
		AccessToken:  "access-" + tag + "-89822b93d2",
		RefreshToken: "refresh-" + tag + "-33c53cd7bb",
		TokenType:    "bearer",
		Scope:        "basic names email",
		// Whole microseconds, the finest time every database keeps.
		Expiry: time.Date(2031, 5, 17, 10, 30, 0, 123456000, time.UTC),
	}
}

func sameToken(a, b phenolink.Token) bool {
	return a.UserID == b.UserID && a.AccessToken == b.AccessToken && a.RefreshToken == b.RefreshToken &&
		a.TokenType == b.TokenType && a.Scope == b.Scope && a.Expiry.Equal(b.Expiry)
}

func testTokenRoundTrip(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	wantCode(t, s.SaveToken(ctx, token("u1", "a")), phenolink.ENOTFOUND) // no such user yet
	if err := s.SaveUser(ctx, user("u1"), nil); err != nil {
		t.Fatal(err)
	}
	_, err := s.Token(ctx, "u1")
	wantCode(t, err, phenolink.ENOTFOUND)

	for _, want := range []phenolink.Token{
		token("u1", "first"),
		token("u1", "refreshed"),                   // replaces the first
		{UserID: "u1", AccessToken: "access-only"}, // no refresh token, no expiry
	} {
		if err := s.SaveToken(ctx, want); err != nil {
			t.Fatalf("SaveToken: %v", err)
		}
		got, err := s.Token(ctx, "u1")
		if err != nil {
			t.Fatalf("Token: %v", err)
		}
		if !sameToken(got, want) {
			t.Errorf("Token = %+v, want %+v", got, want)
		}
	}
	wantCounts(t, h, s, map[string]int{"users": 1, "tokens": 1})

	for range 2 { // deleting a missing token is not an error
		if err := s.DeleteToken(ctx, "u1"); err != nil {
			t.Fatalf("DeleteToken: %v", err)
		}
	}
	_, err = s.Token(ctx, "u1")
	wantCode(t, err, phenolink.ENOTFOUND)
}

func testInvalidToken(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	if err := s.SaveUser(ctx, user("u1"), nil); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []phenolink.Token{
		{AccessToken: "no user"},
		{UserID: "u1", RefreshToken: "no access token"},
	} {
		wantCode(t, s.SaveToken(ctx, tok), phenolink.EINVALID)
	}
	wantCounts(t, h, s, map[string]int{"users": 1})
}

func testTokenEncryptedAtRest(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	if err := s.SaveUser(ctx, user("u1"), nil); err != nil {
		t.Fatal(err)
	}
	tok := token("u1", "secret")
	if err := s.SaveToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	raw := h.Raw(t, s, "tokens")
	if len(raw) == 0 {
		t.Fatal("Raw(tokens) returned nothing; the check below would prove nothing")
	}
	if !bytes.Contains(raw, []byte(tok.Scope)) {
		t.Fatalf("Raw(tokens) lacks the scope %q stored in the clear; it does not show the table's contents", tok.Scope)
	}
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken} {
		for _, form := range []string{secret, hex.EncodeToString([]byte(secret))} {
			if bytes.Contains(raw, []byte(form)) {
				t.Errorf("the tokens table holds %q in the clear", form)
			}
		}
	}
}

func testTokenWrongKey(t *testing.T, h Harness) {
	ctx := t.Context()
	open := h.NewDatabase(t)
	old := open(box(t, "old key"))
	if err := old.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := old.SaveUser(ctx, user("u1"), nil); err != nil {
		t.Fatal(err)
	}
	tok := token("u1", "rotated")
	if err := old.SaveToken(ctx, tok); err != nil {
		t.Fatal(err)
	}

	_, err := open(box(t, "new key")).Token(ctx, "u1")
	wantCode(t, err, phenolink.EUNAUTHORIZED)
	if !errors.Is(err, secretbox.ErrUnknownKey) {
		t.Errorf("Token under a foreign key: err = %v, want it to wrap secretbox.ErrUnknownKey", err)
	}
	if msg := err.Error(); strings.Contains(msg, tok.AccessToken) || strings.Contains(msg, tok.RefreshToken) {
		t.Errorf("error %q reveals a token", msg)
	}

	// With the old key as a fallback the token opens again.
	got, err := open(box(t, "new key", "old key")).Token(ctx, "u1")
	if err != nil || !sameToken(got, tok) {
		t.Errorf("Token with the old key as fallback = %+v, %v; want %+v", got, err, tok)
	}
}

func testConcurrentSaveToken(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	if err := s.SaveUser(ctx, user("u1"), nil); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 5
	written := map[string]phenolink.Token{}
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		for i := range each {
			tok := token("u1", fmt.Sprintf("w%d-%d", w, i))
			written[tok.AccessToken] = tok
		}
		wg.Go(func() {
			for i := range each {
				if err := s.SaveToken(ctx, token("u1", fmt.Sprintf("w%d-%d", w, i))); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent SaveToken: %v", err)
	}
	got, err := s.Token(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if want, ok := written[got.AccessToken]; !ok || !sameToken(got, want) {
		t.Errorf("after concurrent saves Token = %+v; want exactly one of the written tokens", got)
	}
	wantCounts(t, h, s, map[string]int{"users": 1, "tokens": 1})
}
