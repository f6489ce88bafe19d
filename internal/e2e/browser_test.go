package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// text returns the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitLang waits until the page in the tab is in lang (after a navigation,
// so it polls rather than holding on to a node of the old document).
func waitLang(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.readyState === 'complete' ? document.documentElement.lang : ''"))
		if err == nil && got == lang {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("page language stayed %q (%v), want %q", got, err, lang)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// clickJS clicks the first element matching sel from page script; used for
// links that navigate away, where waiting on the clicked node never ends.
func clickJS(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+"`"+sel+"`"+`); if (!e) return false; e.click(); return true })()`))
	if err != nil || !ok {
		t.Fatalf("click %s: %v (found: %v)", sel, err, ok)
	}
}

func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, body)
	}
}

// A staff member signs in, finds 人文学院分工会 through the search, adds a
// union group under it, sees it in the tree, and switches to English; at
// desktop and at phone width.
func TestBrowserOrgTree(t *testing.T) {
	skipShort(t, "starts a server and a browser")
	dsn := testkit.NewDSN(t, db.SQLite)
	srv := testkit.StartServer(t, dsn, []string{"--demo"}, "GONGHUI_DEMO_PASSWORD="+demoPassword)
	for _, vp := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			ctx := testkit.Browser(t, vp.width, vp.height)
			viewport := chromedp.EmulateViewport(int64(vp.width), int64(vp.height))
			if vp.name == "phone" {
				// A phone: touch, no layout scrollbar, device-width pages.
				viewport = chromedp.EmulateViewport(int64(vp.width), int64(vp.height), chromedp.EmulateMobile)
			}
			run(t, ctx, "sign in",
				viewport,
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(chromedp.CSS("#f-username")),
			)
			testkit.Screenshot(t, ctx, vp.name+"-01-login")
			run(t, ctx, "submit login",
				chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"),
				chromedp.SendKeys(chromedp.CSS("#f-password"), demoPassword),
				chromedp.Click(chromedp.CSS("form[action='/login'] button[type=submit]")),
				chromedp.WaitReady(chromedp.Search(`//nav//a[@href='/orgs']`)),
			)
			testkit.Screenshot(t, ctx, vp.name+"-02-home")

			// Search the tree.
			run(t, ctx, "search",
				chromedp.Navigate(srv.URL+"/orgs"),
				chromedp.WaitVisible(chromedp.CSS("#f-q")),
				chromedp.SendKeys(chromedp.CSS("#f-q"), "人文学院\n"),
				chromedp.WaitVisible(chromedp.Search(`//main//a[contains(., '人文学院分工会')]`)),
			)
			testkit.Screenshot(t, ctx, vp.name+"-03-search")
			run(t, ctx, "open result",
				chromedp.Click(chromedp.Search(`//main//a[contains(., '人文学院分工会')]`)),
				chromedp.WaitVisible(chromedp.Search(`//main//h1[contains(., '人文学院分工会')]`)),
			)
			orgURL, _ := chromedp.Run(ctx, chromedp.Location())
			testkit.Screenshot(t, ctx, vp.name+"-04-org")

			// Add a child union group.
			child := "人文学院教工第" + vp.name + "小组"
			run(t, ctx, "add child",
				chromedp.Click(chromedp.CSS("a[href$='/new']")),
				chromedp.WaitVisible(chromedp.CSS("#f-name")),
				chromedp.SendKeys(chromedp.CSS("#f-name"), child),
				chromedp.SetValue(chromedp.CSS("#f-kind"), "union_group"),
			)
			testkit.Screenshot(t, ctx, vp.name+"-05-new-child")
			run(t, ctx, "save child",
				chromedp.Submit(chromedp.CSS("#f-name")),
				chromedp.WaitVisible(chromedp.Search(`//main//h1[contains(., '`+child+`')]`)),
			)
			// It sits in the tree under its parent.
			run(t, ctx, "back to parent", chromedp.Navigate(orgURL), chromedp.WaitVisible(chromedp.CSS("main h1")))
			if got := text(t, ctx, "main"); !strings.Contains(got, child) {
				t.Fatalf("new child %q not listed under its parent:\n%s", child, got)
			}
			testkit.Screenshot(t, ctx, vp.name+"-06-parent-with-child")

			// The tree view of the parent's level lists it too.
			u, _ := url.Parse(orgURL)
			run(t, ctx, "tree fragment", chromedp.Navigate(srv.URL+u.Path+"/children"))
			if got := text(t, ctx, "body"); !strings.Contains(got, child) {
				t.Fatalf("tree level does not list %q:\n%s", child, got)
			}

			// Switch to English on the organisation page.
			run(t, ctx, "switch to English",
				chromedp.Navigate(orgURL),
				chromedp.WaitVisible(chromedp.CSS("main h1")),
			)
			clickJS(t, ctx, "a[href^='/lang?to=en']")
			waitLang(t, ctx, "en")
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			if loc != orgURL {
				t.Errorf("language switch went to %s, want back to %s", loc, orgURL)
			}
			nav := text(t, ctx, "body")
			if !strings.Contains(nav, "Sign out") && !strings.Contains(nav, "Organisations") {
				t.Errorf("page not in English after the switch:\n%s", nav)
			}
			testkit.Screenshot(t, ctx, vp.name+"-07-english")
			// Back to Chinese for the next viewport's browser (new profile anyway).
			clickJS(t, ctx, "a[href^='/lang?to=zh-CN']")
			waitLang(t, ctx, "zh-CN")
		})
	}
}
