package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/pgtest"
	"phenolink/internal/sqlite"
)

// productionEnv passes every deploy check; databaseURL is not contacted by
// check --deploy.
func productionEnv(databaseURL string) map[string]string {
	return map[string]string{
		"DJANGO_SETTINGS_MODULE": "config.settings.production",
		"DJANGO_SECRET_KEY":      "v9Lq2-Xw7Rt4Zp1Ks8Nm3Bc6Hd0Jf5Gy2Ue7Ia4Oo9Pl1Qk3Sj8",
		"DATABASE_URL":           databaseURL,
		"API_CLIENT_ID":          "client",
		"API_CLIENT_SECRET":      "secret",
		"ALLOWED_HOSTS":          "phenolink.herokuapp.com",
		"LOG_LEVEL":              "error",
	}
}

func TestCheckDeploy(t *testing.T) {
	t.Parallel()
	good := productionEnv("postgres://u:p@db.example.com/phenolink")
	bad := map[string]string{"SETTINGS": "production", "DEBUG": "1", "SECRET_KEY": "short", "API_URL": "http://api.example.com"}
	tests := []struct {
		name     string
		env      map[string]string
		wantFail []string
	}{
		{"all pass", good, nil},
		{"local profile", map[string]string{}, []string{"secret key", "secure cookies", "HSTS", "SSL redirect", "allowed hosts", "database", "API credentials", "base URL"}},
		{"production misconfigured", bad, []string{"debug", "secret key", "allowed hosts", "database", "API URL", "API credentials", "base URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout bytes.Buffer
			err := run(t.Context(), []string{"check", "--deploy"}, mapenv(tt.env), &stdout, io.Discard)
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			status := map[string]string{}
			for _, l := range lines {
				if f := strings.Fields(l); len(f) > 1 && (f[0] == "PASS" || f[0] == "FAIL") {
					name := strings.Join(f[1:], " ")
					for _, n := range []string{"debug", "secret key", "secure cookies", "HSTS", "SSL redirect", "allowed hosts", "database", "API URL", "API credentials", "base URL"} {
						if strings.HasPrefix(name, n+" ") {
							status[n] = f[0]
						}
					}
				}
			}
			if len(status) != 10 {
				t.Fatalf("check --deploy printed %d of 10 checks:\n%s", len(status), stdout.String())
			}
			for _, n := range tt.wantFail {
				if status[n] != "FAIL" {
					t.Errorf("check %q = %s, want FAIL", n, status[n])
				}
			}
			failed := 0
			for _, s := range status {
				if s == "FAIL" {
					failed++
				}
			}
			if failed != len(tt.wantFail) {
				t.Errorf("%d checks failed, want %d:\n%s", failed, len(tt.wantFail), stdout.String())
			}
			if wantCode := map[bool]int{true: 0, false: 1}[tt.wantFail == nil]; exitCode(err) != wantCode {
				t.Errorf("exit code %d (err %v), want %d", exitCode(err), err, wantCode)
			}
			if strings.Contains(stdout.String(), "v9Lq2") || strings.Contains(stdout.String(), ":p@") {
				t.Error("check --deploy printed a secret")
			}
		})
	}
}

func TestServeRefusesBadProductionConfigListingEveryProblem(t *testing.T) {
	t.Parallel()
	kv := map[string]string{"SETTINGS": "production", "DEBUG": "true", "ADDR": "127.0.0.1:0"}
	var stdout bytes.Buffer
	err := run(t.Context(), []string{"serve"}, mapenv(kv), &stdout, io.Discard)
	if err == nil {
		t.Fatal("serve started in production with nothing configured")
	}
	for _, want := range []string{"debug:", "secret key:", "allowed hosts:", "database:", "API credentials:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not list %q", err, want)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("production printed %q before refusing", stdout.String())
	}
}

func TestCheckReportsSchema(t *testing.T) {
	t.Parallel()
	kv := testEnv(t)
	var before bytes.Buffer
	err := run(t.Context(), []string{"check"}, mapenv(kv), &before, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "phenolink migrate") {
		t.Errorf("check on an unmigrated database = %v, want advice to run phenolink migrate", err)
	}
	if !slices.ContainsFunc(strings.Split(before.String(), "\n"), func(l string) bool {
		f := strings.Fields(l)
		return len(f) == 3 && f[0] == "API_CLIENT_SECRET" && f[1] == "********"
	}) || strings.Contains(before.String(), "test-secret") {
		t.Errorf("check did not mask the client secret:\n%s", before.String())
	}
	if err := run(t.Context(), []string{"migrate"}, mapenv(kv), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var after bytes.Buffer
	if err := run(t.Context(), []string{"check"}, mapenv(kv), &after, io.Discard); err != nil {
		t.Errorf("check after migrate = %v\n%s", err, after.String())
	}
}

func TestCheckSchemaRefusesOldSchema(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "old.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := checkSchema(t.Context(), db); err == nil || !strings.Contains(err.Error(), "run `phenolink migrate`") {
		t.Errorf("checkSchema on an empty database = %v, want advice to migrate", err)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := checkSchema(t.Context(), db); err != nil {
		t.Errorf("checkSchema after Migrate = %v", err)
	}
}

func TestServeProductionRefusesSchemaBehindUntilMigrated(t *testing.T) {
	t.Parallel()
	kv := productionEnv(pgtest.SchemaURL(t))
	kv["ADDR"] = "127.0.0.1:0"
	err := run(t.Context(), []string{"serve"}, mapenv(kv), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "run `phenolink migrate`") {
		t.Fatalf("serve on an unmigrated Postgres = %v, want a refusal telling to run phenolink migrate", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"migrate"}, mapenv(kv), &out, io.Discard); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if !strings.Contains(out.String(), "Postgres") {
		t.Errorf("migrate printed %q", out.String())
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, done := serveInBackground(t, ctx, kv, hooks{}, io.Discard)
	// Production only serves the router's https traffic and known hosts.
	waitHealthyAs(t, base, http.Header{"Host": {"phenolink.herokuapp.com"}, "X-Forwarded-Proto": {"https"}})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve = %v", err)
	}
}
