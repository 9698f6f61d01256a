package ttam

import (
	"context"
	"fmt"
	"io"
	"iter"

	"phenolink/internal/phenolink"
)

// Bounds for the genome endpoints. A genome is two bytes per key marker:
// about 2.4 MB for today's 1.2 million, so 16 MiB leaves room for keys to
// grow. The key is a text line per marker (about 40 MB today).
const (
	maxGenomeBody = 16 << 20
	maxKeyBody    = 128 << 20
)

// Genome is a profile's v1 packed genome decoded against the key: Calls[i]
// is the call at Key.Markers[i]. A genome shorter than the key (the key
// grew after the profile's chip) covers only its first len(Calls) markers.
type Genome struct {
	ProfileID string
	Key       *GenomeKey
	Calls     []phenolink.Call
}

// Pairs yields (marker id, call) for every marker the genome covers,
// including phenolink.NotOnChip ("__") and phenolink.NoCall ("--").
func (g Genome) Pairs() iter.Seq2[string, phenolink.Call] {
	return func(yield func(string, phenolink.Call) bool) {
		for i, c := range g.Calls {
			if !yield(g.Key.Markers[i].ID, c) {
				return
			}
		}
	}
}

// Genome fetches the profile's packed genome and decodes it with key (from
// GenomeKey, which callers fetch once and share).
func (c *Client) Genome(ctx context.Context, profileID string, key *GenomeKey) (Genome, error) {
	op := c.v1Op(fmt.Sprintf("Genome(%q)", profileID))
	pid, err := segment(op, profileID)
	if err != nil {
		return Genome{}, err
	}
	var body struct {
		ID     string `json:"id"`
		Genome string `json:"genome"`
	}
	err = c.get(ctx, request{op: op, url: c.endpoint(c.v1+"/genomes/"+pid+"/", nil), auth: true,
		maxBytes: maxGenomeBody, timeout: c.genomeTimeout, decode: decodeJSON(&body)})
	if err != nil {
		return Genome{}, err
	}
	calls, err := DecodeGenome(key, body.Genome)
	if err != nil {
		return Genome{}, &APIError{Op: op, Kind: KindBadResponse, Err: err}
	}
	return Genome{ProfileID: body.ID, Key: key, Calls: calls}, nil
}

// DecodeGenome decodes a packed genome string, two characters per marker of
// key in key order, into one call per marker. "__" becomes
// phenolink.NotOnChip and "--" phenolink.NoCall. A genome longer than the
// key means the key is out of date and is an error.
//
// The genome writes a hemizygous call as a doubled letter ("AA"), which
// cannot be told from a homozygous one, so DecodeGenome restores haploid
// calls where the biology settles it: every called MT and Y marker (Y is a
// no-call in profiles without one), and the X markers of a profile with no
// heterozygous call among at least MinXCallsForSex called X markers, the
// sign of a single X. A letter padded with "-" is read as haploid too.
func DecodeGenome(key *GenomeKey, genome string) ([]phenolink.Call, error) {
	if len(genome)%2 != 0 {
		return nil, fmt.Errorf("ttam: genome has odd length %d; want two characters per marker", len(genome))
	}
	n := len(genome) / 2
	if n > len(key.Markers) {
		return nil, fmt.Errorf("ttam: genome has %d markers but the key only %d; fetch the key again", n, len(key.Markers))
	}
	calls := make([]phenolink.Call, n)
	xCalled, xHet := 0, 0
	for i := range calls {
		c, ok := genomePairCall(genome[2*i], genome[2*i+1])
		if !ok {
			return nil, fmt.Errorf("ttam: genome marker %d (%s): %q is not a call", i, key.Markers[i].ID, genome[2*i:2*i+2])
		}
		switch key.Markers[i].Chromosome {
		case "MT", "Y":
			c = haploid(c)
		case "X":
			if c.IsCalled() {
				xCalled++
				if c.First() != c.Second() && !c.IsHaploid() {
					xHet++
				}
			}
		}
		calls[i] = c
	}
	if xCalled >= MinXCallsForSex && xHet == 0 {
		for i := range calls {
			if key.Markers[i].Chromosome == "X" {
				calls[i] = haploid(calls[i])
			}
		}
	}
	return calls, nil
}

// MinXCallsForSex is how many called X markers without a heterozygous one
// DecodeGenome needs before it reads the profile's X as single. A profile
// with two X chromosomes shows heterozygous calls on a few percent of them
// at least, so 20 all-homozygous calls make a second X very unlikely while
// small test keys still work.
const MinXCallsForSex = 20

// haploid turns a doubled letter into the single-allele call it stands for.
func haploid(c phenolink.Call) phenolink.Call {
	if c.IsCalled() && c.First() == c.Second() {
		return phenolink.Call(c.First() << 4)
	}
	return c
}

// genomePairCall reads one two-character call of a genome or v1 answer.
func genomePairCall(a, b byte) (phenolink.Call, bool) {
	if c, ok := phenolink.ParseCallBytes([]byte{a, b}); ok {
		return c, true
	}
	// A hemizygous call padded with "-" in either place.
	switch {
	case b == '-' && a != '-':
		return phenolink.ParseCallBytes([]byte{a})
	case a == '-' && b != '-':
		return phenolink.ParseCallBytes([]byte{b})
	}
	return 0, false
}

// GenomeKey fetches the key the packed genome is laid out by,
// /res/txt/snps.data (no token needed).
func (c *Client) GenomeKey(ctx context.Context) (*GenomeKey, error) {
	var key *GenomeKey
	err := c.get(ctx, request{op: "ttam.GenomeKey", url: c.endpoint("/res/txt/snps.data", nil),
		maxBytes: maxKeyBody, timeout: c.genomeTimeout, accept: "text/plain, */*",
		decode: func(r io.Reader) error {
			var err error
			key, err = ParseGenomeKey(r)
			return err
		}})
	return key, err
}
