package importer

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"phenolink/internal/jobs"
	"phenolink/internal/phenolink"
	"phenolink/internal/ttam"
)

// SyncGenome fetches the job's profile's genome from 23andMe with the
// user's stored token and stores it as the profile's record (source api).
func (im *Importer) SyncGenome(ctx context.Context, job phenolink.Job, progress jobs.Progress) (string, error) {
	if job.UserID == "" || job.ProfileID == "" {
		return "", phenolink.Errorf(phenolink.EINVALID, "A genome sync needs a user and a profile.")
	}
	stored, err := im.d.Tokens.Token(ctx, job.UserID)
	if err != nil {
		return "", fmt.Errorf("importer.SyncGenome(job %d): %w", job.ID, tokenError(job.UserID, err))
	}
	scopes := strings.Fields(stored.Scope)
	c, err := im.client(job.UserID, scopes)
	if err != nil {
		return "", err
	}
	if err := progress(0.05, "Asking 23andMe for your genome…"); err != nil {
		return "", err
	}
	var markers []phenolink.Marker
	var calls []phenolink.Call
	switch single := markerScopes(scopes); {
	case slices.Contains(scopes, "genomes"):
		markers, calls, err = im.wholeGenome(ctx, c, job.ProfileID)
	case len(single) > 0:
		markers, calls, err = im.scopedMarkers(ctx, c, job.ProfileID, single, progress)
	default:
		return "", phenolink.Errorf(phenolink.EFORBIDDEN,
			"Your 23andMe sign-in did not let Phenolink read your genome. Sign in with 23andMe again and allow access to your genome (the genomes permission).")
	}
	if err != nil {
		return "", fmt.Errorf("importer.SyncGenome(job %d, profile %q): %w", job.ID, job.ProfileID, apiError(err))
	}
	if !slices.ContainsFunc(calls, func(c phenolink.Call) bool { return c != phenolink.NotOnChip }) {
		return "", phenolink.Errorf(phenolink.EINVALID,
			"23andMe has no genotypes for this profile yet. Sync again once its results are ready.")
	}
	if err := progress(0.8, fmt.Sprintf("Storing %s markers…", thousands(len(markers)))); err != nil {
		return "", err
	}
	info := phenolink.GenomeInfo{ProfileID: job.ProfileID, Source: phenolink.GenomeSourceAPI,
		Build: phenolink.GenomeBuild, JobID: job.ID}
	info, err = im.d.Genomes.SaveGenome(ctx, info, markers, calls)
	if err != nil {
		return "", fmt.Errorf("importer.SyncGenome(job %d, profile %q): %w", job.ID, job.ProfileID, err)
	}
	return storedMessage(info), nil
}

// client returns an API client that calls 23andMe as the user. A refresh
// sends the scope, and 23andMe refuses one wider than the sign-in granted,
// so it asks for exactly the stored token's scopes.
func (im *Importer) client(userID string, scopes []string) (*ttam.Client, error) {
	a := im.d.API
	o, err := ttam.NewOAuth(ttam.OAuthConfig{APIURL: a.URL, ClientID: a.ClientID, ClientSecret: a.ClientSecret,
		RedirectURL: a.RedirectURL, Scopes: scopes, HTTPClient: im.d.HTTPClient, Now: im.d.Now})
	if err != nil {
		return nil, fmt.Errorf("importer: 23andMe sign-in settings: %w", err)
	}
	c, err := ttam.NewClient(ttam.ClientConfig{APIURL: a.URL, HTTPClient: im.d.HTTPClient, Retry: im.d.Retry,
		Logger: im.d.Logger, Tokens: &storedTokens{im: im, oauth: o, userID: userID}})
	if err != nil {
		return nil, fmt.Errorf("importer: 23andMe client: %w", err)
	}
	return c, nil
}

// wholeGenome reads the packed v1 genome over the cached key. A genome
// the key cannot decode may mean 23andMe grew the key, so the key is
// fetched once more before giving up.
func (im *Importer) wholeGenome(ctx context.Context, c *ttam.Client, profileID string) ([]phenolink.Marker, []phenolink.Call, error) {
	key, err := im.keys.Key(ctx, c, im.d.API.URL, nil)
	if err != nil {
		return nil, nil, err
	}
	g, err := c.Genome(ctx, profileID, key)
	if errors.Is(err, ttam.ErrBadResponse) {
		im.d.Logger.Warn("importer: genome does not fit the cached key; fetching the key again", "err", err)
		if key, err = im.keys.Key(ctx, c, im.d.API.URL, key); err != nil {
			return nil, nil, err
		}
		g, err = c.Genome(ctx, profileID, key)
	}
	if err != nil {
		return nil, nil, err
	}
	markers, err := keyMarkers(key.Markers[:len(g.Calls)])
	if err != nil {
		return nil, nil, err
	}
	return markers, g.Calls, nil
}

// keyMarkers converts key rows to index markers.
func keyMarkers(rows []ttam.KeyMarker) ([]phenolink.Marker, error) {
	out := make([]phenolink.Marker, len(rows))
	for i, r := range rows {
		chrom, ok := phenolink.ParseChromosomeBytes([]byte(r.Chromosome))
		if !ok || r.Position < 1 || r.Position > 1<<32-1 {
			return nil, phenolink.Errorf(phenolink.EUNAVAILABLE,
				"23andMe's genome key places marker %s at %s:%d, which is not a GRCh37 position. Try again later.", r.ID, r.Chromosome, r.Position)
		}
		out[i] = phenolink.Marker{ID: r.ID, Chrom: chrom, Pos: uint32(r.Position)}
	}
	return out, nil
}

// markerScopeRe matches a scope that unlocks one marker, such as "rs53576".
var markerScopeRe = regexp.MustCompile(`^(rs|i)[0-9]{1,12}$`)

// markerScopes returns the scopes that each unlock one marker.
func markerScopes(scopes []string) []string {
	var ids []string
	for _, s := range scopes {
		if markerScopeRe.MatchString(s) {
			ids = append(ids, s)
		}
	}
	return ids
}

// scopedMarkers reads, through the v3 API, the markers the token unlocks
// one by one that the shared index already holds: the index gives their
// positions and says which ids 23andMe knows (an unknown id would fail the
// whole request). They are asked for ttam.MaxMarkerIDs at a time.
func (im *Importer) scopedMarkers(ctx context.Context, c *ttam.Client, profileID string, allowed []string, progress jobs.Progress) ([]phenolink.Marker, []phenolink.Call, error) {
	index, err := im.d.Genomes.Markers(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the marker index: %w", err)
	}
	want := make(map[string]bool, len(allowed))
	for _, id := range allowed {
		want[id] = true
	}
	var known []phenolink.Marker
	for _, m := range index {
		if want[m.ID] {
			known = append(known, m)
		}
	}
	if len(known) == 0 {
		return nil, nil, phenolink.Errorf(phenolink.EFORBIDDEN,
			"Your 23andMe sign-in lets Phenolink read only %d single markers, none of which it knows yet. Sign in with 23andMe again and allow access to your genome (the genomes permission).", len(allowed))
	}
	markers := make([]phenolink.Marker, 0, len(known))
	calls := make([]phenolink.Call, 0, len(known))
	for start := 0; start < len(known); start += ttam.MaxMarkerIDs {
		chunk := known[start:min(start+ttam.MaxMarkerIDs, len(known))]
		ids := make([]string, len(chunk))
		for i, m := range chunk {
			ids[i] = m.ID
		}
		got, err := c.Markers(ctx, profileID, ids)
		if err != nil {
			return nil, nil, err
		}
		byID := make(map[string]ttam.Marker, len(got))
		for _, m := range got {
			byID[m.ID] = m
		}
		for _, m := range chunk {
			v3, ok := byID[m.ID]
			if !ok {
				continue // 23andMe left it out: not on this profile's record
			}
			call, err := v3.Call()
			if err != nil {
				return nil, nil, fmt.Errorf("marker %s: %w", m.ID, err)
			}
			markers, calls = append(markers, m), append(calls, call)
		}
		done := start + len(chunk)
		if err := progress(0.05+0.7*float64(done)/float64(len(known)), fmt.Sprintf("Read %s of %s markers…", thousands(done), thousands(len(known)))); err != nil {
			return nil, nil, err
		}
	}
	return markers, calls, nil
}

// apiError gives a failed call the code and message the job shows. A
// sign-in that could not be refreshed and a refusal both need the person
// to sign in again, so they fail for good (EFORBIDDEN) rather than retry;
// 23andMe being busy or down keeps ttam's EUNAVAILABLE, which is retried.
func apiError(err error) error {
	switch {
	case errors.Is(err, ttam.ErrUnauthenticated):
		return fmt.Errorf("%w: %w", errSignInAgain(), err)
	case errors.Is(err, ttam.ErrForbidden):
		return fmt.Errorf("%w: %w", phenolink.Errorf(phenolink.EFORBIDDEN,
			"23andMe did not let Phenolink read this profile's genome. Sign in with 23andMe again and allow access to your genome."), err)
	}
	return err
}
