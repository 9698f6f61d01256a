package storetest

import (
	"testing"

	"phenolink/internal/phenolink"
)

func testResealTokens(t *testing.T, h Harness) {
	ctx := t.Context()
	open := h.NewDatabase(t)
	old := open(box(t, "old key"))
	if err := old.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"u1", "u2", "u3"} {
		if err := old.SaveUser(ctx, user(id), nil); err != nil {
			t.Fatal(err)
		}
		if err := old.SaveToken(ctx, token(id, id)); err != nil {
			t.Fatal(err)
		}
	}
	// u3's token is sealed under a secret that is later forgotten.
	if err := open(box(t, "lost key")).SaveToken(ctx, token("u3", "u3")); err != nil {
		t.Fatal(err)
	}

	rotated := open(box(t, "new key", "old key"))
	for i, want := range []int64{2, 0} { // the second run finds nothing left to do
		n, err := rotated.ResealTokens(ctx)
		if err != nil || n != want {
			t.Fatalf("ResealTokens run %d = %d, %v; want %d", i+1, n, err, want)
		}
	}

	// The old secret can now be dropped.
	current := open(box(t, "new key"))
	for _, id := range []string{"u1", "u2"} {
		got, err := current.Token(ctx, id)
		if err != nil || !sameToken(got, token(id, id)) {
			t.Errorf("Token(%s) under the new key alone = %+v, %v; want the original token", id, got, err)
		}
	}
	_, err := current.Token(ctx, "u3")
	wantCode(t, err, phenolink.EUNAUTHORIZED)
	wantCounts(t, h, current, map[string]int{"users": 3, "tokens": 3})
}
