package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"slices"
	"strings"

	"phenolink/internal/phenolink"
)

// Effect is one planted association: each copy of the alternate allele of
// marker Marker (an index into the key) adds Beta to the trait.
type Effect struct {
	Marker int
	Beta   float64
}

// Trait is a quantitative phenotype with known causes, so that an
// association scan over a synthetic cohort has a right answer to find:
//
//	value = Mean + MaleShift (for males) + sum of Beta x dosage + SD x noise
//
// The noise is a standard normal draw fixed by the individual and the
// trait's ID, so the same person always gets the same value. A dosage that
// is missing (a no-call, or a marker off the person's chip) counts as its
// population mean, 2 x AltFreq (AltFreq when the call would be haploid),
// which is how association tools usually impute it.
type Trait struct {
	ID        string  // column name, e.g. "height_mm": lower case, digits and "_"
	Mean      float64 // the baseline of a female with no planted effect
	MaleShift float64 // added for males; 0 when the trait does not differ by sex
	SD        float64 // standard deviation of the noise, >= 0
	Effects   []Effect
}

var traitID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Validate reports whether t can be computed over a key of n markers.
func (t Trait) Validate(n int) error {
	switch {
	case !traitID.MatchString(t.ID):
		return fmt.Errorf("synth: trait id %q: want a lower-case letter, then letters, digits or _ (at most 64)", t.ID)
	case !(t.SD >= 0) || math.IsInf(t.SD, 0):
		return fmt.Errorf("synth: trait %s: noise SD %v: want a finite number >= 0", t.ID, t.SD)
	case math.IsNaN(t.Mean) || math.IsInf(t.Mean, 0) || math.IsNaN(t.MaleShift) || math.IsInf(t.MaleShift, 0):
		return fmt.Errorf("synth: trait %s: mean and male shift must be finite", t.ID)
	}
	seen := make(map[int]bool, len(t.Effects))
	for _, e := range t.Effects {
		switch {
		case e.Marker < 0 || e.Marker >= n:
			return fmt.Errorf("synth: trait %s: marker index %d is outside the key of %d markers", t.ID, e.Marker, n)
		case seen[e.Marker]:
			return fmt.Errorf("synth: trait %s: marker index %d is planted twice", t.ID, e.Marker)
		case math.IsNaN(e.Beta) || math.IsInf(e.Beta, 0):
			return fmt.Errorf("synth: trait %s: marker index %d has a non-finite effect", t.ID, e.Marker)
		}
		seen[e.Marker] = true
	}
	return nil
}

// Value returns the individual's trait value over key, drawing only the
// calls at the planted markers.
func (t Trait) Value(ind Individual, key []Marker) float64 {
	c := ind.caller()
	return t.ValueOf(ind, key, func(i int) phenolink.Call { return c.call(&key[i], i) })
}

// ValueOf is Value for an individual whose calls are already at hand:
// call(i) returns the call at key index i, for example from a genome
// built once for a raw file.
func (t Trait) ValueOf(ind Individual, key []Marker, call func(i int) phenolink.Call) float64 {
	v := t.Mean
	if ind.Sex == Male {
		v += t.MaleShift
	}
	for _, e := range t.Effects {
		m := key[e.Marker]
		d := float64(Dosage(m, call(e.Marker)))
		if d < 0 {
			d = 2 * float64(m.AltFreq)
			if haploidFor(m.Chrom, ind.Sex) {
				d = float64(m.AltFreq)
			}
		}
		v += e.Beta * d
	}
	return v + t.SD*ind.normal(t.ID)
}

// haploidFor reports whether an individual of sex carries one copy of chrom.
func haploidFor(chrom Chromosome, sex Sex) bool {
	return chrom == ChromMT || chrom == ChromY || (chrom == ChromX && sex == Male)
}

// normal returns a standard normal draw fixed by the individual and label
// (Box-Muller on two 32-bit uniforms from one hash).
func (ind Individual) normal(label string) float64 {
	h := fnv.New64a()
	h.Write([]byte(label))
	x := mix(streamKey(ind.Seed, uint64(ind.Index), 6) ^ h.Sum64())
	u1 := (float64(x>>32) + 0.5) / (1 << 32)
	u2 := (float64(x&0xffffffff) + 0.5) / (1 << 32)
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// PickEffects chooses len(betas) markers to plant betas on, fixed by seed:
// autosomal markers on chip whose minor allele frequency is at least
// minMAF, so that a modest cohort carries enough copies of each to detect
// it. Markers come back in key order with betas in the order given. It
// returns an error when the key has too few such markers.
func PickEffects(seed int64, key []Marker, chip Chip, minMAF float64, betas []float64) ([]Effect, error) {
	return PickSharedEffects(seed, key, []Chip{chip}, minMAF, betas)
}

// PickSharedEffects is PickEffects for a cohort typed on several chips: it
// chooses among markers on every one of chips, so that each planted marker
// is called in everyone and passes a scan's call-rate filter.
func PickSharedEffects(seed int64, key []Marker, chips []Chip, minMAF float64, betas []float64) ([]Effect, error) {
	if len(chips) == 0 {
		return nil, fmt.Errorf("synth.PickSharedEffects: no chips")
	}
	filters := make([]chipFilter, len(chips))
	names := make([]string, len(chips))
	for j, c := range chips {
		filters[j], names[j] = c.filter(seed), c.Name
	}
	var eligible []int
	for i := range key {
		m := &key[i]
		maf := math.Min(float64(m.AltFreq), 1-float64(m.AltFreq))
		if m.Chrom < ChromX && maf >= minMAF && onAll(filters, i) {
			eligible = append(eligible, i)
		}
	}
	chipName := strings.Join(names, "+")
	if len(eligible) < len(betas) {
		return nil, fmt.Errorf("synth.PickSharedEffects: only %d autosomal markers on every chip of %s have a minor allele frequency of %.2f or more; %d are needed",
			len(eligible), chipName, minMAF, len(betas))
	}
	// A partial Fisher-Yates shuffle driven by counter-based draws.
	k := streamKey(seed, uint64(len(key)), 7)
	for j := range betas {
		r := j + int(mix(k+uint64(j)*golden)%uint64(len(eligible)-j))
		eligible[j], eligible[r] = eligible[r], eligible[j]
	}
	chosen := slices.Clone(eligible[:len(betas)])
	slices.Sort(chosen)
	effects := make([]Effect, len(betas))
	for j, b := range betas {
		effects[j] = Effect{Marker: chosen[j], Beta: b}
	}
	return effects, nil
}

func onAll(filters []chipFilter, i int) bool {
	for _, f := range filters {
		if !f.has(i) {
			return false
		}
	}
	return true
}
