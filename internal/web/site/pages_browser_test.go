package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// browserSite adds a university union with a sub-union to the test site, so
// that the tree has some depth to open.
func browserSite(t *testing.T) (*site, *org.Org, *org.Org) {
	s := newSite(t, testkit.NewDB(t, db.SQLite))
	ctx := context.Background()
	uni, err := s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.east.ID, Name: "北京理工大学工会", Kind: org.KindGrassroots, FoundedOn: "1985-09-01", Address: "海淀区中关村南大街 5 号"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: uni.ID, Name: "人文学院分工会", Kind: org.KindSub})
	if err != nil {
		t.Fatal(err)
	}
	emp, err := s.orgs.CreateEmployer(ctx, s.system, org.EmployerInput{OwnerOrgID: s.east.ID, Name: "北京理工大学", Category: "400", Industry: "P", Employees: 5200})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.orgs.LinkEmployer(ctx, s.system, uni.ID, emp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.orgs.CreateEmployer(ctx, s.system, org.EmployerInput{OwnerOrgID: s.east.ID, Name: "北京润宏保安服务有限公司", Category: "170", Industry: "L", Employees: 860, NewForms: true}); err != nil {
		t.Fatal(err)
	}
	return s, uni, sub
}

// TestBrowserTree drives the pages in Chromium the way staff do: find a
// sub-union through the search, add a child to it, see the child in the
// tree opened level by level, switch to English. It leaves screenshots at
// desktop and phone widths in testkit.ScreenshotDir.
func TestBrowserTree(t *testing.T) {
	skipBrowser(t)
	s, uni, sub := browserSite(t)
	b := newTab(t, s.srv.URL, 60*time.Second, false)
	b.login("admin")
	b.shot("pages-home-1280")

	// Find 人文学院分工会 through the search and open it.
	b.open("/orgs", "#f-q",
		chromedp.SendKeys(chromedp.CSS("#f-q"), "人文学院"),
		chromedp.Submit(chromedp.CSS("#f-q")),
		chromedp.WaitVisible(chromedp.CSS("table.table")),
	)
	b.expect("search results", "人文学院分工会", "北京理工大学工会")
	b.shot("pages-search-1280")
	b.do(
		chromedp.Click(chromedp.CSS(`table a[href="/orgs/`+id(sub)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/orgs/`+id(sub)+`/new"]`)),
		chromedp.Click(chromedp.CSS(`.page-actions a[href="/orgs/`+id(sub)+`/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
	)

	// Submit empty first: the form comes back with the error in place.
	b.do(
		chromedp.Click(chromedp.CSS("form.form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	b.shot("pages-org-new-error-1280")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-name"), "人文学院教工小组"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), string(org.KindGroup)),
		chromedp.Click(chromedp.CSS("form.form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	b.expect("after create", "已新增组织")

	// The tree, opened level by level, shows the new group.
	toggle := func(o *org.Org) step {
		return chromedp.Click(chromedp.CSS(`button.tree-toggle[data-children-url="/orgs/` + id(o) + `/children"]`))
	}
	b.do(
		chromedp.Navigate(b.base+"/orgs"),
		toggle(s.east),
		chromedp.WaitVisible(chromedp.CSS(`a.tree-name[href="/orgs/`+id(uni)+`"]`)),
		toggle(uni),
		chromedp.WaitVisible(chromedp.CSS(`a.tree-name[href="/orgs/`+id(sub)+`"]`)),
		toggle(sub),
		chromedp.WaitVisible(chromedp.Search(`//a[contains(@class, "tree-name")][contains(., "人文学院教工小组")]`)),
	)
	b.shot("pages-tree-1280")

	// Switch to English.
	b.do(
		chromedp.Click(chromedp.CSS(".lang-switch a")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] .page-head h1`)),
	)
	if text := b.text(); !strings.Contains(text, "Organisations") {
		t.Errorf("English tree: %s", text)
	}
	b.shot("pages-tree-en-1280")
}

// TestBrowserScreens takes screenshots of every kind of page at desktop and
// phone widths, for people to look at.
func TestBrowserScreens(t *testing.T) {
	skipBrowser(t)
	s, uni, _ := browserSite(t)
	offs, err := s.orgs.Officers(context.Background(), s.system, s.east.ID)
	if err != nil || len(offs) == 0 {
		t.Fatal(offs, err)
	}
	emps, _, err := s.orgs.ListEmployers(context.Background(), s.system, org.EmployerQuery{})
	if err != nil || len(emps) == 0 {
		t.Fatal(emps, err)
	}
	users, _, err := s.auth.ListUsers(context.Background(), &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleSecurity, OrgID: s.root.ID, OrgPath: s.root.Path}}}, auth.UserQuery{Q: "dashilan"})
	if err != nil || len(users) != 1 {
		t.Fatal(users, err)
	}
	pages := []screen{
		{"admin", "home", "/"},
		{"admin", "orgs", "/orgs"},
		{"admin", "org-street", "/orgs/" + id(s.east)},
		{"admin", "org-union", "/orgs/" + id(uni)},
		{"admin", "org-edit", "/orgs/" + id(uni) + "/edit"},
		{"admin", "org-move", "/orgs/" + id(uni) + "/move?q=" + "街道"},
		{"admin", "officer-edit", "/officers/" + db.FormatID(offs[0].ID) + "/edit"},
		{"admin", "employers", "/employers"},
		{"admin", "employer", "/employers/" + db.FormatID(emps[0].ID)},
		{"admin", "employer-new", "/employers/new?owner=" + id(s.east)},
		{"admin", "users", "/users"},
		{"admin", "user", "/users/" + db.FormatID(users[0].ID)},
		{"admin", "user-new", "/users/new"},
		{"admin", "account", "/account"},
		{"admin", "totp", "/account/totp?required=1"},
		{"admin", "audit-403", "/audit"},
		{"auditor", "audit", "/audit"},
		{"auditor", "audit-verify", "/audit/verify"},
		{"security", "security", "/security"},
	}
	screens(t, s.srv.URL, "pages", pages, func(b *tab, pg screen) {
		if pg.name == "audit" {
			_ = chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS("details.audit-changes summary")))
		}
	})
}
