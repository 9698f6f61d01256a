package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// sessionCookie is the app's session cookie name.
const sessionCookie = "phenolink_session"

var (
	formRe  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRe = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	attrRe  = regexp.MustCompile(`(?is)([a-z_-]+)\s*=\s*"([^"]*)"`)
)

// signIn signs in as a browser does: /login/ redirects to the simulator's
// authorize page, whose approve form (first account offered) redirects back
// to /receive_code/ and on to the dashboard. It returns the session cookie
// and the dashboard's HTML.
func signIn(base string) (cookie *http.Cookie, dashboard string, err error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, "", err
	}
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	resp, err := c.Get(base + "login/")
	if err != nil {
		return nil, "", fmt.Errorf("sign-in: GET /login/: %w", err)
	}
	authURL := resp.Request.URL
	page, err := body(resp)
	if err != nil {
		return nil, "", fmt.Errorf("sign-in: authorize page: %w", err)
	}
	form, action, ok := approveForm(page)
	if !ok {
		return nil, "", fmt.Errorf("sign-in: no approve form on %s", authURL)
	}
	target, err := authURL.Parse(action)
	if err != nil {
		return nil, "", fmt.Errorf("sign-in: form action %q: %w", action, err)
	}
	resp, err = c.PostForm(target.String(), form)
	if err != nil {
		return nil, "", fmt.Errorf("sign-in: approve: %w", err)
	}
	if dashboard, err = body(resp); err != nil {
		return nil, "", fmt.Errorf("sign-in: landing after approval: %w", err)
	}
	if !strings.Contains(dashboard, "Signed in as") {
		return nil, "", fmt.Errorf("sign-in: the page after approval does not say who is signed in")
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, "", err
	}
	for _, ck := range jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck, dashboard, nil
		}
	}
	return nil, "", fmt.Errorf("sign-in: no %s cookie after signing in", sessionCookie)
}

// approveForm finds the authorize page's form with a decision field and
// fills it as a person approving with the first account would.
func approveForm(page string) (url.Values, string, bool) {
	for _, m := range formRe.FindAllStringSubmatch(page, -1) {
		if !strings.Contains(m[2], `name="decision"`) {
			continue
		}
		form := url.Values{}
		action := ""
		for _, a := range attrRe.FindAllStringSubmatch(m[1], -1) {
			if strings.EqualFold(a[1], "action") {
				action = strings.ReplaceAll(a[2], "&amp;", "&")
			}
		}
		for _, in := range inputRe.FindAllStringSubmatch(m[2], -1) {
			at := map[string]string{}
			for _, a := range attrRe.FindAllStringSubmatch(in[1], -1) {
				at[strings.ToLower(a[1])] = strings.ReplaceAll(a[2], "&amp;", "&")
			}
			switch at["type"] {
			case "hidden":
				form.Set(at["name"], at["value"])
			case "radio":
				if form.Get(at["name"]) == "" {
					form.Set(at["name"], at["value"])
				}
			}
		}
		form.Set("decision", "approve")
		return form, action, true
	}
	return nil, "", false
}

// body reads a response that must be 200.
func body(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s = %d", resp.Request.Method, resp.Request.URL, resp.StatusCode)
	}
	return string(b), nil
}
