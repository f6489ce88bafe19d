package site

import (
	"context"
	"strconv"
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

func browserLogin(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	// Chromium asks for English; the product's users read Chinese first.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=zh-CN&back=/login"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), username),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
	); err != nil {
		t.Fatalf("sign in as %s: %v", username, err)
	}
}

func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBrowserTree drives the pages in Chromium the way staff do: find a
// sub-union through the search, add a child to it, see the child in the
// tree opened level by level, switch to English. It leaves screenshots at
// desktop and phone widths in testkit.ScreenshotDir.
func TestBrowserTree(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	s, uni, sub := browserSite(t)
	ctx := testkit.Browser(t, 1280, 900)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	base := s.srv.URL
	browserLogin(t, ctx, base, "admin")
	testkit.Screenshot(t, ctx, "pages-home-1280")

	// Find 人文学院分工会 through the search and open it.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/orgs"),
		chromedp.SendKeys(chromedp.CSS("#f-q"), "人文学院"),
		chromedp.Submit(chromedp.CSS("#f-q")),
		chromedp.WaitVisible(chromedp.CSS("table.table")),
	); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "人文学院分工会") || !strings.Contains(text, "北京理工大学工会") {
		t.Fatalf("search results: %s", text)
	}
	testkit.Screenshot(t, ctx, "pages-search-1280")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`table a[href="/orgs/`+id(sub)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/orgs/`+id(sub)+`/new"]`)),
		chromedp.Click(chromedp.CSS(`.page-actions a[href="/orgs/`+id(sub)+`/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
	); err != nil {
		t.Fatal(err)
	}

	// Submit empty first: the form comes back with the error in place.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("form.form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "pages-org-new-error-1280")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-name"), "人文学院教工小组"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), string(org.KindGroup)),
		chromedp.Click(chromedp.CSS("form.form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "已新增组织") {
		t.Fatalf("after create: %s", text)
	}

	// The tree, opened level by level, shows the new group.
	toggle := func(o *org.Org) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`button.tree-toggle[data-children-url="/orgs/` + id(o) + `/children"]`))
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/orgs"),
		toggle(s.east),
		chromedp.WaitVisible(chromedp.CSS(`a.tree-name[href="/orgs/`+id(uni)+`"]`)),
		toggle(uni),
		chromedp.WaitVisible(chromedp.CSS(`a.tree-name[href="/orgs/`+id(sub)+`"]`)),
		toggle(sub),
		chromedp.WaitVisible(chromedp.Search(`//a[contains(@class, "tree-name")][contains(., "人文学院教工小组")]`)),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "pages-tree-1280")

	// Switch to English.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".lang-switch a")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] .page-head h1`)),
	); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "Organisations") {
		t.Errorf("English tree: %s", text)
	}
	testkit.Screenshot(t, ctx, "pages-tree-en-1280")
}

// TestBrowserScreens takes screenshots of every kind of page at desktop and
// phone widths, for people to look at.
func TestBrowserScreens(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
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
	pages := []struct{ user, name, path string }{
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
	for _, width := range []int{1280, 390} {
		ctx := testkit.Browser(t, width, 900)
		ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		if width < 600 {
			// Headless Chromium keeps its window at least 500 pixels wide:
			// emulate the phone's viewport instead.
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 844, chromedp.EmulateMobile)); err != nil {
				t.Fatal(err)
			}
		}
		who := ""
		for _, pg := range pages {
			if pg.user != who {
				if who != "" {
					if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/")); err != nil {
						t.Fatal(err)
					}
					// Sign out through the menu's form.
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('form[action="/logout"]').submit(), true)`)); err != nil {
						t.Fatal(err)
					}
					if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#f-username"))); err != nil {
						t.Fatal(err)
					}
				}
				browserLogin(t, ctx, s.srv.URL, pg.user)
				who = pg.user
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
				t.Fatalf("%s: %v", pg.path, err)
			}
			if pg.name == "audit" {
				_ = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.json-details summary")))
			}
			testkit.Screenshot(t, ctx, "pages-"+pg.name+"-"+strconv.Itoa(width))
		}
		cancel()
	}
}
