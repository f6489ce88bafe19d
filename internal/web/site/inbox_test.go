package site

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
	"gonghui/internal/member/privacy"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// inboxSite is the test site with the to-do inbox wired, a union under
// each street and an officer account at 西长安街 besides 大栅栏's.
func inboxSite(t *testing.T, d *db.DB) (*site, *org.Org) {
	t.Helper()
	ctx := context.Background()
	s := newSite(t, d)
	union := func(street *org.Org, name string) *org.Org {
		u, err := s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: street.ID, Name: name, Kind: org.KindGrassroots})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	east := union(s.east, "大栅栏商业街联合工会")
	union(s.west, "西单商场工会")
	if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "xichang", Name: "测试xichang", OrgID: s.west.ID, Password: testPassword}, auth.RoleOfficer); err != nil {
		t.Fatal(err)
	}
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, Inbox: inbox.New(append(s.members.InboxSources(), privacy.InboxSource(s.members))...)}}))
	return s, east
}

// apply files an application to join u, as a worker would on its page.
func (s *site) apply(u *org.Org, name string, n int) {
	s.t.Helper()
	id, err := cnid.MakeResidentID("110102", time.Date(1990, 3, n, 0, 0, 0, 0, time.UTC), 0)
	if err != nil {
		s.t.Fatal(err)
	}
	mobile := fmt.Sprintf("13900%06d", n)
	if _, err := s.members.Apply(context.Background(), u.ID, member.ApplyInput{Name: name, IDNumber: id, Mobile: mobile, PlatformWorker: true, Consent: true}); err != nil {
		s.t.Fatalf("apply %s: %v", name, err)
	}
}

// TestHomeInbox: 大栅栏's officer finds the waiting application on the
// workbench and a badge on the home link; 西长安街's officer sees neither.
func TestHomeInbox(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s, east := inboxSite(t, d)
		c := s.login("dashilan", "")
		a := c.get("/")
		wantPage(t, "/", a, keyRE("inbox"))
		if !strings.Contains(a.body, "没有等您处理的事项") || strings.Contains(a.body, `class="nav-count"`) {
			t.Fatalf("an empty inbox: %s", a.body)
		}
		s.apply(east, "刘小燕", 5)
		a = c.get("/")
		wantPage(t, "/", a, keyRE("inbox"))
		for _, want := range []string{"入会申请待审核", "刘小燕", "大栅栏商业街联合工会", "今天提交", `href="/applications"`,
			`<span class="nav-count" aria-hidden="true">1</span><span class="sr-only">1 件事项等您处理</span>`} {
			if !strings.Contains(a.body, want) {
				t.Fatalf("home lacks %q:\n%s", want, a.body)
			}
		}
		// Every page carries the badge, in the reader's language.
		en := s.login("dashilan", "en")
		if a := en.get("/orgs"); a.status != http.StatusOK || !strings.Contains(a.body, `<span class="sr-only">1 waiting for you</span>`) {
			t.Fatalf("the badge on /orgs: %d", a.status)
		}
		w := s.login("xichang", "")
		a = w.get("/")
		if !strings.Contains(a.body, "没有等您处理的事项") || strings.Contains(a.body, "刘小燕") || strings.Contains(a.body, `class="nav-count"`) {
			t.Fatalf("西长安街 sees 大栅栏's application: %s", a.body)
		}
	})
}

// TestBrowserHomeInbox: the workbench with a waiting application, at 1280
// and 390 pixels; the item leads to the application.
func TestBrowserHomeInbox(t *testing.T) {
	skipBrowser(t)
	s, east := inboxSite(t, testkit.NewDB(t, db.SQLite))
	s.apply(east, "刘小燕", 5)
	s.apply(east, "陈志强", 6)
	b := newTab(t, s.srv.URL, 90*time.Second, false)
	b.login("dashilan")
	b.open("/", "#inbox")
	b.expect("the workbench", "待办", "入会申请待审核", "2 件", "刘小燕", "陈志强", "今天提交")
	if n, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(`.site-nav a[href="/"] .nav-count`))); err != nil || n != "2" {
		t.Fatalf("badge %q, %v", n, err)
	}
	b.shot("inbox-home-1280")
	b.do(chromedp.Click(chromedp.CSS(`.inbox-items li:first-child a`)))
	b.waitPath("/applications/")
	b.expect("the application", "刘小燕")

	b.phone()
	b.open("/", "#inbox")
	if b.sideways(2) {
		t.Error("the workbench scrolls sideways on a phone")
	}
	if n, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(`.nav-button .nav-count`))); err != nil || n != "2" {
		t.Fatalf("menu badge %q, %v", n, err)
	}
	b.shot("inbox-home-390")
}

// waitPath waits until the page's path starts with prefix.
func (b *tab) waitPath(prefix string) {
	b.t.Helper()
	var got string
	for range 100 {
		if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname : ''`)); err == nil {
			if got = v; strings.HasPrefix(got, prefix) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("at %q, want %s…", got, prefix)
}

// forYouSite is the member site with the portal's inbox wired and
// 张建华 (mobile 1) with a correction refused and one open; 李秀英 (mobile 2)
// with one of her own. before, when set, runs before the requests (a test
// looks at the page while nothing is for him yet).
func forYouSite(t *testing.T, d *db.DB, before func(s *portalSite)) *portalSite {
	t.Helper()
	ctx := context.Background()
	s := newPortalSite(t, d)
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members,
		Inbox: inbox.New().WithMembers(s.members.MemberInboxSource(), privacy.MemberInboxSource(s.members))}}))
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01")
	li := s.add(t, s.unionE, "李秀英", 2, "2019-03-01")
	if before != nil {
		before(s)
	}
	job, err := privacy.RequestCorrection(ctx, s.members, zhang.ID, privacy.CorrectionInput{Field: "job", Value: "调度员"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := privacy.RequestCorrection(ctx, s.members, zhang.ID, privacy.CorrectionInput{Field: "employer_name", Value: "北京排水集团"}); err != nil {
		t.Fatal(err)
	}
	if _, err := privacy.RequestCorrection(ctx, s.members, li.ID, privacy.CorrectionInput{Field: "job", Value: "会计"}); err != nil {
		t.Fatal(err)
	}
	if _, err := privacy.DecideCorrection(ctx, s.members, s.system, job.ID, privacy.CorrectionDecision{Reason: "岗位以单位人事记录为准"}); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPortalForYou: a worker's home page lists their correction refused,
// with its reason, and the one still open; nobody else's.
func TestPortalForYou(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		var c *client
		forYouSite(t, d, func(s *portalSite) {
			c = s.memberLogin(t, mobileNumber(1))
			if a := c.get("/m"); strings.Contains(a.body, `id="for-you"`) {
				t.Fatalf("nothing for the member yet, but: %s", a.body)
			}
		})
		a := c.get("/m")
		wantStatus(t, "home", a, http.StatusOK)
		wantNoKeys(t, "home", a, keyRE("inbox"), portalRawKeyRE)
		wantBody(t, "home", a, `id="for-you"`, "您的更正申请（岗位）未通过", "原因：岗位以单位人事记录为准", "您的更正申请（工作单位）正在处理", "办理中", `href="/m/data#correct"`)
		if strings.Contains(a.body, "会计") || strings.Count(a.body, "您的更正申请") != 2 {
			t.Fatalf("the home page shows another member's request: %s", a.body)
		}
		// Open things come first.
		if strings.Index(a.body, "正在处理") > strings.Index(a.body, "未通过") {
			t.Fatalf("the open request is not first: %s", a.body)
		}
	})
}

// TestBrowserPortalForYou: the card on a phone.
func TestBrowserPortalForYou(t *testing.T) {
	skipBrowser(t)
	s := forYouSite(t, testkit.NewDB(t, db.SQLite), nil)
	b := s.memberTab(t, "/m", 90*time.Second)
	s.codeLogin(b, "/m", mobileNumber(1), "#for-you")
	b.expect("the member's home", "给您的消息", "您的更正申请（岗位）未通过", "原因：岗位以单位人事记录为准")
	if b.sideways(2) {
		t.Error("the member's home scrolls sideways")
	}
	b.shot("inbox-portal-390")
}
