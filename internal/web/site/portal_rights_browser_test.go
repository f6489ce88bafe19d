package site

import (
	"context"
	"strings"
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
	if testing.Short() {
		t.Skip("browser test")
	}
	s := newPortalSite(t, testkit.NewDB(t, db.SQLite))
	staff := member.WithConsent(context.Background(), member.Collected{CollectorID: 1, Collector: "测试dashilan"})
	zhang, err := s.members.Create(staff, s.system, s.unionE.ID, member.Person{Name: "张建华", IDNumber: idNumber(t, 1), Mobile: mobileNumber(1),
		EmployerID: s.empE.ID, Job: "管道工", JoinedOn: "2019-03-01", Tags: []string{"model_worker"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testkit.Browser(t, 1280, 900)
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	phone(t, ctx)
	base := s.srv.URL

	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=zh-CN&back=/m/data"),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(1)),
		chromedp.Click(chromedp.CSS("button.code-send")),
		chromedp.WaitVisible(chromedp.CSS(".alert-info")),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-code"), s.lastCode(t, mobileNumber(1))+"\r"),
		chromedp.WaitVisible(chromedp.CSS("[data-own-id]")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-data-390")
	text := bodyText(t, ctx)
	for _, want := range []string{"我的信息", idNumber(t, 1), mobileNumber(1), "现场入会时由工作人员收集", "经办人：测试dashilan", "下载 Excel 表格"} {
		if !strings.Contains(text, want) {
			t.Fatalf("data page lacks %q: %s", want, text)
		}
	}
	// The page fits the phone: nothing wider than the screen.
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if wide {
		t.Error("the data page scrolls sideways at 390 px")
	}

	// A correction without a value: the error is on the field, in place.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#f-field"), "name"),
		chromedp.Click(chromedp.CSS(`form[action="/m/corrections"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-value-error")),
		chromedp.ScrollIntoView(chromedp.CSS("#correct")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-correct-error-390")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-value"), "张健华"),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "户口本上是健"),
		chromedp.Click(chromedp.CSS(`form[action="/m/corrections"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.ScrollIntoView(chromedp.CSS("#corrections")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-correct-sent-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "更正申请已提交") || !strings.Contains(text, "待处理") {
		t.Fatalf("after the request: %s", text)
	}

	// Desktop width: the same page, then the staff's queue.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/m/data"),
		chromedp.WaitVisible(chromedp.CSS("[data-own-id]")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-data-1280")
	browserLogin(t, ctx, base, "dashilan")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/corrections"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/decide"]`)),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "corrections-1280")
	if text := bodyText(t, ctx); !strings.Contains(text, "张建华") || !strings.Contains(text, "张健华") {
		t.Fatalf("staff queue: %s", text)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/decide"]`))); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "corrections-390")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/decide"] button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".empty")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "corrections-done-390")
	m, err := s.members.Get(context.Background(), s.system, zhang.ID)
	if err != nil || m.Name != "张健华" {
		t.Fatalf("after approval: %+v %v", m, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/m/data#corrections"),
		chromedp.WaitVisible(chromedp.CSS("[data-own-id]")),
		chromedp.ScrollIntoView(chromedp.CSS("#corrections")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-correct-done-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "已更正") || !strings.Contains(text, "张健华") {
		t.Fatalf("member's outcome: %s", text)
	}
}
