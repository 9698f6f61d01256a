package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// currentProfileID is the profile the dashboard works with for user.
func currentProfileID(t testing.TB, st researchStore, userID string) string {
	t.Helper()
	ps, err := st.Profiles(t.Context(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return defaultProfile(ps).ID
}

// jobJSON fetches a job's status as poll.js does.
func jobJSON(t testing.TB, c *http.Client, appURL string, id int64) (int, jobStatus) {
	t.Helper()
	resp, body := get(t, c, fmt.Sprintf("%s/jobs/%d/status", appURL, id))
	var s jobStatus
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &s); err != nil {
			t.Fatalf("status JSON %q: %v", body, err)
		}
	}
	return resp.StatusCode, s
}

func TestUploadImportsAndShowsGenotypes(t *testing.T) {
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		c, userID := app.signedInAs(t, "")
		profileID := currentProfileID(t, db, userID)

		_, form := get(t, c, app.URL+"/genotypes/upload/")
		if !strings.Contains(form, `enctype="multipart/form-data"`) || !strings.Contains(form, `name="file"`) {
			t.Fatalf("no upload form:\n%s", form)
		}
		// Larger than the 1 MB every other form may send.
		file := rawFile(t, 50_000, 1)
		if len(file) <= 1<<20 {
			t.Fatalf("test file is %d bytes; it must exceed the default body limit", len(file))
		}
		id := jobOf(t)(postUpload(t, c, app.URL+"/genotypes/upload/", "file", "genome.txt", file))

		code, s := jobJSON(t, c, app.URL, id)
		if code != http.StatusOK || s.Status != phenolink.JobQueued {
			t.Fatalf("status before running = %d %+v, want queued", code, s)
		}
		_, page := get(t, c, fmt.Sprintf("%s/jobs/%d/", app.URL, id))
		for _, want := range []string{`data-poll-url="/jobs/`, "Check again", "<progress"} {
			if !strings.Contains(page, want) {
				t.Errorf("job page lacks %q:\n%s", want, page)
			}
		}

		runJobs(t, db)
		if _, s = jobJSON(t, c, app.URL, id); s.Status != phenolink.JobDone || !strings.Contains(s.Message, "Stored") {
			t.Fatalf("status after running = %+v, want done", s)
		}
		if _, page = get(t, c, fmt.Sprintf("%s/jobs/%d/", app.URL, id)); strings.Contains(page, "data-poll-url") {
			t.Errorf("a finished job still polls:\n%s", page)
		}
		info, err := db.Genome(t.Context(), profileID)
		if err != nil {
			t.Fatalf("Genome: %v", err)
		}
		if info.Source != phenolink.GenomeSourceFile || info.MarkerCount == 0 {
			t.Fatalf("stored %+v", info)
		}

		_, page = get(t, c, app.URL+"/genotypes/")
		wantContains(t, page, "My genotypes lacks", "Uploaded raw-data file", thousands(int64(info.MarkerCount)), "GRCh37", "<svg", "Markers per chromosome", `<th scope="row">MT</th>`)
		_, dash := get(t, c, app.URL+"/")
		if !strings.Contains(dash, "Stored</span> "+thousands(int64(info.MarkerCount))+" markers") || !strings.Contains(dash, `href="/genotypes/"`) {
			t.Errorf("dashboard lacks the genotype summary:\n%s", dash)
		}
	})
}

func TestGenotypeSearch(t *testing.T) {
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		c, userID := app.signedInAs(t, "")
		profileID := currentProfileID(t, db, userID)
		jobOf(t)(postUpload(t, c, app.URL+"/genotypes/upload/", "file", "genome.txt.gz", gzipBytes(t, rawFile(t, 2_000, 2))))
		runJobs(t, db)
		all, err := db.GenotypeCalls(t.Context(), profileID, phenolink.GenotypeQuery{Limit: phenolink.MaxGenotypePage})
		if err != nil || len(all.Rows) < 100 {
			t.Fatalf("GenotypeCalls = %d rows, %v", len(all.Rows), err)
		}
		first := all.Rows[0]

		search := func(q string, page int) string {
			v := url.Values{"q": {q}}
			if page > 0 {
				v.Set("page", fmt.Sprint(page))
			}
			resp, body := get(t, c, app.URL+"/genotypes/?"+v.Encode())
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("search %q = %d:\n%s", q, resp.StatusCode, body)
			}
			return body
		}
		body := search(first.ID, 0)
		if !strings.Contains(body, "<td>"+first.ID+"</td>") || !strings.Contains(body, "<code>"+first.Call.String()+"</code>") {
			t.Errorf("search for %s does not show its row", first.ID)
		}
		region := fmt.Sprintf("%s:%d-%d", first.Chrom, first.Pos, all.Rows[60].Pos)
		if all.Rows[60].Chrom != first.Chrom {
			t.Fatalf("test rows cross chromosomes")
		}
		body = search(region, 0)
		if strings.Count(body, "<tr><td>") != phenolink.DefaultGenotypePage || !strings.Contains(body, `rel="next"`) || strings.Contains(body, `rel="prev"`) {
			t.Errorf("first page of %s is not a full page with a next link", region)
		}
		body = search(region, 1)
		if strings.Count(body, "<tr><td>") != 11 || !strings.Contains(body, `rel="prev"`) || strings.Contains(body, `rel="next"`) {
			t.Errorf("second page of %s shows %d rows", region, strings.Count(body, "<tr><td>"))
		}
		if body = search("7:900-100", 0); !strings.Contains(body, "start at most end") || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("a reversed region is not explained")
		}
		if body = search("rsnothing", 0); !strings.Contains(body, "No marker of this profile matches") {
			t.Errorf("an empty result is not said")
		}
	})
}

func TestBadUploadsStoreNothing(t *testing.T) {
	good := string(rawFile(t, 500, 3))
	header := good[:strings.Index(good, "\nrs")+1]
	tests := []struct {
		name    string
		file    string
		content []byte
		want    string
	}{
		{"not a raw file", "notes.txt", []byte("hello there\n"), "Line 1"},
		{"build 36", "genome.txt", []byte(strings.Replace(good, "build 37", "build 36", 1)), "only build 37"},
		{"bad row", "genome.txt", []byte(header + "rs1\t1\t100\tAG\nrs2\t1\tx\tAG\n"), "Line "},
		{"no file chosen", "", nil, "Choose a raw-data file"},
		{"empty file", "genome.txt", []byte{}, ""},
	}
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		c, userID := app.signedInAs(t, "")
		profileID := currentProfileID(t, db, userID)
		jobOf(t)(postUpload(t, c, app.URL+"/genotypes/upload/", "file", "genome.txt", []byte(good)))
		runJobs(t, db)
		before, err := db.Genome(t.Context(), profileID)
		if err != nil {
			t.Fatal(err)
		}
		jobsBefore := db.counts(t)["jobs"]
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := postUpload(t, c, app.URL+"/genotypes/upload/", "file", tt.file, tt.content)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422:\n%s", resp.StatusCode, body)
				}
				if !strings.Contains(body, "The file was not imported.") || !strings.Contains(body, html.EscapeString(tt.want)) {
					t.Errorf("page lacks %q:\n%s", tt.want, body)
				}
				if n := db.counts(t)["jobs"]; n != jobsBefore {
					t.Errorf("jobs went from %d to %d", jobsBefore, n)
				}
				after, err := db.Genome(t.Context(), profileID)
				if err != nil || after.MarkerCount != before.MarkerCount || !after.ImportedAt.Equal(before.ImportedAt) {
					t.Errorf("record changed: %+v, %v; was %+v", after, err, before)
				}
			})
		}
	})
}

func TestJobStatusIsTheOwnersOnly(t *testing.T) {
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		owner, _ := app.signedInAs(t, "")
		id := jobOf(t)(postUpload(t, owner, app.URL+"/genotypes/upload/", "file", "genome.txt", rawFile(t, 300, 4)))
		other, _ := app.signedInAs(t, "Ada")
		if code, _ := jobJSON(t, other, app.URL, id); code != http.StatusNotFound {
			t.Errorf("another person's status = %d, want 404", code)
		}
		if resp, _ := get(t, other, fmt.Sprintf("%s/jobs/%d/", app.URL, id)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another person's job page = %d, want 404", resp.StatusCode)
		}
		if resp, _ := get(t, browser(t), fmt.Sprintf("%s/jobs/%d/status", app.URL, id)); resp.StatusCode == http.StatusOK {
			t.Errorf("a signed-out visitor sees the status")
		}
		if code, _ := jobJSON(t, owner, app.URL, 999999); code != http.StatusNotFound {
			t.Errorf("a missing job = %d, want 404", code)
		}
	})
}

func TestSyncIsQueuedOnceAtATime(t *testing.T) {
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		c, userID := app.signedInAs(t, "")
		profileID := currentProfileID(t, db, userID)
		id := jobOf(t)(postForm(t, c, app.URL+"/genotypes/sync/", nil))
		j, err := db.Job(t.Context(), id)
		if err != nil || j.Kind != phenolink.JobSyncGenome || j.ProfileID != profileID || j.UserID != userID {
			t.Fatalf("job = %+v, %v", j, err)
		}
		if again := jobOf(t)(postForm(t, c, app.URL+"/genotypes/sync/", nil)); again != id {
			t.Errorf("a second sync while one waits queued job %d", again)
		}
		_, dash := get(t, c, app.URL+"/")
		if !strings.Contains(dash, `disabled aria-describedby="sync-busy"`) {
			t.Errorf("the dashboard's sync button is not disabled while one waits:\n%s", dash)
		}
		// Once it ends, syncing again is allowed.
		if _, err := db.Claim(t.Context(), []string{phenolink.JobSyncGenome}, 60e9); err != nil {
			t.Fatal(err)
		}
		if err := db.Fail(t.Context(), id, "23andMe is down.", false); err != nil {
			t.Fatal(err)
		}
		_, page := get(t, c, app.URL+"/genotypes/")
		if !strings.Contains(page, "The last import failed: 23andMe is down.") {
			t.Errorf("a failed sync is not shown:\n%s", page)
		}
		if again := jobOf(t)(postForm(t, c, app.URL+"/genotypes/sync/", nil)); again == id {
			t.Errorf("sync after a failure did not queue a new job")
		}
	})
}

func TestDeleteGenotypes(t *testing.T) {
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		c, userID := app.signedInAs(t, "")
		profileID := currentProfileID(t, db, userID)
		jobOf(t)(postUpload(t, c, app.URL+"/genotypes/upload/", "file", "genome.txt", rawFile(t, 300, 5)))
		runJobs(t, db)
		_, confirm := get(t, c, app.URL+"/genotypes/delete/")
		if !strings.Contains(confirm, `action="/genotypes/delete/"`) {
			t.Fatalf("no confirm form:\n%s", confirm)
		}
		if _, err := db.Genome(t.Context(), profileID); err != nil {
			t.Fatalf("the confirm page deleted already: %v", err)
		}
		resp, body := postForm(t, c, app.URL+"/genotypes/delete/", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete = %d:\n%s", resp.StatusCode, body)
		}
		if _, err := db.Genome(t.Context(), profileID); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
			t.Errorf("record after deletion: %v", err)
		}
		noJob(t, db, profileID, phenolink.JobImportGenome)
		if _, page := get(t, c, app.URL+"/genotypes/"); !strings.Contains(page, "have been deleted") || !strings.Contains(page, "No genotypes are stored") {
			t.Errorf("page after deletion:\n%s", page)
		}
	})
}

func TestDeleteEverythingLeavesNoRows(t *testing.T) {
	// The logs of changes keep no row naming a deleted profile (the
	// store suite's DeleteUser checks it), only rows naming none.
	shared := map[string]bool{"marker_blocks": true, "phenotypes": true, "generations": true, "cohort_changes": true, "genome_changes": true}
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		c, _ := app.signedInAs(t, "")
		resp, body := postForm(t, c, app.URL+"/consent/", url.Values{"version": {phenolink.ConsentVersion}, "agree": {"yes"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("give consent = %d: %s", resp.StatusCode, body)
		}
		jobOf(t)(postUpload(t, c, app.URL+"/genotypes/upload/", "file", "genome.txt", rawFile(t, 300, 6)))
		runJobs(t, db)
		jobOf(t)(postForm(t, c, app.URL+"/genotypes/sync/", nil))
		// A second upload still queued: its staged payload, over a
		// megabyte, waits in parts.
		jobOf(t)(postUpload(t, c, app.URL+"/genotypes/upload/", "file", "genome.txt", rawFile(t, 200_000, 7)))
		before := db.counts(t)
		for _, table := range []string{"users", "profiles", "tokens", "sessions", "genomes", "jobs", "consents", "job_payload_parts"} {
			if before[table] == 0 {
				t.Fatalf("%s is empty before deletion, so the test proves nothing: %v", table, before)
			}
		}
		resp, body = postForm(t, c, app.URL+"/account/delete/", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete everything = %d:\n%s", resp.StatusCode, body)
		}
		after := db.counts(t)
		// The one session left is the new anonymous one carrying the
		// notice that everything was deleted.
		if after["sessions"] > 1 {
			t.Errorf("sessions has %d rows after deleting everything", after["sessions"])
		}
		delete(after, "sessions")
		for table, n := range after {
			if n != 0 && !shared[table] {
				t.Errorf("%s has %d rows after deleting everything", table, n)
			}
		}
	})
}
