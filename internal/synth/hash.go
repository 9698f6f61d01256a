package synth

// mix is the SplitMix64 finaliser: a bijective, well-avalanched 64-bit hash.
// Calls are counter-based draws, mix(individual key + marker index), so any
// one call can be computed on its own.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// golden is 2^64 divided by the golden ratio, the SplitMix64 increment.
const golden = 0x9e3779b97f4a7c15

// streamKey derives an independent stream key from a seed and two labels.
func streamKey(seed int64, a, b uint64) uint64 {
	return mix(mix(uint64(seed)^0x5bd1e9955bd1e995) + mix(a+golden) + mix(b^0xd6e8feb86659fd93))
}

// permutation is a bijection on [0, 2^bits): xorshift, odd multiplication
// and xor with a constant are each invertible modulo 2^bits, so distinct
// inputs give distinct outputs that look unrelated to their order.
type permutation struct {
	bits uint
	mask uint64
	mul  [3]uint64
	xor  [3]uint64
}

func newPermutation(key uint64, bits uint) permutation {
	p := permutation{bits: bits, mask: uint64(1)<<bits - 1}
	for round := range uint64(3) {
		p.mul[round] = mix(key+round) | 1
		p.xor[round] = mix(key^round) & p.mask
	}
	return p
}

func (p *permutation) apply(x uint64) uint64 {
	x &= p.mask
	for round := range 3 {
		x ^= x >> (p.bits / 2)
		x = (x * p.mul[round]) & p.mask
		x ^= p.xor[round]
	}
	return x
}
