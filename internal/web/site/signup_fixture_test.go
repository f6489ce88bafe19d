package site

import (
	"context"
	"net/http"
	"net/http/httptest"
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
