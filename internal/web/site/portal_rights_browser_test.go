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

// TestBrowserPortalData walks a member's data rights in Chromium: the data
// page at phone and desktop widths, a correction asked wrongly then right,
// the staff's queue where it is approved, and the member seeing the
// outcome. Screenshots go to testkit.ScreenshotDir.
func TestBrowserPortalData(t *testing.T) {
	skipBrowser(t)
	s := newPortalSite(t, testkit.NewDB(t, db.SQLite))
	staff := member.WithConsent(context.Background(), member.Collected{CollectorID: 1, Collector: "测试dashilan"})
	zhang, err := s.members.Create(staff, s.system, s.unionE.ID, member.Person{Name: "张建华", IDNumber: idNumber(t, 1), Mobile: mobileNumber(1),
		EmployerID: s.empE.ID, Job: "管道工", JoinedOn: "2019-03-01", Tags: []string{"model_worker"}})
	if err != nil {
		t.Fatal(err)
	}
	b := newTab(t, s.srv.URL, 120*time.Second, true)

	s.codeLogin(b, "/lang?to=zh-CN&back=/m/data", mobileNumber(1), "[data-own-id]")
	b.shot("portal-data-390")
	b.expect("data page", "我的信息", idNumber(t, 1), mobileNumber(1), "现场入会时由工作人员收集", "经办人：测试dashilan", "下载 Excel 表格")
	// The page fits the phone: nothing wider than the screen.
	if b.sideways(0) {
		t.Error("the data page scrolls sideways at 390 px")
	}

	// A correction without a value: the error is on the field, in place.
	b.do(
		chromedp.SetValue(chromedp.CSS("#f-field"), "name"),
		chromedp.Click(chromedp.CSS(`form[action="/m/corrections"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-value-error")),
		chromedp.ScrollIntoView(chromedp.CSS("#correct")),
	)
	b.shot("portal-correct-error-390")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-value"), "张健华"),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "户口本上是健"),
		chromedp.Click(chromedp.CSS(`form[action="/m/corrections"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.ScrollIntoView(chromedp.CSS("#corrections")),
	)
	b.shot("portal-correct-sent-390")
	b.expect("after the request", "更正申请已提交", "待处理")

	// Desktop width: the same page, then the staff's queue.
	b.do(chromedp.EmulateViewport(1280, 900))
	b.open("/m/data", "[data-own-id]")
	b.shot("portal-data-1280")
	b.login("dashilan")
	b.open("/corrections", `form[action$="/decide"]`)
	b.shot("corrections-1280")
	b.expect("staff queue", "张建华", "张健华")
	b.phone()
	b.do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`form[action$="/decide"]`)))
	b.shot("corrections-390")
	b.do(
		chromedp.Click(chromedp.CSS(`form[action$="/decide"] button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".empty")),
	)
	b.shot("corrections-done-390")
	m, err := s.members.Get(context.Background(), s.system, zhang.ID)
	if err != nil || m.Name != "张健华" {
		t.Fatalf("after approval: %+v %v", m, err)
	}
	b.open("/m/data#corrections", "[data-own-id]", chromedp.ScrollIntoView(chromedp.CSS("#corrections")))
	b.shot("portal-correct-done-390")
	b.expect("member's outcome", "已更正", "张健华")
}
