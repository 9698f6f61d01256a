package research

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// hiddenCohort is heightCohort plus four people whose genotype group (CC)
// stays below k = 5, with values no other person has, and returns their
// profile ids.
func hiddenCohort(t *testing.T) (*memStore, []string) {
	s := heightCohort(t)
	var hidden []string
	for _, v := range []float64{2222, 2223, 2224, 2225} {
		p := s.person(t, "rs1", "AA", "weight_g", 1) // keep profile ids interleaved
		s.remove(p)
		hidden = append(hidden, s.person(t, "rs1", "CC", "height_mm", v))
	}
	return s, hidden
}

// TestHiddenGroup checks that a group of 4 with k = 5 is hidden on the
// page and in both exports, and that the test is the one its people's
// absence gives.
func TestHiddenGroup(t *testing.T) {
	s, hidden := hiddenCohort(t)
	r := results(t, s.service(5), []string{"rs1"}, "height_mm")
	tab := onlyTable(t, r)
	i := slices.IndexFunc(tab.Groups, func(g Group) bool { return g.Genotype == "CC" })
	if i < 0 {
		t.Fatalf("no CC group in %+v", tab.Groups)
	}
	if g := tab.Groups[i]; g != (Group{Genotype: "CC", Dosage: -1, Hidden: true}) {
		t.Errorf("hidden group = %+v, want only its genotype", g)
	}
	if i != len(tab.Groups)-1 {
		t.Errorf("the group outside the model is not last: %+v", tab.Groups)
	}
	if tab.N != 17 || tab.LeftOut != 0 {
		t.Errorf("N %d, LeftOut %d; want 17 and 0 (one hidden group's size would show)", tab.N, tab.LeftOut)
	}

	s.remove(hidden...)
	without := onlyTable(t, results(t, s.service(5), []string{"rs1"}, "height_mm"))
	if tab.Test == nil || without.Test == nil {
		t.Fatalf("tests %+v, %+v", tab.Test, without.Test)
	}
	if !sameTest(tab.Test, without.Test) {
		t.Errorf("test with a hidden group %+v, without its people %+v", *tab.Test, *without.Test)
	}
	if !slices.Equal(tab.Groups[:i], without.Groups) {
		t.Errorf("shown groups %+v, without the hidden people %+v", tab.Groups[:i], without.Groups)
	}

	var csvOut, jsonOut bytes.Buffer
	if err := r.WriteCSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&jsonOut); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{csvOut.String(), jsonOut.String()} {
		for _, leak := range []string{"2222", "2223", "2224", "2225", "2223.5"} {
			if strings.Contains(out, leak) {
				t.Errorf("export holds %q, a value of the hidden group:\n%s", leak, out)
			}
		}
		// Neither the hidden group's size nor the total with it.
		if leak := regexp.MustCompile(`(^|[^0-9.])(4|21)([^0-9.]|$)`).FindString(out); leak != "" {
			t.Errorf("export holds %q, the hidden group's size or the total with it:\n%s", leak, out)
		}
	}
	rows, err := csv.NewReader(&csvOut).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		if row[7] != "CC" {
			continue
		}
		for j, cellText := range row[8:15] { // dosage to case_rate
			want := ""
			if csvHeader[8+j] == "n" {
				want = "<5"
			}
			if cellText != want {
				t.Errorf("hidden row's %s = %q, want %q", csvHeader[8+j], cellText, want)
			}
		}
	}
	var doc struct {
		Tables []struct {
			N      int              `json:"n"`
			Groups []map[string]any `json:"groups"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(jsonOut.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, g := range doc.Tables[0].Groups {
		if g["genotype"] != "CC" {
			continue
		}
		if len(g) != 2 || g["hidden"] != true {
			t.Errorf("hidden group in JSON = %v, want its genotype and hidden only", g)
		}
	}
}

// sameTest reports whether two tests agree: the same people and allele,
// statistics within rounding (association removes missing calls by
// subtraction).
func sameTest(a, b *Test) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Model == b.Model && a.A1 == b.A1 && a.A2 == b.A2 && a.N == b.N && a.Firth == b.Firth &&
		near(a.Beta, b.Beta) && near(a.SE, b.SE) && near(a.Stat, b.Stat) && near(a.P, b.P) &&
		near(a.OR, b.OR) && near(a.ORLow, b.ORLow) && near(a.ORHigh, b.ORHigh)
}

// TestLeftOut checks when the number of people in hidden groups is shown.
func TestLeftOut(t *testing.T) {
	for _, tc := range []struct {
		hidden []int
		k      int
		want   int
	}{
		{nil, 5, 0},
		{[]int{4}, 5, 0},       // one group: its size
		{[]int{1}, 5, 0},       // likewise
		{[]int{2, 3}, 5, 5},    // 1+4, 2+3, 3+2, 4+1 all give 5
		{[]int{1, 4}, 5, 5},    // likewise
		{[]int{4, 4}, 5, 0},    // only 4+4 gives 8
		{[]int{3, 4}, 5, 0},    // 7 rules out 1 and 2
		{[]int{1, 1}, 5, 0},    // 2 pins both to 1
		{[]int{2, 2, 2}, 5, 6}, // 6 to 9 leave each of three any size
		{[]int{4, 4, 4}, 5, 0},
		{[]int{1, 1}, 2, 2}, // with k = 2 a hidden group has 1 anyway
	} {
		if got := leftOutShown(tc.hidden, tc.k); got != tc.want {
			t.Errorf("leftOutShown(%v, %d) = %d, want %d", tc.hidden, tc.k, got, tc.want)
		}
	}

	// Two hidden groups of 2 and 3: 5 left out, shown.
	s := newMemStore()
	s.group(t, "rs5", "GG", "height_mm", 1600, 1610, 1620, 1630, 1640, 1650)
	s.group(t, "rs5", "AG", "height_mm", 1700, 1710, 1720, 1730, 1740)
	s.group(t, "rs5", "AA", "height_mm", 1800, 1810)
	s.group(t, "rs5", "CG", "height_mm", 1900, 1910, 1920)
	tab := onlyTable(t, results(t, s.service(5), []string{"rs5"}, "height_mm"))
	if tab.N != 11 || tab.LeftOut != 5 || tab.Test == nil || tab.Test.N != 11 {
		t.Errorf("N %d, LeftOut %d, test %+v; want 11, 5 and a test of 11", tab.N, tab.LeftOut, tab.Test)
	}
}

// TestFewerThanK checks that a table with fewer than k people shows
// nothing, here and in the exports.
func TestFewerThanK(t *testing.T) {
	s := newMemStore()
	s.group(t, "rs6", "AA", "height_mm", 1811, 1822)
	s.group(t, "rs6", "AG", "height_mm", 1833, 1844)
	r := results(t, s.service(5), []string{"rs6"}, "height_mm")
	tab := onlyTable(t, r)
	if len(tab.Groups) != 0 || tab.Test != nil || tab.N != 0 || tab.LeftOut != 0 || !strings.Contains(tab.Note, "Fewer than 5") {
		t.Errorf("table %+v, want nothing but a note", tab)
	}
	var out bytes.Buffer
	if err := r.WriteCSV(&out); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"18", "AA", "AG"} {
		if strings.Contains(out.String(), leak) {
			t.Errorf("exports hold %q:\n%s", leak, out.String())
		}
	}

	// Five people, but every group below k: groups hidden, no test.
	s.group(t, "rs6", "GG", "height_mm", 1855)
	tab = onlyTable(t, results(t, s.service(5), []string{"rs6"}, "height_mm"))
	for _, g := range tab.Groups {
		if !g.Hidden || g.N != 0 {
			t.Errorf("group %+v is shown", g)
		}
	}
	if len(tab.Groups) != 3 || tab.Test != nil || tab.N != 0 || !strings.HasPrefix(tab.Note, "not testable: ") {
		t.Errorf("table %+v, want three hidden groups and no test", tab)
	}
}

// TestConsentWithdrawal checks that only consenting profiles with a value
// and a call count.
func TestConsentWithdrawal(t *testing.T) {
	s := heightCohort(t)
	before := onlyTable(t, results(t, s.service(5), []string{"rs1"}, "height_mm"))

	withdrawn := s.group(t, "rs1", "AA", "height_mm", 1000, 1001, 1002, 1003, 1004, 1005)
	s.withdraw(false, withdrawn...)
	noGenome := s.group(t, "rs1", "AG", "height_mm", 2000, 2001, 2002, 2003, 2004)
	s.remove(noGenome...)
	for _, p := range noGenome {
		s.setValue(p, "height_mm", 2000)
	}
	s.group(t, "rs1", "--", "height_mm", 900, 901, 902, 903, 904)
	for range 5 {
		s.nextID++
		s.setCall(t, fmtProfile(s.nextID), "rs1", "GG") // a genome, no value
	}
	after := onlyTable(t, results(t, s.service(5), []string{"rs1"}, "height_mm"))
	if after.N != before.N || !slices.Equal(after.Groups, before.Groups) || !sameTest(after.Test, before.Test) {
		t.Errorf("with excluded profiles: %+v %+v\nwithout them: %+v %+v", after, after.Test, before, before.Test)
	}
	// Renewed consent counts again.
	s.withdraw(true, withdrawn...)
	again := onlyTable(t, results(t, s.service(5), []string{"rs1"}, "height_mm"))
	if again.N != before.N+6 {
		t.Errorf("after consenting again N = %d, want %d", again.N, before.N+6)
	}
}

// TestBadInput checks the errors for requests that cannot be answered,
// and that unknown ids are listed rather than refused.
func TestBadInput(t *testing.T) {
	s := heightCohort(t)
	ctx := context.Background()
	r := results(t, s.service(5), []string{"rs999", "rs1", "i404"}, "height_mm")
	if !slices.Equal(r.Unknown, []string{"rs999", "i404"}) || len(r.Tables) != 1 || r.Tables[0].Marker.ID != "rs1" {
		t.Errorf("unknown %q, %d tables; want rs999 and i404 listed, rs1's table", r.Unknown, len(r.Tables))
	}
	var out bytes.Buffer
	if err := r.WriteCSV(&out); err != nil || !strings.Contains(out.String(), "rs999,") || !strings.Contains(out.String(), "not in the marker index") {
		t.Errorf("CSV does not list the unknown ids (%v):\n%s", err, out.String())
	}
	r = results(t, s.service(5), []string{"rs999"})
	if len(r.Tables) != 0 || len(r.Unknown) != 1 {
		t.Errorf("only unknown ids: %+v", r)
	}

	many := make([]string, MaxSNPs+1)
	for i := range many {
		many[i] = fmtProfile(i) // distinct ids
	}
	for _, tc := range []struct {
		snps, phenotypes []string
		k                int
		code, msg        string
	}{
		{many, nil, 5, phenolink.EINVALID, "at most 50"},
		{nil, nil, 5, phenolink.EINVALID, "at least one"},
		{[]string{"rs1"}, []string{"height_mm", "eye_colour"}, 5, phenolink.ENOTFOUND, `Phenotype "eye_colour" is not in the catalog`},
		{[]string{"rs1"}, make([]string, MaxPhenotypes+1), 5, phenolink.EINVALID, "at most 64"},
		{[]string{"rs1"}, nil, 1, phenolink.EINTERNAL, ""},
	} {
		r, err := s.service(tc.k).Results(ctx, tc.snps, tc.phenotypes)
		if r != nil || phenolink.ErrorCode(err) != tc.code || !strings.Contains(phenolink.ErrorMessage(err), tc.msg) {
			t.Errorf("Results(%d snps, %q, k %d) = %v, %v; want %s saying %q", len(tc.snps), tc.phenotypes, tc.k, r, err, tc.code, tc.msg)
		}
	}
}

// TestAllPhenotypes checks that no phenotype ids means every catalog
// phenotype with values, in catalog order, and that k defaults to 5.
func TestAllPhenotypes(t *testing.T) {
	s := heightCohort(t)
	for i := range 5 {
		s.setValue(fmtProfile(i+1), "sleep_hours", float64(6+i))
	}
	r := results(t, s.service(0), []string{"rs1"})
	var got []string
	for _, tab := range r.Tables {
		got = append(got, tab.Phenotype.ID)
	}
	if r.MinGroupSize != DefaultMinGroupSize || !slices.Equal(got, []string{"height_mm", "sleep_hours"}) {
		t.Errorf("k %d, phenotypes %q; want 5, height_mm and sleep_hours", r.MinGroupSize, got)
	}
}

// TestWithdrawalAfterCachedPage checks that a page served by a Service
// that keeps what earlier pages read leaves out people who withdrew since:
// the withdrawal moves the cohort count and the next page reads again.
func TestWithdrawalAfterCachedPage(t *testing.T) {
	s := heightCohort(t)
	leaving := s.group(t, "rs1", "AA", "height_mm", 1000, 1001, 1002, 1003, 1004, 1005)
	svc := s.service(5)
	first := onlyTable(t, results(t, svc, []string{"rs1"}, "height_mm"))
	if again := onlyTable(t, results(t, svc, []string{"rs1"}, "height_mm")); again.N != first.N || !sameTest(again.Test, first.Test) {
		t.Fatalf("the repeated page %+v differs from the first %+v", again, first)
	}
	s.withdraw(false, leaving...)
	after := onlyTable(t, results(t, svc, []string{"rs1"}, "height_mm"))
	fresh := onlyTable(t, results(t, s.service(5), []string{"rs1"}, "height_mm"))
	if after.N != first.N-len(leaving) || !slices.Equal(after.Groups, fresh.Groups) || !sameTest(after.Test, fresh.Test) {
		t.Errorf("after the withdrawal the page shows %+v %+v; want N %d, as a new Service shows: %+v %+v",
			after, after.Test, first.N-len(leaving), fresh, fresh.Test)
	}
}
