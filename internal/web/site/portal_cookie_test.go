package site

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// memberSignIn asks for a code and signs in with it through the forms, as
// a browser at remote would, and returns the answer to the sign-in.
func memberSignIn(t *testing.T, h http.Handler, s *portalSite, mobile, remote string, headers map[string]string) (codeStatus int, rec *httptest.ResponseRecorder) {
	t.Helper()
	var cookies []*http.Cookie
	do := func(method, path string, form url.Values) *httptest.ResponseRecorder {
		var req *http.Request
		if form != nil {
			req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest(method, path, nil)
		}
		req.RemoteAddr = remote
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		out := httptest.NewRecorder()
		h.ServeHTTP(out, req)
		cookies = append(cookies, out.Result().Cookies()...)
		return out
	}
	page := do("GET", "/m/login", nil)
	m := csrfRE.FindStringSubmatch(page.Body.String())
	if m == nil {
		t.Fatalf("no form token on the member sign-in page: %d", page.Code)
	}
	sent := do("POST", "/m/login/code", url.Values{"mobile": {mobile}, "csrf_token": {m[1]}})
	code := smsCodeRE.FindString(s.sms.Last(mobile))
	if code == "" {
		code = "123456"
	}
	return sent.Code, do("POST", "/m/login", url.Values{"mobile": {mobile}, "code": {code}, "csrf_token": {m[1]}})
}

func memberCookie(rec *httptest.ResponseRecorder) *http.Cookie { return namedCookie(rec, "gh_member") }

// The member cookie follows the transport like the staff one: __Host- and
// Secure over HTTPS, and no sign-in over plain HTTP from afar.
func TestPortalCookieFollowsTransport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newPortalSite(t, d)
		for n := 1; n <= 4; n++ {
			s.add(t, s.unionE, "会员"+string(rune('甲'+n)), n, "2020-01-01")
		}
		build := func(o httpx.Options) http.Handler {
			return mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, HTTP: o}})
		}

		_, rec := memberSignIn(t, build(httpx.Options{TrustProxy: true}), s, mobileNumber(1), "10.1.2.3:5000",
			map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
		c := memberCookie(rec)
		if rec.Code != http.StatusSeeOther || c == nil {
			t.Fatalf("member sign-in behind TLS proxy: %d %v\n%s", rec.Code, rec.Result().Cookies(), rec.Body.String())
		}
		if c.Name != "__Host-gh_member" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Fatalf("member cookie over HTTPS: %+v", c)
		}

		sent, rec := memberSignIn(t, build(httpx.Options{}), s, mobileNumber(2), "192.0.2.10:4000", nil)
		if sent != http.StatusForbidden || rec.Code != http.StatusForbidden || memberCookie(rec) != nil {
			t.Fatalf("plain HTTP from afar must be refused: %d %d %v", sent, rec.Code, rec.Result().Cookies())
		}
		if s.sms.Last(mobileNumber(2)) != "" {
			t.Fatal("a code was sent for a sign-in that cannot happen")
		}

		_, rec = memberSignIn(t, build(httpx.Options{InsecureHTTP: true}), s, mobileNumber(3), "192.0.2.10:4000", nil)
		if c := memberCookie(rec); rec.Code != http.StatusSeeOther || c == nil || c.Name != "gh_member" || c.Secure {
			t.Fatalf("insecure-http member sign-in: %d %v", rec.Code, rec.Result().Cookies())
		}

		_, rec = memberSignIn(t, build(httpx.Options{}), s, mobileNumber(4), "127.0.0.1:4000", nil)
		if c := memberCookie(rec); c == nil || c.Name != "gh_member" || c.Secure || !c.HttpOnly {
			t.Fatalf("loopback member cookie: %v", rec.Result().Cookies())
		}
	})
}
