package web

import "net/http"

// addResearchRoutes mounts the consent, survey and research pages. page
// wraps a handler with the session; signedIn also requires a signed-in user.
func addResearchRoutes(mux *http.ServeMux, d routeDeps, page, signedIn func(http.Handler) http.Handler) {
}
