package ttamsim

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"

	"phenolink/internal/synth"
)

// accession is a GRCh37 sequence as /3/accession/ describes it.
type accession struct {
	ID         string `json:"id"`
	Chromosome string `json:"chromosome"`
	Length     int    `json:"length"`
}

func toAccession(c synth.Chromosome) accession {
	return accession{ID: c.Accession(), Chromosome: c.String(), Length: int(c.Length())}
}

func (s *Server) refAccessions(w http.ResponseWriter, r *http.Request) error {
	var all []accession
	for _, c := range synth.Chromosomes() {
		all = append(all, toAccession(c))
	}
	return page(w, r, all)
}

func (s *Server) refAccession(w http.ResponseWriter, r *http.Request) error {
	c, ok := synth.ChromosomeByAccession(r.PathValue("aid"))
	if !ok {
		return errorf(http.StatusNotFound, "not_found", "Accession %q is not a GRCh37 sequence; see /3/accession/.", r.PathValue("aid"))
	}
	writeJSON(w, http.StatusOK, toAccession(c))
	return nil
}

func (s *Server) refMarker(w http.ResponseWriter, r *http.Request) error {
	idx, err := s.markerIndexes([]string{r.PathValue("mid")}, http.StatusNotFound)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.refMarkerJSON(idx[0]))
	return nil
}

// snpsData serves the key file: '#' comments, a header row, then one row per
// marker in genome-string order with its 1-based GRCh37 position.
func (s *Server) snpsData(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "# Marker key of the 23andMe API simulator: %d synthetic markers from seed %d.\n", len(s.key), s.cfg.Seed)
	fmt.Fprintf(bw, "# SNP i of a /1/genomes/ string is genome[2i:2i+2]. Positions are GRCh37, 1-based.\n")
	bw.WriteString("index\tsnp\tchromosome\tchromosome_position\n")
	row := make([]byte, 0, 48)
	for i, m := range s.key {
		row = strconv.AppendInt(row[:0], int64(i), 10)
		row = append(row, '\t')
		row = append(row, m.ID...)
		row = append(row, '\t')
		row = append(row, m.Chrom.String()...)
		row = append(row, '\t')
		row = strconv.AppendUint(row, uint64(m.Pos), 10)
		row = append(row, '\n')
		if _, err := bw.Write(row); err != nil {
			return // the client went away
		}
	}
	bw.Flush()
}
