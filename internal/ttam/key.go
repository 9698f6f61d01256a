package ttam

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// GenomeKey is the layout of the v1 packed genome, parsed from
// /res/txt/snps.data: marker i of every genome is Markers[i].
type GenomeKey struct {
	Markers []KeyMarker
}

// KeyMarker is one row of the genome key.
type KeyMarker struct {
	ID         string // rsid or internal "i" id
	Chromosome string // "1".."22", "X", "Y", "MT" as the key writes it
	Position   int64  // as the key writes it (GRCh37)
}

// keyColumns are the header's column names, in the reference's order.
var keyColumns = [4]string{"index", "snp", "chromosome", "chromosome_position"}

// maxKeyLine bounds one line of the key; real rows are about 30 bytes.
const maxKeyLine = 4 << 10

// ParseGenomeKey parses the genome key: "#" comment lines, then the header
// "index	snp	chromosome	chromosome_position", then one tab-separated row
// per marker whose index counts up from 0. Blank lines and CRLF line ends
// are accepted. It reads the whole key first (callers bound r) so that the
// rows can be counted and stored without regrowing.
func ParseGenomeKey(r io.Reader) (*GenomeKey, error) {
	text, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("ttam: reading the genome key: %w", err)
	}
	rows := newKeyBuilder(bytes.Count(text, []byte{'\n'})+1, len(text))
	chroms := map[string]string{} // one string per chromosome name
	header := false
	var fields [4][]byte
	for line := 1; len(text) > 0; line++ {
		var b []byte
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			b, text = text[:i], text[i+1:]
		} else {
			b, text = text, nil
		}
		if len(b) > maxKeyLine {
			return nil, fmt.Errorf("ttam: genome key line %d: longer than %d bytes", line, maxKeyLine)
		}
		b = bytes.TrimSuffix(b, []byte{'\r'})
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		if !splitTabs(b, &fields) {
			return nil, fmt.Errorf("ttam: genome key line %d: want 4 tab-separated fields", line)
		}
		if !header {
			for i, want := range keyColumns {
				if string(fields[i]) != want {
					return nil, fmt.Errorf("ttam: genome key line %d: header column %d is %q, want %q", line, i+1, clip(string(fields[i]), 40), want)
				}
			}
			header = true
			continue
		}
		index, err := strconv.Atoi(string(fields[0]))
		if err != nil || index != len(rows.markers) {
			return nil, fmt.Errorf("ttam: genome key line %d: index %q, want %d", line, clip(string(fields[0]), 20), len(rows.markers))
		}
		pos, err := strconv.ParseInt(string(fields[3]), 10, 64)
		if err != nil || pos < 0 {
			return nil, fmt.Errorf("ttam: genome key line %d: position %q is not a non-negative integer", line, clip(string(fields[3]), 20))
		}
		if len(fields[1]) == 0 {
			return nil, fmt.Errorf("ttam: genome key line %d: empty snp id", line)
		}
		chrom, ok := chroms[string(fields[2])]
		if !ok {
			if len(chroms) >= 64 {
				return nil, fmt.Errorf("ttam: genome key line %d: more than 64 chromosome names", line)
			}
			chrom = string(fields[2])
			chroms[chrom] = chrom
		}
		rows.add(fields[1], chrom, pos)
	}
	if !header {
		return nil, fmt.Errorf("ttam: genome key has no header line")
	}
	return rows.key(), nil
}

// keyBuilder collects key rows into a slice sized from the line count and
// every id into one buffer, so that a million-row key costs a handful of
// allocations instead of a million strings and a regrown slice.
type keyBuilder struct {
	markers []KeyMarker
	ids     []byte
	ends    []int
}

func newKeyBuilder(lines, textBytes int) *keyBuilder {
	return &keyBuilder{
		markers: make([]KeyMarker, 0, lines),
		ids:     make([]byte, 0, textBytes/3),
		ends:    make([]int, 0, lines),
	}
}

func (b *keyBuilder) add(id []byte, chrom string, pos int64) {
	b.markers = append(b.markers, KeyMarker{Chromosome: chrom, Position: pos})
	b.ids = append(b.ids, id...)
	b.ends = append(b.ends, len(b.ids))
}

func (b *keyBuilder) key() *GenomeKey {
	ids := string(b.ids)
	start := 0
	for i, end := range b.ends {
		b.markers[i].ID = ids[start:end]
		start = end
	}
	return &GenomeKey{Markers: b.markers}
}

// splitTabs splits b into exactly four tab-separated fields.
func splitTabs(b []byte, out *[4][]byte) bool {
	for i := range 3 {
		j := bytes.IndexByte(b, '\t')
		if j < 0 {
			return false
		}
		out[i], b = b[:j], b[j+1:]
	}
	if bytes.IndexByte(b, '\t') >= 0 {
		return false
	}
	out[3] = b
	return true
}
