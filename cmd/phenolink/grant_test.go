package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/sqlite"
)

// hasResearcherRole opens the SQLite database in kv's data directory and
// reports whether the account is a researcher.
func hasResearcherRole(t *testing.T, kv map[string]string, account string) bool {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(kv["DATA_DIR"], sqliteFile), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ok, err := db.HasRole(t.Context(), account, phenolink.RoleResearcher)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestGrantAndRevokeOnSQLite(t *testing.T) {
	ctx := context.Background()
	kv := testEnv(t)
	db, err := sqlite.Open(ctx, filepath.Join(kv["DATA_DIR"], sqliteFile), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveUser(ctx, phenolink.User{ID: "acct1"}, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	commands := map[string]func(context.Context, env, []string) error{"grant": runGrant, "revoke": runRevoke}
	run := func(args ...string) (string, error) {
		var stdout bytes.Buffer
		err := commands[args[0]](ctx, env{getenv: mapenv(kv), stdout: &stdout, stderr: &bytes.Buffer{}}, args[1:])
		return stdout.String(), err
	}

	out, err := run("grant", "researcher", "acct1")
	if err != nil || !strings.Contains(out, `"acct1" is now a researcher`) {
		t.Fatalf("grant = %q, %v", out, err)
	}
	if !hasResearcherRole(t, kv, "acct1") {
		t.Fatal("acct1 is not a researcher after grant")
	}
	if _, err := run("grant", "researcher", "acct1"); err != nil {
		t.Errorf("granting twice: %v", err)
	}
	out, err = run("revoke", "researcher", "acct1")
	if err != nil || !strings.Contains(out, `"acct1" is no longer a researcher`) {
		t.Fatalf("revoke = %q, %v", out, err)
	}
	if hasResearcherRole(t, kv, "acct1") {
		t.Fatal("acct1 is still a researcher after revoke")
	}

	for _, cmd := range []string{"grant", "revoke"} {
		_, err := run(cmd, "researcher", "nobody")
		if err == nil || exitCode(err) != 1 || phenolink.ErrorCode(err) != phenolink.ENOTFOUND || !strings.Contains(err.Error(), `"nobody"`) {
			t.Errorf("%s of an unknown account = %v (exit %d); want a not-found error naming it, exit 1", cmd, err, exitCode(err))
		}
	}
	if hasResearcherRole(t, kv, "nobody") {
		t.Error("an unknown account became a researcher")
	}
}

func TestGrantUsage(t *testing.T) {
	ctx := context.Background()
	kv := testEnv(t)
	commands := map[string]func(context.Context, env, []string) error{"grant": runGrant, "revoke": runRevoke}
	for _, args := range [][]string{
		{"grant"},
		{"grant", "researcher"},
		{"grant", "admin", "acct1"},
		{"revoke", "researcher", "acct1", "acct2"},
		{"grant", "--force", "researcher", "acct1"},
	} {
		err := commands[args[0]](ctx, env{getenv: mapenv(kv), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}, args[1:])
		if !errors.Is(err, errUsage) || exitCode(err) != 2 {
			t.Errorf("%q = %v, want a usage error", args, err)
		}
	}
	var stdout bytes.Buffer
	if err := runGrant(ctx, env{getenv: mapenv(kv), stdout: &stdout, stderr: &bytes.Buffer{}}, []string{"--help"}); err != nil || !strings.Contains(stdout.String(), "grant researcher ACCOUNT_ID") {
		t.Errorf("grant --help = %q, %v", stdout.String(), err)
	}
}
