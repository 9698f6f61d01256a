package storetest

import (
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// RunBenchmarks measures what every page view costs the store: finding and
// committing its session, and reading the user's token. s must be migrated
// and empty.
func RunBenchmarks(b *testing.B, s Store) {
	ctx := b.Context()
	if err := s.SaveUser(ctx, phenolink.User{ID: "bench"}, nil); err != nil {
		b.Fatal(err)
	}
	if err := s.SaveToken(ctx, token("bench", "bench")); err != nil {
		b.Fatal(err)
	}
	data, err := encodeSession(time.Now().Add(time.Hour), map[string]any{"user_id": "bench", "flash": "hello"})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.CommitCtx(ctx, "bench-session", data, time.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	b.Run("FindCtx", func(b *testing.B) {
		for b.Loop() {
			if _, found, err := s.FindCtx(ctx, "bench-session"); err != nil || !found {
				b.Fatalf("FindCtx = found %v, %v", found, err)
			}
		}
	})
	b.Run("FindCtxParallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, found, err := s.FindCtx(ctx, "bench-session"); err != nil || !found {
					b.Errorf("FindCtx = found %v, %v", found, err)
					return
				}
			}
		})
	})
	b.Run("CommitCtx", func(b *testing.B) {
		for b.Loop() {
			if err := s.CommitCtx(ctx, "bench-session", data, time.Now().Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Token", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Token(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
