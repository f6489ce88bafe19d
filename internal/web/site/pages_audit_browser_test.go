package site

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserAudit reads the audit log in Chromium as a street's auditor at
// desktop and phone widths: entries as sentences, a change table opened,
// the kind picker used, a bad date range; the page stays within the
// window. Screenshots go to testkit.ScreenshotDir as audit-*-<width>.
func TestBrowserAudit(t *testing.T) {
	skipBrowser(t)
	s := newAuditSite(t, testkit.NewDB(t, db.SQLite))
	for _, width := range []int{1280, 390} {
		b := newTab(t, s.srv.URL, 90*time.Second, width < 600)
		b.login("east_auditor")
		b.open("/audit", ".audit-log")
		b.expect("the log", "王会籍", "查看了", "张三", "（理由：核对入会信息）", "您范围之外的账号", "共 ")
		if b.sideways(2) {
			t.Errorf("%d px: the log is wider than the window", width)
		}
		b.shot(fmt.Sprint("audit-list-", width))
		b.do(chromedp.SetValue(chromedp.CSS("#f-kind"), "pii.reveal"),
			chromedp.Click(chromedp.CSS(".audit-filters button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/audit"].btn-link`)))
		b.expect("filtered by kind", "共 1 条", "张三")
		b.shot(fmt.Sprint("audit-kind-", width))
		b.do(chromedp.Click(chromedp.CSS(".audit-entry details.audit-changes summary")),
			chromedp.WaitVisible(chromedp.CSS(".audit-entry details[open] table")))
		b.expect("a change table", "查看的字段", "身份证号、手机号")
		if b.sideways(2) {
			t.Errorf("%d px: an open change table is wider than the window", width)
		}
		b.shot(fmt.Sprint("audit-changes-", width))
		b.open("/audit?from=2026-12-07&to=2026-12-01", "#f-to-error")
		b.expect("a bad range", "结束日期不能早于开始日期")
		b.shot(fmt.Sprint("audit-bad-range-", width))
	}
}
