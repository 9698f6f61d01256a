// Package secretbox encrypts short secrets, such as OAuth tokens, for storage
// at rest with AES-256-GCM under keys derived from the app's SECRET_KEY.
//
// # Sealed format
//
//	version (1 byte, = 1) | key id (4 bytes) | nonce (12 bytes) | ciphertext and GCM tag
//
// The key id is derived from the secret with its own HKDF label, so it says
// which secret sealed a value without revealing anything about the key.
//
// # Rotating SECRET_KEY
//
// Set SECRET_KEY to the new value and SECRET_KEY_FALLBACKS to the old one:
// New(current, previous...) seals with the current key and opens with any of
// them. Keep the old value in SECRET_KEY_FALLBACKS until every stored token
// has been rewritten (each refresh saves the token again under the current
// key) or has expired; the stores' ResealTokens rewrites them all at once so
// the old value can be dropped right after. Dropping it earlier is safe too:
// tokens sealed under it fail to open with ErrUnknownKey and those users
// simply sign in again.
package secretbox

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

const (
	version   = 1
	idSize    = 4
	nonceSize = 12
	// headerSize is everything before the ciphertext.
	headerSize = 1 + idSize + nonceSize

	// The HKDF labels bind the derived keys to this use, so the same
	// SECRET_KEY can safely derive keys for other jobs (cookies, CSRF).
	encryptionInfo = "phenolink secretbox aes-256-gcm key v1"
	keyIDInfo      = "phenolink secretbox key id v1"
)

// ErrUnknownKey means the value was sealed under a secret that is neither
// the current one nor any of the previous ones: the stored secret is lost and
// whoever owned it must provide it again (for a token, sign in again).
var ErrUnknownKey = errors.New("secretbox: sealed under a key that is neither SECRET_KEY nor in SECRET_KEY_FALLBACKS")

// ErrCorrupt means the value is malformed or failed authentication: it was
// altered, truncated, or sealed for different associated data.
var ErrCorrupt = errors.New("secretbox: sealed value is corrupt or was sealed for another record")

// key is one derived AES key with its identifier.
type key struct {
	id   [idSize]byte
	aead cipher.AEAD
}

// Box seals with the current key and opens with the current or any previous
// key. It is safe for concurrent use.
type Box struct {
	keys []key // keys[0] is the current key
}

// New derives a Box from the current secret and any previous secrets still
// needed to open values sealed before a rotation. Empty previous secrets are
// ignored, so an unset SECRET_KEY_FALLBACKS can be passed as is.
func New(current string, previous ...string) (*Box, error) {
	if current == "" {
		return nil, errors.New("secretbox.New: the current secret is empty; set SECRET_KEY")
	}
	b := &Box{}
	seen := map[string]bool{}
	for i, s := range append([]string{current}, previous...) {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		k, err := deriveKey(s)
		if err != nil {
			return nil, fmt.Errorf("secretbox.New: secret %d: %w", i, err)
		}
		b.keys = append(b.keys, k)
	}
	return b, nil
}

// deriveKey turns a secret of any length into an AES-256-GCM key and its id.
func deriveKey(secret string) (key, error) {
	raw, err := hkdf.Key(sha256.New, []byte(secret), nil, encryptionInfo, 32)
	if err != nil {
		return key{}, err
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	id, err := hkdf.Key(sha256.New, []byte(secret), nil, keyIDInfo, idSize)
	if err != nil {
		return key{}, err
	}
	k := key{aead: aead}
	copy(k.id[:], id)
	return k, nil
}

// Seal encrypts plaintext under the current key with a random nonce.
// associatedData is authenticated but not stored: pass something that ties
// the value to its record (for example the column and the user id) so a
// sealed value copied into another record fails to open.
func (b *Box) Seal(plaintext string, associatedData []byte) ([]byte, error) {
	k := b.keys[0]
	out := make([]byte, headerSize, headerSize+len(plaintext)+k.aead.Overhead())
	out[0] = version
	copy(out[1:], k.id[:])
	nonce := out[1+idSize : headerSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secretbox.Seal: reading a nonce: %w", err)
	}
	return k.aead.Seal(out, nonce, []byte(plaintext), associatedData), nil
}

// Open decrypts a value made by Seal with the same associatedData. It
// returns ErrUnknownKey when no configured secret sealed it and ErrCorrupt
// when it was altered or belongs to another record.
func (b *Box) Open(sealed, associatedData []byte) (string, error) {
	if len(sealed) < headerSize || sealed[0] != version {
		return "", ErrCorrupt
	}
	id, nonce, ciphertext := sealed[1:1+idSize], sealed[1+idSize:headerSize], sealed[headerSize:]
	matched := false
	for _, k := range b.keys {
		// Ids are 4 bytes, so two secrets may share one; trying each
		// candidate keeps such a collision harmless.
		if !bytes.Equal(k.id[:], id) {
			continue
		}
		matched = true
		plaintext, err := k.aead.Open(nil, nonce, ciphertext, associatedData)
		if err == nil {
			return string(plaintext), nil
		}
	}
	if !matched {
		return "", ErrUnknownKey
	}
	return "", ErrCorrupt
}

// SealedWithCurrent reports whether sealed was made under the current key,
// so a rotation job can find values that still need rewriting.
func (b *Box) SealedWithCurrent(sealed []byte) bool {
	return len(sealed) >= headerSize && sealed[0] == version && bytes.Equal(sealed[1:1+idSize], b.keys[0].id[:])
}
