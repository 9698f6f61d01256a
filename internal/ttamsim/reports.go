package ttamsim

import (
	"net/http"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

// report is a v3 report: a trait read off one marker of the key. The
// markers are synthetic, so each summary says the result is simulated.
type report struct {
	ID       string
	Title    string
	Category string
	// Outcomes by alternate-allele dosage 0, 1, 2.
	Outcomes [3]string
	marker   int
}

// reportSpecs are the reports served; each is tied to a common autosomal
// marker of the key chosen in order.
func reportSpecs() []report {
	return []report{
		{ID: "caffeine_consumption", Title: "Caffeine Consumption", Category: "wellness",
			Outcomes: [3]string{"Likely to consume a little less caffeine.", "Likely to consume a typical amount of caffeine.", "Likely to consume a little more caffeine."}},
		{ID: "lactose_intolerance", Title: "Lactose Intolerance", Category: "wellness",
			Outcomes: [3]string{"Likely tolerant of lactose.", "Likely tolerant of lactose.", "Likely intolerant of lactose."}},
		{ID: "earwax_type", Title: "Earwax Type", Category: "traits",
			Outcomes: [3]string{"Likely wet earwax.", "Likely wet earwax.", "Likely dry earwax."}},
		{ID: "cilantro_taste_aversion", Title: "Cilantro Taste Aversion", Category: "traits",
			Outcomes: [3]string{"Slightly lower odds of disliking cilantro.", "Typical odds of disliking cilantro.", "Slightly higher odds of disliking cilantro."}},
	}
}

// buildReports ties each report to a distinct common autosomal marker in a
// gene, so that every profile on any chip gets a varied answer.
func buildReports(key []synth.Marker) []report {
	var out []report
	next := 0
	specs := reportSpecs()
	for _, spec := range specs {
		spec.marker = -1
		for ; next < len(key); next++ {
			m := key[next]
			if m.Chrom <= 22 && m.Gene != "" && m.AltFreq > 0.2 && m.AltFreq < 0.8 && m.Ref <= phenolink.AlleleT {
				spec.marker = next
				next += len(key)/len(specs) + 1
				break
			}
		}
		if spec.marker >= 0 {
			out = append(out, spec)
		}
	}
	return out
}

// reportJSON is the /3/profile/{pid}/report/{id}/ object.
type reportJSON struct {
	ID       string        `json:"id"`
	Title    string        `json:"title"`
	Category string        `json:"category"`
	Summary  *string       `json:"summary"`
	Markers  []reportEvent `json:"markers"`
}

type reportEvent struct {
	ID       string `json:"id"`
	Genotype string `json:"genotype"`
}

func (s *Server) reportFor(p Profile, rep report) reportJSON {
	m := s.key[rep.marker]
	c := s.call(p, rep.marker)
	out := reportJSON{ID: rep.ID, Title: rep.Title, Category: rep.Category,
		Markers: []reportEvent{{ID: m.ID, Genotype: c.String()}}}
	if d := synth.Dosage(m, c); d != synth.MissingDosage {
		summary := rep.Outcomes[d] + " (Simulated from synthetic genotypes.)"
		out.Summary = &summary
	}
	return out
}

func (s *Server) v3Reports(w http.ResponseWriter, r *http.Request, g grant) error {
	p, err := s.profile(g, r.PathValue("pid"))
	if err != nil {
		return err
	}
	var out []reportJSON
	for _, rep := range s.reports {
		if g.scope.allowsReport(rep.ID) {
			out = append(out, s.reportFor(p, rep))
		}
	}
	if out == nil {
		return errorf(http.StatusForbidden, "insufficient_scope", "Reading reports needs report:all or report:<id>.")
	}
	return page(w, r, out)
}

func (s *Server) v3Report(w http.ResponseWriter, r *http.Request, g grant) error {
	p, err := s.profile(g, r.PathValue("pid"))
	if err != nil {
		return err
	}
	id := r.PathValue("rid")
	for _, rep := range s.reports {
		if rep.ID != id {
			continue
		}
		if !g.scope.allowsReport(id) {
			return errorf(http.StatusForbidden, "insufficient_scope", "Reading this report needs report:all or report:%s.", id)
		}
		writeJSON(w, http.StatusOK, s.reportFor(p, rep))
		return nil
	}
	return errorf(http.StatusNotFound, "not_found", "No report %q.", id)
}
