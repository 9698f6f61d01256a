package assets

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:generate go run ./internal/distgen -src src -out dist

// dist is the compiled output of src/ with a gzip copy of each file,
// committed and embedded so a production start-up neither compiles nor
// compresses. The first esbuild build in a fresh process took 40-120 ms
// on the 2-core target (BenchmarkBuildDebug with -benchtime=1x), and
// gzip at best compression another few milliseconds and 3 MB of
// garbage; loading dist takes well under a millisecond (BenchmarkBuild).
// TestDistIsUpToDate fails whenever dist is not what src compiles to.
//
//go:embed dist
var dist embed.FS

// distFiles reads every compiled file from the embedded dist.
func distFiles() (map[string][]byte, error) {
	files := make(map[string][]byte)
	err := fs.WalkDir(dist, "dist", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := dist.ReadFile(name)
		if err != nil {
			return err
		}
		files[d.Name()] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read embedded dist: %w", err)
	}
	return files, nil
}
