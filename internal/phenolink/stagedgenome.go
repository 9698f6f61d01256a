package phenolink

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
)

// StagedGenome is an import waiting in the job queue: the parsed markers
// and calls, never the raw file. Its binary form is about 16 bytes a marker
// (15 MB for a 960,000-marker file), inside MaxJobPayload.
type StagedGenome struct {
	Info    GenomeInfo // ProfileID, Source, Build and Chip are kept
	Markers []Marker
	Calls   []Call
}

// stagedMagic starts every staged genome, so a payload of another kind
// is refused rather than misread.
const stagedMagic = "PLGENOME1\n"

// MarshalBinary encodes g: a header, the info as JSON, then the markers as
// one MarkerBlock-style run and the calls, one byte each.
func (g StagedGenome) MarshalBinary() ([]byte, error) {
	if len(g.Markers) != len(g.Calls) {
		return nil, Errorf(EINVALID, "The import has %d markers but %d calls.", len(g.Markers), len(g.Calls))
	}
	info, err := json.Marshal(struct {
		ProfileID, Source, Chip string
		Build                   int
	}{g.Info.ProfileID, g.Info.Source, g.Info.Chip, g.Info.Build})
	if err != nil {
		return nil, err
	}
	n := len(g.Markers)
	b := make([]byte, 0, len(stagedMagic)+len(info)+16*n+32)
	b = append(b, stagedMagic...)
	b = binary.AppendUvarint(b, uint64(len(info)))
	b = append(b, info...)
	b = binary.AppendUvarint(b, uint64(n))
	for _, m := range g.Markers {
		if err := m.Validate(); err != nil {
			return nil, err
		}
		b = append(append(b, m.ID...), '\n')
	}
	for _, m := range g.Markers {
		b = append(b, byte(m.Chrom))
	}
	for _, m := range g.Markers {
		b = binary.LittleEndian.AppendUint32(b, m.Pos)
	}
	for _, c := range g.Calls {
		b = append(b, byte(c))
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (g *StagedGenome) UnmarshalBinary(b []byte) error {
	bad := Errorf(EINVALID, "The staged genome is damaged; upload the file again.")
	if !bytes.HasPrefix(b, []byte(stagedMagic)) {
		return bad
	}
	b = b[len(stagedMagic):]
	size, k := binary.Uvarint(b)
	if k <= 0 || size > uint64(len(b)-k) {
		return bad
	}
	var info struct {
		ProfileID, Source, Chip string
		Build                   int
	}
	if err := json.Unmarshal(b[k:k+int(size)], &info); err != nil {
		return bad
	}
	b = b[k+int(size):]
	count, k := binary.Uvarint(b)
	if k <= 0 || count > MaxGenomeMarkers {
		return bad
	}
	n := int(count)
	b = b[k:]
	g.Info = GenomeInfo{ProfileID: info.ProfileID, Source: info.Source, Chip: info.Chip, Build: info.Build}
	g.Markers, g.Calls = make([]Marker, n), make([]Call, n)
	for i := range n {
		end := bytes.IndexByte(b, '\n')
		if end < 0 {
			return bad
		}
		g.Markers[i].ID = string(b[:end])
		b = b[end+1:]
	}
	if len(b) != 6*n {
		return bad
	}
	for i := range n {
		g.Markers[i].Chrom = Chromosome(b[i])
		g.Markers[i].Pos = binary.LittleEndian.Uint32(b[n+4*i:])
		g.Calls[i] = Call(b[5*n+i])
	}
	return nil
}
