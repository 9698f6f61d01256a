package web

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// surveyPage is what the survey template shows.
type surveyPage struct {
	Profile   phenolink.Profile
	Consented bool
	Fields    []surveyField
	Invalid   bool // some field has an error; nothing was saved
}

// surveyField is one phenotype's input: its current or submitted text and
// the error next to it.
type surveyField struct {
	Phenotype phenolink.Phenotype
	Value     string
	Error     string
}

// Number formats a bound or step for an input attribute.
func (surveyField) Number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// surveyPhenotypes returns the catalog entries participants enter
// themselves: the survey's and the 23andMe-sourced basics.
func surveyPhenotypes(ctx context.Context, phenotypes phenolink.PhenotypeStore) ([]phenolink.Phenotype, error) {
	all, err := phenotypes.Phenotypes(ctx)
	if err != nil {
		return nil, err
	}
	var out []phenolink.Phenotype
	for _, p := range all {
		if p.Source == phenolink.PhenotypeSourceSurvey || p.Source == phenolink.PhenotypeSource23andMe {
			out = append(out, p)
		}
	}
	return out, nil
}

// handleSurvey shows the survey for the current profile, filled with its
// stored values.
func handleSurvey(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p, err := loadSurvey(ctx, sessions, users, phenotypes)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.page(w, r, http.StatusOK, "survey", p)
	})
}

// loadSurvey builds the survey page with the profile's stored values.
func loadSurvey(ctx context.Context, sessions *scs.SessionManager, users phenolink.UserStore, phenotypes phenolink.PhenotypeStore) (surveyPage, error) {
	var p surveyPage
	var err error
	if p.Profile, err = sessionProfile(ctx, sessions, users); err != nil {
		return p, err
	}
	if _, p.Consented, err = currentConsent(ctx, phenotypes, userFrom(ctx).ID); err != nil {
		return p, err
	}
	catalog, err := surveyPhenotypes(ctx, phenotypes)
	if err != nil {
		return p, err
	}
	values, err := phenotypes.PhenotypeValues(ctx, p.Profile.ID)
	if err != nil {
		return p, err
	}
	stored := map[string]float64{}
	for _, v := range values {
		stored[v.PhenotypeID] = v.Value
	}
	for _, ph := range catalog {
		f := surveyField{Phenotype: ph}
		if v, ok := stored[ph.ID]; ok {
			f.Value = strconv.FormatFloat(v, 'f', -1, 64)
		}
		p.Fields = append(p.Fields, f)
	}
	return p, nil
}

// handleSaveSurvey validates every field and saves all values or none; a
// field left empty removes its stored value once the rest is saved.
func handleSaveSurvey(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p, err := loadSurvey(ctx, sessions, users, phenotypes)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if !p.Consented {
			pages.error(w, r, phenolink.Errorf(phenolink.EFORBIDDEN, "Please give your consent on the consent page before contributing traits."))
			return
		}
		if err := r.ParseForm(); err != nil {
			pages.error(w, r, phenolink.Errorf(phenolink.EINVALID, "The form could not be read; please send it again."))
			return
		}
		var save []phenolink.PhenotypeValue
		var clear []string
		for i := range p.Fields {
			f := &p.Fields[i]
			had := f.Value != ""
			f.Value = strings.TrimSpace(r.PostFormValue(f.Phenotype.ID))
			if f.Value == "" {
				if had {
					clear = append(clear, f.Phenotype.ID)
				}
				continue
			}
			v, err := parseSurveyValue(f.Phenotype, f.Value)
			if err != nil {
				f.Error, p.Invalid = phenolink.ErrorMessage(err), true
				continue
			}
			save = append(save, phenolink.PhenotypeValue{ProfileID: p.Profile.ID, PhenotypeID: f.Phenotype.ID, Value: v, Source: phenolink.ValueSourceSurvey})
		}
		if p.Invalid {
			pages.page(w, r, http.StatusUnprocessableEntity, "survey", p)
			return
		}
		if len(save) > 0 {
			if err := phenotypes.SavePhenotypeValues(ctx, save); err != nil {
				pages.error(w, r, err)
				return
			}
		}
		for _, id := range clear {
			if err := phenotypes.DeletePhenotypeValue(ctx, p.Profile.ID, id); err != nil {
				pages.error(w, r, err)
				return
			}
		}
		sessions.Put(ctx, keyFlashMessage, "Your answers for "+p.Profile.Name()+" are saved.")
		http.Redirect(w, r, "/survey/", http.StatusSeeOther)
	})
}

// parseSurveyValue reads one field as a value of ph, checking its range and
// its step.
func parseSurveyValue(ph phenolink.Phenotype, s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, phenolink.Errorf(phenolink.EINVALID, "%s must be a number, such as %s.", ph.Label, strconv.FormatFloat(ph.Min, 'f', -1, 64))
	}
	if err := ph.Check(v); err != nil {
		return 0, err
	}
	if ph.Kind == phenolink.Quantitative && ph.Step > 0 {
		n := (v - ph.Min) / ph.Step
		if math.Abs(n-math.Round(n)) > 1e-6 {
			return 0, phenolink.Errorf(phenolink.EINVALID, "%s goes in steps of %s; %s is between two of them.", ph.Label, strconv.FormatFloat(ph.Step, 'f', -1, 64), s)
		}
	}
	return v, nil
}
