package association

import (
	"encoding/binary"
	"math/bits"

	"phenolink/internal/plinkfile"
)

// byteTables turns a marker's regression sums into table look-ups: for
// each byte of a .bed record (four samples) and each of its 256 values, the
// sum over those samples of (copies of allele 2) x (centred phenotype or
// covariate). A marker then costs one look-up per byte and statistic
// instead of four multiply-adds, and never decodes its genotypes.
type byteTables struct {
	pr     *prepared
	stats  int       // phenotype first, then each covariate
	stride int       // float64s per table entry: stats, padded to 4 for 2 to 4 stats
	tab    []float64 // [byte position][byte value][stat]
	words  int       // record length rounded up to whole 64-bit words
	valid  []uint64  // low bit of each valid sample's pair set
	// On X only: males' low bits, and how many allele-2 copies a male's
	// homozygous code counts per .bed copy (1 or 0.5).
	male      []uint64
	maleScale float64
	nValid    int
	recLen    int
	// allValid is set when every sample is valid: the counts among valid
	// samples are then those among all, and count skips half its popcounts.
	allValid bool
}

// lowBits selects the low bit of every two-bit genotype in a word.
const lowBits = 0x5555555555555555

func newByteTables(pr *prepared) *byteTables { return newTables(pr, nil) }

// newTables builds the tables; with xm, those of an X design: a male's
// call counts xm.maleScale times its .bed copies, and a male heterozygous
// call counts as missing, as PLINK sets it.
func newTables(pr *prepared, xm *xModel) *byteTables {
	t := newMasks(pr, xm)
	t.tab = make([]float64, t.recLen*256*t.stride)
	for j := range t.recLen {
		for b := range 256 {
			t.entry(j, byte(b), t.tab[(j*256+b)*t.stride:][:t.stats])
		}
	}
	return t
}

// newMasks is newTables without the look-up tables (tab stays nil): the
// sample masks and counts that popcounts need, and what entry needs to sum
// a record directly, which is cheaper than the tables for a few markers.
func newMasks(pr *prepared, xm *xModel) *byteTables {
	recLen := plinkfile.RecordLen(pr.n)
	s := 1 + len(pr.covs)
	stride := s
	if s >= 2 && s <= 4 {
		// Four lanes make one 32-byte entry that the inner loop adds
		// without a loop over statistics.
		stride = 4
	}
	t := &byteTables{pr: pr, stats: s, stride: stride, words: (recLen + 7) / 8, recLen: recLen, nValid: pr.nValid, allValid: pr.nValid == pr.n}
	t.valid = make([]uint64, t.words)
	if xm != nil {
		t.male = make([]uint64, t.words)
		t.maleScale = xm.maleScale
	}
	for i := range pr.n {
		if pr.valid[i] {
			t.valid[i/32] |= 1 << (uint(i%32) * 2)
		}
		if xm != nil && pr.male[i] {
			t.male[i/32] |= 1 << (uint(i%32) * 2)
		}
	}
	return t
}

// entry adds into row (one per stat, zero on entry) the table entry of
// value b at byte position j: over its four samples, in order, dosage times
// the centred phenotype and each covariate. The tables and the direct sums
// both come from here, so they agree to the bit.
func (t *byteTables) entry(j int, b byte, row []float64) {
	pr := t.pr
	for k := range 4 {
		i := 4*j + k
		if i >= pr.n || !pr.valid[i] {
			continue
		}
		g := b >> (2 * k) & 3
		d := dosage2[g]
		if t.male != nil && pr.male[i] {
			d *= t.maleScale
			if g == plinkfile.Het {
				d = 0
			}
		}
		row[0] += d * pr.y[i]
		for c, col := range pr.covs {
			row[c+1] += d * col[i]
		}
	}
}

// dosage2 maps a .bed code to copies of the .bim's allele 2, 0 for missing.
var dosage2 = [4]float64{plinkfile.HomAllele1: 0, plinkfile.Missing: 0, plinkfile.Het: 1, plinkfile.HomAllele2: 2}

// genotypeCounts are the calls of one marker by class.
type genotypeCounts struct {
	het, hom2, miss          int // among valid samples
	allHet, allHom2, allMiss int // among all samples, for the allele frequency
}

// count tallies classes with popcounts over the padded record words: a
// word's high bits are the het and hom2 calls, its low bits the hom2 and
// missing ones, and both together the hom2 ones. Padding codes are 00
// (homozygous allele 1), which no class here counts.
func (t *byteTables) count(words []uint64) genotypeCounts {
	var hi, both, lo int
	for _, x := range words {
		l, h := x&lowBits, x>>1&lowBits
		hi += bits.OnesCount64(h)
		both += bits.OnesCount64(h & l)
		lo += bits.OnesCount64(l)
	}
	c := genotypeCounts{allHet: hi - both, allHom2: both, allMiss: lo - both}
	if t.allValid {
		c.het, c.hom2, c.miss = c.allHet, c.allHom2, c.allMiss
		return c
	}
	hi, both, lo = 0, 0, 0
	for w, x := range words {
		v := t.valid[w]
		l, h := x&lowBits&v, x>>1&lowBits&v
		hi += bits.OnesCount64(h)
		both += bits.OnesCount64(h & l)
		lo += bits.OnesCount64(l)
	}
	c.het, c.hom2, c.miss = hi-both, both, lo-both
	return c
}

// sums adds the table entries of every byte of rec into out (one per stat).
func (t *byteTables) sums(rec []byte, out []float64) {
	if t.stats == 1 {
		var s0, s1 float64
		tab := t.tab[:len(rec)*256]
		j := 0
		for ; j+1 < len(rec); j += 2 {
			s0 += tab[j<<8|int(rec[j])]
			s1 += tab[(j+1)<<8|int(rec[j+1])]
		}
		if j < len(rec) {
			s0 += tab[j<<8|int(rec[j])]
		}
		out[0] = s0 + s1
		return
	}
	s, stride := t.stats, t.stride
	for c := range out {
		out[c] = 0
	}
	for j, b := range rec {
		row := t.tab[(j<<8|int(b))*stride:][:s]
		for c, v := range row {
			out[c] += v
		}
	}
}

// blockSums is sums for a block of markers, out[k*stats+c] for marker k
// and statistic c. It walks the record bytes in chunks and, for each chunk,
// every marker: the chunk's slice of the tables then stays in cache across
// the block, where marker by marker the whole table (512 bytes per sample
// and statistic) would stream through the cache once per marker.
func (t *byteTables) blockSums(ms []Marker, out []float64) {
	s, stride := t.stats, t.stride
	out = out[:len(ms)*s]
	clear(out)
	chunk := blockChunk
	for j0 := 0; j0 < t.recLen; j0 += chunk {
		j1 := min(j0+chunk, t.recLen)
		tab := t.tab[j0*256*stride : j1*256*stride]
		for k := range ms {
			rec := ms[k].Genotypes[j0:j1]
			if s == 1 {
				var a0, a1 float64
				j := 0
				for ; j+1 < len(rec); j += 2 {
					a0 += tab[j<<8|int(rec[j])]
					a1 += tab[(j+1)<<8|int(rec[j+1])]
				}
				if j < len(rec) {
					a0 += tab[j<<8|int(rec[j])]
				}
				out[k] += a0 + a1
				continue
			}
			acc := out[k*s : (k+1)*s]
			if stride == 4 {
				// Two rows per step into separate sums keep the additions
				// from waiting on each other.
				var a0, a1, a2, a3, b0, b1, b2, b3 float64
				j := 0
				for ; j+1 < len(rec); j += 2 {
					r := tab[(j<<8|int(rec[j]))*4:][:4]
					q := tab[((j+1)<<8|int(rec[j+1]))*4:][:4]
					a0 += r[0]
					a1 += r[1]
					a2 += r[2]
					a3 += r[3]
					b0 += q[0]
					b1 += q[1]
					b2 += q[2]
					b3 += q[3]
				}
				if j < len(rec) {
					r := tab[(j<<8|int(rec[j]))*4:][:4]
					a0 += r[0]
					a1 += r[1]
					a2 += r[2]
					a3 += r[3]
				}
				sum := [4]float64{a0 + b0, a1 + b1, a2 + b2, a3 + b3}
				for c := range acc {
					acc[c] += sum[c]
				}
				continue
			}
			for j, b := range rec {
				row := tab[(j<<8|int(b))*s:][:s]
				for c := range acc {
					acc[c] += row[c]
				}
			}
		}
	}
}

// blockChunk is how many record bytes blockSums sums per pass over a
// block: 128 KB of tables with one statistic, 512 KB with four.
const blockChunk = 64

// directBlockSums is blockSums of one marker, rec, for tables built by
// newMasks: each byte's entry is computed where blockSums looks it up, and
// added in the same order, so the sums are the same to the bit. scratch
// holds stats float64s.
func (t *byteTables) directBlockSums(rec []byte, out, scratch []float64) {
	s := t.stats
	out = out[:s]
	clear(out)
	row := scratch[:s]
	if s > 4 {
		for j, b := range rec[:t.recLen] {
			clear(row)
			t.entry(j, b, row)
			for c := range out {
				out[c] += row[c]
			}
		}
		return
	}
	// Up to four statistics blockSums keeps separate sums of the even and
	// odd bytes of each chunk, and adds both to the total at its end.
	var even, odd [4]float64
	for j0 := 0; j0 < t.recLen; j0 += blockChunk {
		j1 := min(j0+blockChunk, t.recLen)
		even, odd = [4]float64{}, [4]float64{}
		for j := j0; j < j1; j++ {
			clear(row)
			t.entry(j, rec[j], row)
			acc := &even
			if (j-j0)%2 == 1 {
				acc = &odd
			}
			for c, v := range row {
				acc[c] += v
			}
		}
		for c := range out {
			out[c] += even[c] + odd[c]
		}
	}
}

// directSums is sums for tables built by newMasks, as directBlockSums is
// blockSums.
func (t *byteTables) directSums(rec []byte, out, scratch []float64) {
	s := t.stats
	out = out[:s]
	clear(out)
	row := scratch[:s]
	if s == 1 {
		var even, odd float64
		for j, b := range rec[:t.recLen] {
			row[0] = 0
			t.entry(j, b, row)
			if j%2 == 0 {
				even += row[0]
			} else {
				odd += row[0]
			}
		}
		out[0] = even + odd
		return
	}
	for j, b := range rec[:t.recLen] {
		clear(row)
		t.entry(j, b, row)
		for c := range out {
			out[c] += row[c]
		}
	}
}

// loadWords copies rec into zero-padded little-endian words.
func loadWords(rec []byte, words []uint64, pad []byte) {
	n := copy(pad, rec)
	clear(pad[n:])
	for w := range words {
		words[w] = binary.LittleEndian.Uint64(pad[8*w:])
	}
}

// missingSums returns the sum of the centred phenotype and of its square
// over the valid samples whose call is missing: all an intercept-only model
// needs to drop them. It is eachMissing without a call per sample.
func (t *byteTables) missingSums(words []uint64) (sy, syy float64) {
	y := t.pr.y
	for w, x := range words {
		m := x & lowBits &^ (x >> 1) & t.valid[w]
		for m != 0 {
			v := y[w*32+bits.TrailingZeros64(m)/2]
			sy += v
			syy += v * v
			m &= m - 1
		}
	}
	return sy, syy
}

// eachMissing calls f with the index of every valid sample whose call is
// missing; missing calls are few, so this visits only them.
func (t *byteTables) eachMissing(words []uint64, f func(i int)) {
	for w, x := range words {
		m := x & lowBits &^ (x >> 1) & t.valid[w]
		for m != 0 {
			b := bits.TrailingZeros64(m)
			f(w*32 + b/2)
			m &= m - 1
		}
	}
}
