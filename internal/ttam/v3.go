package ttam

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Response bounds for the v3 endpoints. A marker with its variants is well
// under 1 KiB, so a full 10,000-id page fits in 16 MiB.
const (
	maxSmallBody  = 1 << 20
	maxMarkerBody = 16 << 20

	// MaxMarkerIDs is how many ids one v3 marker request may carry.
	MaxMarkerIDs = 10_000
)

// Account returns the token's account with its profiles as full objects.
func (c *Client) Account(ctx context.Context) (Account, error) {
	op := "ttam.Account"
	accounts, err := list[Account](ctx, c, op, c.endpoint("/3/account/", url.Values{"include": {"profiles"}}), true, maxSmallBody)
	if err != nil {
		return Account{}, err
	}
	if len(accounts) == 0 || accounts[0].ID == "" {
		return Account{}, &APIError{Op: op, Kind: KindBadResponse, Err: fmt.Errorf("the account envelope holds no account")}
	}
	return accounts[0], nil
}

// Profile returns one profile of the token's account.
func (c *Client) Profile(ctx context.Context, profileID string) (Profile, error) {
	op := fmt.Sprintf("ttam.Profile(%q)", profileID)
	pid, err := segment(op, profileID)
	if err != nil {
		return Profile{}, err
	}
	var p Profile
	err = c.get(ctx, request{op: op, url: c.endpoint("/3/profile/"+pid+"/", nil), auth: true,
		maxBytes: maxSmallBody, decode: decodeJSON(&p)})
	return p, err
}

// Markers returns the profile's markers for ids, asking MaxMarkerIDs at a
// time. Ids the server does not know are left out of the answer.
func (c *Client) Markers(ctx context.Context, profileID string, ids []string) ([]Marker, error) {
	pid, err := segment(fmt.Sprintf("ttam.Markers(%q)", profileID), profileID)
	if err != nil {
		return nil, err
	}
	var all []Marker
	for start := 0; start < len(ids); start += MaxMarkerIDs {
		chunk := ids[start:min(start+MaxMarkerIDs, len(ids))]
		op := fmt.Sprintf("ttam.Markers(%q, %d ids from %q)", profileID, len(chunk), chunk[0])
		q := url.Values{"id": {strings.Join(chunk, ",")}, "limit": {strconv.Itoa(len(chunk))}}
		ms, err := list[Marker](ctx, c, op, c.endpoint("/3/profile/"+pid+"/marker/", q), true, maxMarkerBody)
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
	}
	return all, nil
}

// Marker returns one marker of the profile.
func (c *Client) Marker(ctx context.Context, profileID, markerID string) (Marker, error) {
	op := fmt.Sprintf("ttam.Marker(%q, %q)", profileID, markerID)
	pid, err := segment(op, profileID)
	if err != nil {
		return Marker{}, err
	}
	mid, err := segment(op, markerID)
	if err != nil {
		return Marker{}, err
	}
	var m Marker
	err = c.get(ctx, request{op: op, url: c.endpoint("/3/profile/"+pid+"/marker/"+mid+"/", nil), auth: true,
		maxBytes: maxSmallBody, decode: decodeJSON(&m)})
	return m, err
}

// ReferenceMarker returns a marker's reference data (no profile, no token).
func (c *Client) ReferenceMarker(ctx context.Context, markerID string) (Marker, error) {
	op := fmt.Sprintf("ttam.ReferenceMarker(%q)", markerID)
	mid, err := segment(op, markerID)
	if err != nil {
		return Marker{}, err
	}
	var m Marker
	err = c.get(ctx, request{op: op, url: c.endpoint("/3/marker/"+mid+"/", nil),
		maxBytes: maxSmallBody, decode: decodeJSON(&m)})
	return m, err
}

// MarkersInRange returns the profile's markers on accession in
// [start, end) (GRCh37, 0-based), following every page.
func (c *Client) MarkersInRange(ctx context.Context, profileID, accessionID string, start, end int64) ([]Marker, error) {
	op := fmt.Sprintf("ttam.MarkersInRange(%q, %q, %d, %d)", profileID, accessionID, start, end)
	pid, err := segment(op, profileID)
	if err != nil {
		return nil, err
	}
	return list[Marker](ctx, c, op, c.endpoint("/3/profile/"+pid+"/marker/", c.rangeQuery(accessionID, start, end)), true, maxMarkerBody)
}

// Variants returns the profile's variants on accession in [start, end)
// (GRCh37, 0-based), following every page.
func (c *Client) Variants(ctx context.Context, profileID, accessionID string, start, end int64) ([]Variant, error) {
	op := fmt.Sprintf("ttam.Variants(%q, %q, %d, %d)", profileID, accessionID, start, end)
	pid, err := segment(op, profileID)
	if err != nil {
		return nil, err
	}
	return list[Variant](ctx, c, op, c.endpoint("/3/profile/"+pid+"/variant/", c.rangeQuery(accessionID, start, end)), true, maxMarkerBody)
}

// rangeQuery asks for one accession's [start, end) in pages of the
// client's page size.
func (c *Client) rangeQuery(accessionID string, start, end int64) url.Values {
	return url.Values{"accession_id": {accessionID}, "start": {strconv.FormatInt(start, 10)},
		"end": {strconv.FormatInt(end, 10)}, "limit": {strconv.Itoa(c.pageSize)}}
}

// Accessions returns every reference accession (no token needed).
func (c *Client) Accessions(ctx context.Context) ([]Accession, error) {
	return list[Accession](ctx, c, "ttam.Accessions", c.endpoint("/3/accession/", nil), false, maxSmallBody)
}

// Accession returns one reference accession (no token needed).
func (c *Client) Accession(ctx context.Context, accessionID string) (Accession, error) {
	op := fmt.Sprintf("ttam.Accession(%q)", accessionID)
	aid, err := segment(op, accessionID)
	if err != nil {
		return Accession{}, err
	}
	var a Accession
	err = c.get(ctx, request{op: op, url: c.endpoint("/3/accession/"+aid+"/", nil),
		maxBytes: maxSmallBody, decode: decodeJSON(&a)})
	return a, err
}

// Reports returns the profile's reports the token's scopes allow.
func (c *Client) Reports(ctx context.Context, profileID string) ([]Report, error) {
	op := fmt.Sprintf("ttam.Reports(%q)", profileID)
	pid, err := segment(op, profileID)
	if err != nil {
		return nil, err
	}
	return list[Report](ctx, c, op, c.endpoint("/3/profile/"+pid+"/report/", nil), true, maxMarkerBody)
}

// Report returns one report of the profile.
func (c *Client) Report(ctx context.Context, profileID, reportID string) (Report, error) {
	op := fmt.Sprintf("ttam.Report(%q, %q)", profileID, reportID)
	pid, err := segment(op, profileID)
	if err != nil {
		return Report{}, err
	}
	rid, err := segment(op, reportID)
	if err != nil {
		return Report{}, err
	}
	var r Report
	err = c.get(ctx, request{op: op, url: c.endpoint("/3/profile/"+pid+"/report/"+rid+"/", nil), auth: true,
		maxBytes: maxSmallBody, decode: decodeJSON(&r)})
	return r, err
}
