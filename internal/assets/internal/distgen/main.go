// Command distgen compiles the asset sources into the committed dist
// directory that the assets package embeds. Run it through
// `go generate ./internal/assets` after editing anything under src/;
// the package's tests fail while dist is stale.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"phenolink/internal/assets/internal/pipeline"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "distgen:", err)
		os.Exit(1)
	}
}

// run compiles -src into -out, with a gzip copy of each file, replacing the files there that the
// compilation produces and removing any others, so a renamed entry point
// leaves nothing stale behind.
func run(args []string, stderr io.Writer) error {
	flags := flag.NewFlagSet("distgen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	src := flags.String("src", "src", "source directory")
	out := flags.String("out", "dist", "output directory (replaced)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	compiled, err := pipeline.Compile(os.DirFS(*src))
	for _, w := range compiled.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err != nil {
		return fmt.Errorf("compile %s: %w", *src, err)
	}
	files := make(map[string][]byte, 2*len(compiled.Files))
	for name, data := range compiled.Files {
		gz, err := pipeline.Gzip(data)
		if err != nil {
			return fmt.Errorf("gzip %s: %w", name, err)
		}
		files[name] = data
		files[name+".gz"] = gz
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	old, err := os.ReadDir(*out)
	if err != nil {
		return fmt.Errorf("list %s: %w", *out, err)
	}
	for _, e := range old {
		if _, keep := files[e.Name()]; !keep && !e.IsDir() {
			if err := os.Remove(filepath.Join(*out, e.Name())); err != nil {
				return fmt.Errorf("remove stale %s: %w", e.Name(), err)
			}
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(*out, name), files[name], 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}
