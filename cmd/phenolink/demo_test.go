package main

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"phenolink/internal/demo"
	"phenolink/internal/phenolink"
)

// TestLocalDemoShowsThePlantedScan runs the default local setup, signs in
// with a simulator account and follows the demo scan the background seed
// starts until its page shows the planted markers as the top hits.
func TestLocalDemoShowsThePlantedScan(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 200 genomes and runs a scan")
	}
	t.Parallel()
	base, stop := startProgram(t, map[string]string{"SETTINGS": "local", "DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0"})
	defer stop()
	c := e2eBrowser(t)
	e2eSignIn(t, c, base+"login/")

	var status struct{ Status, Message string }
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := c.Get(base + "scans/1/status/")
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		body := string(raw)
		// 403 until the background seed has made the account a
		// researcher, 404 until it has started the scan.
		if resp.StatusCode == 200 {
			if err := json.Unmarshal([]byte(body), &status); err != nil {
				t.Fatalf("scan status %q: %v", body, err)
			}
			if status.Status == phenolink.JobDone || status.Status == phenolink.JobFailed {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo scan did not finish in time: last answer %d %s", resp.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status.Status != phenolink.JobDone {
		t.Fatalf("the demo scan ended %s: %s", status.Status, status.Message)
	}

	key, err := demo.Key(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	traits, err := demo.Traits(demo.Options{}, key)
	if err != nil {
		t.Fatal(err)
	}
	page := e2eGet(t, c, base+"scans/1/")
	for _, e := range traits[0].Effects {
		id := key[e.Marker].ID
		if !strings.Contains(page, id) {
			t.Errorf("the demo scan's page does not list planted marker %s among its top hits", id)
		}
	}
}
