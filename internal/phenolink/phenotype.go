package phenolink

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Phenotype kinds: a quantitative trait is a measurement in a unit; a
// binary one takes the values 0 and 1, named by its Levels.
const (
	Quantitative = "quantitative"
	Binary       = "binary"
)

// Where a phenotype's values come from, as shown in the catalog.
const (
	PhenotypeSourceSurvey      = "survey"      // entered by the participant
	PhenotypeSourceFitbit      = "fitbit"      // from a wearable
	PhenotypeSourceFacebook    = "facebook"    // from a social-media account
	PhenotypeSourcePersonality = "personality" // a Big Five questionnaire
	PhenotypeSource23andMe     = "23andme"     // 23andMe's own phenotype ids
)

// Where one stored value came from.
const (
	ValueSourceSurvey = "survey" // the participant's own entry
	ValueSourceImport = "import" // a researcher's CSV import
)

// Phenotype is one entry of the catalog: something participants contribute
// and researchers relate to genotypes.
type Phenotype struct {
	ID          string // stable id, such as "height_mm"
	Label       string // for people, such as "Height"
	Unit        string // such as "mm"; empty for binary phenotypes
	Kind        string // Quantitative or Binary
	Min, Max    float64
	Levels      [2]string // Binary only: the names of the values 0 and 1
	Source      string    // one of the PhenotypeSource constants
	Description string    // the question or definition, for the survey
	Step        float64   // the precision a survey input accepts; 0 means any
}

// MaxPhenotypeIDLength bounds phenotype ids.
const MaxPhenotypeIDLength = 64

// Validate reports whether p can enter the catalog.
func (p Phenotype) Validate() error {
	if p.ID == "" || len(p.ID) > MaxPhenotypeIDLength {
		return Errorf(EINVALID, "A phenotype id has 1 to %d characters.", MaxPhenotypeIDLength)
	}
	for i := 0; i < len(p.ID); i++ {
		c := p.ID[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return Errorf(EINVALID, "Phenotype id %q may hold only lower-case letters, digits and underscores.", p.ID)
		}
	}
	switch {
	case p.Label == "" || len(p.Label) > MaxNameLength:
		return Errorf(EINVALID, "Phenotype %q needs a label of at most %d characters.", p.ID, MaxNameLength)
	case len(p.Unit) > MaxNameLength || len(p.Source) > MaxNameLength || len(p.Description) > 4096:
		return Errorf(EINVALID, "Phenotype %q has an over-long unit, source or description.", p.ID)
	case p.Kind != Quantitative && p.Kind != Binary:
		return Errorf(EINVALID, "Phenotype %q must be %q or %q, not %q.", p.ID, Quantitative, Binary, p.Kind)
	case math.IsNaN(p.Min) || math.IsNaN(p.Max) || math.IsInf(p.Min, 0) || math.IsInf(p.Max, 0) || p.Min > p.Max:
		return Errorf(EINVALID, "Phenotype %q needs a finite valid range with its minimum not above its maximum.", p.ID)
	case p.Kind == Binary && (p.Min != 0 || p.Max != 1 || p.Levels[0] == "" || p.Levels[1] == ""):
		return Errorf(EINVALID, "Binary phenotype %q takes the values 0 and 1 and names both.", p.ID)
	case p.Step < 0 || math.IsNaN(p.Step) || math.IsInf(p.Step, 0):
		return Errorf(EINVALID, "Phenotype %q has an invalid step.", p.ID)
	}
	return nil
}

// Check reports whether v is a valid value of p, with a message that names
// the phenotype, its unit and its range.
func (p Phenotype) Check(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Errorf(EINVALID, "%s must be a number.", p.Label)
	}
	if p.Kind == Binary {
		if v != 0 && v != 1 {
			return Errorf(EINVALID, "%s must be 0 (%s) or 1 (%s).", p.Label, p.Levels[0], p.Levels[1])
		}
		return nil
	}
	if v < p.Min || v > p.Max {
		return Errorf(EINVALID, "%s must be between %s and %s%s.", p.Label, formatValue(p.Min), formatValue(p.Max), p.unitSuffix())
	}
	return nil
}

// Format writes v the way people read it: a level's name for binary
// phenotypes, the number and unit otherwise.
func (p Phenotype) Format(v float64) string {
	if p.Kind == Binary {
		switch v {
		case 0:
			return p.Levels[0]
		case 1:
			return p.Levels[1]
		}
	}
	return formatValue(v) + p.unitSuffix()
}

func (p Phenotype) unitSuffix() string {
	if p.Unit == "" {
		return ""
	}
	return " " + p.Unit
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// DefaultPhenotypes is the catalog a new database starts with: the original
// app's phenotype ids, 23andMe's own, and a few survey traits.
func DefaultPhenotypes() []Phenotype {
	return []Phenotype{
		{ID: "height_mm", Label: "Height", Unit: "mm", Kind: Quantitative, Min: 500, Max: 2500, Step: 1, Source: PhenotypeSource23andMe, Description: "Your height without shoes, in millimetres."},
		{ID: "weight_g", Label: "Weight", Unit: "g", Kind: Quantitative, Min: 2000, Max: 400000, Step: 1, Source: PhenotypeSource23andMe, Description: "Your weight, in grams."},
		{ID: "sex", Label: "Sex", Kind: Binary, Min: 0, Max: 1, Levels: [2]string{"female", "male"}, Source: PhenotypeSource23andMe, Description: "Your sex at birth."},
		{ID: "date_of_birth", Label: "Year of birth", Unit: "year", Kind: Quantitative, Min: 1900, Max: 2026, Step: 1, Source: PhenotypeSource23andMe, Description: "The year you were born; researchers use it for age."},
		{ID: "fitbit_avg_num_steps", Label: "Average daily steps", Unit: "steps", Kind: Quantitative, Min: 0, Max: 100000, Step: 1, Source: PhenotypeSourceFitbit, Description: "Average steps a day over the last 30 days."},
		{ID: "fitbit_resting_heart_rate", Label: "Resting heart rate", Unit: "bpm", Kind: Quantitative, Min: 20, Max: 250, Step: 1, Source: PhenotypeSourceFitbit, Description: "Average resting heart rate, in beats per minute."},
		{ID: "fitbit_sleep_duration", Label: "Sleep duration", Unit: "min", Kind: Quantitative, Min: 0, Max: 1440, Step: 1, Source: PhenotypeSourceFitbit, Description: "Average sleep a night, in minutes."},
		{ID: "fitbit_bedtime", Label: "Bedtime", Unit: "min after midnight", Kind: Quantitative, Min: -720, Max: 720, Step: 1, Source: PhenotypeSourceFitbit, Description: "Average time you fall asleep, in minutes after midnight (negative before midnight: 22:30 is -90)."},
		{ID: "fb_image_avg_people", Label: "People per photo", Unit: "people", Kind: Quantitative, Min: 0, Max: 100, Source: PhenotypeSourceFacebook, Description: "Average number of people in your photos."},
		{ID: "openness", Label: "Openness", Unit: "score", Kind: Quantitative, Min: 1, Max: 5, Source: PhenotypeSourcePersonality, Description: "Big Five openness to experience, mean item score from 1 to 5."},
		{ID: "conscientiousness", Label: "Conscientiousness", Unit: "score", Kind: Quantitative, Min: 1, Max: 5, Source: PhenotypeSourcePersonality, Description: "Big Five conscientiousness, mean item score from 1 to 5."},
		{ID: "extraversion", Label: "Extraversion", Unit: "score", Kind: Quantitative, Min: 1, Max: 5, Source: PhenotypeSourcePersonality, Description: "Big Five extraversion, mean item score from 1 to 5."},
		{ID: "agreeableness", Label: "Agreeableness", Unit: "score", Kind: Quantitative, Min: 1, Max: 5, Source: PhenotypeSourcePersonality, Description: "Big Five agreeableness, mean item score from 1 to 5."},
		{ID: "neuroticism", Label: "Neuroticism", Unit: "score", Kind: Quantitative, Min: 1, Max: 5, Source: PhenotypeSourcePersonality, Description: "Big Five neuroticism, mean item score from 1 to 5."},
		{ID: "sleep_hours", Label: "Sleep", Unit: "hours", Kind: Quantitative, Min: 0, Max: 24, Step: 0.25, Source: PhenotypeSourceSurvey, Description: "How many hours do you usually sleep a night?"},
		{ID: "caffeine_cups_per_day", Label: "Caffeine", Unit: "cups/day", Kind: Quantitative, Min: 0, Max: 30, Step: 0.5, Source: PhenotypeSourceSurvey, Description: "How many cups of coffee, tea or other caffeinated drinks do you have a day?"},
		{ID: "chronotype", Label: "Morning or evening person", Kind: Binary, Min: 0, Max: 1, Levels: [2]string{"morning", "evening"}, Source: PhenotypeSourceSurvey, Description: "Are you naturally a morning person or an evening person?"},
	}
}

// PhenotypeValue is one profile's value of one phenotype.
type PhenotypeValue struct {
	ProfileID   string
	PhenotypeID string
	Value       float64
	Source      string // ValueSourceSurvey or ValueSourceImport
	UpdatedAt   time.Time
}

// ConsentVersion names the current consent text; a participant who
// consented to an older version is asked again.
const ConsentVersion = "2026-11"

// ConsentText is what participants agree to before contributing.
const ConsentText = `I agree that Phenolink may use my genotypes and the phenotypes I contribute for research on how traits differ by genotype.
Researchers see only statistics over groups of at least the configured minimum size, never my name or my individual answers, except in individual-level exports that Phenolink records in an audit log.
I can withdraw at any time: from that moment my data is left out of every result and export. I can delete all my data at any time.`

// Consent records that a user agreed to research use, with the text and
// version they saw.
type Consent struct {
	UserID  string
	Version string
	Text    string
	GivenAt time.Time
}

// Roles a user can hold besides participant.
const RoleResearcher = "researcher"

// AuditEntry records one access to research data: who, what, when.
type AuditEntry struct {
	ID     int64
	UserID string // the researcher's account id
	Action string // such as "export.results.csv" or "export.plink"
	Detail string // what was exported: SNPs, phenotypes, scan id, row count
	At     time.Time
}

// PhenotypeStore keeps the catalog, participants' values and consent,
// researcher roles and the audit log.
type PhenotypeStore interface {
	// Phenotypes returns the catalog ordered by source, then label.
	Phenotypes(ctx context.Context) ([]Phenotype, error)
	// Phenotype returns one catalog entry, or ENOTFOUND.
	Phenotype(ctx context.Context, id string) (Phenotype, error)
	// SavePhenotype adds or updates a catalog entry.
	SavePhenotype(ctx context.Context, p Phenotype) error

	// SavePhenotypeValues validates every value against the catalog and
	// stores all of them or none, replacing earlier values of the same
	// profile and phenotype. Each profile must exist and its user must
	// consent (EFORBIDDEN otherwise).
	SavePhenotypeValues(ctx context.Context, values []PhenotypeValue) error
	// DeletePhenotypeValue removes one value; a missing one is not an error.
	DeletePhenotypeValue(ctx context.Context, profileID, phenotypeID string) error
	// PhenotypeValues returns a profile's values ordered by phenotype id.
	PhenotypeValues(ctx context.Context, profileID string) ([]PhenotypeValue, error)
	// CohortValues returns the phenotype's values of every profile whose
	// user currently consents, ordered by profile id.
	CohortValues(ctx context.Context, phenotypeID string) ([]PhenotypeValue, error)
	// CohortValuesOf reads the values of several phenotypes at once, for
	// the per-SNP results page: it calls fn for every value of a phenotype
	// of ids held by a profile whose user currently consents, ordered by
	// profile id, then phenotype id (both as bytes, as CohortValues
	// orders), with the phenotype's place in ids as phenotype. Everything
	// comes from one snapshot. An id not in the catalog is ENOTFOUND and a
	// repeated one EINVALID, before fn is called; no ids is no call. An
	// error fn returns stops the read and is returned.
	CohortValuesOf(ctx context.Context, ids []string, fn func(profileID string, phenotype int, value float64) error) error
	// ConsentingProfiles returns the ids of every profile whose user
	// currently consents, in order, for exports of the whole cohort.
	ConsentingProfiles(ctx context.Context) ([]string, error)

	// GiveConsent records or renews the user's consent.
	GiveConsent(ctx context.Context, c Consent) error
	// Consent returns the user's current consent, or ENOTFOUND.
	Consent(ctx context.Context, userID string) (Consent, error)
	// WithdrawConsent removes the user's consent; from then on none of
	// their data enters a result. Withdrawing twice is not an error.
	WithdrawConsent(ctx context.Context, userID string) error

	// SetRole grants (granted true) or revokes a role; ENOTFOUND when the
	// user does not exist.
	SetRole(ctx context.Context, userID, role string, granted bool) error
	// HasRole reports whether the user holds the role.
	HasRole(ctx context.Context, userID, role string) (bool, error)

	// RecordAudit appends an entry to the audit log.
	RecordAudit(ctx context.Context, e AuditEntry) error
	// AuditLog returns the newest entries first, at most limit of them.
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)
}

// IndexedMarker is a marker with its position in the shared index, which
// is also its offset in every stored genotype record.
type IndexedMarker struct {
	Marker
	Index int
}

// MarkerCallReader reads a few markers of every stored record without
// loading whole records, for the per-SNP results page, and the counters
// that tell the page whether what it read before is still current (those
// of the phenotype values too: the page's stores are one database).
type MarkerCallReader interface {
	GenerationReader
	// FindMarkers returns the index entries of the ids that are in the
	// index, in the order of ids; unknown ids are left out.
	FindMarkers(ctx context.Context, ids []string) ([]IndexedMarker, error)
	// CallsAt calls fn for every stored record, in profile id order, with
	// calls[i] the record's call at index position positions[i] (NotOnChip
	// past the record's end). fn must not keep calls.
	CallsAt(ctx context.Context, positions []int, fn func(profileID string, calls []Call) error) error
}

// JobScan runs a genome-wide association scan; its payload is the scan id.
const JobScan = "scan"

// Scan covariates.
const (
	CovariateSex = "sex"
	CovariateAge = "age"
)

// Scan is a genome-wide association scan of one phenotype and, once its
// job is done, a summary of its results.
type Scan struct {
	ID          int64
	PhenotypeID string
	Covariates  []string // CovariateSex and/or CovariateAge
	MinMAF      float64  // markers with a lower minor-allele frequency are skipped
	MinCallRate float64  // markers called in a smaller share of samples are skipped
	CreatedBy   string   // the researcher's account id
	JobID       int64
	CreatedAt   time.Time

	// Filled when the scan completes.
	Samples     int
	Tested      int     // markers tested
	Lambda      float64 // genomic inflation factor
	CompletedAt time.Time
}

// Validate reports whether s can be started.
func (s Scan) Validate() error {
	switch {
	case s.PhenotypeID == "" || len(s.PhenotypeID) > MaxPhenotypeIDLength:
		return Errorf(EINVALID, "A scan needs a phenotype.")
	case s.CreatedBy == "":
		return Errorf(EINVALID, "A scan needs the researcher who started it.")
	case !(s.MinMAF >= 0 && s.MinMAF < 0.5):
		return Errorf(EINVALID, "The minor-allele frequency threshold must be at least 0 and below 0.5.")
	case !(s.MinCallRate >= 0 && s.MinCallRate <= 1):
		return Errorf(EINVALID, "The call-rate threshold must be between 0 and 1.")
	}
	seen := map[string]bool{}
	for _, c := range s.Covariates {
		if c != CovariateSex && c != CovariateAge || seen[c] {
			return Errorf(EINVALID, "Covariates are %q and %q, each at most once; %q is not one.", CovariateSex, CovariateAge, c)
		}
		seen[c] = true
	}
	return nil
}

// MaxScanResults bounds a scan's stored results.
const MaxScanResults = 256 << 20

// ScanStore keeps scans and their results.
type ScanStore interface {
	// CreateScan stores s and enqueues its job in one transaction, and
	// returns s with its ID and JobID set.
	CreateScan(ctx context.Context, s Scan) (Scan, error)
	// Scan returns one scan, or ENOTFOUND.
	Scan(ctx context.Context, id int64) (Scan, error)
	// Scans returns every scan, newest first.
	Scans(ctx context.Context) ([]Scan, error)
	// CompleteScan stores the summary fields of s and its encoded results
	// (the research package's format; at most MaxScanResults bytes).
	CompleteScan(ctx context.Context, s Scan, results []byte) error
	// ScanResults returns a completed scan's encoded results, or ENOTFOUND.
	ScanResults(ctx context.Context, id int64) ([]byte, error)
	// DeleteScan removes a scan and its results.
	DeleteScan(ctx context.Context, id int64) error
}

// MaxCohortPhenotypes bounds the phenotypes one CohortValuesOf reads.
const MaxCohortPhenotypes = 256

// CheckCohortPhenotypeIDs refuses more than MaxCohortPhenotypes ids or a
// repeated one, as every CohortValuesOf must before reading.
func CheckCohortPhenotypeIDs(ids []string) error {
	if len(ids) > MaxCohortPhenotypes {
		return Errorf(EINVALID, "At most %d phenotypes can be read at once, not %d.", MaxCohortPhenotypes, len(ids))
	}
	for i, id := range ids {
		for _, o := range ids[:i] {
			if o == id {
				return Errorf(EINVALID, "Phenotype %q is asked for twice.", id)
			}
		}
	}
	return nil
}

// CohortColumn is one phenotype's values as a store reads them for
// CohortValuesOf: Place is the phenotype's place in the ids asked for,
// and Next returns the next profile id and its value, ok false past the
// last. EachCohortValue checks that the ids increase.
type CohortColumn interface {
	Place() int
	Next() (id string, value float64, ok bool, err error)
}

// EachCohortValue calls fn, as CohortValuesOf does, for every value in
// columns (in phenotype id order) of a profile in consenting (in profile
// id order): profile by profile, then column by column. Every column is
// read to its end, and an id not above the one before it in its column is
// an error, wherever it comes.
func EachCohortValue[C CohortColumn](consenting []string, columns []C, fn func(profileID string, phenotype int, value float64) error) error {
	type head struct {
		id    string
		value float64
		ok    bool
	}
	heads := make([]head, len(columns))
	next := func(k int) error {
		h := &heads[k]
		id, value, ok, err := columns[k].Next()
		switch {
		case err != nil:
			return err
		case ok && h.ok && id <= h.id:
			return fmt.Errorf("the values of phenotype %d (counting from 0) are not in profile id order: %q after %q", columns[k].Place(), id, h.id)
		}
		h.id, h.value, h.ok = id, value, ok
		return nil
	}
	for k := range columns {
		if err := next(k); err != nil {
			return err
		}
	}
	for _, id := range consenting {
		for k, c := range columns {
			for heads[k].ok && heads[k].id < id {
				if err := next(k); err != nil {
					return err
				}
			}
			if !heads[k].ok || heads[k].id != id {
				continue
			}
			if err := fn(id, c.Place(), heads[k].value); err != nil {
				return err
			}
			if err := next(k); err != nil {
				return err
			}
		}
	}
	for k := range columns {
		for heads[k].ok {
			if err := next(k); err != nil {
				return err
			}
		}
	}
	return nil
}
