package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/ttamsim"
)

// signedInUser returns the account the browser is signed in as, from
// /_auth_status/.
func signedInUser(t testing.TB, app *testApp, c *http.Client) string {
	t.Helper()
	_, body := get(t, c, app.URL+"/_auth_status/")
	var s authStatus
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("/_auth_status/ %q: %v", body, err)
	}
	if !s.SignedIn || s.AccountID == "" {
		t.Fatalf("/_auth_status/ = %s, want signed in", body)
	}
	return s.AccountID
}

// multiProfileAccount is the simulator's sample account with a parent and
// a child, so there is a profile to switch to.
const multiProfileAccount = "Tomas Okafor"

// signedInProfile returns the profile the dashboard shows as current.
func signedInProfile(t *testing.T, app *testApp, c *http.Client) string {
	t.Helper()
	_, page := get(t, c, app.URL+"/")
	i := strings.Index(page, `" selected>`)
	if i < 0 {
		t.Fatalf("no profile selected on the dashboard")
	}
	j := strings.LastIndex(page[:i], `value="`)
	return page[j+len(`value="`) : i]
}

// otherProfile returns a profile of the account other than the current one.
func otherProfile(t *testing.T, app *testApp, c *http.Client, userID string) phenolink.Profile {
	t.Helper()
	profiles, err := app.store.Profiles(t.Context(), userID)
	if err != nil || len(profiles) < 2 {
		t.Fatalf("%s has %d profiles (%v), want 2", multiProfileAccount, len(profiles), err)
	}
	if signedInProfile(t, app, c) == profiles[1].ID {
		return profiles[0]
	}
	return profiles[1]
}

func TestSignInShowsDashboard(t *testing.T) {
	for _, db := range []struct {
		name string
		open func(testing.TB) store
	}{{"sqlite", newSQLite}, {"postgres", newPostgres}} {
		t.Run(db.name, func(t *testing.T) {
			app, _ := newSignInApp(t, db.open(t))
			c := browser(t)
			get(t, c, app.URL+"/")
			before := sessionCookie(t, c, app.URL)
			if back := signIn(t, c, app.URL+"/login/"); back != "/" {
				t.Fatalf("sign-in returned to %q, want /", back)
			}
			if after := sessionCookie(t, c, app.URL); after == "" || after == before {
				t.Error("the session id was not renewed on sign-in")
			}
			id := signedInUser(t, app, c)
			user, err := app.store.User(t.Context(), id)
			if err != nil {
				t.Fatalf("the signed-in user was not stored: %v", err)
			}
			profiles, err := app.store.Profiles(t.Context(), id)
			if err != nil || len(profiles) == 0 {
				t.Fatalf("profiles of %s: %v, %d stored", id, err, len(profiles))
			}
			if _, err := app.store.Token(t.Context(), id); err != nil {
				t.Fatalf("the token was not stored: %v", err)
			}

			resp, page := get(t, c, app.URL+"/")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("dashboard = %d", resp.StatusCode)
			}
			if user.FirstName == "" || user.LastName == "" {
				t.Fatalf("stored user has no names: %+v", user)
			}
			wantContains(t, page, "dashboard lacks",
				"Signed in as <strong>"+user.FirstName+" "+user.LastName+"</strong>",
				"NC_000004.11", "191,154,276",
				"Genotyped", `action="/logout/"`,
			)
			for _, p := range profiles {
				if !strings.Contains(page, p.Name()) {
					t.Errorf("dashboard lacks profile %q", p.Name())
				}
			}
		})
	}
}

func TestSwitchProfile(t *testing.T) {
	app, _ := newSignInApp(t, nil)
	c := browser(t)
	signInAs(t, c, app.URL+"/login/", multiProfileAccount)
	id := signedInUser(t, app, c)
	target := otherProfile(t, app, c, id)

	resp, _ := postForm(t, c, app.URL+"/profile/", url.Values{"profile_id": {target.ID}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("switch = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := get(t, c, app.URL+"/")
	if !strings.Contains(page, "looking at <strong>"+target.Name()+"</strong>") || !strings.Contains(page, "Now showing "+target.Name()) {
		t.Errorf("after switching, the dashboard does not show %q as current", target.Name())
	}

	resp, page = postForm(t, c, app.URL+"/profile/", url.Values{"profile_id": {"someone-elses-profile"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Choose one of the profiles") {
		t.Errorf("switch to a foreign profile = %d, want 422 with a message", resp.StatusCode)
	}
}

func TestExpiredTokenIsRefreshedTransparently(t *testing.T) {
	tests := []struct {
		name    string
		advance func(app, sim *testClock)
	}{
		// The app sees the expiry coming and refreshes before calling.
		{"expired by the app's clock", func(app, sim *testClock) { app.advance(25 * time.Hour); sim.advance(25 * time.Hour) }},
		// The app believes the token is fine; the API answers 401.
		{"refused by the API", func(app, sim *testClock) { sim.advance(25 * time.Hour) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var simClock testClock
			sim := newSimulator(t, ttamsim.Config{Now: simClock.now})
			app := newTestApp(t, appOptions{apiURL: sim.URL})
			c := browser(t)
			signIn(t, c, app.URL+"/login/")
			id := signedInUser(t, app, c)
			old, err := app.store.Token(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			tt.advance(&app.clock, &simClock)

			resp, _ := postForm(t, c, app.URL+"/account/refresh/", nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("refresh with an expired token = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
			}
			_, page := get(t, c, app.URL+"/")
			if !strings.Contains(page, "up to date with 23andMe") {
				t.Error("the dashboard does not confirm the update")
			}
			now, err := app.store.Token(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if now.AccessToken == old.AccessToken || now.RefreshToken == old.RefreshToken || now.RefreshToken == "" {
				t.Error("the refreshed, rotated token pair was not stored")
			}
		})
	}
}

func TestFailedRefreshSignsInAgainKeepingTheForm(t *testing.T) {
	app, _ := newSignInApp(t, nil)
	c := browser(t)
	signInAs(t, c, app.URL+"/login/", multiProfileAccount)
	id := signedInUser(t, app, c)
	tok, err := app.store.Token(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	tok.RefreshToken = "revoked-refresh-token"
	tok.Expiry = time.Now().Add(-time.Hour)
	if err := app.store.SaveToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}

	resp, _ := postForm(t, c, app.URL+"/account/refresh/", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/") {
		t.Fatalf("refresh with a dead refresh token = %d to %q, want 303 to /login/", resp.StatusCode, resp.Header.Get("Location"))
	}

	// The session itself ends (it expired, or was cleaned up) while the
	// person is choosing a profile: their choice survives signing in.
	chosen := otherProfile(t, app, c, id)
	if err := app.store.DeleteCtx(t.Context(), sessionCookie(t, c, app.URL)); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/profile/", strings.NewReader(url.Values{"profile_id": {chosen.ID}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", app.URL+"/")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	login := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || login != "/login/?next=%2F" {
		t.Fatalf("POST without a session = %d to %q, want 303 to /login/?next=%%2F", resp.StatusCode, login)
	}
	if back := signInAs(t, c, app.URL+login, multiProfileAccount); back != "/" {
		t.Fatalf("sign-in returned to %q, want /", back)
	}
	_, page := get(t, c, app.URL+"/")
	if !strings.Contains(page, "Your choice below was kept") || !strings.Contains(page, `value="`+chosen.ID+`" selected`) {
		t.Error("the profile choice made before signing in again was not restored")
	}
}

func TestSignInDenied(t *testing.T) {
	app, _ := newSignInApp(t, nil)
	c := browser(t)
	callback := authorize(t, c, app.URL+"/login/?next=%2Fprofile%2F", "deny", "")
	resp, page := get(t, c, callback)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "You did not allow access") {
		t.Fatalf("denied callback = %d, want 403 with an explanation", resp.StatusCode)
	}
	if !strings.Contains(page, `href="/login/?next=%2fprofile%2f"`) && !strings.Contains(page, `href="/login/?next=%2Fprofile%2F"`) {
		t.Error("the denial page has no way to try again that returns to the same place")
	}
	if resp, _ := get(t, c, app.URL+"/_auth_status/"); resp.StatusCode != http.StatusOK {
		t.Fatal(resp.StatusCode)
	}
}

func TestSignInStateMismatch(t *testing.T) {
	app, _ := newSignInApp(t, nil)
	c := browser(t)
	callback := authorize(t, c, app.URL+"/login/", "approve", "")
	u := mustParse(t, callback)
	q := u.Query()
	q.Set("state", "forged-"+q.Get("state"))
	u.RawQuery = q.Encode()
	resp, page := get(t, c, u.String())
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "expired") {
		t.Fatalf("callback with a forged state = %d, want 400", resp.StatusCode)
	}
	// The real callback fails too now: the state is single-use.
	resp, _ = get(t, c, callback)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("replayed callback = %d, want 400", resp.StatusCode)
	}
	// And another browser cannot use the callback at all.
	resp, _ = get(t, browser(t), callback)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("callback in another browser = %d, want 400", resp.StatusCode)
	}
}

func TestSignInRefusesOpenRedirects(t *testing.T) {
	app, _ := newSignInApp(t, nil)
	for _, p := range hostileReturnPaths {
		c := browser(t)
		if back := signIn(t, c, app.URL+"/login/?next="+url.QueryEscape(p)); back != "/" {
			t.Errorf("next=%q: sign-in returned to %q, want /", p, back)
		}
	}
	c := browser(t)
	if back := signIn(t, c, app.URL+"/login/?next="+url.QueryEscape("/results/?snps=rs53576")); back != "/results/?snps=rs53576" {
		t.Errorf("a local return path became %q", back)
	}
}

func TestLogout(t *testing.T) {
	app, sim := newSignInApp(t, nil)
	c := browser(t)
	signIn(t, c, app.URL+"/login/")
	id := signedInUser(t, app, c)

	if _, page := get(t, c, app.URL+"/logout/"); !strings.Contains(page, `<form method="post" action="/logout/"`) || !strings.Contains(page, "Sign out of Phenolink?") {
		t.Error("GET /logout/ does not offer a sign-out button")
	}
	if id2 := signedInUser(t, app, c); id2 != id {
		t.Fatal("GET /logout/ signed the person out; only POST may")
	}
	resp, _ := postForm(t, c, app.URL+"/logout/", nil)
	want := sim.URL + "/logout/?redirect_uri=" + url.QueryEscape(app.URL+"/receive_code/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("logout = %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	resp, _ = get(t, c, want)
	if back := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || back != app.URL+"/receive_code/" {
		t.Fatalf("the API's logout = %d to %q, want a redirect back to the app", resp.StatusCode, back)
	}
	if resp, _ := get(t, c, app.URL+"/receive_code/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("coming back from the API's logout = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := get(t, c, app.URL+"/_auth_status/"); !strings.Contains(body, `"signed_in":false`) {
		t.Errorf("after logout /_auth_status/ = %s", body)
	}
	if _, err := app.store.Token(t.Context(), id); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Errorf("the token outlived the logout: %v", err)
	}
	if _, page := get(t, c, app.URL+"/"); !strings.Contains(page, "Sign in with 23andMe") {
		t.Error("the start page after logout does not offer to sign in")
	}
}

func TestSignedOutPostGoesToSignIn(t *testing.T) {
	app := newTestApp(t, appOptions{})
	resp, _ := postForm(t, browser(t), app.URL+"/account/refresh/", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/") {
		t.Fatalf("signed-out POST = %d to %q, want 303 to /login/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestDeleteMyData(t *testing.T) {
	app, _ := newSignInApp(t, nil)
	c := browser(t)
	signIn(t, c, app.URL+"/login/")
	id := signedInUser(t, app, c)
	other := browser(t) // the same person on another device
	signIn(t, other, app.URL+"/login/")

	resp, _ := postForm(t, c, app.URL+"/account/delete/", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("delete = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := get(t, c, app.URL+"/"); !strings.Contains(page, "has been deleted") || !strings.Contains(page, "Sign in with 23andMe") {
		t.Error("after deleting, the start page neither confirms it nor offers to sign in")
	}
	if _, err := app.store.User(t.Context(), id); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Errorf("the user outlived the deletion: %v", err)
	}
	if _, err := app.store.Token(t.Context(), id); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Errorf("the token outlived the deletion: %v", err)
	}
	if _, body := get(t, other, app.URL+"/_auth_status/"); !strings.Contains(body, `"signed_in":false`) {
		t.Errorf("the other device is still signed in: %s", body)
	}
}
