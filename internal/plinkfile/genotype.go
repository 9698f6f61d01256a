package plinkfile

// Two-bit genotype codes of a .bed record.
const (
	HomAllele1 = 0 // 00: two copies of the .bim's allele 1 (column 5)
	Missing    = 1 // 01: no call
	Het        = 2 // 10: one copy of each allele
	HomAllele2 = 3 // 11: two copies of the .bim's allele 2 (column 6)
)

// RecordLen is the length in bytes of one marker's .bed record for n samples.
func RecordLen(n int) int { return (n + 3) / 4 }

// Genotype returns the two-bit code of sample i in a packed record.
func Genotype(rec []byte, i int) uint8 { return rec[i>>2] >> (uint(i&3) * 2) & 3 }

// SetGenotype stores the two-bit code g for sample i in a packed record.
func SetGenotype(rec []byte, i int, g uint8) {
	shift := uint(i&3) * 2
	rec[i>>2] = rec[i>>2]&^(3<<shift) | (g&3)<<shift
}

// FillMissing sets every sample of rec to Missing, leaving the padding bits
// of the last byte zero as PLINK writes them.
func FillMissing(rec []byte, n int) {
	for i := range rec {
		rec[i] = 0x55
	}
	if r := n & 3; r != 0 {
		rec[len(rec)-1] &= byte(1<<(uint(r)*2) - 1)
	}
}
