package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/importer"
	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

// genotypeDB is a research store with a way to count its rows.
type genotypeDB struct {
	researchStore
	// counts returns the number of rows of every table but the
	// migration tool's.
	counts func(t testing.TB) map[string]int
}

// genotypeStores runs fn on SQLite and on Postgres.
func genotypeStores(t *testing.T, fn func(t *testing.T, db genotypeDB)) {
	for _, open := range []struct {
		name string
		open func(testing.TB) genotypeDB
	}{{"sqlite", countedSQLite}, {"postgres", countedPostgres}} {
		t.Run(open.name, func(t *testing.T) {
			t.Parallel()
			fn(t, open.open(t))
		})
	}
}

func countedSQLite(t testing.TB) genotypeDB {
	st, path := newSQLiteAt(t)
	return genotypeDB{researchStore: st.(researchStore), counts: func(t testing.TB) map[string]int {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.QueryContext(t.Context(), `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'goose_db_version'`)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		out := map[string]int{}
		for _, n := range names {
			var c int
			if err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM "`+n+`"`).Scan(&c); err != nil {
				t.Fatal(err)
			}
			out[n] = c
		}
		return out
	}}
}

func countedPostgres(t testing.TB) genotypeDB {
	st, u := newPostgresAt(t)
	return genotypeDB{researchStore: st.(researchStore), counts: func(t testing.TB) map[string]int {
		t.Helper()
		conn, err := pgx.Connect(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		rows, _ := conn.Query(t.Context(), `SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'`)
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, n := range names {
			var c int
			if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM `+pgx.Identifier{n}.Sanitize()).Scan(&c); err != nil {
				t.Fatal(err)
			}
			out[n] = c
		}
		return out
	}}
}

// rawFile writes a synthetic individual's raw-data file over n markers.
func rawFile(t testing.TB, n int, index int) []byte {
	t.Helper()
	key, err := synth.Markers(7, n)
	if err != nil {
		t.Fatal(err)
	}
	ind := synth.NewIndividual(7, index, synth.FullChip())
	var buf bytes.Buffer
	if err := synth.WriteRawFile(&buf, key, ind.Genome(key), time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// runJobs runs the due import jobs with the real importer until none is
// left, as the server's runner would.
func runJobs(t testing.TB, st researchStore) {
	t.Helper()
	im, err := importer.New(importer.Deps{Genomes: st, Tokens: st})
	if err != nil {
		t.Fatal(err)
	}
	handle := im.Handlers()[phenolink.JobImportGenome]
	for {
		j, err := st.Claim(t.Context(), []string{phenolink.JobImportGenome}, time.Minute)
		if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
			return
		}
		if err != nil {
			t.Fatalf("Claim: %v", err)
		}
		msg, err := handle(t.Context(), j, func(f float64, m string) error { return st.Progress(t.Context(), j.ID, f, m) })
		if err != nil {
			if err := st.Fail(t.Context(), j.ID, phenolink.ErrorMessage(err), false); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := st.Complete(t.Context(), j.ID, msg); err != nil {
			t.Fatal(err)
		}
	}
}

var jobPathRe = regexp.MustCompile(`^/jobs/([0-9]+)/$`)

// jobOf returns a function that returns the job id a response redirected
// to, so that it takes postFile's results as they come.
func jobOf(t testing.TB) func(resp *http.Response, body string) int64 {
	return func(resp *http.Response, body string) int64 {
		t.Helper()
		return redirectedJob(t, resp, body)
	}
}

// redirectedJob returns the job id a response redirected to.
func redirectedJob(t testing.TB, resp *http.Response, body string) int64 {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303:\n%s", resp.StatusCode, body)
	}
	m := jobPathRe.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirected to %q, not a job", resp.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// noJob fails unless the profile has no job of kind.
func noJob(t testing.TB, st researchStore, profileID, kind string) {
	t.Helper()
	j, err := st.LatestJob(t.Context(), profileID, kind)
	if phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Fatalf("LatestJob = %+v, %v; want none", j, err)
	}
}

// genotypeApp is a running Phenolink with the genotype stores wired and
// the simulator to sign in with.
type genotypeApp struct {
	*httptest.Server
}

// newGenotypeApp starts the simulator and an app on st.
func newGenotypeApp(t testing.TB, st researchStore) *genotypeApp {
	t.Helper()
	return &genotypeApp{Server: startApp(t, st, 0)}
}

var dashboardAccountRe = regexp.MustCompile(`<dt>23andMe account</dt><dd><code>([^<]+)</code>`)

// signedInAs signs a new browser in as the simulator account whose label
// contains account and returns it with the account id.
func (app *genotypeApp) signedInAs(t testing.TB, account string) (*http.Client, string) {
	t.Helper()
	c := browser(t)
	signInAs(t, c, app.URL+"/login/", account)
	_, page := get(t, c, app.URL+"/")
	m := dashboardAccountRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no account id on the dashboard:\n%s", page)
	}
	return c, htmlUnescape(m[1])
}

// postUpload sends content as the form's file field, as a same-origin
// browser would.
func postUpload(t testing.TB, c *http.Client, u, field, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	return resp, readBody(t, resp)
}
