package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretKeyFile is the name of the generated secret key in the data
// directory.
const SecretKeyFile = "secret_key"

// LocalSecretKey returns the secret key kept in dir, generating a random one
// (readable by the owner only) on first use, so that a local run with
// nothing set keeps its sessions and sealed tokens across restarts. Never
// used in production, where SECRET_KEY must be set.
func LocalSecretKey(dir string) (string, error) {
	path := filepath.Join(dir, SecretKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		key := strings.TrimSpace(string(b))
		if len(key) < MinSecretKeyLength {
			return "", fmt.Errorf("config.LocalSecretKey(%q): the key in %s is shorter than %d characters: delete the file to generate a new one", dir, path, MinSecretKeyLength)
		}
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("config.LocalSecretKey(%q): %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("config.LocalSecretKey(%q): %w", dir, err)
	}
	key := rand.Text() + rand.Text() // 52 base32 characters, 260 bits
	// Write a temporary file and link it into place: the link fails if
	// another process got there first (then theirs is used), and nobody
	// ever reads a half-written key.
	tmp, err := os.CreateTemp(dir, SecretKeyFile+".*")
	if err != nil {
		return "", fmt.Errorf("config.LocalSecretKey(%q): %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(key + "\n")
	if err := errors.Join(werr, tmp.Chmod(0o600), tmp.Close()); err != nil {
		return "", fmt.Errorf("config.LocalSecretKey(%q): writing the key: %w", dir, err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return LocalSecretKey(dir)
	} else if err != nil {
		return "", fmt.Errorf("config.LocalSecretKey(%q): %w", dir, err)
	}
	return key, nil
}
