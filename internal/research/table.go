package research

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"phenolink/internal/association"
	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// testOptions are the association rules every test follows: PLINK 1.9's
// counted allele, and Firth's refit where a logistic estimate diverges.
var testOptions = association.Options{Convention: association.PLINK1Linear, FirthFallback: true}

// tables builds c's table at every marker (calls as callRows lays
// them out), and tests the testable ones.
func tables(ctx context.Context, c cohort, markers []phenolink.IndexedMarker, calls []phenolink.Call, k int) ([]Table, error) {
	out := make([]Table, len(markers))
	order := valueOrder(c)
	col := make([]phenolink.Call, len(c.values))
	scratch := make([]float64, len(c.values))
	var tests []*association.Marker
	var testAt []int
	for j, mk := range markers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i, r := range c.rows {
			col[i] = calls[r*len(markers)+j]
		}
		out[j] = Table{Marker: mk, Phenotype: c.phenotype}
		if am := fillGroups(&out[j], order, col, k, scratch); am != nil {
			tests = append(tests, am)
			testAt = append(testAt, j)
		}
	}
	if len(tests) == 0 {
		return out, nil
	}
	results, err := runTests(c, tests)
	if err != nil {
		return nil, err
	}
	for i, r := range results {
		t := &out[testAt[i]]
		setDosages(t.Groups, r.A1, r.A2)
		sortGroups(t.Groups)
		if r.NotTestable != "" {
			t.Note = notTestable(r.NotTestable)
			continue
		}
		t.Test = newTest(&r, c.phenotype.Kind == phenolink.Binary)
		if r.Firth {
			t.Note = "Firth's penalised estimate: one genotype (nearly) predicts the outcome, where the plain estimate diverges."
		}
	}
	return out, nil
}

// personValue is a person's value and index among the cohort's people.
type personValue struct {
	value  float64
	person int
}

// valueOrder returns c's people with their values, for a quantitative
// phenotype in order of value, so that each group's values come out sorted
// for its median without a sort per group or marker; a binary phenotype's
// groups need no order.
func valueOrder(c cohort) []personValue {
	order := make([]personValue, len(c.values))
	for i, v := range c.values {
		order[i] = personValue{v, i}
	}
	if c.phenotype.Kind != phenolink.Binary {
		sortByValue(order)
	}
	return order
}

// sortByValue sorts people by value. It is a least-significant-digit radix
// sort on the values' bits, a byte per pass, skipping the bytes every value
// shares (most of a measurement's low mantissa bytes are zero): a few
// passes over the people instead of a comparison sort's n log n
// comparisons. The order of equal values does not matter: a group's values
// come out the same either way.
func sortByValue(order []personValue) {
	keys := make([]uint64, len(order))
	var or, and uint64 = 0, ^uint64(0)
	for i, pv := range order {
		if math.IsNaN(pv.value) {
			slices.SortFunc(order, func(a, b personValue) int { return cmp.Compare(a.value, b.value) })
			return
		}
		keys[i] = orderedBits(pv.value)
		or |= keys[i]
		and &= keys[i]
	}
	tmpKeys := make([]uint64, len(order))
	tmp := make([]personValue, len(order))
	for shift := uint(0); shift < 64; shift += 8 {
		if (or^and)>>shift&0xff == 0 {
			continue // every key has this byte
		}
		var count [257]int
		for _, k := range keys {
			count[k>>shift&0xff+1]++
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for i, k := range keys {
			d := k >> shift & 0xff
			tmpKeys[count[d]] = k
			tmp[count[d]] = order[i]
			count[d]++
		}
		keys, tmpKeys = tmpKeys, keys
		copy(order, tmp)
	}
}

// orderedBits maps a value to an integer in the same order: the sign bit
// flipped for positive values, every bit for negative ones; zero of
// either sign maps as +0.
func orderedBits(v float64) uint64 {
	if v == 0 {
		v = 0
	}
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// fillGroups fills t's groups, N, LeftOut and Note from the people's
// values (in order, as valueOrder gives them) and calls, and returns the
// marker record to test, or nil when t cannot be tested (its Note says
// why). scratch holds a value per person; the groups' values are laid out
// in it.
func fillGroups(t *Table, order []personValue, calls []phenolink.Call, k int, scratch []float64) *association.Marker {
	var counts [256]int
	total := 0
	for _, call := range calls {
		if call.IsCalled() {
			counts[call]++
			total++
		}
	}
	if total < k {
		t.Note = fmt.Sprintf("Fewer than %d people have a value and a call here, so nothing is shown.", k)
		return nil
	}
	var hiddenSizes []int
	shown := 0
	var sorted [256][]float64
	for call, n := range counts {
		switch {
		case n >= k:
			t.N += n
			sorted[call] = scratch[:0:n]
			scratch = scratch[n:]
			shown++
		case n > 0:
			hiddenSizes = append(hiddenSizes, n)
			t.Groups = append(t.Groups, Group{Genotype: phenolink.Call(call).String(), Hidden: true})
		}
	}
	t.LeftOut = leftOutShown(hiddenSizes, k)
	binary := t.Phenotype.Kind == phenolink.Binary
	for _, pv := range order {
		if c := calls[pv.person]; c.IsCalled() && counts[c] >= k {
			sorted[c] = append(sorted[c], pv.value)
		}
	}
	for call, v := range sorted {
		if v != nil {
			t.Groups = append(t.Groups, summarise(phenolink.Call(call), v, binary))
		}
	}
	setDosages(t.Groups, "", "")
	sortGroups(t.Groups)
	a1, a2, n := testAlleles(calls, &counts, k)
	switch {
	case shown == 0:
		t.Note = fmt.Sprintf("not testable: every genotype group has fewer than %d people.", k)
	case n > 2:
		t.Note = "not testable: the people shown carry more than two alleles here; the additive model needs two."
	case n < 2 || shown < 2:
		t.Note = "not testable: everyone shown has the same genotype."
	case constant(t.Groups, binary):
		t.Note = "not testable: everyone shown has the same value."
	default:
		return testMarker(t.Marker, a1, a2, calls, &counts, k)
	}
	return nil
}

// leftOutShown returns the number of people in hidden groups when it
// leaves every hidden group's size anywhere from 1 to k-1, 0 otherwise.
func leftOutShown(hidden []int, k int) int {
	m, sum := len(hidden), 0
	for _, n := range hidden {
		sum += n
	}
	if m >= 2 && sum >= (m-1)+(k-1) && sum <= (m-1)*(k-1)+1 {
		return sum
	}
	return 0
}

// testAlleles returns the alleles of the shown groups' calls in the order
// first seen over the people (profile id order), and how many there are
// (counting at most three). The groups say which alleles there are, so the
// walk over the people stops once it has seen them all, usually at once.
func testAlleles(calls []phenolink.Call, counts *[256]int, k int) (a1, a2 uint8, n int) {
	var present [256]bool
	want := 0
	for call, c := range counts {
		if c < k {
			continue
		}
		for _, a := range [2]uint8{phenolink.Call(call).First(), phenolink.Call(call).Second()} {
			if a != phenolink.AlleleNone && !present[a] {
				present[a] = true
				want++
			}
		}
	}
	want = min(want, 3)
	var seen [3]uint8
	for _, call := range calls {
		if n == want {
			break
		}
		if !call.IsCalled() || counts[call] < k {
			continue
		}
		for _, a := range [2]uint8{call.First(), call.Second()} {
			if a == phenolink.AlleleNone || slices.Contains(seen[:n], a) {
				continue
			}
			seen[n] = a
			if n++; n == 3 {
				return seen[0], seen[1], n
			}
		}
	}
	return seen[0], seen[1], n
}

// constant reports whether every shown person has the same value, which
// no regression can relate to anything.
func constant(groups []Group, binary bool) bool {
	n, cases := 0, 0
	var lo, hi = math.Inf(1), math.Inf(-1)
	for _, g := range groups {
		if g.Hidden {
			continue
		}
		n += g.N
		cases += g.Cases
		lo, hi = math.Min(lo, g.Mean), math.Max(hi, g.Mean)
		if g.N > 1 && g.SD > 0 {
			return false
		}
	}
	if binary {
		return cases == 0 || cases == n
	}
	return lo == hi
}

// testMarker packs the shown people's calls as a .bed record over all of
// values' people, everyone else missing; a haploid call is homozygous.
func testMarker(mk phenolink.IndexedMarker, a1, a2 uint8, calls []phenolink.Call, counts *[256]int, k int) *association.Marker {
	// Each call's .bed code, worked out once per call rather than per person.
	var codes [256]byte
	for call := range codes {
		c := phenolink.Call(call)
		codes[call] = plinkfile.Missing
		if !c.IsCalled() || counts[call] < k {
			continue
		}
		first, second := c.First(), c.Second()
		if second == phenolink.AlleleNone {
			second = first
		}
		switch b2i(first == a1) + b2i(second == a1) {
		case 2:
			codes[call] = plinkfile.HomAllele1
		case 1:
			codes[call] = plinkfile.Het
		default:
			codes[call] = plinkfile.HomAllele2
		}
	}
	rec := make([]byte, plinkfile.RecordLen(len(calls)))
	for j := range rec {
		var b byte
		// The last byte's padding stays zero, as PLINK writes it.
		for q, call := range calls[4*j : min(4*j+4, len(calls))] {
			b |= codes[call] << (2 * q)
		}
		rec[j] = b
	}
	return &association.Marker{
		Chrom: mk.Chrom.String(), ID: mk.ID, Pos: int64(mk.Pos),
		Allele1: string(phenolink.AlleleLetter(a1)), Allele2: string(phenolink.AlleleLetter(a2)),
		Genotypes: rec,
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runTests fits c's model at every marker of ms, one marker at a time:
// for the page's few markers that costs far less than a scan's set-up, and
// gives the scan's results exactly.
func runTests(c cohort, ms []*association.Marker) ([]association.Result, error) {
	co := &association.Cohort{Phenotype: c.values}
	var fit func(*association.Marker) (association.Result, error)
	if c.phenotype.Kind == phenolink.Binary {
		model, err := association.NewLogisticModel(co, testOptions)
		if err != nil {
			return nil, err
		}
		fit = model.Fit
	} else {
		model, err := association.NewLinearModel(co, testOptions)
		if err != nil {
			return nil, err
		}
		fit = model.Fit
	}
	out := make([]association.Result, len(ms))
	for i, m := range ms {
		r, err := fit(m)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// newTest copies an association result.
func newTest(r *association.Result, binary bool) *Test {
	t := &Test{Model: ModelLinear, A1: r.A1, A2: r.A2, N: r.N, Beta: r.Beta, SE: r.SE, Stat: r.Stat,
		P: r.P.P, MinusLog10P: r.P.MinusLog10, Firth: r.Firth}
	if binary {
		t.Model = ModelLogistic
		t.OR, t.ORLow, t.ORHigh = r.OddsRatio()
	}
	return t
}

// notTestable words association's reason for people.
func notTestable(reason string) string {
	switch reason {
	case association.NotTestableMonomorphic:
		return "not testable: everyone shown has the same genotype."
	case association.NotTestableTooFew:
		return "not testable: too few people for the model."
	case association.NotTestableNoConverge:
		return "not testable: the logistic regression did not converge."
	case association.NotTestableSeparation:
		return "not testable: one genotype predicts the outcome perfectly."
	}
	return "not testable: " + strings.ToLower(reason) + "."
}

// setDosages sets each group's copies of a1 ("" for none).
func setDosages(groups []Group, a1, a2 string) {
	for i := range groups {
		groups[i].Dosage = dosage(groups[i].Genotype, a1, a2)
	}
}

func dosage(genotype, a1, a2 string) int {
	if a1 == "" || a2 == "" {
		return -1
	}
	n := 0
	for i := 0; i < len(genotype); i++ {
		switch genotype[i : i+1] {
		case a1:
			n++
		case a2:
		default:
			return -1
		}
	}
	if len(genotype) == 1 {
		n *= 2 // a haploid call is stored homozygous
	}
	return n
}

// sortGroups orders groups by copies of A1, most first, a diploid call
// before a haploid one with the same copies, groups outside the model last.
func sortGroups(groups []Group) {
	slices.SortStableFunc(groups, func(a, b Group) int {
		if c := cmp.Compare(b.Dosage, a.Dosage); c != 0 {
			if a.Dosage < 0 || b.Dosage < 0 {
				return cmp.Compare(b2i(a.Dosage < 0), b2i(b.Dosage < 0))
			}
			return c
		}
		if c := cmp.Compare(len(b.Genotype), len(a.Genotype)); c != 0 {
			return c
		}
		return strings.Compare(a.Genotype, b.Genotype)
	})
}

// summarise returns the shown group of people with call, whose values v
// are sorted.
func summarise(call phenolink.Call, v []float64, binary bool) Group {
	g := Group{Genotype: call.String(), N: len(v)}
	if binary {
		for _, x := range v {
			if x == 1 {
				g.Cases++
			}
		}
		g.CaseRate = float64(g.Cases) / float64(g.N)
		return g
	}
	var sum float64
	for _, x := range v {
		sum += x
	}
	g.Mean = sum / float64(g.N)
	g.SD = math.NaN()
	if g.N > 1 {
		var ss float64
		for _, x := range v {
			ss += (x - g.Mean) * (x - g.Mean)
		}
		g.SD = math.Sqrt(ss / float64(g.N-1))
	}
	mid := g.N / 2
	g.Median = v[mid]
	if g.N%2 == 0 {
		g.Median = (v[mid-1] + v[mid]) / 2
	}
	return g
}
