package research

import (
	"strings"

	"phenolink/internal/phenolink"
)

// MaxSNPs bounds the markers of one request, so that one page costs at most
// one read of that many bytes of every stored genome.
const MaxSNPs = 50

// maxSNPInput bounds the text ParseSNPs reads: MaxSNPs ids of the longest
// length, each with a separator.
const maxSNPInput = MaxSNPs * (phenolink.MaxMarkerIDLength + 2)

// ParseSNPs splits a list of marker ids as people type it ("rs1, rs2 i3"),
// separated by commas or white space, into ids without repeats, in the order
// given. "RS123" and "I123" read as "rs123" and "i123", as 23andMe writes
// them. An empty list, an over-long id, one with characters no marker id has
// or more than MaxSNPs ids is an EINVALID error that says what to fix.
func ParseSNPs(s string) ([]string, error) {
	if len(s) > maxSNPInput {
		return nil, phenolink.Errorf(phenolink.EINVALID, "The SNP list is too long: enter at most %d marker ids, such as rs53576.", MaxSNPs)
	}
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 {
		return nil, phenolink.Errorf(phenolink.EINVALID, "Enter at least one marker id, such as rs53576.")
	}
	ids := make([]string, 0, len(fields))
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		id, err := parseSNP(f)
		if err != nil {
			return nil, err
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) > MaxSNPs {
		return nil, phenolink.Errorf(phenolink.EINVALID, "%d marker ids is too many: enter at most %d at a time.", len(ids), MaxSNPs)
	}
	return ids, nil
}

// parseSNP checks one id and writes 23andMe's prefixes in lower case.
func parseSNP(f string) (string, error) {
	if len(f) > phenolink.MaxMarkerIDLength {
		return "", phenolink.Errorf(phenolink.EINVALID, "Marker id %.20q... is longer than %d characters.", f, phenolink.MaxMarkerIDLength)
	}
	for i := 0; i < len(f); i++ {
		if c := f[i]; c <= ' ' || c > '~' {
			return "", phenolink.Errorf(phenolink.EINVALID, "Marker id %q may hold only letters, digits and signs, such as rs53576.", f)
		}
	}
	switch {
	case len(f) > 2 && (f[:2] == "RS" || f[:2] == "Rs" || f[:2] == "rS") && digits(f[2:]):
		return "rs" + f[2:], nil
	case len(f) > 1 && f[0] == 'I' && digits(f[1:]):
		return "i" + f[1:], nil
	}
	return f, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
