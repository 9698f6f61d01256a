package assets

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"phenolink/internal/assets/internal/pipeline"
)

// Options configure Build.
type Options struct {
	// Debug turns on rebuilding when SourceDir changes.
	Debug bool
	// SourceDir is the on-disk source directory (such as
	// "internal/assets/src") compiled instead of the embedded dist when
	// Debug is set, and watched for changes. Empty means the embedded
	// dist, with no watching. It is ignored without Debug, so a
	// production binary never depends on the files it was built from.
	SourceDir string
	// Logger receives build results and rebuild errors; nil discards them.
	Logger *slog.Logger
}

// Bundle is the current build of the site's CSS and JS. It is safe for
// concurrent use; under Debug a watcher replaces the build in place.
type Bundle struct {
	log     *slog.Logger
	sources fs.FS // SourceDir under Debug; nil when serving dist
	current atomic.Pointer[snapshot]
	// rebuildMu keeps two rebuilds from racing to store older output last.
	rebuildMu sync.Mutex

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// pollInterval is how often Debug mode checks SourceDir for changes:
// short enough that a saved file is live by the time a browser reloads.
const pollInterval = 300 * time.Millisecond

// Build loads the embedded dist or, under Debug with a SourceDir,
// compiles that directory and starts watching it. An error fails Build,
// since a page without its stylesheet would look broken rather than fail
// loudly.
func Build(opts Options) (*Bundle, error) {
	return build(opts, pollInterval)
}

// build is Build with the poll interval as a parameter, for tests.
func build(opts Options, interval time.Duration) (*Bundle, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Bundle{log: logger}
	if !opts.Debug || opts.SourceDir == "" {
		start := time.Now()
		files, err := distFiles()
		if err != nil {
			return nil, fmt.Errorf("assets.Build: %w", err)
		}
		snap, err := newSnapshot(files)
		if err != nil {
			return nil, fmt.Errorf("assets.Build: embedded dist: %w", err)
		}
		b.current.Store(snap)
		b.log.Info("assets: loaded embedded dist", "duration", time.Since(start))
		return b, nil
	}
	b.sources = os.DirFS(opts.SourceDir)
	// The digest is taken before compiling, so an edit made while the
	// first build runs still triggers a rebuild.
	digest, err := sourcesDigest(b.sources)
	if err != nil {
		return nil, fmt.Errorf("assets.Build(sourceDir=%q): %w", opts.SourceDir, err)
	}
	if err := b.rebuild(); err != nil {
		return nil, fmt.Errorf("assets.Build(sourceDir=%q): %w", opts.SourceDir, err)
	}
	b.stop = make(chan struct{})
	b.done = make(chan struct{})
	go b.watch(digest, interval)
	return b, nil
}

// rebuild compiles SourceDir and, only if that succeeds, makes the new
// build current; on failure the previous build keeps being served.
func (b *Bundle) rebuild() error {
	b.rebuildMu.Lock()
	defer b.rebuildMu.Unlock()
	start := time.Now()
	out, err := pipeline.Compile(b.sources)
	for _, w := range out.Warnings {
		b.log.Warn("assets: build warning", "warning", w)
	}
	if err != nil {
		return err
	}
	snap, err := newSnapshot(out.Files)
	if err != nil {
		return err
	}
	b.current.Store(snap)
	b.log.Info("assets: built", "duration", time.Since(start),
		"app.css", b.URL("app.css"), "app.js", b.URL("app.js"))
	return nil
}

// URL returns the path to link the named built file at, such as
// "/static/<hash>/app.css" for "app.css". An unknown name returns "" and
// is logged rather than panicking, so a typo in a template shows as a
// missing stylesheet and a log line instead of a failed page.
func (b *Bundle) URL(name string) string {
	a, ok := b.current.Load().byName[name]
	if !ok {
		b.log.Error("assets: unknown asset name", "name", name)
		return ""
	}
	return a.url
}

// Close stops the Debug watcher, if any, and waits for it to exit. It is
// safe to call more than once.
func (b *Bundle) Close() error {
	if b.stop == nil {
		return nil
	}
	b.closeOnce.Do(func() { close(b.stop) })
	<-b.done
	return nil
}
