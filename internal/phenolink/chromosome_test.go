package phenolink

import "testing"

func TestParseChromosome(t *testing.T) {
	tests := []struct {
		in   string
		want Chromosome
		ok   bool
	}{
		{"1", 1, true},
		{"9", 9, true},
		{"10", 10, true},
		{"22", 22, true},
		{"X", ChromosomeX, true},
		{"Y", ChromosomeY, true},
		{"MT", ChromosomeMT, true},
		{"0", 0, false},
		{"01", 0, false},
		{"23", 0, false},
		{"30", 0, false},
		{"x", 0, false},
		{"M", 0, false},
		{"XY", 0, false},
		{"chr1", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseChromosome(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseChromosome(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParseChromosome(%q) error code = %q, want %q", tt.in, ErrorCode(err), EINVALID)
		}
	}
}

func TestChromosomeStringRoundTrip(t *testing.T) {
	for c := Chromosome(1); c <= ChromosomeMT; c++ {
		got, err := ParseChromosome(c.String())
		if err != nil || got != c {
			t.Errorf("ParseChromosome(%q) = %v, %v; want %v", c.String(), got, err, c)
		}
	}
	if s := Chromosome(0).String(); s != "?0" {
		t.Errorf("Chromosome(0).String() = %q, want \"?0\"", s)
	}
	if Chromosome(26).Valid() {
		t.Error("Chromosome(26).Valid() = true, want false")
	}
}
