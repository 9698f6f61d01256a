package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

func user(id string) phenolink.User {
	return phenolink.User{ID: id, FirstName: "Ada", LastName: "Lovelace", Email: id + "@example.com"}
}

func profile(id, userID string) phenolink.Profile {
	return phenolink.Profile{ID: id, UserID: userID, FirstName: "Pro", LastName: id, IsGenotyped: true}
}

// within reports whether got lies in [from, to], allowing for databases that
// keep microseconds only.
func within(got, from, to time.Time) bool {
	return !got.Before(from.Add(-time.Microsecond)) && !got.After(to.Add(time.Microsecond))
}

func testSaveUserAndProfiles(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	start := time.Now()
	if err := s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p2", "u1"), profile("p1", "u1")}); err != nil {
		t.Fatalf("SaveUser: %v", err)
	}
	got, err := s.User(ctx, "u1")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	want := user("u1")
	if got.ID != want.ID || got.FirstName != want.FirstName || got.LastName != want.LastName || got.Email != want.Email {
		t.Errorf("User = %+v, want %+v", got, want)
	}
	if !within(got.CreatedAt, start, time.Now()) || !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Errorf("new user's CreatedAt %v, UpdatedAt %v: want both the time of saving", got.CreatedAt, got.UpdatedAt)
	}
	ps, err := s.Profiles(ctx, "u1")
	if err != nil {
		t.Fatalf("Profiles: %v", err)
	}
	if want := []phenolink.Profile{profile("p1", "u1"), profile("p2", "u1")}; !reflect.DeepEqual(ps, want) {
		t.Errorf("Profiles = %+v, want %+v (ordered by id)", ps, want)
	}

	// Saving again updates the user, keeps CreatedAt and replaces the
	// set of profiles: p1 changes, p2 goes, p3 arrives.
	time.Sleep(2 * time.Millisecond) // so UpdatedAt visibly moves
	renamed := user("u1")
	renamed.FirstName, renamed.Email = "Augusta", "augusta@example.com"
	p1 := profile("p1", "u1")
	p1.FirstName, p1.IsGenotyped = "Changed", false
	if err := s.SaveUser(ctx, renamed, []phenolink.Profile{profile("p3", "u1"), p1}); err != nil {
		t.Fatalf("SaveUser again: %v", err)
	}
	again, err := s.User(ctx, "u1")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	if again.FirstName != "Augusta" || again.Email != "augusta@example.com" {
		t.Errorf("updated user = %+v, want the new name and e-mail", again)
	}
	if !again.CreatedAt.Equal(got.CreatedAt) || !again.UpdatedAt.After(got.UpdatedAt) {
		t.Errorf("after update CreatedAt %v (was %v), UpdatedAt %v (was %v): want CreatedAt kept, UpdatedAt later",
			again.CreatedAt, got.CreatedAt, again.UpdatedAt, got.UpdatedAt)
	}
	ps, err = s.Profiles(ctx, "u1")
	if err != nil {
		t.Fatalf("Profiles: %v", err)
	}
	if want := []phenolink.Profile{p1, profile("p3", "u1")}; !reflect.DeepEqual(ps, want) {
		t.Errorf("Profiles after replacing = %+v, want %+v", ps, want)
	}

	// An account may have no profiles: an empty list, not an error.
	if err := s.SaveUser(ctx, renamed, nil); err != nil {
		t.Fatalf("SaveUser without profiles: %v", err)
	}
	ps, err = s.Profiles(ctx, "u1")
	if err != nil || ps == nil || len(ps) != 0 {
		t.Errorf("Profiles of an account without profiles = %#v, %v; want an empty list", ps, err)
	}
}

func testProfileConflict(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	if err := s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p1", "u1")}); err != nil {
		t.Fatal(err)
	}
	err := s.SaveUser(ctx, user("u2"), []phenolink.Profile{profile("p2", "u2"), profile("p1", "u2")})
	wantCode(t, err, phenolink.ECONFLICT)
	// The failed save is rolled back whole: u2 and p2 are not there and
	// p1 still belongs to u1.
	_, err = s.User(ctx, "u2")
	wantCode(t, err, phenolink.ENOTFOUND)
	wantCounts(t, h, s, map[string]int{"users": 1, "profiles": 1})
	ps, err := s.Profiles(ctx, "u1")
	if err != nil || len(ps) != 1 || ps[0] != profile("p1", "u1") {
		t.Errorf("u1's profiles after the conflict = %+v, %v; want p1 unchanged", ps, err)
	}
}

func testInvalidUser(t *testing.T, h Harness) {
	long := strings.Repeat("x", phenolink.MaxNameLength+1)
	tests := []struct {
		name     string
		user     phenolink.User
		profiles []phenolink.Profile
	}{
		{"no id", phenolink.User{FirstName: "Ada"}, nil},
		{"long name", phenolink.User{ID: "u1", LastName: long}, nil},
		{"long e-mail", phenolink.User{ID: "u1", Email: long}, nil},
		{"profile without id", user("u1"), []phenolink.Profile{{UserID: "u1"}}},
		{"profile of another account", user("u1"), []phenolink.Profile{profile("p1", "u2")}},
		{"profile listed twice", user("u1"), []phenolink.Profile{profile("p1", "u1"), profile("p1", "u1")}},
		{"long profile name", user("u1"), []phenolink.Profile{{ID: "p1", UserID: "u1", FirstName: long}}},
		{"profile id not UTF-8", user("u1"), []phenolink.Profile{{ID: "p\xff", UserID: "u1"}}},
	}
	s := migrated(t, h)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.SaveUser(t.Context(), tt.user, tt.profiles)
			wantCode(t, err, phenolink.EINVALID)
			wantCounts(t, h, s, nil)
		})
	}
}

func testUserNotFound(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	_, err := s.User(ctx, "nobody")
	wantCode(t, err, phenolink.ENOTFOUND)
	if !strings.Contains(phenolink.ErrorMessage(err), "nobody") {
		t.Errorf("not-found message %q does not name the account", phenolink.ErrorMessage(err))
	}
	_, err = s.Profiles(ctx, "nobody")
	wantCode(t, err, phenolink.ENOTFOUND)
	wantCode(t, s.DeleteUser(ctx, "nobody"), phenolink.ENOTFOUND)
}
