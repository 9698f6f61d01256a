package phenolink

import (
	"math"
	"strings"
	"testing"
)

func TestDefaultPhenotypesAreValidAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range DefaultPhenotypes() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		if seen[p.ID] {
			t.Errorf("%s appears twice", p.ID)
		}
		seen[p.ID] = true
	}
	for _, id := range []string{"fitbit_avg_num_steps", "fitbit_resting_heart_rate", "fitbit_sleep_duration", "fitbit_bedtime", "fb_image_avg_people", "openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism", "height_mm", "weight_g", "sex", "date_of_birth"} {
		if !seen[id] {
			t.Errorf("the catalog lacks %s", id)
		}
	}
}

func TestPhenotypeValidateRefuses(t *testing.T) {
	good := Phenotype{ID: "x", Label: "X", Kind: Quantitative, Min: 0, Max: 1}
	for name, mutate := range map[string]func(*Phenotype){
		"empty id":       func(p *Phenotype) { p.ID = "" },
		"upper-case id":  func(p *Phenotype) { p.ID = "Height" },
		"no label":       func(p *Phenotype) { p.Label = "" },
		"unknown kind":   func(p *Phenotype) { p.Kind = "ordinal" },
		"inverted range": func(p *Phenotype) { p.Min, p.Max = 2, 1 },
		"infinite max":   func(p *Phenotype) { p.Max = math.Inf(1) },
		"binary unnamed": func(p *Phenotype) { p.Kind = Binary },
		"negative step":  func(p *Phenotype) { p.Step = -1 },
	} {
		p := good
		mutate(&p)
		if err := p.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate = %v, want EINVALID", name, err)
		}
	}
	if err := good.Validate(); err != nil {
		t.Errorf("good phenotype: %v", err)
	}
}

func TestPhenotypeCheck(t *testing.T) {
	height := Phenotype{ID: "height_mm", Label: "Height", Unit: "mm", Kind: Quantitative, Min: 500, Max: 2500}
	sex := Phenotype{ID: "sex", Label: "Sex", Kind: Binary, Max: 1, Levels: [2]string{"female", "male"}}
	for _, tc := range []struct {
		p    Phenotype
		v    float64
		want string // part of the message; empty for valid
	}{
		{height, 1700, ""},
		{height, 500, ""},
		{height, 2501, "between 500 and 2500 mm"},
		{height, math.NaN(), "must be a number"},
		{sex, 1, ""},
		{sex, 0.5, "0 (female) or 1 (male)"},
	} {
		err := tc.p.Check(tc.v)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s.Check(%v) = %v", tc.p.ID, tc.v, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("%s.Check(%v) = %v, want EINVALID with %q", tc.p.ID, tc.v, err, tc.want)
		}
	}
	if got := sex.Format(1); got != "male" {
		t.Errorf("Format(1) = %q", got)
	}
	if got := height.Format(1712.5); got != "1712.5 mm" {
		t.Errorf("Format = %q", got)
	}
}

func TestScanValidate(t *testing.T) {
	good := Scan{PhenotypeID: "height_mm", CreatedBy: "u", MinMAF: 0.01, MinCallRate: 0.95, Covariates: []string{CovariateSex, CovariateAge}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Scan){
		"no phenotype":   func(s *Scan) { s.PhenotypeID = "" },
		"no researcher":  func(s *Scan) { s.CreatedBy = "" },
		"maf 0.5":        func(s *Scan) { s.MinMAF = 0.5 },
		"call rate 2":    func(s *Scan) { s.MinCallRate = 2 },
		"nan maf":        func(s *Scan) { s.MinMAF = math.NaN() },
		"unknown covar":  func(s *Scan) { s.Covariates = []string{"bmi"} },
		"repeated covar": func(s *Scan) { s.Covariates = []string{CovariateSex, CovariateSex} },
	} {
		s := good
		mutate(&s)
		if err := s.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate = %v, want EINVALID", name, err)
		}
	}
}
