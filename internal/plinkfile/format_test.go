package plinkfile

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendG6 compares AppendG6 with strconv on values of every
// magnitude, on ties and their neighbours a few units in the last place
// away, on powers of ten and the values that round up to them, and on
// values outside its own range.
func TestAppendG6(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		want := strconv.AppendFloat(nil, v, 'g', 6, 64)
		if got := AppendG6(nil, v); string(got) != string(want) {
			t.Fatalf("AppendG6(%v) = %q, want %q", v, got, want)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1),
		1, -1, 0.5, 123456.5, 1234565, 0.0001, 0.00001, 999999.5, 9999995, 1e21, 1e-16, 5e-324, math.MaxFloat64} {
		check(v)
	}
	for e := -20; e <= 22; e++ {
		p := math.Pow(10, float64(e))
		for _, v := range []float64{p, 0.9999995 * p, 0.99999949 * p, 0.99999951 * p, 1.000005 * p} {
			for k := -3; k <= 3; k++ {
				w := v
				for range max(k, -k) {
					w = math.Nextafter(w, math.Copysign(math.Inf(1), float64(k)))
				}
				check(w)
				check(-w)
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 300000 {
		// Seven-digit decimals ending in 5, the ties of six digits,
		// scaled to any magnitude the fast path takes.
		tie := float64(1000000+r.IntN(9000000)/10*10+5) * math.Pow(10, float64(r.IntN(40)-25))
		check(tie)
		check(math.Nextafter(tie, 0))
		check(math.Nextafter(tie, math.Inf(1)))
		check(math.Float64frombits(r.Uint64()))
		check(r.NormFloat64() * math.Pow(10, float64(r.IntN(44)-22)))
	}
}

func BenchmarkAppendG6(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	vs := make([]float64, 1024)
	for i := range vs {
		vs[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(8)-4))
	}
	buf := make([]byte, 0, 32)
	b.Run("AppendG6", func(b *testing.B) {
		for i := range b.N {
			buf = AppendG6(buf[:0], vs[i%len(vs)])
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for i := range b.N {
			buf = strconv.AppendFloat(buf[:0], vs[i%len(vs)], 'g', 6, 64)
		}
	})
}
