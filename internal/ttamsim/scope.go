package ttamsim

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// scopeSet is a granted set of scopes.
type scopeSet map[string]bool

// namedScopes maps each fixed scope to the words the authorize page shows.
func namedScopes() map[string]string {
	return map[string]string{
		"basic":       "See your profiles and whether each has been genotyped.",
		"names":       "See the names on your account and profiles.",
		"email":       "See your account's e-mail address.",
		"genomes":     "Read your whole genome (every marker you have not locked).",
		"ancestry":    "Read your ancestry composition.",
		"haplogroups": "Read your maternal and paternal haplogroups.",
		"relatives":   "Read your DNA relatives.",
		"family_tree": "Read your family tree.",
		"analyses":    "Read your health and trait analyses.",
		"report:all":  "Read all of your reports.",
	}
}

var (
	markerScope     = regexp.MustCompile(`^(rs|i)[0-9]{1,12}$`)
	reportScope     = regexp.MustCompile(`^report:[a-z0-9_]{1,64}$`)
	phenotypesScope = regexp.MustCompile(`^phenotypes:(read|write):[a-z0-9_]{1,64}$`)
)

// parseScope splits a space-separated scope string, rejecting unknown
// scopes the way the authorize and token endpoints do.
func parseScope(s string) (scopeSet, error) {
	set := scopeSet{}
	for _, f := range strings.Fields(s) {
		if _, known := namedScopes()[f]; !known && !markerScope.MatchString(f) &&
			!reportScope.MatchString(f) && !phenotypesScope.MatchString(f) {
			return nil, fmt.Errorf("unknown scope %q", f)
		}
		set[f] = true
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("no scope requested")
	}
	return set, nil
}

// String returns the scopes space-separated in a stable order.
func (s scopeSet) String() string {
	names := make([]string, 0, len(s))
	for k := range s {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := scopeRank(a), scopeRank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return strings.Join(names, " ")
}

// scopeRank orders the common scopes first, as clients write them.
func scopeRank(s string) int {
	if i := slices.Index([]string{"basic", "names", "email", "genomes"}, s); i >= 0 {
		return i
	}
	return 10
}

// subsetOf reports whether every scope in s is in t.
func (s scopeSet) subsetOf(t scopeSet) bool {
	for k := range s {
		if !t[k] {
			return false
		}
	}
	return true
}

// allowsMarker reports whether the scopes unlock marker id's genotype.
func (s scopeSet) allowsMarker(id string) bool { return s["genomes"] || s[id] }

// allowsAnyMarker reports whether the scopes unlock at least one genotype.
func (s scopeSet) allowsAnyMarker() bool {
	for k := range s {
		if k == "genomes" || markerScope.MatchString(k) {
			return true
		}
	}
	return false
}

// allowsReport reports whether the scopes unlock report id.
func (s scopeSet) allowsReport(id string) bool { return s["report:all"] || s["report:"+id] }

// describe returns one line per scope for the authorize page.
func (s scopeSet) describe() []string {
	var lines []string
	named := namedScopes()
	for _, name := range strings.Fields(s.String()) {
		switch {
		case named[name] != "":
			lines = append(lines, named[name])
		case markerScope.MatchString(name):
			lines = append(lines, fmt.Sprintf("Read your genotype at marker %s.", name))
		case reportScope.MatchString(name):
			lines = append(lines, fmt.Sprintf("Read your report %q.", strings.TrimPrefix(name, "report:")))
		case phenotypesScope.MatchString(name):
			parts := strings.SplitN(name, ":", 3)
			verb := "Read"
			if parts[1] == "write" {
				verb = "Record"
			}
			lines = append(lines, fmt.Sprintf("%s your %s.", verb, strings.ReplaceAll(parts[2], "_", " ")))
		}
	}
	return lines
}
