package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalSecretKeyIsGeneratedOnceAndPrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	first, err := LocalSecretKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < MinSecretKeyLength {
		t.Errorf("generated key has %d characters, want at least %d", len(first), MinSecretKeyLength)
	}
	info, err := os.Stat(filepath.Join(dir, SecretKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode %v, want 0600", perm)
	}
	second, err := LocalSecretKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if second != first {
		t.Error("second call generated a new key instead of reusing the stored one")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only the key file", len(entries))
	}
}

func TestLocalSecretKeyRejectsShortKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SecretKeyFile), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LocalSecretKey(dir)
	if err == nil || !strings.Contains(err.Error(), "delete the file") {
		t.Errorf("LocalSecretKey with a short stored key = %v, want an error saying what to do", err)
	}
}
