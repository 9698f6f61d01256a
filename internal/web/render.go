package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/assets"
	"phenolink/internal/phenolink"
	"phenolink/internal/sqltrace"
)

//go:embed templates
var templateFS embed.FS

// Template layout: every file under templates/pages is one page, rendered
// inside templates/layout.html together with everything under
// templates/partials. Adding a page means adding one file that defines
// "title" and "main", and one handler that renders it by its file name.
const (
	layoutFile  = "layout.html"
	partialGlob = "partials/*.html"
	pageGlob    = "pages/*.html"
)

// renderer turns page data into HTML responses, including error pages.
type renderer struct {
	log      *slog.Logger
	debug    bool
	assets   *assets.Bundle
	sessions *scs.SessionManager
	funcs    template.FuncMap
	pages    map[string]*template.Template
	// buffers holds the page buffers between renders, so a page does not
	// grow a new one from nothing each time.
	buffers sync.Pool
	// reload, under DEBUG with Settings.TemplateDir, is the directory the
	// templates are parsed from again on every render, so an edit shows on
	// the next reload of the page.
	reload fs.FS
}

// newRenderer parses every template once. A page that fails to parse, or
// that does not define the blocks the layout needs, is an error.
func newRenderer(log *slog.Logger, s Settings, bundle *assets.Bundle, sessions *scs.SessionManager) (*renderer, error) {
	rn := &renderer{log: log, debug: s.Debug, assets: bundle, sessions: sessions}
	rn.funcs = template.FuncMap{
		"asset": func(name string) (string, error) {
			u := bundle.URL(name)
			if u == "" {
				return "", fmt.Errorf("no asset %q in the bundle", name)
			}
			return u, nil
		},
		"duration":  func(d time.Duration) string { return d.Round(time.Microsecond).String() },
		"thousands": thousands,
		"int64":     toInt64,
		"mulf":      func(a, b float64) float64 { return a * b },
		"jobPath":   jobPath,
	}
	embedded, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	src := embedded
	if s.Debug && s.TemplateDir != "" {
		rn.reload = os.DirFS(s.TemplateDir)
		src = rn.reload
	}
	if rn.pages, err = parsePages(src, rn.funcs); err != nil {
		return nil, err
	}
	return rn, nil
}

// parsePages parses the layout, the partials and each page from fsys.
func parsePages(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New(layoutFile).Funcs(funcs).ParseFS(fsys, layoutFile, partialGlob)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	files, err := fs.Glob(fsys, pageGlob)
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("web: no page templates match %s", pageGlob)
	}
	pages := make(map[string]*template.Template, len(files))
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: clone layout for %s: %w", f, err)
		}
		if t, err = t.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		for _, block := range []string{"title", "main"} {
			if t.Lookup(block) == nil {
				return nil, fmt.Errorf("web: %s does not define %q", f, block)
			}
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	for _, name := range requiredPages {
		if pages[name] == nil {
			return nil, fmt.Errorf("web: missing template pages/%s.html", name)
		}
	}
	return pages, nil
}

// requiredPages are the pages the handlers render; checking them at start
// turns a missing file into a start-up error instead of a 500 later.
var requiredPages = []string{"home", "dashboard", "error", "signin_failed", "logout", "genotypes", "genotypes_upload", "genotypes_delete", "job",
	"consent", "survey", "research", "scans", "scan", "results", "research_import", "research_export", "audit"}

// view is what every page template receives: the page's own data under
// .Page and what the layout needs around it.
type view struct {
	User *phenolink.User // nil when signed out
	// Researcher shows the research area's link; it comes with the
	// session's own read, so it costs no query.
	Researcher bool
	Flash      string
	Path       string
	RequestID  string
	Debug      bool
	SQL        *sqltrace.Counter // nil unless DEBUG
	Page       any
}

// page renders the named page with status. It renders into a buffer first
// so that a template error becomes a clean error page, not half a page.
func (rn *renderer) page(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	pages := rn.pages
	if rn.reload != nil {
		fresh, err := parsePages(rn.reload, rn.funcs)
		if err != nil {
			// The templates themselves are broken, error page included.
			http.Error(w, "DEBUG: "+err.Error(), http.StatusInternalServerError)
			return
		}
		pages = fresh
	}
	t, ok := pages[name]
	if !ok {
		rn.error(w, r, fmt.Errorf("web: render: no page %q", name))
		return
	}
	v := view{
		Researcher: isResearcher(r.Context()),
		User:       userFrom(r.Context()),
		Flash:      rn.flash(r.Context()),
		Path:       r.URL.Path,
		RequestID:  requestIDFrom(r.Context()),
		Debug:      rn.debug,
		Page:       data,
	}
	if rn.debug {
		v.SQL = sqltrace.FromContext(r.Context())
	}
	buf := rn.buffer()
	defer rn.recycle(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", v); err != nil {
		if name == "error" {
			// The error page itself failed: fall back to plain text
			// rather than recursing.
			rn.log.ErrorContext(r.Context(), "render error page", "request_id", v.RequestID, "err", err)
			http.Error(w, "Internal error.", http.StatusInternalServerError)
			return
		}
		rn.error(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The whole page is known, so it goes out with its length rather than
	// in chunks.
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// pageBufferSize fits every page but the largest research tables, so a
// render rarely grows its buffer; maxPooledBuffer keeps one huge page from
// pinning its memory in the pool.
const (
	pageBufferSize  = 8 << 10
	maxPooledBuffer = 256 << 10
)

// buffer returns an empty page buffer.
func (rn *renderer) buffer() *bytes.Buffer {
	if b, ok := rn.buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return bytes.NewBuffer(make([]byte, 0, pageBufferSize))
}

// recycle returns buf to the pool once the page is written.
func (rn *renderer) recycle(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledBuffer {
		return
	}
	buf.Reset()
	rn.buffers.Put(buf)
}

// flash pops the one-off notice, when the request has a session.
func (rn *renderer) flash(ctx context.Context) string {
	if !hasSession(ctx) {
		return ""
	}
	return rn.sessions.PopString(ctx, keyFlashMessage)
}

// thousands formats n with thin separators, as people read lengths of
// chromosomes ("191,154,276").
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// toInt64 converts the counts and positions pages show (int, uint32) for
// thousands.
func toInt64(n any) (int64, error) {
	switch v := n.(type) {
	case int:
		return int64(v), nil
	case uint32:
		return int64(v), nil
	case int64:
		return v, nil
	}
	return 0, fmt.Errorf("int64: cannot convert %T", n)
}
