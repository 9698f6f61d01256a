package plinkfile

import (
	"strings"
	"testing"
)

func TestParseBim(t *testing.T) {
	tests := []struct {
		line    string
		want    Variant
		wantErr string
	}{
		{"1\trs1\t0\t100\tA\tG", Variant{Chrom: "1", ID: "rs1", Pos: 100, Allele1: "A", Allele2: "G"}, ""},
		{"  X  rs2 0.25 2000 T 0\r", Variant{Chrom: "X", ID: "rs2", CM: 0.25, Pos: 2000, Allele1: "T", Allele2: "0"}, ""},
		{"1 rs3 0 100 A", Variant{}, "5 columns"},
		{"1 rs4 0 -5 A G", Variant{}, "position"},
		{"1 rs5 x 5 A G", Variant{}, "centimorgan"},
	}
	for _, tt := range tests {
		got, err := parseBim(tt.line)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parse(%q) error %v, want one saying %q", tt.line, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parse(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
}
