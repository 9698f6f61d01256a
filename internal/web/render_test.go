package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyTemplates writes the embedded templates to a directory, as a checkout
// has them.
func copyTemplates(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, strings.TrimPrefix(p, "templates"))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTemplatesReloadUnderDebugOnly(t *testing.T) {
	for _, debug := range []bool{true, false} {
		dir := copyTemplates(t)
		app := newTestApp(t, appOptions{settings: func(s *Settings) { s.Debug, s.TemplateDir = debug, dir }})
		home := filepath.Join(dir, "pages", "home.html")
		b, err := os.ReadFile(home)
		if err != nil {
			t.Fatal(err)
		}
		edited := strings.Replace(string(b), "Help research on how traits differ by genotype", "Edited heading", 1)
		if err := os.WriteFile(home, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		_, page := get(t, browser(t), app.URL+"/")
		if got := strings.Contains(page, "Edited heading"); got != debug {
			t.Errorf("debug=%v: edited template shown = %v", debug, got)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 191154276: "191,154,276", -1234567: "-1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
