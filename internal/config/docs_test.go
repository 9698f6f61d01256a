package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the option listing in docs/production.md from the option table")

const (
	docsPath     = "../../docs/production.md"
	appJSONPath  = "../../app.json"
	listingBegin = "<!-- options:begin (generated from internal/config/options.go: go test ./internal/config -update) -->\n"
	listingEnd   = "<!-- options:end -->\n"
)

// TestDocsListingMatchesTable keeps the production guide's variable table
// identical to what WriteMarkdown produces from the option table.
func TestDocsListingMatchesTable(t *testing.T) {
	doc, err := os.ReadFile(filepath.FromSlash(docsPath))
	if err != nil {
		t.Fatal(err)
	}
	begin := bytes.Index(doc, []byte(listingBegin))
	end := bytes.Index(doc, []byte(listingEnd))
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the generated option listing markers", docsPath)
	}
	var want bytes.Buffer
	if err := WriteMarkdown(&want); err != nil {
		t.Fatal(err)
	}
	got := doc[begin+len(listingBegin) : end]
	if bytes.Equal(got, want.Bytes()) {
		return
	}
	if *update {
		out := slices.Concat(doc[:begin+len(listingBegin)], want.Bytes(), doc[end:])
		if err := os.WriteFile(filepath.FromSlash(docsPath), out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's option listing is out of date: run go test ./internal/config -update", docsPath)
}

// TestAppJSONDescribesEveryOption checks that app.json declares exactly the
// options of the table, each with a description, so a Heroku deploy button
// shows every setting.
func TestAppJSONDescribesEveryOption(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.FromSlash(appJSONPath))
	if err != nil {
		t.Fatal(err)
	}
	var app struct {
		Env map[string]struct {
			Description string `json:"description"`
		} `json:"env"`
	}
	if err := json.Unmarshal(b, &app); err != nil {
		t.Fatalf("app.json: %v", err)
	}
	names := map[string]bool{}
	for _, o := range Options() {
		names[o.Name] = true
		if strings.TrimSpace(app.Env[o.Name].Description) == "" {
			t.Errorf("app.json does not describe %s", o.Name)
		}
	}
	for name := range app.Env {
		if !names[name] {
			t.Errorf("app.json declares %s, which is not in the option table", name)
		}
	}
}
