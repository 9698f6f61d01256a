// Package ttam is a typed client for the 23andMe API (docs/23andme-api.md):
// the OAuth 2.0 authorization-code flow with state, PKCE and rotating refresh
// tokens, the v3 account, profile, marker, variant, accession and report
// endpoints, and the deprecated v1 user, names, genotypes and packed genome
// endpoints together with the genome key they are decoded with; V1Demo
// points the v1 calls at the /1/demo/ routes.
//
// Every call takes a context, runs under a per-call timeout, reads a bounded
// response body, retries idempotent GETs on 429, 5xx and network errors with
// capped exponential backoff, and reports failures as *APIError values whose
// kind callers test with errors.Is (ErrNotFound, ErrRateLimited, ...) and
// which carry a phenolink.Error for the web layer. Access and refresh tokens
// never appear in logs or error messages.
package ttam
