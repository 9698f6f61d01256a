package web

import (
	"context"
	"net/http"
	"strconv"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan"
)

// scansPage lists scans and offers the form that starts one.
type scansPage struct {
	Scans      []scanRow
	Phenotypes []phenolink.Phenotype
	Form       scanForm
	Error      string
}

// scanRow is one scan in the list, with its phenotype's label.
type scanRow struct {
	phenolink.Scan
	Label string
}

// scanForm holds the start form's values, kept when it is refused.
type scanForm struct {
	PhenotypeID string
	Sex, Age    bool
	MinMAF      string
	MinCallRate string
}

// Default thresholds of the start form: PLINK's usual quality filters.
const (
	defaultScanMAF      = "0.01"
	defaultScanCallRate = "0.95"
)

// handleScans lists every scan, newest first, and the start form.
func handleScans(pages *renderer, phenotypes phenolink.PhenotypeStore, scans phenolink.ScanStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := loadScans(r, phenotypes, scans)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		p.Form = scanForm{MinMAF: defaultScanMAF, MinCallRate: defaultScanCallRate}
		pages.page(w, r, http.StatusOK, "scans", p)
	})
}

func loadScans(r *http.Request, phenotypes phenolink.PhenotypeStore, scans phenolink.ScanStore) (scansPage, error) {
	var p scansPage
	var err error
	if p.Phenotypes, err = phenotypes.Phenotypes(r.Context()); err != nil {
		return p, err
	}
	list, err := scans.Scans(r.Context())
	if err != nil {
		return p, err
	}
	labels := map[string]string{}
	for _, ph := range p.Phenotypes {
		labels[ph.ID] = ph.Label
	}
	for _, s := range list {
		p.Scans = append(p.Scans, scanRow{Scan: s, Label: labels[s.PhenotypeID]})
	}
	return p, nil
}

// handleStartScan validates the form, stores the scan with its job and
// sends the researcher to its page.
func handleStartScan(pages *renderer, phenotypes phenolink.PhenotypeStore, scans phenolink.ScanStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		f := scanForm{
			PhenotypeID: r.PostFormValue("phenotype"),
			Sex:         r.PostFormValue("sex") == "yes",
			Age:         r.PostFormValue("age") == "yes",
			MinMAF:      r.PostFormValue("min_maf"),
			MinCallRate: r.PostFormValue("min_call_rate"),
		}
		s, err := f.scan(userFrom(ctx).ID)
		if err == nil {
			err = checkScanCohort(ctx, phenotypes, s.PhenotypeID)
		}
		if err == nil {
			s, err = scans.CreateScan(ctx, s)
		}
		if phenolink.ErrorCode(err) == phenolink.EINVALID {
			p, lerr := loadScans(r, phenotypes, scans)
			if lerr != nil {
				pages.error(w, r, lerr)
				return
			}
			p.Form, p.Error = f, phenolink.ErrorMessage(err)
			pages.page(w, r, http.StatusUnprocessableEntity, "scans", p)
			return
		}
		if err != nil {
			pages.error(w, r, err)
			return
		}
		http.Redirect(w, r, "/scans/"+strconv.FormatInt(s.ID, 10)+"/", http.StatusSeeOther)
	})
}

// scan turns the form into a scan to validate and store.
func (f scanForm) scan(userID string) (phenolink.Scan, error) {
	s := phenolink.Scan{PhenotypeID: f.PhenotypeID, CreatedBy: userID}
	if f.Sex {
		s.Covariates = append(s.Covariates, phenolink.CovariateSex)
	}
	if f.Age {
		s.Covariates = append(s.Covariates, phenolink.CovariateAge)
	}
	var err error
	if s.MinMAF, err = strconv.ParseFloat(f.MinMAF, 64); err != nil {
		return s, phenolink.Errorf(phenolink.EINVALID, "The minor-allele frequency threshold must be a number such as 0.01.")
	}
	if s.MinCallRate, err = strconv.ParseFloat(f.MinCallRate, 64); err != nil {
		return s, phenolink.Errorf(phenolink.EINVALID, "The call-rate threshold must be a number such as 0.95.")
	}
	return s, s.Validate()
}

// checkScanCohort refuses a scan of a phenotype that is not in the
// catalog or that too few consenting participants have, so that no scan
// is stored only for its job to fail. The job checks again with genomes
// and covariates, which can only shrink the cohort.
func checkScanCohort(ctx context.Context, phenotypes phenolink.PhenotypeStore, id string) error {
	ph, err := phenotypes.Phenotype(ctx, id)
	if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
		return phenolink.Errorf(phenolink.EINVALID, "Choose a phenotype from the list.")
	}
	if err != nil {
		return err
	}
	values, err := phenotypes.CohortValues(ctx, id)
	if err != nil {
		return err
	}
	if len(values) < scan.MinSamples {
		return phenolink.Errorf(phenolink.EINVALID, "Only %d consenting participants have a value of %s; a scan needs at least %d.", len(values), ph.Label, scan.MinSamples)
	}
	return nil
}
