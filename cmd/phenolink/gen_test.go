package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/rawfile"
	"phenolink/internal/synth"
)

// gen runs `phenolink gen` with args and returns its output.
func gen(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := runGen(t.Context(), env{getenv: mapenv(nil), stdout: &stdout, stderr: &stderr}, args)
	return stdout.String() + stderr.String(), err
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestGenWritesParseableCohortWithPlantedTrait(t *testing.T) {
	t.Parallel()
	for _, gz := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "cohort")
		args := []string{"--out", dir, "--n", "4", "--seed", "9", "--markers", "6000", "--chip", "v3"}
		if gz {
			args = append(args, "--gzip")
		}
		if out, err := gen(t, args...); err != nil {
			t.Fatalf("gen %v: %v\n%s", args, err, out)
		}
		key, err := synth.Markers(9, 6000)
		if err != nil {
			t.Fatal(err)
		}
		v3, _ := synth.LookupChip("v3")
		truth := readCSV(t, filepath.Join(dir, "truth.csv"))
		if len(truth) != 1+genDefaultPlanted || truth[0][1] != "marker_index" {
			t.Fatalf("truth.csv = %q, want a header and %d planted markers", truth, genDefaultPlanted)
		}
		trait := synth.Trait{ID: "height_mm", Mean: 1640, MaleShift: 130, SD: 60}
		for _, row := range truth[1:] {
			i, _ := strconv.Atoi(row[1])
			beta, _ := strconv.ParseFloat(row[8], 64)
			if key[i].ID != row[2] || !v3.Has(9, i) {
				t.Errorf("truth row %q does not name an on-chip key marker", row)
			}
			trait.Effects = append(trait.Effects, synth.Effect{Marker: i, Beta: beta})
		}
		pheno := readCSV(t, filepath.Join(dir, "phenotypes.csv"))
		if strings.Join(pheno[0], ",") != "profile_id,sex,height_mm" || len(pheno) != 5 {
			t.Fatalf("phenotypes.csv = %q", pheno)
		}
		for i, row := range pheno[1:] {
			name := row[0] + ".txt"
			if gz {
				name += ".gz"
			}
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			g, err := rawfile.Parse(f, rawfile.Options{Name: name})
			f.Close()
			if err != nil {
				t.Fatalf("%s does not parse: %v", name, err)
			}
			ind := synth.NewIndividual(9, i, v3)
			want := ind.Genome(key)
			calls := map[string]phenolink.Call{}
			for j, m := range g.Markers {
				calls[m.ID] = g.Calls[j]
			}
			onChip := 0
			for j, c := range want {
				if c == phenolink.NotOnChip {
					continue
				}
				onChip++
				if calls[key[j].ID] != c {
					t.Fatalf("%s: %s = %v, want %v", name, key[j].ID, calls[key[j].ID], c)
				}
			}
			if len(g.Markers) != onChip || onChip < 4000 {
				t.Errorf("%s: %d rows, want the %d markers on chip v3", name, len(g.Markers), onChip)
			}
			if row[1] != ind.Sex.String() {
				t.Errorf("%s: sex %q, want %q", row[0], row[1], ind.Sex)
			}
			got, _ := strconv.ParseFloat(row[2], 64)
			if w := trait.ValueOf(ind, key, func(j int) phenolink.Call { return calls[key[j].ID] }); math.Abs(got-w) > 0.051 {
				t.Errorf("%s: height %v, want %.1f from the file's genotypes", row[0], got, w)
			}
		}
		readme, err := os.ReadFile(filepath.Join(dir, "README.txt"))
		if err != nil || !bytes.Contains(readme, []byte("SYNTHETIC DATA")) || !bytes.Contains(readme, []byte("--seed 9")) {
			t.Errorf("README.txt: %v\n%s", err, readme)
		}
	}
}

func TestGenIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	args := []string{"--n", "3", "--seed", "5", "--markers", "3000", "--plant", "0:12.5,10:-3"}
	for _, dir := range []string{a, b} {
		if out, err := gen(t, append([]string{"--out", dir}, args...)...); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	entries, err := os.ReadDir(a)
	if err != nil || len(entries) != 6 {
		t.Fatalf("wrote %d files (%v), want 3 raw files and 3 tables", len(entries), err)
	}
	for _, e := range entries {
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, _ := os.ReadFile(filepath.Join(b, e.Name()))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", e.Name())
		}
	}
	truth := readCSV(t, filepath.Join(a, "truth.csv"))
	if len(truth) != 3 || truth[1][1] != "0" || truth[1][8] != "12.5" || truth[2][1] != "10" || truth[2][8] != "-3" {
		t.Errorf("truth.csv = %q, want the markers planted by index", truth)
	}
}

func TestGenPlantsByMarkerID(t *testing.T) {
	t.Parallel()
	key, err := synth.Markers(2, 2000)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "c")
	plant := key[100].ID + ":7," + key[1500].ID + ":-2"
	if out, err := gen(t, "--out", dir, "--n", "1", "--seed", "2", "--markers", "2000", "--plant", plant, "--trait", "bmi_x10", "--mean", "250", "--male-shift", "0", "--sd", "0"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	truth := readCSV(t, filepath.Join(dir, "truth.csv"))
	if len(truth) != 3 || truth[1][2] != key[100].ID || truth[2][2] != key[1500].ID || truth[1][0] != "bmi_x10" {
		t.Errorf("truth.csv = %q", truth)
	}
	pheno := readCSV(t, filepath.Join(dir, "phenotypes.csv"))
	if pheno[0][2] != "bmi_x10" {
		t.Errorf("phenotypes.csv header %q", pheno[0])
	}
}

func TestGenRefusesBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--n", "2"}, "--out is required"},
		{[]string{"--n", "0"}, "--n 0"},
		{[]string{"--chip", "v9"}, `--chip "v9"`},
		{[]string{"--markers", "0"}, "--markers 0"},
		{[]string{"--trait", "Height"}, "trait id"},
		{[]string{"--trait", "sex"}, "already written"},
		{[]string{"--sd", "-1"}, "SD"},
		{[]string{"--plant", "rs1"}, "not MARKER:BETA"},
		{[]string{"--plant", "0:x"}, "not a number"},
		{[]string{"--plant", "rs999999999999:1"}, "not in the 2000-marker key"},
		{[]string{"--plant", "5000:1"}, "outside the key"},
		{[]string{"--plant", "3:1,3:2"}, "planted twice"},
		{[]string{"--out", full}, "not empty"},
		{[]string{"extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		dir := filepath.Join(t.TempDir(), "cohort")
		args := append([]string{"--out", dir, "--n", "2", "--markers", "2000"}, tt.args...)
		if tt.args[0] == "--n" && tt.args[1] == "2" {
			args = tt.args
		}
		out, err := gen(t, args...)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("gen %v = %v, want a usage error mentioning %q\n%s", tt.args, err, tt.want, out)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("gen %v wrote %d files before refusing", tt.args, len(entries))
		}
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("the non-empty directory now holds %d files", len(entries))
	}
}

func TestGenHelpDocumentsEveryFlag(t *testing.T) {
	t.Parallel()
	out, err := gen(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"-out", "-n ", "-seed", "-markers", "-chip", "-gzip", "-plant", "-trait", "-mean", "-male-shift", "-sd", "phenotypes.csv", "truth.csv"} {
		if !strings.Contains(out, flag) {
			t.Errorf("gen --help does not mention %s:\n%s", flag, out)
		}
	}
}

// BenchmarkGenV5 writes two full-size v5 files (a 1.2-million-marker key,
// about 630,000 rows each), key generation included.
func BenchmarkGenV5(b *testing.B) {
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "c")
		var out bytes.Buffer
		if err := runGen(b.Context(), env{getenv: mapenv(nil), stdout: &out, stderr: &out}, []string{"--out", dir, "--n", "2"}); err != nil {
			b.Fatal(err, out.String())
		}
	}
}
