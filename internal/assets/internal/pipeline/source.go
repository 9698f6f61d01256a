package pipeline

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// sourceNamespace names, in esbuild's terms, the files the plugin loads,
// so source maps list them as "src:<path>" whatever directory they were
// read from, and the output does not depend on where the tree lives.
const sourceNamespace = "src"

// sourcePlugin makes esbuild read every file from fsys instead of the
// working directory, so nothing outside the source tree can be pulled in.
func sourcePlugin(fsys fs.FS) api.Plugin {
	return api.Plugin{
		Name: "phenolink-src",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				p, err := resolveSource(args)
				if err != nil {
					return api.OnResolveResult{}, err
				}
				return api.OnResolveResult{Path: p, Namespace: sourceNamespace}, nil
			})
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: sourceNamespace}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
				loader, err := loaderFor(args.Path)
				if err != nil {
					return api.OnLoadResult{}, err
				}
				data, err := fs.ReadFile(fsys, args.Path)
				if err != nil {
					return api.OnLoadResult{}, fmt.Errorf("read source %q: %w", args.Path, err)
				}
				contents := string(data)
				return api.OnLoadResult{Contents: &contents, Loader: loader}, nil
			})
		},
	}
}

// resolveSource maps an entry point or an import to a slash-separated path
// inside the source root. Only relative imports are allowed: there is no
// node_modules, and a URL import would make pages depend on another
// origin at run time.
func resolveSource(args api.OnResolveArgs) (string, error) {
	var p string
	switch {
	case args.Kind == api.ResolveEntryPoint:
		p = path.Clean(args.Path)
	case strings.HasPrefix(args.Path, "./") || strings.HasPrefix(args.Path, "../"):
		p = path.Join(path.Dir(args.Importer), args.Path)
	default:
		return "", fmt.Errorf("import %q from %q: only relative imports (./ or ../) of files under src are supported", args.Path, args.Importer)
	}
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("import %q from %q: resolves outside the source directory", args.Path, args.Importer)
	}
	return p, nil
}

// loaderFor picks the esbuild loader by extension; other kinds of file
// (images, fonts) are refused until the app needs them.
func loaderFor(name string) (api.Loader, error) {
	switch path.Ext(name) {
	case ".css":
		return api.LoaderCSS, nil
	case ".js", ".mjs":
		return api.LoaderJS, nil
	}
	return api.LoaderNone, fmt.Errorf("load %q: unsupported file type (want .css or .js)", name)
}
