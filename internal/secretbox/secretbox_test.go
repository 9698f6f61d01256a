package secretbox

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func mustNew(t *testing.T, current string, previous ...string) *Box {
	t.Helper()
	b, err := New(current, previous...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

func TestSealOpenRoundTrip(t *testing.T) {
	b := mustNew(t, "a secret key of reasonable length")
	ad := []byte("access_token:user-1")
	for _, plain := range []string{"", "89822b93d2", strings.Repeat("x", 4096), "ünïcödé ✓"} {
		sealed, err := b.Seal(plain, ad)
		if err != nil {
			t.Fatalf("Seal(%d bytes): %v", len(plain), err)
		}
		if plain != "" && bytes.Contains(sealed, []byte(plain)) {
			t.Errorf("sealed value contains the plaintext %q", plain)
		}
		got, err := b.Open(sealed, ad)
		if err != nil {
			t.Fatalf("Open(Seal(%d bytes)): %v", len(plain), err)
		}
		if got != plain {
			t.Errorf("Open(Seal(%q)) = %q", plain, got)
		}
	}
}

func TestSealUsesAFreshNonceEachTime(t *testing.T) {
	b := mustNew(t, "k")
	s1, _ := b.Seal("same", nil)
	s2, _ := b.Seal("same", nil)
	if bytes.Equal(s1, s2) {
		t.Error("sealing the same plaintext twice gave identical output; the nonce is not random")
	}
}

func TestOpenFailures(t *testing.T) {
	b := mustNew(t, "current")
	sealed, err := b.Seal("token", []byte("user-1"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name   string
		box    *Box
		sealed []byte
		ad     string
		want   error
	}{
		{"wrong key", mustNew(t, "another secret"), sealed, "user-1", ErrUnknownKey},
		{"other record", b, sealed, "user-2", ErrCorrupt},
		{"tampered", b, flipped, "user-1", ErrCorrupt},
		{"truncated", b, sealed[:10], "user-1", ErrCorrupt},
		{"empty", b, nil, "user-1", ErrCorrupt},
		{"unknown version", b, append([]byte{9}, sealed[1:]...), "user-1", ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.sealed, []byte(tt.ad))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %q, %v; want error %v", got, err, tt.want)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	old := mustNew(t, "old secret")
	sealedOld, err := old.Seal("token", nil)
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustNew(t, "new secret", "old secret", "")
	if got, err := rotated.Open(sealedOld, nil); err != nil || got != "token" {
		t.Fatalf("rotated box opening an old value = %q, %v; want token", got, err)
	}
	if rotated.SealedWithCurrent(sealedOld) {
		t.Error("SealedWithCurrent(old value) = true, want false so it gets rewritten")
	}
	sealedNew, err := rotated.Seal("token", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rotated.SealedWithCurrent(sealedNew) {
		t.Error("SealedWithCurrent(new value) = false, want true")
	}
	if _, err := old.Open(sealedNew, nil); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old box opening a value sealed under the new key: err = %v, want ErrUnknownKey", err)
	}
	// Once the fallback is dropped, old values are unreadable and users sign in again.
	if _, err := mustNew(t, "new secret").Open(sealedOld, nil); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("after dropping the fallback: err = %v, want ErrUnknownKey", err)
	}
}

func TestNewRejectsEmptySecret(t *testing.T) {
	if _, err := New("", "old"); err == nil {
		t.Fatal("New(\"\") succeeded; an empty SECRET_KEY must be refused")
	}
}

func BenchmarkSealOpen(b *testing.B) {
	box, err := New("bench secret")
	if err != nil {
		b.Fatal(err)
	}
	ad := []byte("access_token:user-1")
	for b.Loop() {
		s, err := box.Seal("89822b93d2abcdef0123456789", ad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := box.Open(s, ad); err != nil {
			b.Fatal(err)
		}
	}
}
