// Package pipeline compiles the site's CSS and JS sources with esbuild's
// Go API: bundling, minification, lowering and vendor prefixes for
// BrowserTargets, and linked source maps. It is shared by the generator
// that writes the committed dist and by Debug mode's live rebuilds, so
// both produce the same bytes.
package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// EntryPoints are the files pages link; everything else in the source
// tree is reached through @import or import.
var EntryPoints = []string{"app.css", "app.js"}

// BrowserTargets are the oldest browsers the pages support, roughly the
// versions current in early 2023. esbuild lowers newer CSS and JS syntax
// and adds the vendor prefixes these still need (the job autoprefixer did
// in the old pipeline).
var BrowserTargets = []api.Engine{
	{Name: api.EngineChrome, Version: "109"},
	{Name: api.EngineEdge, Version: "109"},
	{Name: api.EngineFirefox, Version: "115"},
	{Name: api.EngineSafari, Version: "15.6"},
	{Name: api.EngineIOS, Version: "15.6"},
}

// Output is one compilation: each entry point's file and its source map,
// keyed by file name ("app.css", "app.css.map", ...), plus esbuild's
// warnings, one line each.
type Output struct {
	Files    map[string][]byte
	Warnings []string
}

// Compile bundles EntryPoints from fsys. Any esbuild error fails the
// whole compilation, with every error's file:line:col in the message.
func Compile(fsys fs.FS) (Output, error) {
	result := api.Build(api.BuildOptions{
		EntryPoints:       EntryPoints,
		Bundle:            true,
		Write:             false,
		Outdir:            "out",
		EntryNames:        "[name]",
		AbsWorkingDir:     "/",
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		LegalComments:     api.LegalCommentsNone,
		Sourcemap:         api.SourceMapLinked,
		SourcesContent:    api.SourcesContentInclude,
		Engines:           BrowserTargets,
		Target:            api.ES2020,
		Platform:          api.PlatformBrowser,
		Format:            api.FormatIIFE,
		Charset:           api.CharsetUTF8,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{sourcePlugin(fsys)},
	})
	out := Output{Files: make(map[string][]byte, len(result.OutputFiles))}
	for _, w := range result.Warnings {
		out.Warnings = append(out.Warnings, formatMessage(w))
	}
	if len(result.Errors) > 0 {
		errs := make([]error, 0, len(result.Errors))
		for _, m := range result.Errors {
			errs = append(errs, errors.New(formatMessage(m)))
		}
		return out, fmt.Errorf("esbuild %v: %w", EntryPoints, errors.Join(errs...))
	}
	for _, f := range result.OutputFiles {
		out.Files[filepath.Base(f.Path)] = f.Contents
	}
	for _, entry := range EntryPoints {
		for _, name := range []string{entry, entry + ".map"} {
			if _, ok := out.Files[name]; !ok {
				return out, fmt.Errorf("esbuild %v: no output file %q", EntryPoints, name)
			}
		}
	}
	return out, nil
}

// formatMessage renders one esbuild message on one line for the log.
func formatMessage(m api.Message) string {
	var b strings.Builder
	if m.Location != nil {
		fmt.Fprintf(&b, "%s:%d:%d: ", m.Location.File, m.Location.Line, m.Location.Column+1)
	}
	b.WriteString(m.Text)
	for _, n := range m.Notes {
		b.WriteString(" (")
		b.WriteString(n.Text)
		b.WriteString(")")
	}
	return b.String()
}
