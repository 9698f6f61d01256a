package ttam

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"phenolink/internal/phenolink"
)

// GenotypeChunk is how many locations one v1 genotypes request asks for,
// as the reference advises.
const GenotypeChunk = 100

// maxGenotypesBody bounds a v1 genotypes answer: 100 short ids and calls.
const maxGenotypesBody = 256 << 10

// V1User is the v1 /1/user/ answer.
type V1User struct {
	ID       string          `json:"id"`
	Profiles []V1UserProfile `json:"profiles"`
}

// V1UserProfile is a profile as /1/user/ lists it.
type V1UserProfile struct {
	ID        string `json:"id"`
	Genotyped bool   `json:"genotyped"`
}

// V1Names is the v1 /1/names/ answer; names are empty without the names
// scope.
type V1Names struct {
	ID        string          `json:"id"`
	FirstName string          `json:"first_name"`
	LastName  string          `json:"last_name"`
	Profiles  []V1ProfileName `json:"profiles"`
}

// V1ProfileName is a profile as /1/names/ lists it.
type V1ProfileName struct {
	ID        string `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// Genotype is one location's call from the v1 genotypes endpoint.
type Genotype struct {
	Location string // an rsid or internal "i" id
	Call     phenolink.Call
}

// The /1/demo/ profiles, which V1Demo reads with any valid token.
const (
	DemoMotherProfileID = "SP1_MOTHER_V4"
	DemoFatherProfileID = "SP1_FATHER_V4"
)

// V1Demo returns a client like c whose v1 calls (V1User, V1Names,
// Genotypes, Genome) read the /1/demo/ routes, which serve the same
// endpoints over the two demo profiles, DemoMotherProfileID and
// DemoFatherProfileID, for any valid token whatever its scopes. Its other
// calls are c's. It shares c's token source and connections.
func (c *Client) V1Demo() *Client {
	d := *c
	d.v1 = "/1/demo"
	return &d
}

// v1Op names a v1 call in errors, marking calls on the demo routes.
func (c *Client) v1Op(name string) string {
	if c.v1 != "/1" {
		return "ttam.V1Demo()." + name
	}
	return "ttam." + name
}

// V1User returns the token's account id and its profiles.
func (c *Client) V1User(ctx context.Context) (V1User, error) {
	var u V1User
	err := c.get(ctx, request{op: c.v1Op("V1User"), url: c.endpoint(c.v1+"/user/", nil), auth: true,
		maxBytes: maxSmallBody, decode: decodeJSON(&u)})
	return u, err
}

// V1Names returns the account's and its profiles' names.
func (c *Client) V1Names(ctx context.Context) (V1Names, error) {
	var n V1Names
	err := c.get(ctx, request{op: c.v1Op("V1Names"), url: c.endpoint(c.v1+"/names/", nil), auth: true,
		maxBytes: maxSmallBody, decode: decodeJSON(&n)})
	return n, err
}

// Genotypes returns the profile's calls at locations, asking GenotypeChunk
// at a time, in the order asked; locations the server leaves out are left
// out here too. The v1 API writes a hemizygous call as a doubled letter, so
// "AA" on X, Y or MT may stand for a single A (see DecodeGenome, which has
// the whole genome to tell). With embedded set it asks for format=embedded, which some
// deployments serve more cheaply; both answers decode the same.
func (c *Client) Genotypes(ctx context.Context, profileID string, locations []string, embedded bool) ([]Genotype, error) {
	pid, err := segment(c.v1Op(fmt.Sprintf("Genotypes(%q)", profileID)), profileID)
	if err != nil {
		return nil, err
	}
	out := make([]Genotype, 0, len(locations))
	for start := 0; start < len(locations); start += GenotypeChunk {
		chunk := locations[start:min(start+GenotypeChunk, len(locations))]
		op := c.v1Op(fmt.Sprintf("Genotypes(%q, %d locations from %q)", profileID, len(chunk), chunk[0]))
		u := c.endpoint(c.v1+"/genotypes/"+pid+"/", nil)
		u.RawQuery = genotypesQuery(chunk, embedded)
		var calls map[string]phenolink.Call
		err := c.get(ctx, request{op: op, url: u, auth: true, maxBytes: maxGenotypesBody,
			decode: func(r io.Reader) error {
				var err error
				calls, err = DecodeGenotypes(r)
				return err
			}})
		if err != nil {
			return nil, err
		}
		for _, loc := range chunk {
			if call, ok := calls[loc]; ok {
				out = append(out, Genotype{Location: loc, Call: call})
			}
		}
	}
	return out, nil
}

// genotypesQuery builds the query the reference shows: locations separated
// by an escaped space ("%20", not "+", which old servers read literally).
func genotypesQuery(locations []string, embedded bool) string {
	esc := make([]string, len(locations))
	for i, l := range locations {
		esc[i] = url.QueryEscape(l)
	}
	q := "locations=" + strings.Join(esc, "%20")
	if embedded {
		q += "&format=embedded"
	}
	return q
}

// DecodeGenotypes reads a v1 genotypes answer in either form, the flat
// {"id":pid,"rs1":"AA",...} or the embedded
// {"id":pid,"genotypes":[{"location":"rs1","call":"AA"}]}, into calls by
// location.
func DecodeGenotypes(r io.Reader) (map[string]phenolink.Call, error) {
	var fields map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&fields); err != nil {
		return nil, fmt.Errorf("ttam: genotypes: %w", err)
	}
	calls := make(map[string]phenolink.Call, len(fields))
	if raw, ok := fields["genotypes"]; ok && len(raw) > 0 && raw[0] == '[' {
		var embedded []struct {
			Location string `json:"location"`
			Call     string `json:"call"`
		}
		if err := json.Unmarshal(raw, &embedded); err != nil {
			return nil, fmt.Errorf("ttam: genotypes: embedded list: %w", err)
		}
		for _, g := range embedded {
			call, err := parseV1Call(g.Location, g.Call)
			if err != nil {
				return nil, err
			}
			calls[g.Location] = call
		}
		return calls, nil
	}
	for loc, raw := range fields {
		if loc == "id" {
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("ttam: genotypes: location %q: want a string call: %w", loc, err)
		}
		call, err := parseV1Call(loc, s)
		if err != nil {
			return nil, err
		}
		calls[loc] = call
	}
	return calls, nil
}

// parseV1Call parses one v1 call, keeping "__" (not on the chip) and "--"
// (no call) distinct.
func parseV1Call(location, s string) (phenolink.Call, error) {
	if len(s) == 2 {
		if c, ok := genomePairCall(s[0], s[1]); ok {
			return c, nil
		}
	} else if c, ok := phenolink.ParseCallBytes([]byte(s)); ok {
		return c, nil
	}
	return 0, fmt.Errorf("ttam: genotypes: location %q: %q is not a call", clip(location, 40), clip(s, 10))
}
