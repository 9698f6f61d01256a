package ttam

import (
	"bytes"
	"encoding/json"
	"fmt"

	"phenolink/internal/phenolink"
)

// Account is the v3 account a token belongs to. Names are empty without the
// names scope and Email without the email scope.
type Account struct {
	ID        string    `json:"id"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Email     string    `json:"email"`
	Profiles  []Profile `json:"profiles"`
}

// Profile is one person on an account.
type Profile struct {
	ID             string  `json:"id"`
	FirstName      string  `json:"first_name"`
	LastName       string  `json:"last_name"`
	IsGenotyped    bool    `json:"is_genotyped"`
	IsAncestryOnly bool    `json:"is_ancestry_only"`
	ProfileImage   *string `json:"profile_image"`
}

// UnmarshalJSON accepts a full profile object or, as some servers send in
// an account's profile list without ?include=profiles, a bare id string.
func (p *Profile) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		*p = Profile{}
		return json.Unmarshal(b, &p.ID)
	}
	type plain Profile
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = Profile(v)
	return nil
}

// Marker is a v3 marker. On a profile's marker endpoints the Is* fields and
// the variants' dosages describe that profile's call; the reference endpoint
// /3/marker/{id}/ leaves them zero.
type Marker struct {
	ID           string    `json:"id"`
	AlternateIDs []string  `json:"alternate_ids"`
	GeneNames    []string  `json:"gene_names"`
	AccessionID  string    `json:"accession_id"`
	Start        int64     `json:"start"` // GRCh37, 0-based
	End          int64     `json:"end"`   // exclusive
	IsGenotyped  bool      `json:"is_genotyped"`
	IsAssayed    bool      `json:"is_assayed"`
	IsNoCall     bool      `json:"is_no_call"`
	Variants     []Variant `json:"variants"`
}

// Variant is one allele of a marker and, on a profile, how many copies of it
// the profile carries.
type Variant struct {
	AccessionID    string   `json:"accession_id"`
	Start          int64    `json:"start"`
	End            int64    `json:"end"`
	Allele         string   `json:"allele"`
	PlatformLabels []string `json:"platform_labels"`
	Dosage         *int     `json:"dosage"` // nil on a no-call
	IsAssayed      bool     `json:"is_assayed"`
	IsNoCall       bool     `json:"is_no_call"`
}

// Call returns the profile's genotype at m: each variant's allele repeated
// dosage times, as one packed call. A marker not assayed for the profile is
// phenolink.NotOnChip and an assayed marker without a call (is_no_call, a
// null dosage, or is_genotyped false with no dosage) is phenolink.NoCall,
// so the two stay distinct as in the v1 genome's "__" and "--".
func (m Marker) Call() (phenolink.Call, error) {
	switch {
	case !m.IsAssayed:
		return phenolink.NotOnChip, nil
	case m.IsNoCall:
		return phenolink.NoCall, nil
	}
	var letters []byte
	for _, v := range m.Variants {
		if v.Dosage == nil {
			return phenolink.NoCall, nil
		}
		d := *v.Dosage
		if d < 0 || d > 2 {
			return 0, fmt.Errorf("ttam: marker %q allele %q: dosage %d is not 0, 1 or 2", m.ID, v.Allele, d)
		}
		if d > 0 && len(v.Allele) != 1 {
			return 0, fmt.Errorf("ttam: marker %q: allele %q is not one of A, C, G, T, D, I", m.ID, v.Allele)
		}
		for range d {
			letters = append(letters, v.Allele[0])
		}
		if len(letters) > 2 {
			return 0, fmt.Errorf("ttam: marker %q: dosages add up to more than 2", m.ID)
		}
	}
	if len(letters) == 0 {
		if !m.IsGenotyped {
			return phenolink.NoCall, nil
		}
		return 0, fmt.Errorf("ttam: marker %q: genotyped but every dosage is 0", m.ID)
	}
	c, ok := phenolink.ParseCallBytes(letters)
	if !ok || !c.IsCalled() {
		return 0, fmt.Errorf("ttam: marker %q: alleles %q are not a call", m.ID, letters)
	}
	return c, nil
}

// Accession is a GRCh37 reference sequence (a chromosome).
type Accession struct {
	ID         string `json:"id"`         // e.g. "NC_000004.11"
	Chromosome string `json:"chromosome"` // "1".."22", "X", "Y", "MT"
	Length     int64  `json:"length"`
}

// Report is a v3 report. The reference does not fix its fields beyond the
// id, so the rest are kept raw for the caller to read.
type Report struct {
	ID     string                     `json:"id"`
	Fields map[string]json.RawMessage `json:"-"` // every field, id included
}

// UnmarshalJSON keeps every field of the report.
func (r *Report) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	var id string
	if raw, ok := fields["id"]; ok {
		if err := json.Unmarshal(raw, &id); err != nil {
			return fmt.Errorf("report id: %w", err)
		}
	}
	*r = Report{ID: id, Fields: fields}
	return nil
}
