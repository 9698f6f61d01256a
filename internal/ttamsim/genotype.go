package ttamsim

import (
	"fmt"
	"net/http"
	"strings"

	"phenolink/internal/phenolink"
)

// maxIDs bounds one request's marker list, as the v3 API does.
const maxIDs = 10_000

// call is profile p's call at marker index i: the one genotype source
// behind v1 genotypes, v1 genomes and v3 markers alike.
func (s *Server) call(p Profile, i int) phenolink.Call {
	if !p.Genotyped {
		return phenolink.NotOnChip
	}
	return p.person.Call(s.key, i)
}

// v1Call renders a call in two characters, doubling a haploid letter.
func v1Call(c phenolink.Call) string {
	if c.IsHaploid() {
		l := phenolink.AlleleLetter(c.First())
		return string([]byte{l, l})
	}
	return c.String()
}

// parseMarkerIDs reads marker ids separated by spaces, '+' or commas, from
// one or more query values, keeping the first of duplicates. Ids must look
// like rsNNN or iNNN.
func parseMarkerIDs(values []string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, id := range strings.FieldsFunc(v, func(r rune) bool {
			return r == ' ' || r == ',' || r == '+' || r == '\t' || r == '\n' || r == '\r'
		}) {
			if !markerScope.MatchString(id) {
				return nil, fmt.Errorf("marker id %.40q: want rs or i followed by digits", id)
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
			if len(ids) > maxIDs {
				return nil, fmt.Errorf("more than %d marker ids: ask in smaller batches", maxIDs)
			}
		}
	}
	return ids, nil
}

// markerIndexes resolves ids against the key; unknownStatus is the status
// an unknown id gets (404 in v3, 400 in v1).
func (s *Server) markerIndexes(ids []string, unknownStatus int) ([]int, error) {
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		i, ok := s.byID[id]
		if !ok {
			code := "not_found"
			if unknownStatus == http.StatusBadRequest {
				code = "invalid_request"
			}
			return nil, errorf(unknownStatus, code, "Marker %s is not in the key (see /res/txt/snps.data).", id)
		}
		out = append(out, i)
	}
	return out, nil
}

// checkMarkerScope answers 403 unless every marker is unlocked.
func checkMarkerScope(g grant, ids []string) error {
	for _, id := range ids {
		if !g.scope.allowsMarker(id) {
			return errorf(http.StatusForbidden, "insufficient_scope", "Reading marker %s needs the genomes or %s scope.", id, id)
		}
	}
	return nil
}
