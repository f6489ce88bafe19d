package site

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
)

// TestBrowserApplicationsBulk: an officer ticks every application on the
// queue with "select all on this page" and approves them in one go, at
// desktop width; then, on a phone, ticks one and rejects it with a
// reason. Screenshots at 1280 and 390 pixels.
func TestBrowserApplicationsBulk(t *testing.T) {
	skipBrowser(t)
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	s.apply(s.unionE, "刘小燕", 5)
	s.apply(s.unionE, "陈东", 6)
	b := newTab(t, s.srv.URL, 90*time.Second, false)
	b.login("dashilan")
	b.open("/applications", "#bulk-apps")
	b.do(chromedp.WaitVisible(chromedp.CSS("#bulk-all")), chromedp.Click(chromedp.CSS("#bulk-all")))
	b.shot("members-applications-bulk-1280")
	if b.sideways(2) {
		t.Error("the queue scrolls sideways at 1280 px")
	}
	b.do(chromedp.Click(chromedp.CSS(`#bulk-apps button[value="approve"]`)), chromedp.WaitVisible(chromedp.CSS(".alert")))
	b.shot("members-applications-bulk-done-1280")
	b.expect("after approving", "已通过 2 条申请")

	s.apply(s.unionE, "吴六", 8)
	s.apply(s.unionE, "郑七", 9)
	b.phone()
	b.open("/applications", "#bulk-apps")
	b.do(chromedp.Click(chromedp.CSS(`input.row-select`)),
		chromedp.SendKeys(chromedp.CSS("#bulk-apps textarea[name=reason]"), "不是本单位职工"))
	b.shot("members-applications-bulk-390")
	if b.sideways(2) {
		t.Error("the queue scrolls sideways at 390 px")
	}
	b.do(chromedp.Click(chromedp.CSS(`#bulk-apps button[value="reject"]`)), chromedp.WaitVisible(chromedp.CSS(".alert")))
	b.shot("members-applications-bulk-done-390")
	b.expect("after rejecting", "1 条申请未通过")
	left, _, err := s.members.ListApplications(context.Background(), s.system, member.ApplicationQuery{Status: member.AppPending})
	if err != nil || len(left) != 1 {
		t.Fatalf("pending after the bulk rejection: %d %v", len(left), err)
	}
}
