package rawfile

// markerKey packs an id shaped like rs<digits> or i<digits>, nearly every
// id in a 23andMe file, into a non-zero integer, so repeats are found
// without hashing strings; it returns 0 for any other id. The number is
// kept under 2^31 so that a key fits 32 bits, half the memory of a wider
// one: dbSNP's rsids are still under 2^31, and a larger one only takes the
// slower way. Ids with a leading zero are left out, since "rs012" and
// "rs12" would pack the same. plainRows computes the same key inline.
func markerKey(id []byte) uint32 {
	var kind uint64
	var digits []byte
	switch {
	case len(id) > 2 && id[0] == 'r' && id[1] == 's':
		kind, digits = 0, id[2:]
	case len(id) > 1 && id[0] == 'i':
		kind, digits = 1, id[1:]
	default:
		return 0
	}
	if len(digits) > maxKeyDigits || digits[0] == '0' {
		return 0
	}
	var n uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint64(c-'0')
	}
	if n >= 1<<31 {
		return 0
	}
	return uint32(n<<1 | kind) // n >= 1, so never 0
}

// maxKeyDigits is the most digits a keyed id can have: 2^31 has 10.
const maxKeyDigits = 10

// repeat is a row whose id an earlier row already had.
type repeat struct{ row, first int32 }

// keyRepeats finds the rows whose key (keys[row], 0 for an id without
// one) came earlier, with that earlier row. A single hash table over a
// million keys misses the cache on nearly every insert, which made it the
// slowest step of Parse; so the keys are first split by hash into
// partitions small enough for a table that stays in cache, each keeping the
// rows in file order.
func keyRepeats(keys []uint32) []repeat {
	const partBits = 10
	hash := func(k uint32) uint64 { return uint64(k) * 0x9E3779B97F4A7C15 }
	var starts [1<<partBits + 1]int
	for _, k := range keys {
		if k != 0 {
			starts[hash(k)>>(64-partBits)+1]++
		}
	}
	for p := 1; p < len(starts); p++ {
		starts[p] += starts[p-1]
	}
	n := starts[len(starts)-1]
	next := starts
	partKeys, partRows := make([]uint32, n), make([]int32, n)
	for i, k := range keys {
		if k == 0 {
			continue
		}
		p := hash(k) >> (64 - partBits)
		partKeys[next[p]], partRows[next[p]] = k, int32(i)
		next[p]++
	}
	var t smallTable
	var found []repeat
	for p := range 1 << partBits {
		lo, hi := starts[p], starts[p+1]
		t.reset(hi - lo)
		for i := lo; i < hi; i++ {
			if first, seen := t.insert(partKeys[i], partRows[i], hash(partKeys[i])<<partBits); seen {
				found = append(found, repeat{row: partRows[i], first: first})
			}
		}
	}
	return found
}

// smallTable is an open-addressing set of keys with the row that first
// held each, at most half full. It is reused across partitions.
type smallTable struct {
	keys  []uint32 // 0 marks an empty slot; markerKey is never 0
	rows  []int32
	shift uint
}

func (t *smallTable) reset(n int) {
	bits := uint(4)
	for 1<<bits < 2*n {
		bits++
	}
	if cap(t.keys) < 1<<bits {
		t.keys, t.rows = make([]uint32, 1<<bits), make([]int32, 1<<bits)
	}
	t.keys, t.rows = t.keys[:1<<bits], t.rows[:1<<bits]
	clear(t.keys)
	t.shift = 64 - bits
}

// insert records key for row unless it is there already, and then returns
// the row that holds it. h is the key's hash with the partition bits
// already shifted out.
func (t *smallTable) insert(key uint32, row int32, h uint64) (first int32, seen bool) {
	mask := uint64(len(t.keys) - 1)
	for s := h >> t.shift; ; s = (s + 1) & mask {
		switch t.keys[s] {
		case 0:
			t.keys[s], t.rows[s] = key, row
			return 0, false
		case key:
			return t.rows[s], true
		}
	}
}
