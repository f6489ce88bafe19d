package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// signIn walks the sign-in form as a browser at remote would, over the
// given scheme, and returns the answer to the POST and the cookies it set.
func signIn(t *testing.T, h http.Handler, remote string, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	get := httptest.NewRequest("GET", "/login", nil)
	get.RemoteAddr = remote
	for k, v := range headers {
		get.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, get)
	m := csrfRE.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no form token on the sign-in page: %d", rec.Code)
	}
	form := url.Values{"username": {"admin"}, "password": {testPassword}, "csrf_token": {m[1]}}
	post := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.RemoteAddr = remote
	for k, v := range headers {
		post.Header.Set(k, v)
	}
	for _, c := range rec.Result().Cookies() {
		post.AddCookie(c)
	}
	out := httptest.NewRecorder()
	h.ServeHTTP(out, post)
	return out
}

func sessionCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	return namedCookie(rec, "gh_session")
}

// namedCookie is the cookie set whose name ends in name (a prefix such as
// __Host- may come first), unless it is being cleared.
func namedCookie(rec *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if strings.HasSuffix(c.Name, name) && c.Value != "" {
			return c
		}
	}
	return nil
}

func TestSessionCookieFollowsTransport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		build := func(o httpx.Options) http.Handler {
			return mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, HTTP: o}})
		}

		// Behind a TLS-terminating proxy: __Host- cookie, Secure, HttpOnly, SameSite.
		rec := signIn(t, build(httpx.Options{TrustProxy: true}), "10.1.2.3:5000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
		c := sessionCookie(rec)
		if rec.Code != http.StatusSeeOther || c == nil {
			t.Fatalf("sign-in behind TLS proxy: %d %v", rec.Code, rec.Result().Cookies())
		}
		if c.Name != "__Host-gh_session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Fatalf("cookie over HTTPS: %+v", c)
		}

		// Plain HTTP from another machine: no sign-in at all.
		rec = signIn(t, build(httpx.Options{}), "192.0.2.10:4000", nil)
		if rec.Code != http.StatusForbidden || sessionCookie(rec) != nil {
			t.Fatalf("plain HTTP from afar must be refused: %d %v", rec.Code, rec.Result().Cookies())
		}
		// ...unless the operator said so explicitly.
		rec = signIn(t, build(httpx.Options{InsecureHTTP: true}), "192.0.2.10:4000", nil)
		if c := sessionCookie(rec); rec.Code != http.StatusSeeOther || c == nil || c.Name != "gh_session" {
			t.Fatalf("insecure-http sign-in: %d %v", rec.Code, rec.Result().Cookies())
		}
		// The proxy's headers are ignored unless it is trusted.
		rec = signIn(t, build(httpx.Options{}), "192.0.2.10:4000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})
		if rec.Code != http.StatusForbidden {
			t.Fatalf("untrusted forwarding headers believed: %d", rec.Code)
		}

		// On this machine over plain HTTP (the demo): a plain cookie.
		rec = signIn(t, build(httpx.Options{}), "127.0.0.1:4000", nil)
		if c := sessionCookie(rec); c == nil || c.Name != "gh_session" || c.Secure || !c.HttpOnly {
			t.Fatalf("loopback cookie: %v", rec.Result().Cookies())
		}
	})
}

// Signing in again in the same browser gives a new session secret and ends
// the old one.
func TestSessionRotatesAtLogin(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		c := s.login("admin", "")
		u, _ := url.Parse(s.srv.URL)
		var first string
		for _, ck := range c.c.Jar.Cookies(u) {
			if ck.Name == "gh_session" {
				first = ck.Value
			}
		}
		c.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}}, "/")
		var second string
		for _, ck := range c.c.Jar.Cookies(u) {
			if ck.Name == "gh_session" {
				second = ck.Value
			}
		}
		if first == "" || second == "" || first == second {
			t.Fatalf("session not rotated: %q -> %q", first, second)
		}
		if _, _, err := s.auth.Authenticate(context.Background(), first, false); err == nil {
			t.Fatal("the old session still works")
		}
	})
}

// With an expired password a staff member can only reach their account
// page to change it.
func TestExpiredPasswordLeadsToAccount(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		sec := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleSecurity, OrgID: s.root.ID, OrgPath: s.root.Path}}}
		pol := auth.DefaultPolicy()
		pol.PasswordMaxAge = 30
		if err := s.auth.SetPolicy(ctx, sec, pol); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "UPDATE users SET password_changed_at = ? WHERE username = 'dashilan'", time.Now().Add(-31*24*time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		c := s.login("dashilan", "")
		if a := c.get("/orgs"); a.status != http.StatusSeeOther || a.location != "/account?expired=1" {
			t.Fatalf("want a redirect to the account page, got %d %q", a.status, a.location)
		}
		a := c.get("/account?expired=1")
		wantStatus(t, "account page", a, http.StatusOK)
		wantBody(t, "account page", a, "密码已超过")
	})
}
