package site

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// waitJS waits until expr is true on the tab's page.
func (b *tab) waitJS(what, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.text())
	}
}

// TestBrowserLive is a live contest with the host screen at 1280 px and a
// member's phone at 390 px, each in its own browser: the host starts a
// session; the member types its code, joins, and the host screen counts
// them without a reload; the host opens the first question, the phone
// shows it at once and the member taps the answer; the host screen counts
// the answer, the host closes and reveals: the phone says it was right and
// the board has the member; the host reloads the page and it resumes as
// it was. Screenshots go to testkit.ScreenshotDir.
func TestBrowserLive(t *testing.T) {
	skipBrowser(t)
	s := newPcSite(t, testkit.NewDB(t, db.SQLite))
	s.cs.LiveHub().SetEvery(100 * time.Millisecond)
	t.Cleanup(s.cs.LiveHub().Close) // the streams end before the test server closes
	s.add(t, s.unionE, "张建华", 1, "2019-03-01")
	if _, err := s.auth.Bootstrap(context.Background(), auth.NewUser{Username: "city", Name: "王主持", OrgID: s.root.ID, Password: testPassword},
		auth.RoleOfficer); err != nil {
		t.Fatal(err)
	}
	c := s.publish(t, s.input(s.root, "2026年全市职工工会法知识竞赛"))
	cPath := "/contests/" + db.FormatID(c.ID)

	host := newTab(t, s.srv.URL, 240*time.Second, false)
	host.login("city")
	host.open(cPath, ".page-head h1")
	host.do(chromedp.Click(chromedp.CSS(`a[href="`+cPath+`/live"]`)), chromedp.WaitVisible(chromedp.CSS(".live-start-form")))
	host.shot("live-sessions-1280")
	host.do(
		chromedp.SetValue(chromedp.CSS("#f-seconds"), "60"),
		chromedp.Click(chromedp.CSS(".live-start-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".live-code-big")),
	)
	hostURL, err := chromedp.Run(host.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	code, err := chromedp.Run(host.ctx, chromedp.Text(chromedp.CSS(".live-code-big")))
	if err != nil || len(code) != 6 {
		t.Fatalf("code %q %v", code, err)
	}
	host.expect("lobby", "等待加入", "用手机输入号码加入", "共 4 题")
	host.shot("live-host-lobby-1280")

	phone := s.memberTab(t, "/m/login", 240*time.Second)
	s.codeLogin(phone, "/m/login", mobileNumber(1), ".portal-hello")
	phone.open("/m/live", "#live-code-in", chromedp.SendKeys(chromedp.CSS("#live-code-in"), code+"\r"))
	phone.do(chromedp.WaitVisible(chromedp.CSS(".live-joincard button")))
	phone.shot("live-phone-join-390")
	phone.do(chromedp.Click(chromedp.CSS(".live-joincard button")), chromedp.WaitVisible(chromedp.CSS(".live-me")))
	phone.expect("joined", "答题身份：张建华", "已加入，第一题马上开始。")

	// The host screen counts the member without a reload.
	host.waitJS("joined", `document.querySelector('[data-joined]').textContent === '1' && document.querySelector('[data-names]').textContent.includes('张建华')`)
	host.do(chromedp.Click(chromedp.CSS(`[data-stepform="next"] button`)), chromedp.WaitVisible(chromedp.CSS(".live-stem")))
	host.waitJS("clock", `Number(document.querySelector('[data-clock]').textContent) > 50`)
	host.expect("open", "答题中", "第 1 / 4 题", "工会会员的权利不包括以下哪项？")
	host.shot("live-host-open-1280")

	// The phone shows the question at once; one tap answers.
	phone.waitJS("question", `!!document.querySelector('form.live-answer')`)
	phone.shot("live-phone-question-390")
	if phone.sideways(2) {
		t.Error("the phone's page is wider than 390 px")
	}
	if _, err := chromedp.Run(phone.ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('.live-choice')].find(l => l.textContent.includes('指挥权')).click(), true`)); err != nil {
		t.Fatal(err)
	}
	phone.waitJS("sent", `document.querySelector('.live-mine') && document.querySelector('.live-mine').textContent.includes('您的答案')`)
	phone.expect("sent", "答案已提交")

	host.waitJS("answer counted", `document.querySelector('[data-answers]').textContent === '已答 1'`)
	host.do(chromedp.Click(chromedp.CSS(`[data-stepform="close"] button`)))
	host.waitJS("closed", `!!document.querySelector('.live-opts.is-tallied') && !document.querySelector('[data-stepform="reveal"] button').disabled`)
	host.do(chromedp.Click(chromedp.CSS(`[data-stepform="reveal"] button`)))
	host.waitJS("revealed", `!!document.querySelector('.live-opt.is-right') && document.querySelector('[data-board]').textContent.includes('张建华')`)
	host.expect("revealed", "已公布答案", "指挥权")
	host.shot("live-host-revealed-1280")

	phone.waitJS("verdict", `document.body.textContent.includes('答对了')`)
	phone.expect("verdict", "第 1 名（共 1）")
	phone.shot("live-phone-right-390")

	// A reload resumes where it was.
	host.do(chromedp.Navigate(hostURL), chromedp.WaitVisible(chromedp.CSS(".live-opt.is-right")))
	host.expect("reloaded", "已公布答案", "第 1 / 4 题", "张建华")
	host.waitJS("stream after reload", `document.querySelector('[data-conn]').textContent === ''`)
	host.do(chromedp.Click(chromedp.CSS(`[data-stepform="next"] button`)), chromedp.WaitVisible(chromedp.CSS(".live-opts:not(.is-tallied)")))
	phone.waitJS("next question on the phone", `!!document.querySelector('form.live-answer') && document.querySelector('[data-progress]').textContent.includes('第 2 / 4 题')`)

	// The host screen on a phone is usable too.
	host.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(hostURL), chromedp.WaitVisible(chromedp.CSS(".live-stem")))
	host.shot("live-host-390")
	if host.sideways(2) {
		t.Error("the host screen is wider than 390 px")
	}
}
