package plinkfile

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFilesetRoundTrip(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "set")
	samples := []Sample{
		{FID: "f1", IID: "a", Sex: SexMale, Phenotype: "-9"},
		{FID: "f1", IID: "b", Sex: SexFemale, Phenotype: "1.5"},
		{FID: "f2", IID: "c", Sex: SexUnknown, Phenotype: "2"},
		{FID: "f3", IID: "d", Sex: SexMale, Phenotype: "-9"},
		{FID: "f4", IID: "e", Sex: SexFemale, Phenotype: "-9"},
	}
	variants := []Variant{
		{Chrom: "1", ID: "rs1", Pos: 100, Allele1: "A", Allele2: "G"},
		{Chrom: "X", ID: "rs2", CM: 0.5, Pos: 200, Allele1: "T", Allele2: "C"},
		{Chrom: "2", ID: "rs3", Pos: 300, Allele1: "", Allele2: "C"},
	}
	calls := [][]uint8{
		{HomAllele1, Het, HomAllele2, Missing, Het},
		{HomAllele2, HomAllele2, Missing, HomAllele1, Het},
		{HomAllele2, HomAllele2, HomAllele2, HomAllele2, HomAllele2},
	}
	w, err := Create(prefix, samples)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range variants {
		rec := make([]byte, RecordLen(len(samples)))
		for i, g := range calls[k] {
			SetGenotype(rec, i, g)
		}
		if err := w.Write(v, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	bed, _ := os.ReadFile(prefix + ".bed")
	// Magic bytes, then 2 bytes per marker; sample 1 in the lowest bits.
	if want := []byte{0x6c, 0x1b, 0x01, 0b01_11_10_00, 0b10}; !bytes.Equal(bed[:5], want) {
		t.Errorf(".bed starts % x, want % x", bed[:5], want)
	}
	r, err := Open(prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.Samples) != len(samples) || r.Samples[1] != (Sample{FID: "f1", IID: "b", Father: "0", Mother: "0", Sex: SexFemale, Phenotype: "1.5"}) {
		t.Errorf("samples %+v", r.Samples)
	}
	rec := make([]byte, RecordLen(len(samples)))
	for k := range variants {
		v, err := r.Next(rec)
		if err != nil {
			t.Fatal(err)
		}
		want := variants[k]
		if want.Allele1 == "" {
			want.Allele1 = "0"
		}
		if v != want {
			t.Errorf("variant %d = %+v, want %+v", k, v, want)
		}
		for i, g := range calls[k] {
			if got := Genotype(rec, i); got != g {
				t.Errorf("variant %d sample %d: genotype %d, want %d", k, i, got, g)
			}
		}
	}
	if _, err := r.Next(rec); !errors.Is(err, io.EOF) {
		t.Errorf("after the last marker: %v, want io.EOF", err)
	}
}

func TestOpenRejectsBadBed(t *testing.T) {
	tests := []struct {
		name string
		bed  []byte
		want string
	}{
		{"not a bed", []byte("hell"), "magic bytes"},
		{"individual-major", []byte{0x6c, 0x1b, 0x00, 0}, "SNP-major"},
		{"cut short", []byte{0x6c, 0x1b, 0x01}, "ends before marker rs1"},
		{"too long", []byte{0x6c, 0x1b, 0x01, 0, 0}, "more records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "x")
			os.WriteFile(prefix+".fam", []byte("f a 0 0 1 -9\n"), 0o644)
			os.WriteFile(prefix+".bim", []byte("1 rs1 0 1 A G\n"), 0o644)
			os.WriteFile(prefix+".bed", tt.bed, 0o644)
			r, err := Open(prefix)
			if err == nil {
				for err == nil {
					_, err = r.Next(make([]byte, 1))
				}
				r.Close()
				if errors.Is(err, io.EOF) {
					err = nil
				}
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestTableRoundTrip(t *testing.T) {
	in := "FID\tIID\tqt\tbin\ns1\ts1\t1.25\t2\ns2\ts2\tNA\t-9\ns3\ts3\tnan\t1\n"
	tab, err := ReadTable(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	qt, _ := tab.Column("qt")
	if qt[0] != 1.25 || !math.IsNaN(qt[1]) || !math.IsNaN(qt[2]) {
		t.Errorf("qt = %v", qt)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, tab); err != nil {
		t.Fatal(err)
	}
	want := "FID\tIID\tqt\tbin\ns1\ts1\t1.25\t2\ns2\ts2\tNA\tNA\ns3\ts3\tNA\t1\n"
	if b.String() != want {
		t.Errorf("WriteTable wrote %q, want %q", b.String(), want)
	}
	if _, err := ReadTable(strings.NewReader("a b c\n")); err == nil {
		t.Error("ReadTable accepted a header without FID IID")
	}
}
