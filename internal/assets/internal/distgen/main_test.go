package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestRunWritesDistWithGzipCopies(t *testing.T) {
	out := t.TempDir()
	stale := filepath.Join(out, "old.css")
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if err := run([]string{"-src", "../../src", "-out", out}, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale file survived: stat err = %v", err)
	}
	for _, name := range []string{"app.css", "app.css.map", "app.js", "app.js.map"} {
		plain, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		gz, err := os.Open(filepath.Join(out, name+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(gz)
		if err != nil {
			t.Fatalf("%s.gz: %v", name, err)
		}
		unzipped, err := io.ReadAll(zr)
		gz.Close()
		if err != nil || !bytes.Equal(unzipped, plain) {
			t.Errorf("%s.gz does not decompress to %s (err %v)", name, name, err)
		}
	}
}

func TestRunFailsOnMissingSource(t *testing.T) {
	var stderr bytes.Buffer
	if err := run([]string{"-src", t.TempDir(), "-out", t.TempDir()}, &stderr); err == nil {
		t.Error("run with an empty source directory succeeded")
	}
}
