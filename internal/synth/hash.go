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

// permute is a bijection on [0, 2^bits): xorshift and odd multiplications
// modulo 2^bits are each invertible, so distinct inputs give distinct ids.
func permute(x, key uint64, bits uint) uint64 {
	mask := uint64(1)<<bits - 1
	x &= mask
	for round := range uint64(3) {
		x ^= x >> (bits / 2)
		x = (x * (mix(key+round) | 1)) & mask
		x ^= (mix(key^round) & mask) // xor with a constant is a bijection too
	}
	return x
}
