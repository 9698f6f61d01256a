package ttamsim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

func TestV1UserAndNames(t *testing.T) {
	s := newSim(t, Config{})
	for _, path := range []string{"/1/user/", "/1/user"} {
		code, body, _ := get(t, s, path, DemoToken)
		if code != 200 {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		sameKeys(t, "v1 user", body, "id", "profiles")
		var u v1User
		json.Unmarshal(body, &u)
		if u.ID != DemoAccountID || len(u.Profiles) != 1 || u.Profiles[0] != (v1UserProfile{DemoProfileID, true}) {
			t.Errorf("%s: %+v", path, u)
		}
	}
	var n v1Names
	getJSON(t, s, "/1/names/", DemoToken, 200, &n)
	if n.FirstName != "Erin" || n.LastName != "Mendel" || n.Profiles[0].FirstName != "Erin" {
		t.Errorf("names %+v", n)
	}
	var demo v1User
	getJSON(t, s, "/1/demo/user/", DemoToken, 200, &demo)
	if len(demo.Profiles) != 2 || demo.Profiles[0].ID != DemoMotherID || demo.Profiles[1].ID != DemoFatherID {
		t.Errorf("demo user %+v", demo)
	}
}

func TestV1Genotypes(t *testing.T) {
	s := newSim(t, Config{})
	key := s.MarkerKey()
	a, b := key[1].ID, key[2].ID
	for _, sep := range []string{"%20", "+", ",", "%2C"} {
		for _, route := range []string{"/1/genotypes/", "/1/genotype/", "/1/genotypes"} {
			path := route
			if !strings.HasSuffix(path, "/") {
				path += "/"
			}
			path = strings.TrimSuffix(path, "/") + "/demo_profile_id/?locations=" + a + sep + b
			var m map[string]string
			getJSON(t, s, path, DemoToken, 200, &m)
			if len(m) != 3 || m["id"] != DemoProfileID || len(m[a]) != 2 || len(m[b]) != 2 {
				t.Errorf("%s: %v", path, m)
			}
		}
	}
	var e v1Embedded
	getJSON(t, s, "/1/genotypes/demo_profile_id/?format=embedded&locations="+b+"%20"+a, DemoToken, 200, &e)
	if e.ID != DemoProfileID || len(e.Genotypes) != 2 || e.Genotypes[0].Location != b {
		t.Errorf("embedded %+v", e)
	}
	var all []map[string]string
	getJSON(t, s, "/1/genotypes/?locations="+a, DemoToken, 200, &all)
	if len(all) != 1 || all[0]["id"] != DemoProfileID {
		t.Errorf("all profiles %v", all)
	}
	var demo []map[string]string
	getJSON(t, s, "/1/demo/genotypes/?locations="+a, DemoToken, 200, &demo)
	if len(demo) != 2 {
		t.Errorf("demo genotypes %v", demo)
	}
	getJSON(t, s, "/1/demo/genotype/"+DemoFatherID+"/?locations="+a, DemoToken, 200, nil)
	wantError(t, s, "/1/demo/genotypes/demo_profile_id/?locations="+a, DemoToken, 404, "not_found")
	wantError(t, s, "/1/genotypes/demo_profile_id/", DemoToken, 400, "invalid_request")
	wantError(t, s, "/1/genotypes/demo_profile_id/?locations=rs0999", DemoToken, 400, "invalid_request")
}

// TestOneGenotypeSource checks that v1 genomes, v1 genotypes and v3 markers
// report the same call at every marker, for several kinds of profile.
func TestOneGenotypeSource(t *testing.T) {
	s := newSim(t, Config{})
	key := s.MarkerKey()
	tok := fullToken(t, s)
	var profiles []Profile
	for _, a := range s.Accounts() {
		profiles = append(profiles, a.Profiles...)
	}
	for _, p := range profiles {
		token := tok[p.ID]
		var g v1Genome
		getJSON(t, s, "/1/genomes/"+p.ID+"/", token, 200, &g)
		if len(g.Genome) != 2*len(key) {
			t.Fatalf("%s: genome of %d characters for %d markers", p.ID, len(g.Genome), len(key))
		}
		ids := make([]string, len(key))
		for i, m := range key {
			ids[i] = m.ID
		}
		v1 := map[string]string{}
		for from := 0; from < len(ids); from += 1000 {
			var chunk map[string]string
			getJSON(t, s, "/1/genotypes/"+p.ID+"/?locations="+strings.Join(ids[from:min(from+1000, len(ids))], "%20"), token, 200, &chunk)
			for k, v := range chunk {
				v1[k] = v
			}
		}
		var v3 []v3Marker
		for next := "/3/profile/" + p.ID + "/marker/?limit=10000&id=" + strings.Join(ids, ","); next != ""; {
			var env struct {
				Data  []v3Marker
				Links links
			}
			getJSON(t, s, next, token, 200, &env)
			v3 = append(v3, env.Data...)
			next = ""
			if env.Links.Next != nil {
				next = *env.Links.Next
			}
		}
		if len(v3) != len(key) {
			t.Fatalf("%s: %d v3 markers", p.ID, len(v3))
		}
		kinds := map[string]int{}
		for i, m := range key {
			fromGenome := g.Genome[2*i : 2*i+2]
			if v1[m.ID] != fromGenome {
				t.Fatalf("%s %s: genotypes %q, genome %q", p.ID, m.ID, v1[m.ID], fromGenome)
			}
			if got := v3Call(v3[i]); got != fromGenome {
				t.Fatalf("%s %s (chr %s): v3 says %q, genome %q", p.ID, m.ID, m.Chrom, got, fromGenome)
			}
			kinds[fromGenome[:1]]++
		}
		if p.Genotyped && (kinds["_"] == 0 && p.Chip != "full" || kinds["-"] == 0) {
			t.Errorf("%s: genome lacks __ or -- (%v)", p.ID, kinds)
		}
	}
}

// v3Call renders a v3 marker the way v1 writes the call.
func v3Call(m v3Marker) string {
	switch {
	case !m.IsAssayed:
		return "__"
	case m.IsNoCall:
		return "--"
	}
	var b []byte
	for _, v := range m.Variants {
		for range *v.Dosage {
			b = append(b, v.Allele...)
		}
	}
	if len(b) == 1 {
		b = append(b, b[0]) // v1 doubles a haploid call
	}
	if len(b) == 2 && b[0] > b[1] {
		b[0], b[1] = b[1], b[0]
	}
	return string(b)
}

// fullToken issues, per profile, a token with every scope on its account.
func fullToken(t *testing.T, s *Server) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range s.Accounts() {
		access, _ := s.tokens.issue(grant{accountID: a.ID, scope: demoScope()}, "test", s.now().Add(time.Hour))
		for _, p := range a.Profiles {
			out[p.ID] = access
		}
	}
	return out
}

func TestAccountsRealistic(t *testing.T) {
	s := newSim(t, Config{})
	accounts := s.Accounts()
	if len(accounts) < 4 || accounts[0].ID != DemoAccountID {
		t.Fatalf("accounts %+v", accounts)
	}
	var males, females, ungenotyped, twoProfiles int
	for _, a := range accounts {
		if a.Email == "" || a.FirstName == "" {
			t.Errorf("account %s lacks a name or email", a.ID)
		}
		if len(a.Profiles) == 2 {
			twoProfiles++
		}
		for _, p := range a.Profiles {
			switch {
			case !p.Genotyped:
				ungenotyped++
			case p.Sex == synth.Male:
				males++
			case p.Sex == synth.Female:
				females++
			}
		}
	}
	if males == 0 || females == 0 || ungenotyped == 0 || twoProfiles == 0 {
		t.Errorf("males %d, females %d, not genotyped %d, two-profile accounts %d", males, females, ungenotyped, twoProfiles)
	}
	again := newSim(t, Config{})
	if fmt.Sprint(again.Accounts()) != fmt.Sprint(accounts) {
		t.Error("the same seed gave different accounts")
	}
	if other := newSim(t, Config{Seed: 2}); other.Accounts()[1].ID == accounts[1].ID {
		t.Error("the seed does not change account ids")
	}
}

func TestHaploidAndFemaleY(t *testing.T) {
	s := newSim(t, Config{Markers: 20_000})
	key := s.MarkerKey()
	var walter, ada Profile
	for _, a := range s.Accounts() {
		for _, p := range a.Profiles {
			switch p.FirstName {
			case "Walter":
				walter = p
			case "Ada":
				ada = p
			}
		}
	}
	for i, m := range key {
		cw, ca := s.call(walter, i), s.call(ada, i)
		if m.Chrom == synth.ChromY && ca != phenolink.NotOnChip && ca != phenolink.NoCall {
			t.Fatalf("female call %v on Y", ca)
		}
		if (m.Chrom == synth.ChromX || m.Chrom == synth.ChromMT) && cw.IsCalled() && !cw.IsHaploid() {
			t.Fatalf("male call %v on %s", cw, m.Chrom)
		}
	}
}

func TestV1GenomesShape(t *testing.T) {
	s := newSim(t, Config{})
	code, body, _ := get(t, s, "/1/genomes/demo_profile_id/", DemoToken)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	sameKeys(t, "genome", body, "id", "genome")
	var list []json.RawMessage
	getJSON(t, s, "/1/genomes", DemoToken, 200, &list)
	if len(list) != 1 {
		t.Errorf("%d genomes for one profile", len(list))
	}
	var demo []v1Genome
	getJSON(t, s, "/1/demo/genomes/", DemoToken, 200, &demo)
	if len(demo) != 2 || demo[0].ID != DemoMotherID || demo[0].Genome == demo[1].Genome || len(demo[1].Genome) != 2*testMarkers {
		t.Errorf("demo genomes: %d", len(demo))
	}
	var names v1Names
	getJSON(t, s, "/1/demo/names/", DemoToken, 200, &names)
	if len(names.Profiles) != 2 || names.Profiles[1].ID != DemoFatherID {
		t.Errorf("demo names %+v", names)
	}
}
