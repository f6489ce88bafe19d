package site

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserCongress is the congress end to end: the street's officer
// plans a session at 1280 px and elects delegates from the union's
// members; a delegate files a motion on the phone (390 px); two other
// delegates second it from their own phones; the officer reviews,
// assigns and answers it; the delegate reads the answer and rates it.
// Screenshots go to testkit.ScreenshotDir (GONGHUI_SCREENSHOTS).
func TestBrowserCongress(t *testing.T) {
	skipBrowser(t)
	s := newCongressSite(t, testkit.NewDB(t, db.SQLite))

	o := newTab(t, s.srv.URL, 240*time.Second, false)
	o.login("dashilan")
	o.open("/congress", ".page-head h1")
	o.shot("congress-list-empty-1280")
	o.open("/congress/new", "form.congress-form")
	// Sent with a bad number first: the message comes back beside the field.
	o.do(chromedp.SetValue(chromedp.CSS("#f-term"), "0"), chromedp.Click(chromedp.CSS("form.congress-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")))
	o.expect("refused form", "应在 1 到 99 之间。")
	o.shot("congress-form-errors-1280")
	o.do(
		chromedp.SetValue(chromedp.CSS("#f-employer_id"), db.FormatID(s.empE.ID)),
		chromedp.SetValue(chromedp.CSS("#f-term"), "5"),
		chromedp.SetValue(chromedp.CSS("#f-meeting"), "2"),
		chromedp.SetValue(chromedp.CSS("#f-held_on"), "2026-12-18"),
		chromedp.SetValue(chromedp.CSS("#f-place"), "集团三楼多功能厅"),
		chromedp.Click(chromedp.CSS("form.congress-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".congress-summary")),
	)
	o.expect("session", "会议已创建。", "第5届第2次会议", "北京排水集团")
	loc, err := chromedp.Run(o.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	sessionID := strings.TrimPrefix(strings.TrimPrefix(loc, o.base), "/congress/sessions/")

	// Delegates, found in the registry by name.
	cats := []string{"frontline", "frontline", "technician", "leader", "frontline"}
	genders := []string{"male", "female", "female", "male", "female"}
	for i, w := range s.workers {
		openDetails(o, "#add-delegate")
		o.do(
			chromedp.SetValue(chromedp.CSS("#f-mq"), w.Name),
			chromedp.Click(chromedp.CSS(`#add-delegate button[name="find"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#hit-`+mid(w))),
		)
		if i == 0 {
			o.shot("congress-delegate-search-1280")
		}
		o.do(
			chromedp.Click(chromedp.CSS(`#hit-`+mid(w))),
			chromedp.SetValue(chromedp.CSS("#f-category"), cats[i]),
			chromedp.SetValue(chromedp.CSS("#f-gender"), genders[i]),
			chromedp.SetValue(chromedp.CSS("#f-elected_on"), "2026-11-25"),
			chromedp.Click(chromedp.CSS(`#add-delegate form button.btn-primary`)),
			chromedp.WaitVisible(chromedp.CSS(`#present-`+mid(w))),
			chromedp.WaitReady(chromedp.CSS("footer")),
			chromedp.Sleep(300*time.Millisecond),
		)
	}
	// Attendance: four of five present.
	for _, w := range s.workers[:4] {
		o.do(chromedp.Click(chromedp.CSS(`#present-` + mid(w))))
	}
	o.do(chromedp.Click(chromedp.CSS(`#attendance .form-actions button`)), chromedp.WaitVisible(chromedp.CSS(".congress-summary .badge-success")))
	o.expect("delegates", "代表（5 人）", "一线职工占 60%", "女性占 60%", "会议有效")
	o.shot("congress-session-1280")

	// A delegate files a motion on the phone.
	m := s.memberTab(t, "/m/login", 240*time.Second)
	s.codeLogin(m, "/m/login", mobileNumber(71), ".portal-hello")
	m.open("/m/congress", ".portal-title")
	m.expect("my congress", "我参加的职代会", "北京排水集团 第5届第2次会议")
	m.shot("congress-portal-390")
	m.do(chromedp.Click(chromedp.CSS(`a[href="/m/congress/sessions/`+sessionID+`"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href$="/motion"]`)))
	m.shot("congress-portal-session-390")
	m.do(chromedp.Click(chromedp.CSS(`a.btn-primary[href$="/motion"]`)))
	waitFor(m, "#f-title")
	m.do(chromedp.Submit(chromedp.CSS("form.congress-write")))
	waitFor(m, ".field-error")
	m.expect("refused motion", "必填。")
	if m.sideways(2) {
		t.Error("the motion form scrolls sideways at 390 px")
	}
	m.do(
		chromedp.SendKeys(chromedp.CSS("#f-title"), "夜班职工增加餐补"),
		chromedp.SendKeys(chromedp.CSS("#f-reason"), "夜班职工晚餐只能自带或吃泡面，长期下来影响身体健康。"),
		chromedp.SendKeys(chromedp.CSS("#f-proposal"), "食堂开设夜宵窗口，一线夜班职工每餐补贴八元。"),
	)
	m.shot("congress-motion-form-390")
	m.do(chromedp.Submit(chromedp.CSS("form.congress-write")))
	waitFor(m, ".pact-detail")
	m.expect("filed", "提案已提交", "待附议", "夜班职工增加餐补")
	m.shot("congress-motion-filed-390")
	loc, err = chromedp.Run(m.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	motionPath := strings.TrimPrefix(loc, m.base)
	motionID := strings.TrimPrefix(motionPath, "/m/congress/motions/")

	// Two other delegates second it, each from their own phone.
	for i, n := range []int{72, 73} {
		c := s.memberTab(t, "/m/login", 120*time.Second)
		s.codeLogin(c, "/m/login", mobileNumber(n), ".portal-hello")
		c.open("/m/congress", ".portal-title")
		c.expect("to second", "等待您附议的提案", "夜班职工增加餐补")
		c.do(chromedp.Click(chromedp.CSS(`a[href="`+motionPath+`"]`)), chromedp.WaitVisible(chromedp.CSS("#second")))
		if i == 0 {
			c.shot("congress-second-390")
		}
		c.do(chromedp.Submit(chromedp.CSS("form#second")))
		waitFor(c, ".flash")
		c.expect("seconded", "附议成功。", "您已附议这件提案。")
	}

	// The officer reviews, assigns and answers it.
	o.open("/congress/motions", ".congress-table")
	o.expect("motions", "夜班职工增加餐补", "待审查")
	o.shot("congress-motions-1280")
	o.do(chromedp.Click(chromedp.CSS(`.congress-table a[href^="/congress/motions/`+motionID+`"]`)), chromedp.WaitVisible(chromedp.CSS("#review")))
	o.expect("motion", "王一线", "李技术", "赵二线")
	o.shot("congress-motion-review-1280")
	o.do(
		chromedp.Click(chromedp.CSS(`#review input[value="accept"]`)),
		chromedp.Click(chromedp.CSS("#review button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#assign")),
		chromedp.SendKeys(chromedp.CSS("#f-handler"), "后勤保障部"),
		chromedp.SetValue(chromedp.CSS("#f-due_on"), "2099-01-31"),
		chromedp.Click(chromedp.CSS("#assign button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#answer")),
		chromedp.SendKeys(chromedp.CSS("#f-text"), "下月起食堂开设夜宵窗口，一线夜班职工每餐补贴八元。"),
		chromedp.Click(chromedp.CSS("#answer button[type=submit]")),
		chromedp.WaitNotPresent(chromedp.CSS("#answer")),
	)
	o.expect("answered", "答复已发送", "已答复", "后勤保障部")
	o.shot("congress-motion-answered-1280")

	// Staff pages on a phone stay inside the screen.
	o.phone()
	for _, p := range []struct{ path, sel, name string }{{"/congress", ".congress-table", "congress-list-390"},
		{"/congress/sessions/" + sessionID, ".congress-summary", "congress-session-390"}, {"/congress/motions/" + motionID, ".detail", "congress-motion-390"}} {
		o.open(p.path, p.sel)
		o.shot(p.name)
		if o.sideways(2) {
			t.Errorf("%s scrolls sideways at 390 px", p.path)
		}
	}

	// The delegate reads the answer and rates it.
	m.open(motionPath, "#rate")
	m.expect("answer", "下月起食堂开设夜宵窗口", "您对答复满意吗？")
	m.shot("congress-answer-390")
	// Ticked and sent as a thumb would (the bottom bar may cover the
	// choice where chromedp would click).
	if _, err := chromedp.Run(m.ctx, chromedp.Evaluate[bool](`(document.querySelector('input[name="rating"][value="satisfied"]').checked = true, true)`)); err != nil {
		t.Fatal(err)
	}
	m.do(chromedp.Submit(chromedp.CSS("#rate form")))
	waitFor(m, ".flash")
	m.expect("rated", "感谢您的评价。", "您的评价：满意")
	m.shot("congress-rated-390")
	if m.sideways(2) {
		t.Error("the motion's page scrolls sideways at 390 px")
	}
}

// openDetails opens a <details> of the page, as a click on its summary does.
func openDetails(b *tab, sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.querySelector('`+sel+`').open = true, true)`)); err != nil {
		b.t.Fatal(err)
	}
}

// waitFor waits up to 20 s for sel to be on the page, asking the page
// itself.
func waitFor(b *tab, sel string) {
	b.t.Helper()
	for range 200 {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('`+sel+`') !== null && document.readyState === 'complete'`))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.shot("congress-wait-failed")
	b.t.Fatalf("%s never came", sel)
}
