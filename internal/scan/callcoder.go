package scan

import (
	"bytes"
	"encoding/binary"
	"unsafe"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// callCoder turns stored calls into two-bit .bed codes, assigning each
// marker's .bim alleles as they are first seen. Eight calls are coded at
// once, in one 64-bit word: a stored call is a byte, and most calls are
// one of their marker's three diploid calls or a no-call, which byte-wise
// comparisons in a word find without a branch per call.
type callCoder struct {
	// known[0], [1] and [2] hold, per marker, its diploid calls homozygous
	// for allele 1, heterozygous and homozygous for allele 2 once its
	// alleles are known (unknownCall until then), each in its own slice
	// padded to a multiple of 8 so that eight markers load as one word.
	known     [3][]byte
	alleles   [][2]uint8
	conflicts []uint32
}

// unknownCall fills known's entries that are not yet calls; no stored call
// has this value.
const unknownCall = 0xFF

func newCallCoder(markers int, alleles [][2]uint8, conflicts []uint32) callCoder {
	c := callCoder{alleles: alleles, conflicts: conflicts}
	for k := range c.known {
		c.known[k] = bytes.Repeat([]byte{unknownCall}, (markers+7)&^7)
	}
	return c
}

// Byte-wise constants for coding eight calls in a word.
const (
	lowSevens    = 0x7F7F7F7F7F7F7F7F
	highBits     = 0x8080808080808080
	lowNibbles   = 0x0F0F0F0F0F0F0F0F
	noCalls      = 0x7777777777777777 // eight phenolink.NoCall
	missingCodes = 0x0101010101010101 // eight plinkfile.Missing, a byte each
)

// zeroBytes returns 0x80 in each byte of x that is zero and 0 in the
// others (exactly: no borrow crosses bytes).
func zeroBytes(x uint64) uint64 {
	return ^((x&lowSevens + lowSevens) | x | lowSevens)
}

// codeWords codes the calls of markers lo to end, a whole number of words
// from lo, into row: each code, shifted left by shift, is ORed into byte
// j of row (the byte's other bits ANDed with keep first).
//
// Eight calls (marker j's in byte j of the word x) are coded against
// their markers' known calls at once; a word with a call that is neither
// a known call nor missing is coded one call at a time. A haploid call
// (male X and Y, MT) counts as homozygous, as PLINK stores it.
func (c *callCoder) codeWords(calls, row []byte, shift uint, keep uint64, lo, end int) {
	k0, k1, k2 := c.known[0], c.known[1], c.known[2]
	for j := lo; j < end; j += 8 {
		x := binary.LittleEndian.Uint64(calls[j:])
		missing := zeroBytes(x) | zeroBytes(x^noCalls)
		// A haploid call's empty low nibble takes a copy of its allele.
		x |= x >> 4 & lowNibbles & (zeroBytes(x&lowNibbles) >> 7 * 0x0F)
		hom1 := zeroBytes(x ^ binary.LittleEndian.Uint64(k0[j:]))
		het := zeroBytes(x ^ binary.LittleEndian.Uint64(k1[j:]))
		hom2 := zeroBytes(x ^ binary.LittleEndian.Uint64(k2[j:]))
		// HomAllele1 00, Missing 01, Het 10, HomAllele2 11.
		codes := (het|hom2)>>6 | (hom2|missing)>>7
		if hom1|het|hom2|missing != highBits {
			codes = c.codeSlowly(calls, j)
		}
		binary.LittleEndian.PutUint64(row[j:], codes<<shift|binary.LittleEndian.Uint64(row[j:])&keep)
	}
}

// codeSlowly codes the calls of markers j to j+7 one by one.
func (c *callCoder) codeSlowly(calls []byte, j int) uint64 {
	var codes uint64
	for i := range 8 {
		codes |= uint64(c.code(j+i, calls[j+i])) << (8 * i)
	}
	return codes
}

// codeTail codes markers j to hi, fewer than eight or past the end of
// calls (where they are missing), one code a byte.
func (c *callCoder) codeTail(calls []byte, j, hi int) uint64 {
	if j >= len(calls) {
		return missingCodes
	}
	var codes uint64
	for i := 0; i < 8 && j+i < hi; i++ {
		code := byte(plinkfile.Missing)
		if j+i < len(calls) {
			code = c.code(j+i, calls[j+i])
		}
		codes |= uint64(code) << (8 * i)
	}
	return codes
}

// code returns the two-bit code of call b at marker i.
func (c *callCoder) code(i int, b byte) byte {
	switch b {
	case c.known[0][i]:
		return plinkfile.HomAllele1
	case c.known[1][i]:
		return plinkfile.Het
	case c.known[2][i]:
		return plinkfile.HomAllele2
	}
	return c.slowCode(i, phenolink.Call(b))
}

// slowCode codes a call that is not one of the marker's known diploid
// calls: a missing or haploid call, or one with a new allele.
func (c *callCoder) slowCode(i int, call phenolink.Call) byte {
	if !call.IsCalled() {
		return plinkfile.Missing
	}
	a, b := call.First(), call.Second()
	if b == phenolink.AlleleNone {
		b = a
	}
	al := &c.alleles[i]
	sa, sb := slot(al, a), slot(al, b)
	if sa < 0 || sb < 0 {
		c.conflicts[i]++
		return plinkfile.Missing
	}
	// Known calls are filled as alleles appear, so that a marker whose
	// second allele is rare or not yet seen takes the fast path too.
	c.known[0][i] = al[0]<<4 | al[0]
	if al[1] != phenolink.AlleleNone {
		lo, hi := min(al[0], al[1]), max(al[0], al[1])
		c.known[1][i], c.known[2][i] = lo<<4|hi, al[1]<<4|al[1]
	}
	// Slots 0+0, 0+1 and 1+1 are the codes 00, 10 and 11.
	return [3]byte{plinkfile.HomAllele1, plinkfile.Het, plinkfile.HomAllele2}[sa+sb]
}

// slot returns which of the marker's two alleles a is, claiming a free one
// for a new allele, and -1 when both are taken by others.
func slot(al *[2]uint8, a uint8) int {
	switch {
	case al[0] == a:
		return 0
	case al[0] == phenolink.AlleleNone:
		al[0] = a
		return 0
	case al[1] == a:
		return 1
	case al[1] == phenolink.AlleleNone:
		al[1] = a
		return 1
	}
	return -1
}

// callBytes views calls as bytes without copying them; a Call is a byte.
func callBytes(calls []phenolink.Call) []byte {
	if len(calls) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&calls[0])), len(calls))
}
