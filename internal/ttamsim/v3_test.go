package ttamsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestV3Account(t *testing.T) {
	s := newSim(t, Config{})
	for _, path := range []string{"/3/account/", "/3/account", "/3/account/?include=profiles"} {
		var env rawEnvelope
		getJSON(t, s, path, DemoToken, 200, &env)
		if len(env.Data) != 1 || env.Links.Next != nil {
			t.Fatalf("%s: envelope %+v", path, env)
		}
		sameKeys(t, "account", env.Data[0], "id", "first_name", "last_name", "email", "profiles")
		var a v3Account
		json.Unmarshal(env.Data[0], &a)
		if a.ID != DemoAccountID || *a.FirstName != "Erin" || *a.LastName != "Mendel" || a.Email == nil {
			t.Errorf("%s: account %+v", path, a)
		}
		var full struct{ Profiles []json.RawMessage }
		json.Unmarshal(env.Data[0], &full)
		if len(full.Profiles) != 1 {
			t.Fatalf("profiles %s", env.Data[0])
		}
		sameKeys(t, "profile", full.Profiles[0], "id", "first_name", "last_name", "is_genotyped", "is_ancestry_only", "profile_image")
	}
	var p v3Profile
	getJSON(t, s, "/3/profile/demo_profile_id/", DemoToken, 200, &p)
	if p.ID != DemoProfileID || !p.IsGenotyped || *p.FirstName != "Erin" {
		t.Errorf("profile %+v", p)
	}
	wantError(t, s, "/3/profile/nobody/", DemoToken, 404, "not_found")
	wantError(t, s, "/3/account/", "", 401, "invalid_token")
	wantError(t, s, "/3/account/", "not-a-token", 401, "invalid_token")
	wantError(t, s, "/3/nothing/", DemoToken, 404, "not_found")
}

func TestV3MarkersShapes(t *testing.T) {
	s := newSim(t, Config{})
	key := s.MarkerKey()
	ids := []string{key[0].ID, key[10].ID, key[100].ID}
	var env rawEnvelope
	getJSON(t, s, "/3/profile/demo_profile_id/marker/?id="+strings.Join(ids, ","), DemoToken, 200, &env)
	if len(env.Data) != 3 {
		t.Fatalf("got %d markers", len(env.Data))
	}
	sameKeys(t, "marker", env.Data[0], "id", "alternate_ids", "gene_names", "accession_id", "start", "end",
		"is_genotyped", "is_assayed", "is_no_call", "variants")
	var m v3Marker
	json.Unmarshal(env.Data[0], &m)
	if m.ID != ids[0] || m.AccessionID != "NC_000001.10" || m.Start != int(key[0].Pos)-1 || m.End != m.Start+1 || len(m.Variants) != 2 {
		t.Errorf("marker %+v", m)
	}
	var vs struct{ Variants []json.RawMessage }
	json.Unmarshal(env.Data[0], &vs)
	sameKeys(t, "variant", vs.Variants[0], "accession_id", "start", "end", "allele", "platform_labels", "dosage", "is_assayed", "is_no_call")

	// Repeated id parameters and the one-marker route agree.
	var env2 rawEnvelope
	getJSON(t, s, fmt.Sprintf("/3/profile/demo_profile_id/marker?id=%s&id=%s", ids[0], ids[1]), DemoToken, 200, &env2)
	var one v3Marker
	getJSON(t, s, "/3/profile/demo_profile_id/marker/"+ids[1]+"/", DemoToken, 200, &one)
	var second v3Marker
	json.Unmarshal(env2.Data[1], &second)
	if fmt.Sprint(one) != fmt.Sprint(second) {
		t.Errorf("one-marker route %+v, list %+v", one, second)
	}

	wantError(t, s, "/3/profile/demo_profile_id/marker/?id=rs0000000001", DemoToken, 404, "not_found")
	wantError(t, s, "/3/profile/demo_profile_id/marker/?id=bogus", DemoToken, 400, "invalid_request")
	wantError(t, s, "/3/profile/demo_profile_id/marker/", DemoToken, 400, "invalid_request")
	var many []string
	for i := range 10_001 {
		many = append(many, fmt.Sprintf("rs%d", i+1))
	}
	wantError(t, s, "/3/profile/demo_profile_id/marker/?id="+strings.Join(many, ","), DemoToken, 400, "invalid_request")
}

func TestV3MarkersByRangeAndGene(t *testing.T) {
	s := newSim(t, Config{})
	key := s.MarkerKey()
	var chr2 []int
	for i, m := range key {
		if m.Chrom == 2 {
			chr2 = append(chr2, i)
		}
	}
	start, end := int(key[chr2[5]].Pos)-1, int(key[chr2[9]].Pos)-1 // half-open: markers 5..8
	var env rawEnvelope
	getJSON(t, s, fmt.Sprintf("/3/profile/demo_profile_id/marker/?accession_id=NC_000002.11&start=%d&end=%d", start, end), DemoToken, 200, &env)
	if len(env.Data) != 4 {
		t.Fatalf("range gave %d markers, want 4", len(env.Data))
	}
	var first v3Marker
	json.Unmarshal(env.Data[0], &first)
	if first.ID != key[chr2[5]].ID {
		t.Errorf("range starts at %s, want %s", first.ID, key[chr2[5]].ID)
	}
	var vars rawEnvelope
	getJSON(t, s, fmt.Sprintf("/3/profile/demo_profile_id/variant/?accession_id=NC_000002.11&start=%d&end=%d", start, end), DemoToken, 200, &vars)
	if len(vars.Data) != 8 {
		t.Errorf("range gave %d variants, want 8", len(vars.Data))
	}
	// Whole chromosome, paged.
	getJSON(t, s, "/3/profile/demo_profile_id/marker/?accession_id=NC_000002.11&limit=50", DemoToken, 200, &env)
	if len(env.Data) != 50 || env.Links.Next == nil {
		t.Fatalf("page of %d, next %v", len(env.Data), env.Links.Next)
	}
	u, _ := url.Parse(*env.Links.Next)
	if u.Query().Get("offset") != "50" || u.Query().Get("accession_id") != "NC_000002.11" || u.Host == "" {
		t.Errorf("next link %s", *env.Links.Next)
	}
	wantError(t, s, "/3/profile/demo_profile_id/variant/", DemoToken, 400, "invalid_request")
	wantError(t, s, "/3/profile/demo_profile_id/variant/?accession_id=NC_9", DemoToken, 404, "not_found")
	wantError(t, s, "/3/profile/demo_profile_id/marker/?accession_id=NC_000002.11&limit=0", DemoToken, 400, "invalid_request")

	gene := ""
	count := 0
	for _, m := range key {
		if m.Gene != "" && gene == "" {
			gene = m.Gene
		}
		if gene != "" && m.Gene == gene {
			count++
		}
	}
	getJSON(t, s, "/3/profile/demo_profile_id/marker/?gene_name="+strings.ToLower(gene), DemoToken, 200, &env)
	if len(env.Data) != count {
		t.Errorf("gene %s: %d markers, want %d", gene, len(env.Data), count)
	}
}

func TestV3Reports(t *testing.T) {
	s := newSim(t, Config{})
	var env rawEnvelope
	getJSON(t, s, "/3/profile/demo_profile_id/report/", DemoToken, 200, &env)
	if len(env.Data) < 3 {
		t.Fatalf("%d reports", len(env.Data))
	}
	sameKeys(t, "report", env.Data[0], "id", "title", "category", "summary", "markers")
	var r reportJSON
	getJSON(t, s, "/3/profile/demo_profile_id/report/lactose_intolerance/", DemoToken, 200, &r)
	if r.Title != "Lactose Intolerance" || len(r.Markers) != 1 {
		t.Errorf("report %+v", r)
	}
	wantError(t, s, "/3/profile/demo_profile_id/report/nope/", DemoToken, 404, "not_found")
}

func TestReferenceData(t *testing.T) {
	s := newSim(t, Config{})
	var env rawEnvelope
	getJSON(t, s, "/3/accession/", "", 200, &env)
	if len(env.Data) != 25 {
		t.Errorf("%d accessions", len(env.Data))
	}
	var a accession
	getJSON(t, s, "/3/accession/NC_000004.11/", "", 200, &a)
	if a != (accession{ID: "NC_000004.11", Chromosome: "4", Length: 191154276}) {
		t.Errorf("accession %+v", a)
	}
	getJSON(t, s, "/3/accession/NC_012920.1", "", 200, &a)
	if a.Chromosome != "MT" || a.Length != 16569 {
		t.Errorf("MT %+v", a)
	}
	key := s.MarkerKey()
	code, body, _ := get(t, s, "/3/marker/"+key[7].ID+"/", "")
	if code != 200 {
		t.Fatalf("reference marker: %d %s", code, body)
	}
	sameKeys(t, "reference marker", body, "id", "alternate_ids", "gene_names", "accession_id", "start", "end", "variants")
	var vs struct{ Variants []json.RawMessage }
	json.Unmarshal(body, &vs)
	sameKeys(t, "reference variant", vs.Variants[0], "accession_id", "start", "end", "allele", "platform_labels")
	wantError(t, s, "/3/marker/rs1/", "", 404, "not_found")
	wantError(t, s, "/3/accession/chr1/", "", 404, "not_found")
}

func TestSnpsData(t *testing.T) {
	s := newSim(t, Config{})
	code, body, h := get(t, s, "/res/txt/snps.data", "")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Fatalf("status %d, type %s", code, h.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	i := 0
	for strings.HasPrefix(lines[i], "#") {
		i++
	}
	if lines[i] != "index\tsnp\tchromosome\tchromosome_position" {
		t.Fatalf("header %q", lines[i])
	}
	rows := lines[i+1:]
	key := s.MarkerKey()
	if len(rows) != len(key) {
		t.Fatalf("%d rows for %d markers", len(rows), len(key))
	}
	for k, row := range rows {
		want := fmt.Sprintf("%d\t%s\t%s\t%d", k, key[k].ID, key[k].Chrom, key[k].Pos)
		if row != want {
			t.Fatalf("row %d is %q, want %q", k, row, want)
		}
	}
}

func TestNamesAndEmailNeedScopes(t *testing.T) {
	s := newSim(t, Config{})
	g := grant{accountID: DemoAccountID, scope: scopeSet{"basic": true}}
	access, _ := s.tokens.issue(g, "test", s.now().Add(time.Hour))
	var env struct{ Data []map[string]any }
	getJSON(t, s, "/3/account/", access, 200, &env)
	a := env.Data[0]
	if a["first_name"] != nil || a["last_name"] != nil || a["email"] != nil {
		t.Errorf("basic-only account shows %v", a)
	}
	if p := a["profiles"].([]any)[0].(map[string]any); p["first_name"] != nil || p["id"] != DemoProfileID {
		t.Errorf("basic-only profile shows %v", p)
	}
	wantError(t, s, "/1/names/", access, http.StatusForbidden, "insufficient_scope")
	wantError(t, s, "/1/genomes/demo_profile_id/", access, http.StatusForbidden, "insufficient_scope")
	wantError(t, s, "/3/profile/demo_profile_id/marker/?id="+s.MarkerKey()[0].ID, access, 403, "insufficient_scope")
	wantError(t, s, "/3/profile/demo_profile_id/variant/?accession_id=NC_000001.10", access, 403, "insufficient_scope")
	wantError(t, s, "/3/profile/demo_profile_id/report/", access, 403, "insufficient_scope")
}

func TestMarkerScope(t *testing.T) {
	s := newSim(t, Config{})
	key := s.MarkerKey()
	allowed, other := key[3].ID, key[4].ID
	a := s.Accounts()[2] // the account with two profiles
	g := grant{accountID: a.ID, scope: scopeSet{"basic": true, allowed: true, "report:earwax_type": true}}
	access, _ := s.tokens.issue(g, "test", s.now().Add(time.Hour))
	for _, p := range a.Profiles {
		getJSON(t, s, "/3/profile/"+p.ID+"/marker/"+allowed+"/", access, 200, nil)
		getJSON(t, s, "/1/genotypes/"+p.ID+"/?locations="+allowed, access, 200, nil)
		wantError(t, s, "/3/profile/"+p.ID+"/marker/"+other+"/", access, 403, "insufficient_scope")
		wantError(t, s, "/1/genotypes/"+p.ID+"/?locations="+allowed+"%20"+other, access, 403, "insufficient_scope")
	}
	var env rawEnvelope
	getJSON(t, s, "/3/profile/"+a.Profiles[0].ID+"/marker/?accession_id=NC_000001.10", access, 200, &env)
	if len(env.Data) != 1 {
		t.Errorf("a range with one unlocked marker gave %d", len(env.Data))
	}
	getJSON(t, s, "/3/profile/"+a.Profiles[0].ID+"/report/", access, 200, &env)
	if len(env.Data) != 1 {
		t.Errorf("report:earwax_type lists %d reports", len(env.Data))
	}
	wantError(t, s, "/3/profile/"+a.Profiles[0].ID+"/report/caffeine_consumption/", access, 403, "insufficient_scope")
	wantError(t, s, "/3/profile/demo_profile_id/", access, 404, "not_found")
}

func TestUnprocessableAndMethods(t *testing.T) {
	s := newSim(t, Config{})
	wantError(t, s, "/3/profile/demo_profile_id/marker/?accession_id=NC_000001.10&start=10&end=5", DemoToken, 422, "invalid_request")
	wantError(t, s, "/3/profile/demo_profile_id/marker/?accession_id=NC_000001.10&gene_name=SYN1", DemoToken, 422, "invalid_request")
	code, _, h := get(t, s, "/token/", "")
	if code != 405 || h.Get("Allow") != "POST" {
		t.Errorf("GET /token/: %d Allow %q", code, h.Get("Allow"))
	}
	req := httptest.NewRequest("DELETE", "/3/account/", nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET" {
		t.Errorf("DELETE /3/account/: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}
