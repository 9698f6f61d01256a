package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan"
)

// scanPage shows one scan: its job while it runs, its plots and top hits
// once it is done.
type scanPage struct {
	Scan      phenolink.Scan
	Phenotype phenolink.Phenotype
	Job       phenolink.Job
	Done      bool
	Tested    string // markers tested, with thousands separators
	Percent   int    // the job's progress, for browsers without <progress>
	TopHits   []scanHit
}

// scanHit is one top hit with the per-SNP results link for it.
type scanHit struct {
	scan.Result
	ResultsURL string
	Position   string // with thousands separators
}

// Plot sizes: wide enough to tell chromosomes apart, small enough that the
// page with both images stays far under a megabyte.
const (
	manhattanWidth, manhattanHeight = 1200, 400
	qqSide                          = 400
	scanTopHits                     = 20
)

// scanFromPath loads the scan named by the {id} path segment.
func scanFromPath(r *http.Request, scans phenolink.ScanStore) (phenolink.Scan, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return phenolink.Scan{}, phenolink.Errorf(phenolink.ENOTFOUND, "There is no scan %q.", r.PathValue("id"))
	}
	return scans.Scan(r.Context(), id)
}

// scanResults loads and decodes a completed scan's results.
func scanResults(ctx context.Context, scans phenolink.ScanStore, id int64) (scan.Results, error) {
	b, err := scans.ScanResults(ctx, id)
	if err != nil {
		return nil, err
	}
	return scan.Decode(b)
}

// handleScan shows a scan's progress, or its plots and top hits.
func handleScan(pages *renderer, phenotypes phenolink.PhenotypeStore, scans phenolink.ScanStore, jobs phenolink.JobQueue, views *scanViews) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		s, err := scanFromPath(r, scans)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		p := scanPage{Scan: s, Done: !s.CompletedAt.IsZero(), Tested: thousands(int64(s.Tested))}
		if p.Phenotype, err = phenotypes.Phenotype(ctx, s.PhenotypeID); err != nil {
			pages.error(w, r, err)
			return
		}
		if p.Job, err = jobs.Job(ctx, s.JobID); err != nil && phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
			pages.error(w, r, err)
			return
		}
		p.Percent = int(p.Job.Progress * 100)
		if p.Done {
			v, err := views.view(ctx, s)
			if err != nil {
				pages.error(w, r, err)
				return
			}
			for _, h := range v.top {
				p.TopHits = append(p.TopHits, scanHit{
					Result:     h,
					ResultsURL: "/results/?" + url.Values{"snps": {h.Marker.ID}, "phenotypes": {s.PhenotypeID}}.Encode(),
					Position:   thousands(int64(h.Marker.Pos)),
				})
			}
		}
		pages.page(w, r, http.StatusOK, "scan", p)
	})
}

// scanStatus is the JSON the page's poller reads.
type scanStatus struct {
	Status   string  `json:"status"`
	Progress float64 `json:"progress"`
	Message  string  `json:"message"`
}

// handleScanStatus answers the poller with the scan job's state.
func handleScanStatus(pages *renderer, scans phenolink.ScanStore, jobs phenolink.JobQueue) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := scanFromPath(r, scans)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		j, err := jobs.Job(r.Context(), s.JobID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		st := scanStatus{Status: j.State, Progress: j.Progress, Message: j.Message}
		if !s.CompletedAt.IsZero() {
			st.Status, st.Progress = phenolink.JobDone, 1
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(st)
	})
}

// scanManhattan and scanQQ pick a plot out of a scan's view.
func scanManhattan(v *scanView) []byte { return v.manhattan }
func scanQQ(v *scanView) []byte        { return v.qq }

// handleScanPlot serves a completed scan's plot as a PNG, drawn once per
// scan (see scanViews). A scan's results never change, so the browser may
// keep the image privately.
func handleScanPlot(pages *renderer, scans phenolink.ScanStore, views *scanViews, plot func(*scanView) []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := scanFromPath(r, scans)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		v, err := views.view(r.Context(), s)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "private, max-age=86400")
		_, _ = w.Write(plot(v))
	})
}

// handleScanCSV downloads every tested marker of a scan, recorded in the
// audit log before the first byte goes out.
func handleScanCSV(pages *renderer, phenotypes phenolink.PhenotypeStore, scans phenolink.ScanStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := scanFromPath(r, scans)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		results, err := scanResults(r.Context(), scans, s.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		var buf bytes.Buffer
		if err := scan.WriteCSV(&buf, results); err != nil {
			pages.error(w, r, err)
			return
		}
		detail := fmt.Sprintf("scan %d (%s, covariates %s): %d markers", s.ID, s.PhenotypeID, strings.Join(s.Covariates, "+"), len(results))
		if err := recordAudit(r, phenotypes, "export.scan.csv", detail); err != nil {
			pages.error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scan-%d.csv"`, s.ID))
		w.Header().Set("Cache-Control", "no-store")
		_, _ = buf.WriteTo(w)
	})
}
