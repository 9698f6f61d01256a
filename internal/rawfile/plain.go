package rawfile

import (
	"encoding/binary"
	"math/bits"

	"phenolink/internal/phenolink"
)

// plainRowBytes bounds a plain row with its line end: an id of at most 12
// bytes, a chromosome of 2, a position of 10, a call of 2, three tabs and
// CRLF make 32. plainRows reads a row only when this many bytes follow its
// start, so it never looks past the chunk.
const plainRowBytes = 32

// idCopyBytes is how many bytes plainRows copies for an id, whatever its
// length: a fixed-size copy is a few moves rather than a call, and the
// bytes past the id are overwritten by the next one. The ids column keeps
// this much room at its end.
const idCopyBytes = 16

// plainRows reads the rows at the start of b that are in the form nearly
// every row of a 23andMe file has: an id rs<digits> or i<digits> that
// markerKey packs, a chromosome, a position of at most 10 digits, a call of
// one or two letters, and a line end. It returns the bytes read, whole
// lines only, and stops at the first line in any other form (a comment, a
// blank line, an unusual id, an error), at a row too near the end of b, or
// when a column is full; block then reads that line the careful way. It
// finds each line's end while reading its fields, so a row is one pass
// over its bytes, and it keeps the columns' counts in locals while it
// runs, setting them once when it stops.
func (p *parser) plainRows(b []byte) int {
	ids, idEnds, keys := p.ids, p.idEnds, p.keys
	chroms, positions, calls := p.chroms, p.positions, p.calls
	n, idLen, i := p.rows, p.idLen, 0
	for len(b)-i >= plainRowBytes && n < len(calls) && idLen+idCopyBytes <= len(ids) {
		r := b[i : i+plainRowBytes]

		// The id and its key, as markerKey computes them.
		var kind uint64
		d := 1 // where the id's digits start
		switch {
		case r[0] == 'r' && r[1] == 's':
			d = 2
		case r[0] == 'i':
			kind = 1
		default:
			return p.setRows(n, idLen, i)
		}
		if r[d] == '0' {
			return p.setRows(n, idLen, i)
		}
		num, j := digits8(r[d:])
		j += d
		if j == d+8 {
			for ; j < d+maxKeyDigits && r[j]-'0' <= 9; j++ {
				num = num*10 + uint64(r[j]-'0')
			}
		}
		if j == d || r[j] != '\t' || num >= 1<<31 {
			return p.setRows(n, idLen, i)
		}
		idBytes := j
		key := uint32(num<<1 | kind)

		// The chromosome: one or two bytes, as ParseChromosomeBytes reads them.
		j++
		var chrom phenolink.Chromosome
		if r[j+1] == '\t' {
			chrom = chromOf1[r[j]]
			j += 2
		} else if r[j+2] == '\t' {
			chrom = chromOf2[uint16(r[j])|uint16(r[j+1])<<8]
			j += 3
		}
		if chrom == 0 {
			return p.setRows(n, idLen, i)
		}

		// The position: at most 10 digits, below 2^32.
		d = j
		pos, k := digits8(r[d:])
		j += k
		if k == 8 {
			for ; j < d+10 && r[j]-'0' <= 9; j++ {
				pos = pos*10 + uint64(r[j]-'0')
			}
		}
		if j == d || r[j] != '\t' || pos > 1<<32-1 {
			return p.setRows(n, idLen, i)
		}

		// The call: one or two bytes, then LF or CRLF.
		j++
		var callBytes, lineBytes int
		switch {
		case r[j+1] == '\n':
			callBytes, lineBytes = 1, j+2
		case r[j+2] == '\n':
			callBytes, lineBytes = 2, j+3
			if r[j+1] == '\r' {
				callBytes = 1
			}
		case r[j+2] == '\r' && r[j+3] == '\n':
			callBytes, lineBytes = 2, j+4
		default:
			return p.setRows(n, idLen, i)
		}
		var call phenolink.Call
		if callBytes == 1 {
			call = callOf1[r[j]]
		} else if r[j]|r[j+1] < 0x80 {
			call = callOf2[int(r[j])<<7|int(r[j+1])]
		}
		if call == 0 {
			return p.setRows(n, idLen, i)
		}

		*(*[idCopyBytes]byte)(ids[idLen:]) = *(*[idCopyBytes]byte)(r)
		idLen += idBytes
		idEnds[n] = uint32(idLen)
		keys[n] = key
		chroms[n] = chrom
		positions[n] = uint32(pos)
		calls[n] = call
		n++
		i += lineBytes
	}
	return p.setRows(n, idLen, i)
}

// digits8 reads the decimal digits among the first 8 bytes of b, which
// must have 8, and returns their value and count, 8 when all 8 are digits.
// It reads the 8 bytes as one word: a byte is a digit when it is under 10
// once '0' is taken from it, which adding 0x76 to each byte shows in its
// top bit; a carry out of a byte comes only from a byte that is no digit,
// so the lowest byte flagged is the first that is not. The digits are then
// combined in three multiplications rather than one per digit.
func digits8(b []byte) (uint64, int) {
	t := binary.LittleEndian.Uint64(b) ^ 0x3030303030303030
	notDigit := ((t + 0x7676767676767676) | t) & 0x8080808080808080
	n := bits.TrailingZeros64(notDigit) >> 3
	if n == 0 {
		return 0, 0
	}
	t <<= 64 - 8*uint(n) // the digits to the top, zeros before them
	t = t*10 + t>>8
	t = ((t&0x000000FF000000FF)*(100+1000000<<32) + (t>>16&0x000000FF000000FF)*(1+10000<<32)) >> 32
	return t, n
}

// setRows records the rows plainRows read, one line each, and returns the
// bytes they took.
func (p *parser) setRows(rows, idLen, bytes int) int {
	p.line += rows - p.rows
	p.rows, p.idLen = rows, idLen
	return bytes
}

// callOf1 and callOf2 are ParseCallBytes for a call of one and of two
// bytes (below 0x80, as every valid call is), 0 when the bytes are no call
// or are "__", which a file must not hold.
var callOf1, callOf2 = func() (one [256]phenolink.Call, two [1 << 14]phenolink.Call) {
	for a := range 1 << 7 {
		one[a] = fileCall([]byte{byte(a)})
		for b := range 1 << 7 {
			two[a<<7|b] = fileCall([]byte{byte(a), byte(b)})
		}
	}
	return one, two
}()

func fileCall(b []byte) phenolink.Call {
	c, ok := phenolink.ParseCallBytes(b)
	if !ok {
		return phenolink.NotOnChip
	}
	return c
}

// chromOf1 is ParseChromosomeBytes for a one-byte chromosome, 0 when the
// byte names none.
var chromOf1 = func() (t [256]phenolink.Chromosome) {
	for c := range t {
		t[c], _ = phenolink.ParseChromosomeBytes([]byte{byte(c)})
	}
	return t
}()

// chromOf2 is ParseChromosomeBytes for a two-byte chromosome, indexed by
// its bytes as a little-endian uint16, 0 when the bytes name none. Only
// letters and digits can name one, so only their pairs are asked.
var chromOf2 = func() *[1 << 16]phenolink.Chromosome {
	var t [1 << 16]phenolink.Chromosome
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	for _, a := range []byte(alnum) {
		for _, b := range []byte(alnum) {
			t[uint16(a)|uint16(b)<<8], _ = phenolink.ParseChromosomeBytes([]byte{a, b})
		}
	}
	return &t
}()
