package phenolink

import "fmt"

// Allele codes used inside a Call. Zero means "no allele", which is how a
// haploid call leaves its second half empty.
const (
	AlleleNone    = 0
	AlleleA       = 1
	AlleleC       = 2
	AlleleG       = 3
	AlleleT       = 4
	AlleleDeleted = 5 // D: a deletion
	AlleleInsert  = 6 // I: an insertion
	AlleleNoCall  = 7 // '-': on the chip, but no call was made
)

// Call is one genotype call packed in a byte: the high nibble holds the first
// allele and the low nibble the second, in sorted order so that "AG" and "GA"
// pack the same. A haploid call (male X and Y, MT) leaves the low nibble zero.
// The zero Call means the marker is not on the profile's chip ("__").
type Call uint8

// Well-known calls.
const (
	NotOnChip Call = 0x00 // "__": not on this profile's chip, or not released
	NoCall    Call = 0x77 // "--": on the chip, no call
)

var alleleLetters = [8]byte{0, 'A', 'C', 'G', 'T', 'D', 'I', '-'}

// alleleCode maps an ASCII letter to its allele code, or 0xFF when the byte
// is not a genotype letter.
var alleleCode = func() (t [256]uint8) {
	for i := range t {
		t[i] = 0xFF
	}
	for code, letter := range alleleLetters {
		if letter != 0 {
			t[letter] = uint8(code)
		}
	}
	return t
}()

// ParseCallBytes parses a call as written by 23andMe: two letters of ACGTDI,
// one letter for a haploid call, "--" or "-" for a no-call, "__" for not on
// the chip. Letters must be upper case.
func ParseCallBytes(s []byte) (Call, bool) {
	switch len(s) {
	case 1:
		a := alleleCode[s[0]]
		if a == 0xFF {
			return 0, false
		}
		if a == AlleleNoCall {
			return NoCall, true
		}
		return Call(a << 4), true
	case 2:
		if s[0] == '_' && s[1] == '_' {
			return NotOnChip, true
		}
		a, b := alleleCode[s[0]], alleleCode[s[1]]
		if a == 0xFF || b == 0xFF {
			return 0, false
		}
		if a == AlleleNoCall || b == AlleleNoCall {
			if a == b {
				return NoCall, true
			}
			return 0, false
		}
		if a > b {
			a, b = b, a
		}
		return Call(a<<4 | b), true
	}
	return 0, false
}

// ParseCall is ParseCallBytes for a string.
func ParseCall(s string) (Call, error) {
	c, ok := ParseCallBytes([]byte(s))
	if !ok {
		return 0, Errorf(EINVALID, "genotype %q is not a call: use two letters of A, C, G, T, D, I, one for a haploid call, or -- for a no-call", s)
	}
	return c, nil
}

// First returns the first allele code.
func (c Call) First() uint8 { return uint8(c) >> 4 }

// Second returns the second allele code, AlleleNone for a haploid call.
func (c Call) Second() uint8 { return uint8(c) & 0x0F }

// IsCalled reports whether c holds at least one real allele.
func (c Call) IsCalled() bool { return c != NotOnChip && c != NoCall }

// IsHaploid reports whether c is a single-allele call.
func (c Call) IsHaploid() bool { return c.IsCalled() && c.Second() == AlleleNone }

// String renders c the way the 23andMe raw file and v1 API write it, with
// "__" for NotOnChip and "--" for NoCall.
func (c Call) String() string {
	switch {
	case c == NotOnChip:
		return "__"
	case c == NoCall:
		return "--"
	case c.First() > AlleleNoCall || c.Second() > AlleleNoCall:
		return fmt.Sprintf("?%02x", uint8(c))
	case c.IsHaploid():
		return string(alleleLetters[c.First()])
	}
	return string([]byte{alleleLetters[c.First()], alleleLetters[c.Second()]})
}

// AlleleLetter returns the letter of an allele code, 0 for AlleleNone.
func AlleleLetter(code uint8) byte {
	if int(code) >= len(alleleLetters) {
		return '?'
	}
	return alleleLetters[code]
}
