package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// signupSite is the member site with the stores of the modules that take
// sign-ups (activities; courses when asked), and an officer of the city
// federation who publishes them. pactSite and pcrsSite add each module's
// helpers.
type signupSite struct {
	*portalSite
	acts  *activity.Store
	crs   *course.Store // nil unless asked for
	staff *auth.Principal
}

func newSignupSite(t *testing.T, d *db.DB, withCourses bool) *signupSite {
	t.Helper()
	ps := newPortalSite(t, d)
	s := &signupSite{portalSite: ps, acts: activity.NewStore(d, ps.members),
		staff: &auth.Principal{UserID: 1, Username: "city", Kind: "staff",
			Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: ps.root.ID, OrgPath: ps.root.Path, OrgName: ps.root.Name}}}}
	deps := Deps{Deps: web.Deps{DB: d, Auth: ps.auth, Orgs: ps.orgs, Members: ps.members}, Acts: s.acts}
	if withCourses {
		s.crs = course.NewStore(d, ps.members)
		deps.Courses = s.crs
	}
	mux := http.NewServeMux()
	if err := Mount(context.Background(), mux, deps); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ps.srv = srv
	return s
}

// addMembers adds the five members the sign-up tests share: four of the
// east union (张建华 a model worker), 王德明 of the west one; mobile
// numbers 1 to 5.
func (s *signupSite) addMembers(t *testing.T) (zhang, li, wang, zhao, sun *member.Member) {
	t.Helper()
	zhang, li, wang = s.addTrio(t)
	return zhang, li, wang, s.add(t, s.unionE, "赵六", 4, "2022-02-02"), s.add(t, s.unionE, "孙七", 5, "2023-03-03")
}

// forged is a check-in code with one character of its MAC changed, back
// characters from its end.
func forged(code string, back int) string {
	i := len(code) - back
	ch := "A"
	if code[i] == 'A' {
		ch = "B"
	}
	return code[:i] + ch + code[i+1:]
}

// inEnglish is a page's address asking for it in English.
func inEnglish(path string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=en"
	}
	return path + "?lang=en"
}

// loginAll signs the five members of addMembers in to the portal, in
// their order.
func (s *signupSite) loginAll(t *testing.T) (zhang, li, wang, zhao, sun *client) {
	t.Helper()
	c := make([]*client, 5)
	for i := range c {
		c[i] = s.memberLogin(t, mobileNumber(i+1))
	}
	return c[0], c[1], c[2], c[3], c[4]
}

// wantFlashBack: a member's form went back to path with the flash.
func wantFlashBack(t *testing.T, what string, a answer, path, flash string) {
	t.Helper()
	wantStatus(t, what, a, http.StatusSeeOther)
	if a.location != path || flashSet(a) != flash {
		t.Errorf("%s: goes to %q with flash %q, want %q with %q", what, a.location, flashSet(a), path, flash)
	}
}

// wantLoginFirst: a portal page asked without a session sends to the
// sign-in page, which comes back to path.
func wantLoginFirst(t *testing.T, a answer, path string) {
	t.Helper()
	wantStatus(t, "signed out", a, http.StatusSeeOther)
	if a.location != "/m/login?next="+url.QueryEscape(path) {
		t.Fatalf("signed out goes to %q", a.location)
	}
}

// wantCheckinRefused: c's check-in page at path (of code) shows the
// refusal msg without the button, and pressing it anyway is refused with
// it.
func wantCheckinRefused(t *testing.T, what string, c *client, path, code, msg string) {
	t.Helper()
	a := c.get(path)
	wantBody(t, what, a, `data-result="refused"`, msg)
	wantNoBody(t, what, a, `action="/m/checkin"`)
	a = c.post("/m/checkin", url.Values{"code": {code}}, "/m/account")
	wantStatus(t, what+": pressed", a, http.StatusConflict)
	wantBody(t, what+": pressed", a, msg)
}

// mountStaffSignup serves ms's site with the stores of the modules that
// take sign-ups (crs nil: no courses), and returns an officer of the east
// union, for the stores in the setup.
func mountStaffSignup(t *testing.T, d *db.DB, ms *memberSite, acts *activity.Store, crs *course.Store) *auth.Principal {
	t.Helper()
	mux := http.NewServeMux()
	if err := Mount(context.Background(), mux, Deps{Deps: web.Deps{DB: d, Auth: ms.auth, Orgs: ms.orgs, Members: ms.members}, Acts: acts, Courses: crs}); err != nil {
		t.Fatal(err)
	}
	ms.srv = httptest.NewServer(mux)
	t.Cleanup(ms.srv.Close)
	return &auth.Principal{Kind: "staff", OrgID: ms.east.ID, OrgPath: ms.east.Path,
		Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: ms.east.ID, OrgPath: ms.east.Path, OrgName: ms.east.Name}}}
}
