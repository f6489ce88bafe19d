package site

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserCongress is the congress end to end, every form sent by
// tapping its real button (tap: brought into view as the browser does it,
// then clicked where it shows, after checking nothing such as the phone
// pages' fixed tab bar lies over it): the street's officer plans a session
// at 1280 px, elects delegates from the union's members, edits the
// session's title and place, adds, moves and deletes agenda items; a
// delegate files a motion on the phone (390 px); two other delegates
// second it from their own phones; the officer reviews, assigns and
// answers it; the delegate reads the answer, rates it, files another and
// withdraws it. Screenshots go to testkit.ScreenshotDir (GONGHUI_SCREENSHOTS).
func TestBrowserCongress(t *testing.T) {
	skipBrowser(t)
	s := newCongressSite(t, testkit.NewDB(t, db.SQLite))

	o := newTab(t, s.srv.URL, 240*time.Second, false)
	o.login("dashilan")
	o.open("/congress", ".page-head h1")
	o.shot("congress-list-empty-1280")
	o.open("/congress/new", "form.congress-form")
	// Sent with a bad number first: the message comes back beside the field.
	o.do(chromedp.SetValue(chromedp.CSS("#f-term"), "0"))
	tap(o, "form.congress-form button[type=submit]")
	waitFor(o, ".field-error")
	o.expect("refused form", "应在 1 到 99 之间。")
	o.shot("congress-form-errors-1280")
	o.do(
		chromedp.SetValue(chromedp.CSS("#f-employer_id"), db.FormatID(s.empE.ID)),
		chromedp.SetValue(chromedp.CSS("#f-term"), "5"),
		chromedp.SetValue(chromedp.CSS("#f-meeting"), "2"),
		chromedp.SetValue(chromedp.CSS("#f-held_on"), "2026-12-18"),
		chromedp.SetValue(chromedp.CSS("#f-place"), "集团三楼多功能厅"),
	)
	tap(o, "form.congress-form button[type=submit]")
	waitFor(o, ".congress-summary")
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
		tap(o, "#add-delegate > summary")
		o.do(chromedp.SetValue(chromedp.CSS("#f-mq"), w.Name))
		tap(o, `#add-delegate button[name="find"]`)
		waitFor(o, `#hit-`+mid(w))
		if i == 0 {
			o.shot("congress-delegate-search-1280")
		}
		tap(o, `#hit-`+mid(w))
		o.do(
			chromedp.SetValue(chromedp.CSS("#f-category"), cats[i]),
			chromedp.SetValue(chromedp.CSS("#f-gender"), genders[i]),
			chromedp.SetValue(chromedp.CSS("#f-elected_on"), "2026-11-25"),
		)
		tap(o, `#add-delegate form button.btn-primary`)
		waitFor(o, `#present-`+mid(w))
	}
	// Attendance: four of five present.
	for _, w := range s.workers[:4] {
		tap(o, `#present-`+mid(w))
	}
	tap(o, `#attendance .form-actions button`)
	waitFor(o, ".congress-summary .badge-success")
	o.expect("delegates", "代表（5 人）", "一线职工占 60%", "女性占 60%", "会议有效")
	o.shot("congress-session-1280")

	// The session's title and place, edited; a bad date first.
	tap(o, "#edit-session > summary")
	o.do(chromedp.SetValue(chromedp.CSS("#f-held_on"), ""))
	tap(o, "#edit-session button[type=submit]")
	waitFor(o, "#edit-session[open] .field-error")
	o.expect("refused edit", "必填。")
	o.do(
		chromedp.SetValue(chromedp.CSS("#f-held_on"), "2026-12-19"),
		chromedp.SendKeys(chromedp.CSS("#f-session_title"), "第五届职代会第二次会议暨工资集体协商会议"),
		chromedp.SetValue(chromedp.CSS("#f-place"), "集团一楼报告厅"),
	)
	o.shot("congress-edit-1280")
	tap(o, "#edit-session button[type=submit]")
	o.waitText("会议信息已保存。")
	o.expect("edited", "第五届职代会第二次会议暨工资集体协商会议", "2026-12-19", "集团一楼报告厅", "修改了会议名称、日期、地点")
	// Three agenda items; the last moved up, the first deleted.
	for i, title := range []string{"审议工作报告", "审议财务报告", "审议集体合同草案"} {
		tap(o, "#add-item > summary")
		o.do(chromedp.SendKeys(chromedp.CSS("#add-item #f-title"), title))
		tap(o, "#add-item button[type=submit]")
		waitFor(o, ".congress-agenda > li:nth-child("+strconv.Itoa(i+1)+")")
	}
	tap(o, `.congress-agenda li:nth-child(3) form[action$="/agenda_move"] button`)
	o.waitText("调整了议题")
	tap(o, `.congress-agenda li:nth-child(1) form[action$="/agenda_delete"] button`)
	o.waitText("删除了议题")
	o.expect("agenda", "调整了议题“审议集体合同草案”的顺序", "删除了议题“审议工作报告”")
	if got := o.eval(`Array.from(document.querySelectorAll('.congress-agenda .congress-item-title strong')).map(e => e.textContent).join('|')`); got != "审议集体合同草案|审议财务报告" {
		t.Errorf("agenda after moving and deleting: %s", got)
	}
	o.shot("congress-agenda-1280")

	// A delegate files a motion on the phone.
	m := s.memberTab(t, "/m/login", 240*time.Second)
	s.codeLogin(m, "/m/login", mobileNumber(71), ".portal-hello")
	m.open("/m/congress", ".portal-title")
	m.expect("my congress", "我参加的职代会", "北京排水集团 第5届第2次会议")
	m.shot("congress-portal-390")
	tap(m, `a[href="/m/congress/sessions/`+sessionID+`"]`)
	waitFor(m, `a[href$="/motion"]`)
	m.shot("congress-portal-session-390")
	tap(m, `a.btn-primary[href$="/motion"]`)
	waitFor(m, "#f-title")
	tap(m, "form.congress-write button[type=submit]")
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
	tap(m, "form.congress-write button[type=submit]")
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
		tap(c, `a[href="`+motionPath+`"]`)
		waitFor(c, "#second")
		if i == 0 {
			c.shot("congress-second-390")
		}
		tap(c, "form#second button[type=submit]")
		waitFor(c, ".flash")
		c.expect("seconded", "附议成功。", "您已附议这件提案。")
	}

	// The officer reviews, assigns and answers it.
	o.open("/congress/motions", ".congress-table")
	o.expect("motions", "夜班职工增加餐补", "待审查")
	o.shot("congress-motions-1280")
	tap(o, `.congress-table a[href^="/congress/motions/`+motionID+`"]`)
	waitFor(o, "#review")
	o.expect("motion", "王一线", "李技术", "赵二线")
	o.shot("congress-motion-review-1280")
	tap(o, `#review input[value="accept"]`)
	tap(o, "#review button[type=submit]")
	waitFor(o, "#assign")
	o.do(chromedp.SendKeys(chromedp.CSS("#f-handler"), "后勤保障部"), chromedp.SetValue(chromedp.CSS("#f-due_on"), "2099-01-31"))
	tap(o, "#assign button[type=submit]")
	waitFor(o, "#answer")
	o.do(chromedp.SendKeys(chromedp.CSS("#f-text"), "下月起食堂开设夜宵窗口，一线夜班职工每餐补贴八元。"))
	tap(o, "#answer button[type=submit]")
	o.waitText("答复已发送")
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
	// The choice's label and the button, tapped where they show above
	// the tab bar.
	tap(m, `#rate label.check:has(input[value="satisfied"])`)
	tap(m, "#rate button[type=submit]")
	waitFor(m, ".flash")
	m.expect("rated", "感谢您的评价。", "您的评价：满意")
	m.shot("congress-rated-390")
	if m.sideways(2) {
		t.Error("the motion's page scrolls sideways at 390 px")
	}

	// Another motion, withdrawn before review by its delegate.
	m.open("/m/congress/sessions/"+sessionID+"/motion", "#f-title")
	m.do(
		chromedp.SendKeys(chromedp.CSS("#f-title"), "更换车间老旧风扇"),
		chromedp.SendKeys(chromedp.CSS("#f-reason"), "车间风扇噪音大，夏季降温效果差。"),
		chromedp.SendKeys(chromedp.CSS("#f-proposal"), "分批更换为工业冷风机，先换一线车间。"),
	)
	tap(m, "form.congress-write button[type=submit]")
	waitFor(m, "#withdraw")
	m.shot("congress-withdraw-390")
	tap(m, "#withdraw button[type=submit]")
	m.waitText("提案已撤回。")
	m.expect("withdrawn", "已撤回")
	if m.eval(`document.querySelector('#withdraw') === null ? 'gone' : 'still there'`) != "gone" {
		t.Error("a withdrawn motion still offers to withdraw it")
	}
	o.phone()
	o.open("/congress/sessions/"+sessionID, "#history")
	o.expect("history", "撤回了提案“更换车间老旧风扇”")
	tap(o, "#edit-session > summary")
	o.shot("congress-session-edit-390")
}

// tap brings sel into view as the browser itself would (which keeps clear
// of a fixed tab bar through scroll-padding), checks that what shows at
// the middle of it is the element itself and not something over it, and
// clicks there: a tap, not a script sending the form.
func tap(b *tab, sel string) {
	b.t.Helper()
	why := b.eval(`(() => {
		const el = document.querySelector(` + jsString(sel) + `);
		if (!el) return 'not on the page';
		el.scrollIntoView({block: 'nearest', inline: 'nearest'});
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) return 'not shown';
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return 'outside the screen';
		const hit = document.elementFromPoint(x, y);
		if (hit && (hit === el || el.contains(hit) || hit.contains(el) && hit.tagName === 'LABEL')) return '';
		return 'covered by ' + (hit ? hit.tagName.toLowerCase() + (hit.className ? '.' + String(hit.className).split(' ').join('.') : '') : 'nothing');
	})()`)
	if why != "" {
		b.shot("congress-tap-failed")
		b.t.Fatalf("tap %s: %s", sel, why)
	}
	b.do(chromedp.Click(chromedp.CSS(sel)))
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
