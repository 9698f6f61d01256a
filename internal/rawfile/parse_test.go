package rawfile

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

func TestParseAccepts(t *testing.T) {
	rows := []string{
		"rs4477212\t1\t82154\tAA",
		"rs3094315\t1\t752566\tGA",
		"i3000001\t1\t800000\tDI",
		"rs12345\t2\t1000\t--",
		"rs99\tX\t2700157\tT",
		"i701050\tMT\t16518\tG",
		"rs2032652\tY\t14869076\tD",
	}
	want := []Marker{
		{ID: "rs4477212", Chrom: 1, Pos: 82154}, {ID: "rs3094315", Chrom: 1, Pos: 752566},
		{ID: "i3000001", Chrom: 1, Pos: 800000}, {ID: "rs12345", Chrom: 2, Pos: 1000},
		{ID: "rs99", Chrom: phenolink.ChromosomeX, Pos: 2700157}, {ID: "i701050", Chrom: phenolink.ChromosomeMT, Pos: 16518},
		{ID: "rs2032652", Chrom: phenolink.ChromosomeY, Pos: 14869076},
	}
	wantCalls := []string{"AA", "AG", "DI", "--", "T", "G", "D"}
	plain := rawFile(header37, rows...)
	crlf := strings.ReplaceAll(plain, "\n", "\r\n")
	tests := []struct {
		name  string
		input []byte
	}{
		{"text", []byte(plain)},
		{"CRLF line ends", []byte(crlf)},
		{"byte-order mark", append([]byte("\xef\xbb\xbf"), plain...)},
		{"no final line end", []byte(strings.TrimSuffix(plain, "\n"))},
		{"gzip", gzipped(t, plain)},
		{"zip", zipped(t, "genome_Erin_Mendel_v5_Full_20241216.txt", plain)},
		{"zip with macOS extras", zipped(t, "genome/", "", "genome/genome.txt", crlf, "__MACOSX/genome/._genome.txt", "\x00\x05\x16\x07")},
		{"column header without #", []byte(strings.Replace(plain, "# rsid\t", "rsid\t", 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Parse(bytes.NewReader(tt.input), Options{Name: "genome.txt"})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if g.Build != 37 {
				t.Errorf("Build = %d, want 37", g.Build)
			}
			if !reflect.DeepEqual(g.Markers, want) {
				t.Errorf("Markers = %v, want %v", g.Markers, want)
			}
			var calls []string
			for _, c := range g.Calls {
				calls = append(calls, c.String())
			}
			if !reflect.DeepEqual(calls, wantCalls) {
				t.Errorf("Calls = %v, want %v", calls, wantCalls)
			}
			wantSummary := Summary{Rows: 7, NoCalls: 1, Haploid: 3, Indels: 2}
			if g.Summary != wantSummary {
				t.Errorf("Summary = %+v, want %+v", g.Summary, wantSummary)
			}
			if r := g.Summary.CallRate(); r != 6.0/7.0 {
				t.Errorf("CallRate = %v, want 6/7", r)
			}
			if g.Header.GeneratedAt != "Mon Dec 16 14:23:45 2024" {
				t.Errorf("GeneratedAt = %q", g.Header.GeneratedAt)
			}
			if at, ok := g.Header.GeneratedTime(); !ok || !at.Equal(time.Date(2024, 12, 16, 14, 23, 45, 0, time.UTC)) {
				t.Errorf("GeneratedTime = %v, %v", at, ok)
			}
			if !strings.Contains(g.Header.BuildLine, "build 37") {
				t.Errorf("BuildLine = %q", g.Header.BuildLine)
			}
		})
	}
}

// An identical repeated row is kept once; the summary counts it.
func TestParseKeepsOneOfIdenticalRows(t *testing.T) {
	in := rawFile(header37,
		"rs1\t1\t100\tAG",
		"rs2\t1\t200\tCC",
		"rs1\t1\t100\tGA",
		"",
		"rs3\t1\t300\t--",
		"rs2\t1\t200\tCC",
	)
	g, err := Parse(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range g.Markers {
		ids = append(ids, m.ID)
	}
	if want := []string{"rs1", "rs2", "rs3"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	if want := []phenolink.Call{mustCall(t, "AG"), mustCall(t, "CC"), phenolink.NoCall}; !reflect.DeepEqual(g.Calls, want) {
		t.Errorf("calls = %v, want %v", g.Calls, want)
	}
	if want := (Summary{Rows: 5, Duplicates: 2, NoCalls: 1}); g.Summary != want {
		t.Errorf("Summary = %+v, want %+v", g.Summary, want)
	}
}

// A file of exactly the size bound passes; one byte more does not.
func TestParseSizeBoundIsInclusive(t *testing.T) {
	in := rawFile(header37, "rs1\t1\t100\tAG")
	if _, err := Parse(strings.NewReader(in), Options{MaxInputBytes: int64(len(in))}); err != nil {
		t.Errorf("file of exactly MaxInputBytes: %v", err)
	}
	_, err := Parse(strings.NewReader(in), Options{MaxInputBytes: int64(len(in) - 1)})
	if phenolink.ErrorCode(err) != phenolink.ETOOLARGE {
		t.Errorf("file one byte over MaxInputBytes: error %v, want code %s", err, phenolink.ETOOLARGE)
	}
}
