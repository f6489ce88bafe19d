package site

import (
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// rawTextKeyRE finds a catalogue key in a page's visible text.
var rawTextKeyRE = regexp.MustCompile(`\b(?:list|mweb|aweb|cweb|page|field|error|web)\.[a-z0-9_]+`)

// TestBrowserSortedLists: the transfers and the activities, sorted, with
// their totals and page numbers, at 1280 and 390 px: no sideways scroll,
// no raw key; on the phone the headings are hidden and the sort keys
// are a row of links that sorts the list.
func TestBrowserSortedLists(t *testing.T) {
	skipBrowser(t)
	s := sortedListSite(t, testkit.NewDB(t, db.SQLite), 55)
	b := newTab(t, s.srv.URL, 120*time.Second, false)
	b.login("dashilan")
	check := func(what, path, shot string, wants ...string) {
		t.Helper()
		b.open(path, ".list-total")
		b.shot(shot)
		if b.sideways(2) {
			t.Errorf("%s scrolls sideways", what)
		}
		b.expect(what, wants...)
		if k := rawTextKeyRE.FindString(b.text()); k != "" {
			t.Errorf("%s shows a raw key: %s", what, k)
		}
	}
	check("transfers by member at 1280 px", "/transfers?sort=member", "lists-transfers-sorted-1280", "第 1–50 条 · 共 55 条", "↑")
	check("activities at 1280 px", "/activities?sort=title", "lists-activities-sorted-1280", "共 2 条")

	b.phone()
	check("transfers by member at 390 px", "/transfers?sort=member", "lists-transfers-sorted-390", "第 1–50 条 · 共 55 条", "排序")
	// The phone's row of sort links: by request time, newest first.
	b.do(chromedp.Click(chromedp.CSS(`.sort-bar a[href="/transfers?sort=-requested"]`)), chromedp.WaitVisible(chromedp.CSS(`.sort-bar a[href="/transfers?sort=requested"]`)))
	b.shot("lists-transfers-by-time-390")
	if b.sideways(2) {
		t.Error("transfers by time scroll sideways at 390 px")
	}
	check("page 2 at 390 px", "/transfers?page=2", "lists-transfers-page2-390", "第 51–55 条 · 共 55 条")
	check("activities at 390 px", "/activities?sort=title", "lists-activities-sorted-390", "共 2 条")
	check("courses at 390 px", "/courses?sort=title", "lists-courses-sorted-390", "共 2 条")
}
