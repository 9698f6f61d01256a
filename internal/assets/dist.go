package assets

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:generate go run ./internal/distgen -src src -out dist

// dist is the compiled output of src/, committed and embedded so a
// production start-up does no compiling: esbuild took 40-120 ms for the
// first build in a fresh process on the 2-core target (see
// BenchmarkBuildDebug), most of the 200 ms start-up budget, while
// loading dist takes about a millisecond (BenchmarkBuild). The tests
// fail when dist is not what src compiles to.
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
