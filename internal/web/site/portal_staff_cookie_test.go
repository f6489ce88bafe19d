package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
)

// A member's session token put into the staff cookie opens no staff page.
func TestMemberTokenIsNoStaffSession(t *testing.T) {
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	rec := &sms.Recorder{}
	s.auth.SetSMS(rec)
	s.add(t, s.unionE, "骑手甲", 77, "2020-01-01")
	ctx := context.Background()
	if err := s.auth.SendCode(ctx, mobileNumber(77), ""); err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`\d{6}`).FindString(rec.Last(mobileNumber(77)))
	res, err := s.auth.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mobileNumber(77), Code: code, Kind: auth.SessionWeb})
	if err != nil {
		t.Fatal(err)
	}
	c := s.client("")
	u, _ := url.Parse(s.srv.URL)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: "gh_session", Value: res.Token, Path: "/"}})
	for _, path := range []string{"/", "/members", "/orgs"} {
		a := c.get(path)
		if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/login") {
			t.Fatalf("%s with a member token as staff cookie: %d %s", path, a.status, a.location)
		}
	}
}

// The members link shows to those who may see members, not to the auditor
// or the security administrator.
func TestMembersNavByPermission(t *testing.T) {
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	for user, want := range map[string]bool{"dashilan": true, "admin": true, "auditor": false, "security": false} {
		a := s.login(user, "").get("/orgs")
		if got := strings.Contains(a.body, `href="/members"`); got != want {
			t.Errorf("%s sees the members link: %v, want %v", user, got, want)
		}
	}
}
