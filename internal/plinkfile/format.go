package plinkfile

import (
	"math"
	"strconv"
)

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// AppendG6 appends v as strconv.AppendFloat(b, v, 'g', 6, 64) does, byte
// for byte: six significant digits, as PLINK 2 prints its reports. Where
// six digits are unambiguous it scales v by one exactly represented power
// of ten, so the scaled value is off by at most half a unit in its last
// place, 2^-33, and rounds it itself; a value that close to a rounding
// tie, outside 1e-16..1e21, or not finite goes to strconv.
func AppendG6(b []byte, v float64) []byte {
	a := math.Abs(v)
	if !(a >= 1e-16 && a < 1e21) {
		return strconv.AppendFloat(b, v, 'g', 6, 64)
	}
	// e10 is floor(log10 a) or one less: a >= 2^e2, a normal number,
	// and 78913/2^18 is just below log10 2.
	e2 := int(math.Float64bits(a)>>52) - 1023
	e10 := (e2 * 78913) >> 18
	m := scale10(a, 5-e10)
	if m >= 1e6 {
		e10++
		m = scale10(a, 5-e10)
	}
	whole := math.Floor(m)
	frac := m - whole
	if math.Abs(frac-0.5) < 0x1p-30 {
		return strconv.AppendFloat(b, v, 'g', 6, 64)
	}
	d := uint32(whole)
	if frac > 0.5 {
		d++
	}
	if d == 1e6 {
		d = 1e5
		e10++
	}
	if v < 0 {
		b = append(b, '-')
	}
	return appendG6Digits(b, d, e10)
}

// twoDigits spells 00 to 99.
const twoDigits = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// scale10 returns a*10^k correctly rounded, for |k| <= 22.
func scale10(a float64, k int) float64 {
	if k >= 0 {
		return a * pow10[k]
	}
	return a / pow10[-k]
}

// appendG6Digits appends the six digits d (100000 to 999999) times
// 10^(e10-5) in strconv's %g form: trailing zeros dropped, exponent form
// below 1e-4 and from 1e6 on.
func appendG6Digits(b []byte, d uint32, e10 int) []byte {
	var digs [6]byte
	hi, mid, lo := 2*(d/10000), 2*(d/100%100), 2*(d%100)
	digs[0], digs[1] = twoDigits[hi], twoDigits[hi+1]
	digs[2], digs[3] = twoDigits[mid], twoDigits[mid+1]
	digs[4], digs[5] = twoDigits[lo], twoDigits[lo+1]
	nd := 6
	for digs[nd-1] == '0' {
		nd--
	}
	if e10 < -4 || e10 >= 6 {
		b = append(b, digs[0])
		if nd > 1 {
			b = append(b, '.')
			b = append(b, digs[1:nd]...)
		}
		b = append(b, 'e')
		x := e10
		if x < 0 {
			b = append(b, '-')
			x = -x
		} else {
			b = append(b, '+')
		}
		if x < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(x), 10)
	}
	if e10 < 0 {
		b = append(b, '0', '.')
		for range -e10 - 1 {
			b = append(b, '0')
		}
		return append(b, digs[:nd]...)
	}
	// The integer part takes e10+1 digits, padded with zeros when the
	// digits end sooner; the rest, if any, follow the point.
	ip := e10 + 1
	if nd <= ip {
		b = append(b, digs[:nd]...)
		for range ip - nd {
			b = append(b, '0')
		}
		return b
	}
	b = append(b, digs[:ip]...)
	b = append(b, '.')
	return append(b, digs[ip:nd]...)
}
