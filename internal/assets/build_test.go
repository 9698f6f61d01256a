package assets

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/assets/internal/pipeline"
)

func TestURL(t *testing.T) {
	logger, logs := newTestLogger()
	b, err := Build(Options{Logger: logger})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	shape := regexp.MustCompile(`^/static/[0-9a-f]{16}/app\.(css|js)(\.map)?$`)
	for _, name := range []string{"app.css", "app.js", "app.css.map", "app.js.map"} {
		if u := b.URL(name); !shape.MatchString(u) {
			t.Errorf("URL(%q) = %q, want /static/<16 hex>/%s", name, u, name)
		}
	}
	if b.URL("app.css") == b.URL("app.js") {
		t.Error("app.css and app.js share a URL")
	}
	if hashOf(t, b.URL("app.css")) != hashOf(t, b.URL("app.css.map")) {
		t.Error("app.css and its map have different hashes; the relative sourceMappingURL would 404")
	}
	if u := b.URL("missing.css"); u != "" {
		t.Errorf(`URL("missing.css") = %q, want ""`, u)
	}
	if !strings.Contains(logs.String(), "missing.css") {
		t.Errorf("unknown name not logged; log:\n%s", logs)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close without a watcher: %v", err)
	}
}

// TestDistIsUpToDate keeps the committed dist equal to what src compiles
// to, so a source edit cannot ship without its output.
func TestDistIsUpToDate(t *testing.T) {
	out, err := pipeline.Compile(os.DirFS("src"))
	if err != nil {
		t.Fatalf("compile src: %v", err)
	}
	files, err := distFiles()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range out.Files {
		if !bytes.Equal(files[name], want) {
			t.Errorf("dist/%s is stale: run go generate ./internal/assets", name)
		}
		// The gzip bytes may differ between Go versions; what they
		// decompress to may not.
		zr, err := gzip.NewReader(bytes.NewReader(files[name+".gz"]))
		if err != nil {
			t.Errorf("dist/%s.gz: %v", name, err)
			continue
		}
		if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
			t.Errorf("dist/%s.gz does not decompress to dist/%s (err %v): run go generate ./internal/assets", name, name, err)
		}
	}
	for name := range files {
		if _, ok := out.Files[strings.TrimSuffix(name, ".gz")]; !ok {
			t.Errorf("dist/%s is not produced by src: run go generate ./internal/assets", name)
		}
	}
	for _, w := range out.Warnings {
		t.Errorf("esbuild warning: %s", w)
	}
}

func TestOutputIsMinified(t *testing.T) {
	tests := []struct {
		file, ext string
		// comment is a phrase from a source comment that must not survive.
		comment string
	}{
		{"app.css", ".css", "Class names for page templates"},
		{"app.js", ".js", "progressive"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := distFile(t, tt.file)
			srcSize := 0
			err := fs.WalkDir(os.DirFS("src"), ".", func(name string, d fs.DirEntry, err error) error {
				if err == nil && strings.HasSuffix(name, tt.ext) {
					data, err := os.ReadFile("src/" + name)
					srcSize += len(data)
					return err
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out) >= srcSize*3/4 {
				t.Errorf("%s is %d bytes from %d bytes of source; want under three quarters", tt.file, len(out), srcSize)
			}
			code, mapLine, ok := bytes.Cut(out, []byte("\n/*# sourceMappingURL="))
			if tt.ext == ".js" {
				code, mapLine, ok = bytes.Cut(out, []byte("\n//# sourceMappingURL="))
			}
			if !ok || !bytes.HasPrefix(mapLine, []byte(tt.file+".map")) {
				t.Errorf("%s does not end with a sourceMappingURL to %s.map", tt.file, tt.file)
			}
			if bytes.Contains(code, []byte("/*")) || bytes.Contains(code, []byte(tt.comment)) {
				t.Errorf("%s still has comments", tt.file)
			}
			if n := bytes.Count(code, []byte("\n")); n > 1 {
				t.Errorf("%s has %d line breaks before its sourceMappingURL, want at most 1", tt.file, n)
			}
		})
	}
}

func TestSourceMaps(t *testing.T) {
	for _, entry := range pipeline.EntryPoints {
		t.Run(entry, func(t *testing.T) {
			var m struct {
				Version        int      `json:"version"`
				Sources        []string `json:"sources"`
				SourcesContent []string `json:"sourcesContent"`
				Mappings       string   `json:"mappings"`
			}
			if err := json.Unmarshal(distFile(t, entry+".map"), &m); err != nil {
				t.Fatalf("%s.map is not JSON: %v", entry, err)
			}
			if m.Version != 3 || len(m.Sources) == 0 || len(m.SourcesContent) != len(m.Sources) || m.Mappings == "" {
				t.Errorf("%s.map: version %d, %d sources, %d contents, %d bytes of mappings; want a v3 map with every source's content",
					entry, m.Version, len(m.Sources), len(m.SourcesContent), len(m.Mappings))
			}
			for _, s := range m.Sources {
				if !strings.HasPrefix(s, "src:") || strings.Contains(s, "..") {
					t.Errorf("%s.map names source %q, want src:<path inside src>", entry, s)
				}
			}
		})
	}
}

// TestCSSTargetsOlderBrowsers checks the autoprefixer's job: standard
// properties the supported Safari needs prefixed come out prefixed.
func TestCSSTargetsOlderBrowsers(t *testing.T) {
	css := string(distFile(t, "app.css"))
	for _, want := range []string{"-webkit-text-size-adjust:100%", "-webkit-user-select:none"} {
		if !strings.Contains(css, want) {
			t.Errorf("app.css lacks %q", want)
		}
	}
}

// TestDocumentedClassesExist keeps the class list at the top of app.css,
// which page authors rely on, true: each documented class has a rule.
func TestDocumentedClassesExist(t *testing.T) {
	src, err := os.ReadFile("src/app.css")
	if err != nil {
		t.Fatal(err)
	}
	header, _, ok := strings.Cut(string(src), "*/")
	if !ok {
		t.Fatal("src/app.css has no leading comment block")
	}
	// A class is a dot after space, comma or bracket (so "app.css" is not).
	var names []string
	for _, m := range regexp.MustCompile(`[\s,(]\.([a-z][a-z0-9-]*)`).FindAllStringSubmatch(header, -1) {
		names = append(names, m[1])
	}
	required := []string{"site-header", "site-nav", "container", "card", "card-grid", "btn", "btn-primary",
		"btn-secondary", "btn-danger", "alert", "alert-error", "alert-info", "form-field", "field-error",
		"table-wrap", "muted", "badge", "skip-link", "visually-hidden", "debug-footer"}
	for _, name := range required {
		if !slices.Contains(names, name) {
			t.Errorf("class .%s is not documented at the top of src/app.css", name)
		}
	}
	css := string(distFile(t, "app.css"))
	for _, name := range names {
		if !regexp.MustCompile(`\.` + regexp.QuoteMeta(name) + `[^a-z0-9-]`).MatchString(css) {
			t.Errorf("documented class .%s has no rule in app.css", name)
		}
	}
}
