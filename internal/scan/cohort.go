package scan

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"phenolink/internal/association"
	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// cohort is a scan's phenotype and covariate values by profile, before
// genomes are read.
type cohort struct {
	values    map[string]float64 // the scan's phenotype, consenting profiles only
	sex       map[string]float64 // the sex phenotype: 0 female, 1 male
	birthYear map[string]float64
	needAge   bool
	noAge     int
	refYear   int // age is refYear minus the year of birth
}

// loadCohort reads the consenting profiles' values of the scan's
// phenotype and of the covariates' phenotypes.
func loadCohort(ctx context.Context, ps phenolink.PhenotypeStore, s phenolink.Scan, ph phenolink.Phenotype) (*cohort, error) {
	co := &cohort{needAge: slices.Contains(s.Covariates, phenolink.CovariateAge), refYear: s.CreatedAt.Year()}
	if s.CreatedAt.IsZero() {
		co.refYear = time.Now().Year()
	}
	var err error
	if co.values, err = cohortValues(ctx, ps, ph.ID, false); err != nil {
		return nil, err
	}
	// Sex decides X coding even when it is not a covariate.
	if co.sex, err = cohortValues(ctx, ps, sexPhenotype, true); err != nil {
		return nil, err
	}
	if co.needAge {
		if co.birthYear, err = cohortValues(ctx, ps, birthYearPhenotype, true); err != nil {
			return nil, err
		}
		for id := range co.values {
			if _, ok := co.birthYear[id]; !ok {
				co.noAge++
			}
		}
	}
	return co, nil
}

// cohortValues maps profile ids to their value of a phenotype; a missing
// catalog entry is no values when optional.
func cohortValues(ctx context.Context, ps phenolink.PhenotypeStore, id string, optional bool) (map[string]float64, error) {
	vs, err := ps.CohortValues(ctx, id)
	if err != nil {
		if optional && phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
			return map[string]float64{}, nil
		}
		return nil, fmt.Errorf("loading the values of %q: %w", id, err)
	}
	m := make(map[string]float64, len(vs))
	for _, v := range vs {
		m[v.ProfileID] = v.Value
	}
	return m, nil
}

// wanted reports whether a profile's genome belongs in the matrix: it has
// the phenotype and, when age is a covariate, a year of birth. Sex is
// decided once the genome is read.
func (co *cohort) wanted(profileID string) bool {
	if _, ok := co.values[profileID]; !ok {
		return false
	}
	if co.needAge {
		_, ok := co.birthYear[profileID]
		return ok
	}
	return true
}

// sexOf returns a sample's sex: the sex phenotype when recorded, else
// inferred from its genome.
func (co *cohort) sexOf(profileID string, st genomeStats) int {
	if v, ok := co.sex[profileID]; ok {
		if v == 1 {
			return plinkfile.SexMale
		}
		return plinkfile.SexFemale
	}
	return st.inferredSex()
}

// associationCohort lays the values out in the matrix's sample order, with
// the samples left out (unknown sex where sex is a covariate) missing. It
// fills sum's Samples and NoSex and returns which samples take part and
// which are male.
func (co *cohort) associationCohort(s phenolink.Scan, g *genotypeMatrix, sum *Summary) (*association.Cohort, []bool, []bool) {
	n := g.n()
	c := &association.Cohort{Phenotype: make([]float64, n), Sex: make([]int, n)}
	valid, male := make([]bool, n), make([]bool, n)
	covs := make([][]float64, len(s.Covariates))
	for j := range covs {
		covs[j] = make([]float64, n)
	}
	for i, id := range g.ids {
		sex := co.sexOf(id, g.stats[i])
		c.Sex[i] = sex
		male[i] = sex == plinkfile.SexMale
		ok := true
		for j, name := range s.Covariates {
			switch name {
			case phenolink.CovariateSex:
				switch sex {
				case plinkfile.SexMale:
					covs[j][i] = 1
				case plinkfile.SexFemale:
					covs[j][i] = 0
				default:
					covs[j][i] = math.NaN()
					ok = false
					sum.NoSex++
				}
			case phenolink.CovariateAge:
				covs[j][i] = float64(co.refYear) - co.birthYear[id]
			}
		}
		c.Phenotype[i] = math.NaN()
		if ok {
			c.Phenotype[i] = co.values[id]
			valid[i] = true
			sum.Samples++
		}
	}
	c.Covariates = covs
	return c, valid, male
}
