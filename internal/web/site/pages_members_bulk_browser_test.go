package site

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
)

// rawKeyText finds a message key shown as text.
var rawKeyText = regexp.MustCompile(`\b(?:mweb|member|flash|list|field|bulk)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*`)

// TestBrowserMembersBulkTag: an officer ticks two members on the registry
// and adds a tag to both, at 1280 px; then, on a phone sorted by joining
// date, ticks two and adds another. No raw keys, no sideways scrolling;
// screenshots at both widths.
func TestBrowserMembersBulkTag(t *testing.T) {
	skipBrowser(t)
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	zhang, li, _ := s.addTrio(t)
	chen := s.add(t, s.unionE, "陈东", 4, "2022-09-01")
	tagsOf := func(m *member.Member) []string {
		got, err := s.members.Get(context.Background(), s.system, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Tags
	}
	check := func(b *tab, width string) {
		t.Helper()
		if b.sideways(2) {
			t.Errorf("the registry scrolls sideways at %s", width)
		}
		if k := rawKeyText.FindString(b.text()); k != "" {
			t.Errorf("a raw key at %s: %s", width, k)
		}
	}
	tick := func(m *member.Member) step {
		return chromedp.Click(chromedp.CSS("#sel-" + mid(m)))
	}

	b := newTab(t, s.srv.URL, 90*time.Second, false)
	b.login("dashilan")
	b.open("/members", "#bulk-members")
	b.do(chromedp.WaitVisible(chromedp.CSS("#bulk-members-all")), tick(zhang), tick(li),
		chromedp.SetValue(chromedp.CSS(`#bulk-members select[name=bulk_tag]`), "hardship"))
	b.shot("members-bulk-tag-1280")
	check(b, "1280 px")
	b.do(chromedp.Click(chromedp.CSS(`#bulk-members button[value="tag"]`)), chromedp.WaitVisible(chromedp.CSS(".alert")))
	b.expect("after tagging", "已处理 2 人")
	b.shot("members-bulk-tag-done-1280")
	check(b, "1280 px")
	if !slices.Contains(tagsOf(zhang), "hardship") || !slices.Contains(tagsOf(li), "hardship") || slices.Contains(tagsOf(chen), "hardship") {
		t.Fatal("the wrong members were tagged")
	}

	b.phone()
	b.open("/members?sort=-joined", "#bulk-members")
	b.do(tick(chen), tick(li), chromedp.SetValue(chromedp.CSS(`#bulk-members select[name=bulk_tag]`), "craftsman"))
	b.shot("members-bulk-tag-390")
	check(b, "390 px")
	b.do(chromedp.Click(chromedp.CSS(`#bulk-members button[value="tag"]`)), chromedp.WaitVisible(chromedp.CSS(".alert")))
	b.expect("after tagging on a phone", "已处理 2 人")
	b.shot("members-bulk-tag-done-390")
	check(b, "390 px")
	if !slices.Contains(tagsOf(chen), "craftsman") || !slices.Contains(tagsOf(li), "craftsman") || slices.Contains(tagsOf(zhang), "craftsman") {
		t.Fatal("the wrong members were tagged on the phone")
	}
}
