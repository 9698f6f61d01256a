package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"phenolink/internal/assets"
)

// BenchmarkHomeSignedOut measures the landing page through the whole
// middleware stack, without the network, to compare with the original
// stack's requests per second.
func BenchmarkHomeSignedOut(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// BenchmarkStatus measures /_status/, which pings the database.
func BenchmarkStatus(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_status/", nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	st := newSQLite(b)
	bundle := benchAssets(b)
	h, err := NewServer(Deps{
		Logger:   discardLogger(),
		Settings: Settings{APIURL: "http://127.0.0.1:1", ClientID: "c", ClientSecret: "s", Scope: "basic"},
		Users:    st, Tokens: st, Sessions: st, Health: st,
		Assets: bundle,
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func benchAssets(b *testing.B) *assets.Bundle {
	b.Helper()
	bundle, err := assets.Build(assets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return bundle
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// BenchmarkDashboard measures the signed-in start page: a session read from
// the database, the user and profiles loaded, the reference card from
// memory.
func BenchmarkDashboard(b *testing.B) {
	app, _ := newSignInApp(b, nil)
	c := browser(b)
	signIn(b, c, app.URL+"/login/")
	cookie := &http.Cookie{Name: sessionCookieName, Value: sessionCookie(b, c, app.URL)}
	getInParallel(b, app.Config.Handler, cookie)
}

// getInParallel serves GET / with cookie on h from every benchmark
// goroutine, failing on any status but 200.
func getInParallel(b *testing.B, h http.Handler, cookie *http.Cookie) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// BenchmarkDashboardGenotypes measures the signed-in start page as served:
// the genotype stores wired, so the page also shows the current profile's
// stored genome and newest import, on each database.
func BenchmarkDashboardGenotypes(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB) store
	}{{"sqlite", newSQLite}, {"postgres", newPostgres}} {
		b.Run(db.name, func(b *testing.B) {
			app := newGenotypeApp(b, db.open(b).(researchStore))
			c, _ := app.signedInAs(b, "")
			cookie := &http.Cookie{Name: sessionCookieName, Value: sessionCookie(b, c, app.URL)}
			getInParallel(b, app.Config.Handler, cookie)
		})
	}
}
