package assets

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

// BenchmarkBuild measures what start-up pays: loading, hashing and
// gzipping the embedded dist.
func BenchmarkBuild(b *testing.B) {
	for b.Loop() {
		if _, err := Build(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildDebug measures a Debug start-up or rebuild: compiling
// src with esbuild, then hashing and gzipping. Run it with
// -benchtime=1x in a fresh process to see the cold first build, which
// is what decided to commit dist instead of compiling at start-up.
func BenchmarkBuildDebug(b *testing.B) {
	if _, err := os.Stat("src"); err != nil {
		b.Skip("needs the source directory:", err)
	}
	for b.Loop() {
		if _, err := Build(Options{Debug: true, SourceDir: "src"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServe(b *testing.B) {
	bundle := mustBuild(b)
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			url := bundle.URL("app.css")
			h := bundle.Handler()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Accept-Encoding", enc)
				for pb.Next() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
		})
	}
}

// BenchmarkURL measures what each page render pays per linked file.
func BenchmarkURL(b *testing.B) {
	bundle := mustBuild(b)
	b.ReportAllocs()
	for b.Loop() {
		if bundle.URL("app.css") == "" {
			b.Fatal("no URL")
		}
	}
}
