package sessioncodec

import (
	"bytes"
	"maps"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestRoundTripStrings(t *testing.T) {
	deadline := time.Date(2026, 11, 29, 4, 0, 0, 123, time.UTC)
	for _, values := range []map[string]any{
		{},
		{"user_id": "abc123", "profile_id": "p1", "flash": "Now showing Erin.", "empty": ""},
		{"pending_form": "a=1&b=%C3%A9", "unicode key é": "value\x00with\nbytes"},
	} {
		b, err := Codec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte(magic)) {
			t.Errorf("strings-only %v not written in the compact form", values)
		}
		again, _ := Codec{}.Encode(deadline, values)
		if !bytes.Equal(b, again) {
			t.Errorf("encoding %v twice gave different bytes", values)
		}
		gotDeadline, got, err := Codec{}.Decode(b)
		if err != nil || !gotDeadline.Equal(deadline) || !maps.Equal(got, values) {
			t.Errorf("Decode(Encode(%v)) = %v, %v, %v", values, gotDeadline, got, err)
		}
	}
}

// Sessions written by the library's gob codec, before this one, and
// sessions holding other types still decode.
func TestGobStillDecodes(t *testing.T) {
	deadline := time.Now().Add(time.Hour).UTC()
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{"user_id": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := Codec{}.Decode(old)
	if err != nil || got["user_id"] != "u1" {
		t.Errorf("gob session decoded to %v, %v", got, err)
	}
	mixed := map[string]any{"user_id": "u1", "count": 3}
	b, err := Codec{}.Encode(deadline, mixed)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(b, []byte(magic)) {
		t.Error("a session with an int was written in the strings-only form")
	}
	_, got, err = Codec{}.Decode(b)
	if err != nil || got["count"] != 3 || got["user_id"] != "u1" {
		t.Errorf("mixed session decoded to %v, %v", got, err)
	}
}

func TestDamagedDataIsAnError(t *testing.T) {
	b, err := Codec{}.Encode(time.Now(), map[string]any{"user_id": "abc", "flash": "hello"})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(magic); i < len(b); i++ {
		if _, _, err := (Codec{}).Decode(b[:i]); err == nil {
			t.Errorf("data cut to %d of %d bytes decoded without an error", i, len(b))
		}
	}
	if _, _, err := (Codec{}).Decode(append(bytes.Clone(b), 'x')); err == nil {
		t.Error("data with a trailing byte decoded without an error")
	}
	huge := append([]byte(magic), b[len(magic):len(magic)+1+int(b[len(magic)])]...)
	huge = append(huge, 0xff, 0xff, 0xff, 0xff, 0x0f)
	if _, _, err := (Codec{}).Decode(huge); err == nil {
		t.Error("a count of four billion entries decoded without an error")
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Codec{}.Encode(time.Now(), map[string]any{"user_id": "abc"})
	gob, _ := scs.GobCodec{}.Encode(time.Now(), map[string]any{"user_id": "abc"})
	f.Add(good)
	f.Add(gob)
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		deadline, values, err := Codec{}.Decode(b)
		if err != nil || !bytes.HasPrefix(b, []byte(magic)) {
			return
		}
		// What decodes re-encodes to the same bytes.
		again, err := Codec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		if _, v2, err := (Codec{}).Decode(again); err != nil || !maps.Equal(v2, values) {
			t.Errorf("re-encoded %v decoded to %v, %v", values, v2, err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	values := map[string]any{"user_id": "0123456789abcdef", "profile_id": "fedcba9876543210"}
	deadline := time.Now()
	compact, _ := Codec{}.Encode(deadline, values)
	gob, _ := scs.GobCodec{}.Encode(deadline, values)
	b.Run("compact", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := (Codec{}).Decode(compact); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gob", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := (scs.GobCodec{}).Decode(gob); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestUserID(t *testing.T) {
	in, _ := Codec{}.Encode(time.Now(), map[string]any{UserKey: "u1", "flash": "hi"})
	out, _ := Codec{}.Encode(time.Now(), map[string]any{"flash": "hi"})
	odd, _ := Codec{}.Encode(time.Now(), map[string]any{UserKey: 7})
	if id, err := UserID(in); id != "u1" || err != nil {
		t.Errorf("signed-in UserID = %q, %v", id, err)
	}
	if id, err := UserID(out); id != "" || err != nil {
		t.Errorf("signed-out UserID = %q, %v", id, err)
	}
	if _, err := UserID(odd); err == nil {
		t.Error("a user id that is not a string gave no error")
	}
	if _, err := UserID(in[:len(in)-1]); err == nil {
		t.Error("damaged data gave no error")
	}
}
