// Package assets serves the site's stylesheet and script at fingerprinted
// URLs with immutable caching.
//
// The sources live in src/ (app.css with its @import partials, app.js with
// its ES module imports). `go generate ./internal/assets` compiles them
// with esbuild's Go API (bundled, minified, vendor-prefixed for the
// supported browsers, with linked source maps) into dist/, which is
// committed and embedded in the binary. At start-up Build only hashes
// and gzips dist, so production needs neither Node nor a compile step,
// and a test fails whenever dist is stale.
//
// Pages link files through Bundle.URL, which returns
// "/static/<hash>/<name>"; the handler answers only the current hash, so
// a URL never serves content other than what its hash names and browsers
// may cache it for a year. Under Debug with a SourceDir, Build compiles
// that directory itself, polls it, and rebuilds on change; URL then
// returns the new hash.
//
// Source maps are served in production too: every source is public, and
// they make a stack trace from a user's browser readable. Responses are
// gzip when the client accepts it; brotli is not built, to keep the
// package on the standard library, and gzip already shrinks the files to
// about a third.
//
// All script behaviour lives in files (no inline script), so pages can
// send a Content-Security-Policy without 'unsafe-inline'. Link the script
// with defer: <script src="{{asset "app.js"}}" defer></script>.
package assets
