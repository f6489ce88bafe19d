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

	// tagTwo ticks a and b on the list at path, adds tag, and checks the
	// page before and after.
	b := newTab(t, s.srv.URL, 90*time.Second, false)
	b.login("dashilan")
	tagTwo := func(path, width, tag string, a, c *member.Member) {
		t.Helper()
		b.open(path, "#bulk-members")
		b.do(tick(a), tick(c), chromedp.SetValue(chromedp.CSS(`#bulk-members select[name=bulk_tag]`), tag))
		b.shot("members-bulk-tag-" + width)
		check(b, width+" px")
		b.do(chromedp.Click(chromedp.CSS(`#bulk-members button[value="tag"]`)), chromedp.WaitVisible(chromedp.CSS(".alert")))
		b.expect("after tagging at "+width, "已处理 2 人")
		b.shot("members-bulk-tag-done-" + width)
		check(b, width+" px")
		for _, m := range []*member.Member{a, c} {
			if !slices.Contains(tagsOf(m), tag) {
				t.Fatalf("%s not tagged %s at %s", m.Name, tag, width)
			}
		}
	}
	tagTwo("/members", "1280", "hardship", zhang, li)
	if slices.Contains(tagsOf(chen), "hardship") {
		t.Fatal("an unticked member was tagged")
	}
	b.phone()
	tagTwo("/members?sort=-joined", "390", "craftsman", chen, li)
	if slices.Contains(tagsOf(zhang), "craftsman") {
		t.Fatal("an unticked member was tagged on the phone")
	}
}
