package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan/scantest"
	"phenolink/internal/sqlite"
)

func exportFixture(t *testing.T) (*scantest.Store, string) {
	t.Helper()
	st := scantest.New()
	if _, err := scantest.Populate(context.Background(), st, scantest.Config{Seed: 4, Samples: 12, Markers: 500}); err != nil {
		t.Fatal(err)
	}
	return st, filepath.Join(t.TempDir(), "cohort")
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestExportPLINKWritesFilesAndAudit(t *testing.T) {
	st, prefix := exportFixture(t)
	ctx := context.Background()
	st.SetRole(ctx, "r1", phenolink.RoleResearcher, true)
	var stdout bytes.Buffer
	if err := exportPLINK(ctx, env{stdout: &stdout}, st, prefix, []string{"height_mm"}, "r1"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(dirEntries(t, filepath.Dir(prefix)), " "); got != "cohort.bed cohort.bim cohort.fam cohort.pheno" {
		t.Errorf("files %s", got)
	}
	fam, _ := os.ReadFile(prefix + ".fam")
	if n := strings.Count(string(fam), "\n"); n != 12 {
		t.Errorf(".fam has %d rows, want 12", n)
	}
	log, _ := st.AuditLog(ctx, 10)
	if len(log) != 1 || log[0].UserID != "r1" || log[0].Action != "export.plink" || !strings.Contains(log[0].Detail, "12 samples, 500 markers, phenotypes: height_mm") {
		t.Errorf("audit log %+v", log)
	}
	if !strings.Contains(stdout.String(), "12 samples, 500 markers, 12 phenotype values") {
		t.Errorf("stdout %q", stdout.String())
	}
}

func TestExportPLINKRefusesAndLeavesNothing(t *testing.T) {
	st, prefix := exportFixture(t)
	ctx := context.Background()
	st.SetRole(ctx, "r1", phenolink.RoleResearcher, true)
	tests := []struct {
		name, as string
		ids      []string
		code     string
	}{
		{"not a researcher", "u00001", nil, phenolink.EFORBIDDEN},
		{"unknown phenotype", "r1", []string{"no_such"}, phenolink.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := exportPLINK(ctx, env{stdout: &bytes.Buffer{}}, st, prefix, tt.ids, tt.as)
			if phenolink.ErrorCode(err) != tt.code {
				t.Errorf("exportPLINK: %v, want %s", err, tt.code)
			}
			if files := dirEntries(t, filepath.Dir(prefix)); len(files) != 0 {
				t.Errorf("left files behind: %v", files)
			}
			if log, _ := st.AuditLog(ctx, 10); len(log) != 0 {
				t.Errorf("audit log %+v after a refused export", log)
			}
		})
	}
}

func TestRunExportUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"csv"}, {"plink"}, {"plink", "--out", "x"}, {"plink", "--as", "r1"}, {"plink", "--out", "x", "--as", "r", "extra"}} {
		var stderr bytes.Buffer
		err := runExport(context.Background(), env{getenv: mapenv(nil), stdout: &bytes.Buffer{}, stderr: &stderr}, args)
		if !errors.Is(err, errUsage) {
			t.Errorf("export %v: %v, want a usage error", args, err)
		}
	}
	var stdout bytes.Buffer
	if err := runExport(context.Background(), env{getenv: mapenv(nil), stdout: &stdout, stderr: &bytes.Buffer{}}, []string{"plink", "--help"}); err != nil || !strings.Contains(stdout.String(), "--phenotypes") {
		t.Errorf("export plink --help: %v, printed %q", err, stdout.String())
	}
}

// auditDown is a store whose audit log cannot be written.
type auditDown struct{ *scantest.Store }

func (auditDown) RecordAudit(context.Context, phenolink.AuditEntry) error {
	return phenolink.Errorf(phenolink.EUNAVAILABLE, "the database is down")
}

func TestExportPLINKNeedsTheAuditEntry(t *testing.T) {
	st, prefix := exportFixture(t)
	ctx := context.Background()
	st.SetRole(ctx, "r1", phenolink.RoleResearcher, true)
	err := exportPLINK(ctx, env{stdout: &bytes.Buffer{}}, auditDown{st}, prefix, nil, "r1")
	if phenolink.ErrorCode(err) != phenolink.EUNAVAILABLE {
		t.Errorf("exportPLINK: %v, want the audit failure", err)
	}
	if files := dirEntries(t, filepath.Dir(prefix)); len(files) != 0 {
		t.Errorf("an export without its audit entry left files: %v", files)
	}
}

// sqliteCohort lets scantest.Populate fill the SQLite database.
type sqliteCohort struct{ *sqlite.DB }

func (db sqliteCohort) AddProfile(ctx context.Context, userID, profileID string) error {
	return db.SaveUser(ctx, phenolink.User{ID: userID}, []phenolink.Profile{{ID: profileID, UserID: userID, IsGenotyped: true}})
}

// TestRunExportOnSQLite runs the command against the SQLite database in
// DATA_DIR, as a researcher would.
func TestRunExportOnSQLite(t *testing.T) {
	ctx := context.Background()
	kv := testEnv(t)
	db, err := sqlite.Open(ctx, filepath.Join(kv["DATA_DIR"], sqliteFile), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := scantest.Populate(ctx, sqliteCohort{db}, scantest.Config{Seed: 6, Samples: 9, Markers: 300}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveUser(ctx, phenolink.User{ID: "r1"}, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	prefix := filepath.Join(t.TempDir(), "out")
	args := []string{"plink", "--out", prefix, "--phenotypes", "height_mm,chronotype", "--as", "r1"}
	e := env{getenv: mapenv(kv), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	if err := runExport(ctx, e, args); phenolink.ErrorCode(err) != phenolink.EFORBIDDEN {
		t.Fatalf("export before the role is granted: %v, want EFORBIDDEN", err)
	}
	db, err = sqlite.Open(ctx, filepath.Join(kv["DATA_DIR"], sqliteFile), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetRole(ctx, "r1", phenolink.RoleResearcher, true); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	e.stdout = &stdout
	if err := runExport(ctx, e, args); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "9 samples, 300 markers, 18 phenotype values") {
		t.Errorf("stdout %q", stdout.String())
	}
	pheno, _ := os.ReadFile(prefix + ".pheno")
	if lines := strings.Split(strings.TrimSpace(string(pheno)), "\n"); len(lines) != 10 || lines[0] != "FID\tIID\theight_mm\tchronotype" {
		t.Errorf(".pheno starts %q with %d lines", lines[0], len(lines))
	}
	log, err := db.AuditLog(ctx, 5)
	if err != nil || len(log) != 1 || log[0].UserID != "r1" || log[0].Action != "export.plink" {
		t.Errorf("audit log %+v, %v", log, err)
	}
}
