package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// While one upload is being read, another is turned away with 503, a
// Retry-After and a message, and stores nothing; the first still succeeds.
func TestUploadWhileAnotherIsReadIsTurnedAway(t *testing.T) {
	genotypeStores(t, func(t *testing.T, db genotypeDB) {
		app := newGenotypeApp(t, db.researchStore)
		c, _ := app.signedInAs(t, "")
		url := app.URL + "/genotypes/upload/"
		jobsBefore := db.counts(t)["jobs"]

		// The first upload sends its header and half its file, then stalls.
		file := rawFile(t, 5_000, 1)
		var head bytes.Buffer
		mw := multipart.NewWriter(&head)
		if _, err := mw.CreateFormFile("file", "genome.txt"); err != nil {
			t.Fatal(err)
		}
		pr, pw := io.Pipe()
		req, err := http.NewRequest(http.MethodPost, url, pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		type result struct {
			resp *http.Response
			err  error
		}
		first := make(chan result, 1)
		go func() {
			resp, err := c.Do(req)
			first <- result{resp, err}
		}()
		if _, err := pw.Write(append(head.Bytes(), file[:len(file)/2]...)); err != nil {
			t.Fatal(err)
		}

		// The first upload takes its slot once the server has read its
		// header, so try until a second one is turned away. The second
		// file is refused by the parser if it does get through, so it
		// can never store anything itself.
		var busy string
		for deadline := time.Now().Add(10 * time.Second); busy == "" && time.Now().Before(deadline); {
			resp, body := postUpload(t, c, url, "file", "other.txt", []byte("not a raw file\n"))
			switch resp.StatusCode {
			case http.StatusServiceUnavailable:
				if resp.Header.Get("Retry-After") == "" {
					t.Error("the 503 has no Retry-After")
				}
				busy = body
			case http.StatusUnprocessableEntity:
				time.Sleep(20 * time.Millisecond)
			default:
				t.Fatalf("second upload = %d:\n%s", resp.StatusCode, body)
			}
		}
		if !strings.Contains(busy, "being read right now") || !strings.Contains(busy, "upload yours again") {
			t.Fatalf("no 503 page telling the person to try again:\n%s", busy)
		}

		// The first upload finishes and is queued as usual.
		if _, err := pw.Write(file[len(file)/2:]); err != nil {
			t.Fatal(err)
		}
		mw.Close()
		pw.Write([]byte("\r\n--" + mw.Boundary() + "--\r\n"))
		pw.Close()
		r := <-first
		if r.err != nil {
			t.Fatalf("first upload: %v", r.err)
		}
		jobOf(t)(r.resp, readBody(t, r.resp))
		if n := db.counts(t)["jobs"]; n != jobsBefore+1 {
			t.Errorf("jobs went from %d to %d, want only the first upload's", jobsBefore, n)
		}
	})
}
