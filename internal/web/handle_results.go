package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"phenolink/internal/phenolink"
	"phenolink/internal/research"
)

// resultsPath is the per-SNP results page; its exports live beside it.
const resultsPath = "/results/"

// resultsPage is the per-SNP results page: the form, and the report's
// tables once something was asked.
type resultsPage struct {
	SNPs      string // the SNP list as typed, kept in the form
	Catalog   []phenotypeChoice
	MaxSNPs   int
	K         int
	Error     string
	Asked     bool // the query named SNPs and the report was computed
	Unknown   []string
	Tables    []resultsTable
	CSVURL    string
	JSONURL   string
	AllChosen bool // no phenotype was chosen, so every one with values is shown
	NoMarkers bool // every SNP asked for is unknown
	NoCohort  bool // the report has known markers but no phenotype with values
}

// phenotypeChoice is one option of the form's phenotype list.
type phenotypeChoice struct {
	ID, Label, Kind string
	Selected        bool
}

// resultsRequest is what a results URL asks for, read the same way by the
// page and both exports.
type resultsRequest struct {
	snpText    string   // the snps parameter(s) as given
	snps       []string // parsed, without repeats
	phenotypes []phenolink.Phenotype
	asked      bool // the URL has a snps or phenotypes parameter
}

// readResultsRequest reads ?snps=rs1,rs2&phenotypes=a,b. Both parameters may
// repeat (a multi-select sends one phenotypes value per choice) and hold
// comma-separated lists (links and the original app's URLs do). Unknown
// phenotypes, a malformed or over-long SNP list are EINVALID errors that
// say what to fix.
func readResultsRequest(q url.Values, catalog []phenolink.Phenotype) (resultsRequest, error) {
	rq := resultsRequest{snpText: strings.Join(q["snps"], ", "), asked: q.Has("snps") || q.Has("phenotypes")}
	var err error
	if rq.phenotypes, err = catalogSubset(catalog, q["phenotypes"]); err != nil {
		return rq, err
	}
	if !rq.asked {
		return rq, nil
	}
	if rq.snps, err = research.ParseSNPs(rq.snpText); err != nil {
		return rq, err
	}
	return rq, nil
}

// query is the request's canonical URL query, for the export links.
func (rq resultsRequest) query() string {
	v := url.Values{"snps": {strings.Join(rq.snps, ",")}}
	if len(rq.phenotypes) > 0 {
		v.Set("phenotypes", strings.Join(phenotypeIDs(rq.phenotypes), ","))
	}
	return v.Encode()
}

// report computes the request's report. A phenotype that left the catalog
// between reading it and computing is the request's mistake, not a missing
// page, so it is EINVALID too.
func (rq resultsRequest) report(r *http.Request, svc *research.Service) (*research.Report, error) {
	rep, err := svc.Results(r.Context(), rq.snps, phenotypeIDs(rq.phenotypes))
	if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
		return nil, phenolink.Errorf(phenolink.EINVALID, "%s", phenolink.ErrorMessage(err))
	}
	return rep, err
}

// handleResults shows the form and, when the URL names SNPs, a table and a
// chart for each known SNP and phenotype. A bad request gets the form back
// with the reason and status 400, and nothing is computed.
func handleResults(pages *renderer, phenotypes phenolink.PhenotypeStore, svc *research.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		catalog, err := phenotypes.Phenotypes(r.Context())
		if err != nil {
			pages.error(w, r, err)
			return
		}
		rq, err := readResultsRequest(r.URL.Query(), catalog)
		p := resultsPage{SNPs: rq.snpText, MaxSNPs: research.MaxSNPs, K: svc.MinGroupSize}
		p.Catalog = phenotypeChoices(catalog, r.URL.Query()["phenotypes"])
		var rep *research.Report
		switch {
		case err == nil && rq.asked:
			rep, err = rq.report(r, svc)
		case !rq.asked:
			svc.Expect() // the form alone: a page is likely next
		}
		if phenolink.ErrorCode(err) == phenolink.EINVALID {
			p.Error = phenolink.ErrorMessage(err)
			pages.page(w, r, http.StatusBadRequest, "results", p)
			return
		}
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if rep != nil {
			p.fill(rq, rep)
		}
		pages.page(w, r, http.StatusOK, "results", p)
	})
}

// fill adds the report to the page.
func (p *resultsPage) fill(rq resultsRequest, rep *research.Report) {
	p.Asked, p.Unknown = true, rep.Unknown
	p.SNPs = strings.Join(rq.snps, ", ")
	p.AllChosen = len(rq.phenotypes) == 0
	p.CSVURL = resultsPath + "results.csv?" + rq.query()
	p.JSONURL = resultsPath + "results.json?" + rq.query()
	p.NoMarkers = len(rep.Unknown) == len(rq.snps)
	p.NoCohort = !p.NoMarkers && len(rep.Tables) == 0
	for i := range rep.Tables {
		p.Tables = append(p.Tables, resultsTableOf(i, &rep.Tables[i], rep.MinGroupSize))
	}
}

// phenotypeChoices lists the catalog for the form, marking the ids asked
// for (repeated or comma-separated).
func phenotypeChoices(catalog []phenolink.Phenotype, asked []string) []phenotypeChoice {
	chosen := idSet(asked)
	out := make([]phenotypeChoice, len(catalog))
	for i, ph := range catalog {
		out[i] = phenotypeChoice{ID: ph.ID, Label: ph.Label, Kind: ph.Kind, Selected: chosen[ph.ID]}
	}
	return out
}

// resultsExport writes a report in one format.
type resultsExport struct {
	action      string // the audit log's action
	contentType string
	filename    string
	write       func(*research.Report, io.Writer) error
}

var (
	resultsCSV = resultsExport{"export.results.csv", "text/csv; charset=utf-8", "phenolink-results.csv",
		(*research.Report).WriteCSV}
	resultsJSON = resultsExport{"export.results.json", "application/json", "phenolink-results.json",
		(*research.Report).WriteJSON}
)

// handleResultsExport downloads the report the page shows, hidden groups
// hidden alike, recorded in the audit log before the first byte goes out.
// A bad request is a 400 page, with nothing computed or recorded.
func handleResultsExport(pages *renderer, phenotypes phenolink.PhenotypeStore, svc *research.Service, ex resultsExport) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		catalog, err := phenotypes.Phenotypes(r.Context())
		if err != nil {
			pages.error(w, r, err)
			return
		}
		rq, err := readResultsRequest(r.URL.Query(), catalog)
		if err == nil && !rq.asked {
			err = phenolink.Errorf(phenolink.EINVALID, "Name the SNPs to export, such as %s?snps=rs53576.", r.URL.Path)
		}
		var rep *research.Report
		if err == nil {
			rep, err = rq.report(r, svc)
		}
		if err != nil {
			pages.error(w, r, err)
			return
		}
		var buf bytes.Buffer
		if err := ex.write(rep, &buf); err != nil {
			pages.error(w, r, err)
			return
		}
		if err := recordAudit(r, phenotypes, ex.action, resultsAuditDetail(rq, rep)); err != nil {
			pages.error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ex.contentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, ex.filename))
		w.Header().Set("Cache-Control", "no-store")
		_, _ = buf.WriteTo(w)
	})
}

// resultsAuditDetail says what an export held: the SNPs and phenotypes
// asked for, how many tables went out and under which k.
func resultsAuditDetail(rq resultsRequest, rep *research.Report) string {
	phen := "every phenotype with values"
	if len(rq.phenotypes) > 0 {
		phen = strings.Join(phenotypeIDs(rq.phenotypes), ",")
	}
	return fmt.Sprintf("SNPs %s; phenotypes %s: %d tables, %d unknown SNPs, k = %d",
		strings.Join(rq.snps, ","), phen, len(rep.Tables), len(rep.Unknown), rep.MinGroupSize)
}
