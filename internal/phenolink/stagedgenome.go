package phenolink

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// StagedGenome is an import waiting in the job queue: the parsed markers
// and calls, never the raw file. Its binary form is about 7 bytes a marker
// (7 MB for a 960,000-marker file), inside MaxJobPayload; every byte of it
// is held several times over on its way through the database driver, so it
// is kept small.
type StagedGenome struct {
	Info    GenomeInfo // ProfileID, Source, Build and Chip are kept
	Markers []Marker
	Calls   []Call
}

// stagedMagic starts every staged genome, so a payload of another kind, or
// of the earlier format, is refused rather than misread. Jobs live minutes,
// so a payload staged before an upgrade is asked for again.
const stagedMagic = "PLGENOME2\n"

// Marker ids are stored as one uvarint whose low two bits say how to read
// the rest: the number of an "rs" or "i" id, or the length of a literal id
// whose bytes follow.
const (
	idLiteral = 0
	idRS      = 1
	idI       = 2
	idTagBits = 2
	// idMaxDigits keeps a numbered id's value, shifted by the tag, in 64 bits.
	idMaxDigits = 18
)

// idNumber reports the number of an id that is prefix followed by digits
// without a leading zero, which is how the id is rebuilt exactly.
func idNumber(id, prefix string) (uint64, bool) {
	digits, ok := strings.CutPrefix(id, prefix)
	if !ok || digits == "" || len(digits) > idMaxDigits || digits[0] == '0' {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// idCode is the uvarint that starts marker id's entry.
func idCode(id string) uint64 {
	if v, ok := idNumber(id, "rs"); ok {
		return v<<idTagBits | idRS
	}
	if v, ok := idNumber(id, "i"); ok {
		return v<<idTagBits | idI
	}
	return uint64(len(id))<<idTagBits | idLiteral
}

// zigzag maps a signed delta to an unsigned one with small magnitudes small.
func zigzag(d int64) uint64   { return uint64(d<<1) ^ uint64(d>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// digitCount is the number of decimal digits of v.
func digitCount(v uint64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// MarshalBinary encodes g: a header, the info as JSON and the marker count,
// then four columns: the ids (see idCode), the chromosomes as runs of
// (chromosome, length), the positions as zigzag deltas against the previous
// marker on the same chromosome, and the calls, one byte each. The buffer
// is sized exactly in a first pass.
func (g StagedGenome) MarshalBinary() ([]byte, error) {
	if len(g.Markers) != len(g.Calls) {
		return nil, Errorf(EINVALID, "The import has %d markers but %d calls.", len(g.Markers), len(g.Calls))
	}
	if len(g.Markers) > MaxGenomeMarkers {
		return nil, Errorf(ETOOLARGE, "The import has %d markers; at most %d are accepted.", len(g.Markers), MaxGenomeMarkers)
	}
	info, err := json.Marshal(struct {
		ProfileID, Source, Chip string
		Build                   int
	}{g.Info.ProfileID, g.Info.Source, g.Info.Chip, g.Info.Build})
	if err != nil {
		return nil, err
	}
	n := len(g.Markers)

	// Size pass, which also validates every marker.
	size := len(stagedMagic) + uvarintLen(uint64(len(info))) + len(info) + uvarintLen(uint64(n))
	runs, runStart := 0, 0
	var prev [ChromosomeMT + 1]int64
	for i, m := range g.Markers {
		if err := m.Validate(); err != nil {
			return nil, err
		}
		code := idCode(m.ID)
		size += uvarintLen(code)
		if code&(1<<idTagBits-1) == idLiteral {
			size += len(m.ID)
		}
		if i+1 == n || g.Markers[i+1].Chrom != m.Chrom {
			// A run of one chromosome ends here: its byte and its length.
			runs++
			size += 1 + uvarintLen(uint64(i+1-runStart))
			runStart = i + 1
		}
		size += uvarintLen(zigzag(int64(m.Pos) - prev[m.Chrom]))
		prev[m.Chrom] = int64(m.Pos)
	}
	size += uvarintLen(uint64(runs)) + n

	b := make([]byte, 0, size)
	b = append(b, stagedMagic...)
	b = binary.AppendUvarint(b, uint64(len(info)))
	b = append(b, info...)
	b = binary.AppendUvarint(b, uint64(n))
	for _, m := range g.Markers {
		code := idCode(m.ID)
		b = binary.AppendUvarint(b, code)
		if code&(1<<idTagBits-1) == idLiteral {
			b = append(b, m.ID...)
		}
	}
	b = binary.AppendUvarint(b, uint64(runs))
	for i := 0; i < n; {
		j := i + 1
		for j < n && g.Markers[j].Chrom == g.Markers[i].Chrom {
			j++
		}
		b = binary.AppendUvarint(append(b, byte(g.Markers[i].Chrom)), uint64(j-i))
		i = j
	}
	prev = [ChromosomeMT + 1]int64{}
	for _, m := range g.Markers {
		b = binary.AppendUvarint(b, zigzag(int64(m.Pos)-prev[m.Chrom]))
		prev[m.Chrom] = int64(m.Pos)
	}
	for _, c := range g.Calls {
		b = append(b, byte(c))
	}
	return b, nil
}

// stagedReader reads the columns of a staged genome, never past its end.
type stagedReader struct {
	b  []byte
	ok bool
}

func (r *stagedReader) uvarint() uint64 {
	v, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.ok, r.b = false, nil
		return 0
	}
	r.b = r.b[k:]
	return v
}

// bytes returns the next n bytes, or fails when fewer are left.
func (r *stagedReader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.ok, r.b = false, nil
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// UnmarshalBinary decodes what MarshalBinary wrote. Every count and length
// is checked against the bytes left before anything is allocated, so a
// damaged payload is refused with EINVALID rather than misread. The marker
// ids share one string.
func (g *StagedGenome) UnmarshalBinary(data []byte) error {
	bad := Errorf(EINVALID, "The staged genome is damaged; upload the file again.")
	if !bytes.HasPrefix(data, []byte(stagedMagic)) {
		return bad
	}
	r := stagedReader{b: data[len(stagedMagic):], ok: true}
	var info struct {
		ProfileID, Source, Chip string
		Build                   int
	}
	if raw := r.bytes(r.uvarint()); !r.ok || json.Unmarshal(raw, &info) != nil {
		return bad
	}
	count := r.uvarint()
	// Each marker takes at least one byte for its id, position and call.
	if !r.ok || count > MaxGenomeMarkers || count > uint64(len(r.b))/3 {
		return bad
	}
	n := int(count)

	// First pass over the ids: check them and add up their length.
	ids := r.b
	total := 0
	var digits [20]byte
	for range n {
		code := r.uvarint()
		switch code & (1<<idTagBits - 1) {
		case idLiteral:
			id := r.bytes(code >> idTagBits)
			if len(id) == 0 || len(id) > MaxMarkerIDLength || !markerIDChars(id) {
				return bad
			}
			total += len(id)
		case idRS:
			total += 2 + digitCount(code>>idTagBits)
		case idI:
			total += 1 + digitCount(code>>idTagBits)
		default:
			r.ok = false
		}
		if !r.ok {
			return bad
		}
	}
	ids = ids[:len(ids)-len(r.b)]

	markers, calls := make([]Marker, n), make([]Call, n)
	// Second pass: write every id into one string; each marker keeps the
	// end of its id in Pos until the string is done.
	var sb strings.Builder
	sb.Grow(total)
	idr := stagedReader{b: ids, ok: true}
	for i := range n {
		code := idr.uvarint()
		v := code >> idTagBits
		switch code & (1<<idTagBits - 1) {
		case idLiteral:
			sb.Write(idr.bytes(v))
		case idRS:
			sb.WriteString("rs")
			sb.Write(strconv.AppendUint(digits[:0], v, 10))
		case idI:
			sb.WriteByte('i')
			sb.Write(strconv.AppendUint(digits[:0], v, 10))
		}
		markers[i].Pos = uint32(sb.Len())
	}
	all := sb.String()
	start := uint32(0)
	for i := range markers {
		end := markers[i].Pos
		markers[i].ID = all[start:end]
		start = end
	}

	runs := r.uvarint()
	if !r.ok || runs > count {
		return bad
	}
	i := 0
	for range runs {
		chrom := r.bytes(1)
		length := r.uvarint()
		if !r.ok || length == 0 || length > uint64(n-i) || !Chromosome(chrom[0]).Valid() {
			return bad
		}
		for end := i + int(length); i < end; i++ {
			markers[i].Chrom = Chromosome(chrom[0])
		}
	}
	if i != n {
		return bad
	}
	// Ids and chromosomes were checked above, so each marker passes
	// Marker.Validate once its position is in range.
	var prev [ChromosomeMT + 1]int64
	for i := range markers {
		m := &markers[i]
		pos := prev[m.Chrom] + unzigzag(r.uvarint())
		if !r.ok || pos < 0 || pos > math.MaxInt32 {
			return bad
		}
		m.Pos, prev[m.Chrom] = uint32(pos), pos
	}
	if len(r.b) != n {
		return bad
	}
	for i, c := range r.b {
		calls[i] = Call(c)
	}
	g.Info = GenomeInfo{ProfileID: info.ProfileID, Source: info.Source, Chip: info.Chip, Build: info.Build}
	g.Markers, g.Calls = markers, calls
	return nil
}
