package ttamsim

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

// TestLargestKey builds the simulator at its 1.2 million marker limit and
// checks that the key file, the genome and the marker lookups span it.
// It runs in parallel with the package's other tests, being the slowest.
func TestLargestKey(t *testing.T) {
	t.Parallel()
	s := newSim(t, Config{Markers: MaxMarkers})
	key := s.MarkerKey()
	if len(key) != MaxMarkers {
		t.Fatalf("%d markers, want %d", len(key), MaxMarkers)
	}
	checkKeyRealistic(t, s)

	var g v1Genome
	getJSON(t, s, "/1/genomes/demo_profile_id/", DemoToken, 200, &g)
	if len(g.Genome) != 2*MaxMarkers {
		t.Errorf("genome of %d characters, want %d", len(g.Genome), 2*MaxMarkers)
	}
	code, body, _ := get(t, s, "/res/txt/snps.data", "")
	if code != 200 {
		t.Fatalf("snps.data: %d", code)
	}
	rows := 0
	last := ""
	lines := bufio.NewScanner(bytes.NewReader(body))
	for lines.Scan() {
		if line := lines.Text(); line != "" && line[0] != '#' {
			rows++
			last = line
		}
	}
	if rows != MaxMarkers+1 || !strings.HasPrefix(last, "1199999\t"+key[MaxMarkers-1].ID+"\t") {
		t.Errorf("snps.data has %d rows after the comments, ending %q; want a header and %d markers", rows, last, MaxMarkers)
	}
	lastID := key[MaxMarkers-1].ID
	var m v3Marker
	getJSON(t, s, "/3/profile/demo_profile_id/marker/"+lastID+"/", DemoToken, 200, &m)
	if m.ID != lastID || v3Call(m) != g.Genome[2*(MaxMarkers-1):] {
		t.Errorf("last marker %+v, genome ends %q", m, g.Genome[2*(MaxMarkers-1):])
	}
}

// markerIDShape reports whether id is "rs" or "i" and digits without a
// leading zero, the shapes of 23andMe's marker ids.
func markerIDShape(id string) bool {
	digits := strings.TrimPrefix(id, "rs")
	if len(digits) == len(id) {
		digits = strings.TrimPrefix(id, "i")
	}
	if len(digits) == len(id) || digits == "" || digits[0] == '0' || len(digits) > 10 {
		return false
	}
	return strings.Trim(digits, "0123456789") == ""
}

// checkKeyRealistic checks what the reference says of s's key: unique rs
// or i ids, every chromosome 1-22, X, Y and MT present, GRCh37 positions
// within each chromosome and sorted, as 23andMe lays its key out.
func checkKeyRealistic(t *testing.T, s *Server) {
	t.Helper()
	key := s.MarkerKey()
	if len(s.byID) != len(key) { // the id index holds each id once
		t.Fatalf("%d distinct ids among %d markers", len(s.byID), len(key))
	}
	perChrom := map[synth.Chromosome]int{}
	for i, m := range key {
		if !markerIDShape(m.ID) {
			t.Fatalf("marker %d: id %q is not rsNNN or iNNN", i, m.ID)
		}
		if m.Pos < 1 || m.Pos > m.Chrom.Length() {
			t.Fatalf("marker %s at %s:%d, outside GRCh37 length %d", m.ID, m.Chrom, m.Pos, m.Chrom.Length())
		}
		if i > 0 && (m.Chrom < key[i-1].Chrom || m.Chrom == key[i-1].Chrom && m.Pos < key[i-1].Pos) {
			t.Fatalf("marker %d (%s:%d) is out of order after %s:%d", i, m.Chrom, m.Pos, key[i-1].Chrom, key[i-1].Pos)
		}
		perChrom[m.Chrom]++
	}
	for _, c := range synth.Chromosomes() {
		if perChrom[c] == 0 {
			t.Errorf("no marker on chromosome %s", c)
		}
	}
	if len(perChrom) != 25 {
		t.Errorf("markers on %d chromosomes, want 25", len(perChrom))
	}
}

// TestOneGenotypeSourceDefaultKey checks, over the default 100,000 marker
// key and for every profile including the /1/demo/ ones, that the v1
// genome, the v1 genotype call and the v3 marker render the same genotype
// at every marker, and that the key has the calls the issue asks for: about
// 1% no-calls, D/I indels, haploid X/Y/MT for males and "__" off the chip.
// The HTTP layer over these renderings is covered by TestOneGenotypeSource.
func TestOneGenotypeSourceDefaultKey(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	key := s.MarkerKey()
	if len(key) != 100_000 {
		t.Fatalf("default key has %d markers", len(key))
	}
	checkKeyRealistic(t, s)
	profiles := s.DemoProfiles()
	for _, a := range s.Accounts() {
		profiles = append(profiles, a.Profiles...)
	}
	for _, p := range profiles {
		genome := s.genomeString(p)
		if len(genome) != 2*len(key) {
			t.Fatalf("%s: genome of %d characters", p.ID, len(genome))
		}
		var noCalls, indels, haploid, offChip, assayed int
		for i, m := range key {
			fromGenome := genome[2*i : 2*i+2]
			c := s.call(p, i)
			v3 := s.v3MarkerJSON(p, i) // what /3/profile/{pid}/marker/ encodes
			if v1Call(c) != fromGenome || v3Call(v3) != fromGenome {
				t.Fatalf("%s %s (chr %s): genome %q, v1 %q, v3 %q", p.ID, m.ID, m.Chrom, fromGenome, v1Call(c), v3Call(v3))
			}
			switch {
			case c == phenolink.NotOnChip:
				offChip++
				continue
			case c == phenolink.NoCall:
				noCalls++
			case c.IsHaploid():
				haploid++
				if p.Sex != synth.Male && m.Chrom != synth.ChromMT {
					t.Fatalf("%s (%s): haploid call on %s", p.ID, p.Sex, m.Chrom)
				}
			}
			if strings.ContainsAny(fromGenome, "DI") {
				indels++
			}
			assayed++
		}
		if !p.Genotyped {
			if offChip != len(key) {
				t.Errorf("%s is not genotyped but has %d markers on a chip", p.ID, len(key)-offChip)
			}
			continue
		}
		rate := float64(noCalls) / float64(assayed)
		if rate < 0.003 || rate > 0.03 || indels == 0 || haploid == 0 || offChip == 0 && p.Chip != "full" {
			t.Errorf("%s (%s, %s): no-call rate %.4f over %d assayed, %d indel calls, %d haploid, %d off the chip",
				p.ID, p.Sex, p.Chip, rate, assayed, indels, haploid, offChip)
		}
	}
}
