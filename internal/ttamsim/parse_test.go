package ttamsim

import (
	"slices"
	"strings"
	"testing"
)

func TestParseMarkerIDs(t *testing.T) {
	tests := []struct {
		in      []string
		want    []string
		wantErr bool
	}{
		{[]string{"rs1 i2"}, []string{"rs1", "i2"}, false},
		{[]string{"rs1,rs2", "rs3"}, []string{"rs1", "rs2", "rs3"}, false},
		{[]string{"rs1+rs2  rs1"}, []string{"rs1", "rs2"}, false},
		{[]string{""}, nil, false},
		{[]string{"rs"}, nil, true},
		{[]string{"RS1"}, nil, true},
		{[]string{"rs1;rs2"}, nil, true},
		{[]string{"chr1:123"}, nil, true},
		{[]string{strings.Repeat("rs1 ", 20000)}, []string{"rs1"}, false},
	}
	for _, tt := range tests {
		got, err := parseMarkerIDs(tt.in)
		if (err != nil) != tt.wantErr || !tt.wantErr && !slices.Equal(got, tt.want) {
			t.Errorf("parseMarkerIDs(%.30q) = %v, %v", tt.in, got, err)
		}
	}
}

func FuzzParseMarkerIDs(f *testing.F) {
	for _, seed := range []string{"rs1 i2", "rs1,rs2+rs3", "", "rs", "i0000", "rs1\trs2\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ids, err := parseMarkerIDs([]string{in})
		if err != nil {
			return
		}
		if len(ids) > maxIDs {
			t.Fatalf("%d ids accepted", len(ids))
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !markerScope.MatchString(id) || seen[id] {
				t.Fatalf("id %q accepted from %q", id, in)
			}
			seen[id] = true
		}
	})
}

func TestParseScope(t *testing.T) {
	good := "basic names email genomes rs123 i4000 ancestry haplogroups relatives family_tree analyses report:all report:earwax_type phenotypes:read:height_mm phenotypes:write:sex"
	set, err := parseScope(good)
	if err != nil || len(set) != len(strings.Fields(good)) {
		t.Fatalf("parseScope(%q) = %v, %v", good, set, err)
	}
	if got := set.String(); !strings.HasPrefix(got, "basic names email genomes ") {
		t.Errorf("scope string %q", got)
	}
	for _, bad := range []string{"", "  ", "basic admin", "rsx", "report:", "phenotypes:delete:x", "Basic"} {
		if _, err := parseScope(bad); err == nil {
			t.Errorf("parseScope(%q) accepted", bad)
		}
	}
}

func FuzzParseScope(f *testing.F) {
	for _, seed := range []string{"basic names", "rs1 report:all", "phenotypes:read:sex", "bogus"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := parseScope(in)
		if err != nil {
			return
		}
		again, err := parseScope(set.String())
		if err != nil || again.String() != set.String() {
			t.Fatalf("scope %q does not survive a round trip: %v", set.String(), err)
		}
	})
}

func TestRedirectMatches(t *testing.T) {
	registered := []string{"http://127.0.0.1/receive_code/", "http://localhost/receive_code/", "https://app.example.com/receive_code/"}
	tests := []struct {
		uri  string
		want bool
	}{
		{"http://127.0.0.1/receive_code/", true},
		{"http://127.0.0.1:8000/receive_code/", true},
		{"http://localhost:65535/receive_code/", true},
		{"https://app.example.com/receive_code/", true},
		{"https://app.example.com:444/receive_code/", false},
		{"http://app.example.com/receive_code/", false},
		{"http://127.0.0.1:8000/receive_code", false},
		{"http://127.0.0.1:8000/other/", false},
		{"http://127.0.0.1:8000/receive_code/?x=1", false},
		{"http://127.0.0.2:8000/receive_code/", false},
		{"http://user@127.0.0.1:8000/receive_code/", false},
		{"https://127.0.0.1:8000/receive_code/", false},
		{"http://127.0.0.1:8000/receive_code/#frag", false},
		{"not a url", false},
	}
	for _, tt := range tests {
		if got := redirectMatches(registered, tt.uri); got != tt.want {
			t.Errorf("redirectMatches(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}
