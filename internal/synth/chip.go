package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"
)

// Chip is a genotyping chip version. It covers a share of the key; the rest
// of the key is NotOnChip ("__") for a profile typed on it. Which markers a
// chip covers depends on the seed and the chip's name, not on the person.
type Chip struct {
	Name     string  // "v5"
	Platform string  // the v3 API's platform label, e.g. "ILMN_CUSTOMv5"
	Coverage float64 // share of the key on the chip, 0..1
}

// Chips returns the 23andMe chip versions. Coverages are set so that a
// 1.2-million-marker key gives files of realistic size: v3 about 960,000
// rows, v5 about 630,000.
func Chips() []Chip {
	return []Chip{
		{Name: "v1", Platform: "ILMN_CUSTOMv1", Coverage: 0.48},
		{Name: "v2", Platform: "ILMN_CUSTOMv2", Coverage: 0.49},
		{Name: "v3", Platform: "ILMN_CUSTOMv3", Coverage: 0.80},
		{Name: "v4", Platform: "ILMN_CUSTOMv4", Coverage: 0.48},
		{Name: "v5", Platform: "ILMN_CUSTOMv5", Coverage: 0.525},
	}
}

// FullChip covers every marker of the key; useful when the key itself is
// meant to be one chip.
func FullChip() Chip { return Chip{Name: "full", Platform: "ILMN_CUSTOM", Coverage: 1} }

// LookupChip returns the chip named name ("v1".."v5", "full").
func LookupChip(name string) (Chip, error) {
	if strings.EqualFold(name, "full") {
		return FullChip(), nil
	}
	for _, c := range Chips() {
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
	}
	return Chip{}, fmt.Errorf("synth.LookupChip(%q): unknown chip, want v1..v5 or full", name)
}

// chipFilter decides chip membership with one hash per marker.
type chipFilter struct {
	key       uint64
	threshold uint64
	all       bool
}

func (c Chip) filter(seed int64) chipFilter {
	h := fnv.New64a()
	h.Write([]byte(c.Name))
	f := chipFilter{key: streamKey(seed, h.Sum64(), 2)}
	switch {
	case c.Coverage >= 1:
		f.all = true
	case c.Coverage > 0:
		f.threshold = uint64(c.Coverage * math.MaxUint64)
	}
	return f
}

func (f chipFilter) has(i int) bool {
	return f.all || mix(f.key+uint64(i)*golden) < f.threshold
}

// Has reports whether marker index i of a key made from seed is on the chip.
func (c Chip) Has(seed int64, i int) bool { return c.filter(seed).has(i) }
