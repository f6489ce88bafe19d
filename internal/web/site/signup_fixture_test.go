package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
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
	deps := web.Deps{DB: d, Auth: ps.auth, Orgs: ps.orgs, Members: ps.members, Acts: s.acts}
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

// memberPhone is a phone-sized browser on the site in Chinese, opened at
// the language switch that goes back to back. The caller cancels it.
func (s *signupSite) memberPhone(t *testing.T, back string, timeout time.Duration) (context.Context, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(testkit.Browser(t, 390, 844), timeout)
	phone(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/lang?to=zh-CN&back="+back)); err != nil {
		cancel()
		t.Fatal(err)
	}
	return ctx, cancel
}

// phoneLogin signs a member in on the phone with a text-message code,
// starting from start (a member page: the sign-in comes back to it).
func (s *signupSite) phoneLogin(t *testing.T, ctx context.Context, start, mobile, waitFor string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.srv.URL+start),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobile),
		chromedp.Click(chromedp.CSS("button.code-send")),
		chromedp.WaitVisible(chromedp.CSS(".alert-info")),
	); err != nil {
		t.Fatalf("ask for a code: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-code"), s.lastCode(t, mobile)+"\r"),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

// addMembers adds the five members the sign-up tests share: four of the
// east union (张建华 a model worker), 王德明 of the west one; mobile
// numbers 1 to 5.
func (s *signupSite) addMembers(t *testing.T) (zhang, li, wang, zhao, sun *member.Member) {
	t.Helper()
	return s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker"), s.add(t, s.unionE, "李秀英", 2, "2021-06-15"),
		s.add(t, s.unionW, "王德明", 3, "2020-01-10"), s.add(t, s.unionE, "赵六", 4, "2022-02-02"), s.add(t, s.unionE, "孙七", 5, "2023-03-03")
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
