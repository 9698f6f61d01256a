// Package sessioncodec encodes server-side session data. The session
// library's default, gob, builds a decoder for the data's types on every
// decode, which on a signed-in page cost more than reading the session's
// row; Phenolink's sessions hold only strings, which this codec writes as
// length-prefixed bytes. Data in any other shape, and data written by gob
// before this codec existed, still goes through gob, so no session is lost.
package sessioncodec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// magic starts data in the compact form. Gob data never does: it starts
// with the message length, and gob writes 0xff only before a one-byte
// length of 128 or more, never before 'P' (80), which would fit one byte.
const magic = "\xffPLS1"

// maxEntries bounds the values one session may hold when decoding, so
// damaged data cannot ask for a huge map.
const maxEntries = 1 << 12

// Codec implements scs.Codec.
type Codec struct{}

var _ scs.Codec = Codec{}

var errDamaged = errors.New("sessioncodec: damaged session data")

// Encode writes deadline and values; values that are not all strings go
// through gob.
func (Codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(values))
	size := len(magic) + 20
	for k, v := range values {
		s, ok := v.(string)
		if !ok {
			return scs.GobCodec{}.Encode(deadline, values)
		}
		keys = append(keys, k)
		size += len(k) + len(s) + 2*binary.MaxVarintLen32
	}
	slices.Sort(keys) // the same session always encodes the same way
	b := make([]byte, 0, size)
	b = append(b, magic...)
	at, err := deadline.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = append(b, byte(len(at)))
	b = append(b, at...)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		s := values[k].(string)
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b, nil
}

// Decode reads what Encode wrote, or gob data.
func (Codec) Decode(b []byte) (time.Time, map[string]any, error) {
	if !bytes.HasPrefix(b, []byte(magic)) {
		return scs.GobCodec{}.Decode(b)
	}
	b = b[len(magic):]
	if len(b) < 1 || int(b[0]) > len(b)-1 {
		return time.Time{}, nil, errDamaged
	}
	var deadline time.Time
	if err := deadline.UnmarshalBinary(b[1 : 1+int(b[0])]); err != nil {
		return time.Time{}, nil, errDamaged
	}
	b = b[1+int(b[0]):]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > maxEntries || n > uint64(len(b)) {
		return time.Time{}, nil, errDamaged
	}
	b = b[k:]
	values := make(map[string]any, n)
	next := func() (string, bool) {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(l)])
		b = b[k+int(l):]
		return s, true
	}
	for range n {
		key, ok := next()
		if !ok {
			return time.Time{}, nil, errDamaged
		}
		v, ok := next()
		if !ok {
			return time.Time{}, nil, errDamaged
		}
		values[key] = v
	}
	if len(b) != 0 {
		return time.Time{}, nil, errDamaged
	}
	return deadline, values, nil
}

// UserKey is the session value under which the web layer keeps the
// signed-in user's account id; the stores read it to tie a session to its
// user, so that deleting the user ends every one of their sessions.
const UserKey = "user_id"

// UserID returns the account id a session's data is signed in to, "" when
// it is signed out. It fails, rather than guess, when the data cannot be
// decoded, because a session whose user is unknown would survive the
// user's deletion.
func UserID(data []byte) (string, error) {
	_, values, err := Codec{}.Decode(data)
	if err != nil {
		return "", fmt.Errorf("decoding session data to find its user: %w", err)
	}
	v, ok := values[UserKey]
	if !ok {
		return "", nil
	}
	id, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("session value %q is a %T, want a string", UserKey, v)
	}
	return id, nil
}
