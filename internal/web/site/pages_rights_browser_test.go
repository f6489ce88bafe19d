package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserRights is a rights case end to end: a worker files a case on
// the phone (refused first, with the messages beside the fields), with a
// PDF of their pay slip; the street's officer at 1280 px finds it, accepts
// it, writes a confidential note, adds a second worker and corrects their
// mobile number, raises the claim (each refused first with its message),
// and closes it with an
// agreement and the money recovered; the worker follows it on the phone
// and rates it. Screenshots at 390 and 1280 px go to
// testkit.ScreenshotDir.
func TestBrowserRights(t *testing.T) {
	skipBrowser(t)
	s := newCasesSite(t, testkit.NewDB(t, db.SQLite))
	pdf := filepath.Join(t.TempDir(), "工资条.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// The worker files on the phone.
	m := s.memberTab(t, "/m/login", 420*time.Second)
	s.codeLogin(m, "/m/login", mobileNumber(71), ".portal-hello")
	m.do(chromedp.Click(chromedp.CSS(`a.portal-action[href="/m/cases"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/m/cases/new"]`)))
	m.shot("rights-mine-empty-390")
	m.do(chromedp.Click(chromedp.CSS(`a[href="/m/cases/new"]`)), chromedp.WaitVisible(chromedp.CSS("form.case-file")))
	m.do(
		chromedp.SetValue(chromedp.CSS(`select[name="claims.0.kind"]`), "wages"),
		chromedp.SendKeys(chromedp.CSS(`input[name="claims.0.amount"]`), "-800"),
		chromedp.Click(chromedp.CSS("form.case-file button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	m.expect("refused form", "必填。", "金额不能为负数。")
	m.shot("rights-file-errors-390")
	if m.sideways(2) {
		t.Error("the filing form scrolls sideways at 390 px")
	}
	m.do(
		chromedp.Click(chromedp.CSS(`input[name="org_id"][value="`+id(s.east)+`"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "mediation"),
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "工地拖欠三个月工资"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="facts"]`), "我在工地干了三个月，老板一直拖着不发工资，说等工程款。"),
		chromedp.SendKeys(chromedp.CSS(`input[name="employer_name"]`), "北京某建筑劳务公司"),
		chromedp.SetValue(chromedp.CSS(`input[name="claims.0.amount"]`), "18,600"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-files"), []string{pdf}),
	)
	m.shot("rights-file-390")
	m.do(chromedp.Click(chromedp.CSS("form.case-file button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".pact-detail")))
	m.expect("filed", "申请已提交", "工地拖欠三个月工资", "待受理", "18,600.00", "工资条.pdf")
	m.shot("rights-case-new-390")
	loc, err := chromedp.Run(m.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	caseID := strings.TrimPrefix(strings.TrimPrefix(loc, m.base), "/m/cases/")

	// The street's officer at 1280 px.
	o := newTab(t, s.srv.URL, 300*time.Second, false)
	o.login("dashilan")
	o.open("/cases", ".case-table")
	o.expect("list", "工地拖欠三个月工资", "待受理 1", "刘*权")
	o.shot("rights-list-1280")
	o.do(chromedp.Click(chromedp.CSS(`.case-table a[href^="/cases/`+caseID+`"]`)), chromedp.WaitVisible(chromedp.CSS("#accept")))
	o.shot("rights-case-new-1280")
	o.do(
		chromedp.SetValue(chromedp.CSS(`#accept select[name="handler_id"]`), ""),
		chromedp.Click(chromedp.CSS("#accept button[type=submit]")),
		chromedp.WaitNotPresent(chromedp.CSS("#accept")),
		chromedp.WaitVisible(chromedp.CSS("#close")),
		chromedp.SendKeys(chromedp.CSS(`#notes textarea[name="body"]`), "老板表示工程款下月到账，申请人同意分期。"),
		chromedp.Click(chromedp.CSS(`#notes input[name="confidential"]`)),
		chromedp.Click(chromedp.CSS("#notes button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".case-note.is-confidential")),
	)
	o.expect("accepted", "办理中", "保密记录", "本阶段期限 15 日")
	if strings.Contains(o.text(), "工程款下月到账") {
		t.Fatal("the confidential note's words are on the case page")
	}
	// A second worker joins the dispute; their mobile number is corrected
	// on the worker's own form, which shows only masked values.
	o.do(
		chromedp.Click(chromedp.CSS("#add-worker summary")),
		chromedp.SendKeys(chromedp.CSS(`#add-worker input[name="name"]`), "周工友"),
		chromedp.SendKeys(chromedp.CSS(`#add-worker input[name="mobile"]`), "13700005555"),
		chromedp.Click(chromedp.CSS("#add-worker button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	o.expect("worker added", "已添加劳动者。", "劳动者（2 人）", "周*友", "添加了第 2 位劳动者")
	o.do(chromedp.Click(chromedp.CSS(`#workers tbody tr:nth-child(2) a.btn`)), chromedp.WaitVisible(chromedp.CSS("form.case-edit")))
	o.expect("worker form", "修改第 2 位劳动者", "现为：周*友", "现为：137****5555")
	if strings.Contains(o.text(), "13700005555") {
		t.Fatal("the worker's form shows the number in full")
	}
	o.do(chromedp.SendKeys(chromedp.CSS(`form.case-edit input[name="mobile"]`), "1370000"),
		chromedp.Click(chromedp.CSS("form.case-edit button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	o.expect("refused worker edit", "手机号码不正确。")
	o.shot("rights-worker-edit-1280")
	o.do(chromedp.SetValue(chromedp.CSS(`form.case-edit input[name="mobile"]`), "13700006666"),
		chromedp.Click(chromedp.CSS("form.case-edit button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#workers")))
	o.expect("worker edited", "已修改劳动者信息。", "137****6666", "修改了第 2 位劳动者的信息")
	// The claim is raised on its own form, a negative amount refused first.
	o.do(chromedp.Click(chromedp.CSS(`#claims tbody a.btn`)), chromedp.WaitVisible(chromedp.CSS("form.case-edit")),
		chromedp.SetValue(chromedp.CSS(`form.case-edit input[name="amount"]`), "-5"),
		chromedp.Click(chromedp.CSS("form.case-edit button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	o.expect("refused claim edit", "金额不能为负数。")
	o.shot("rights-claim-edit-1280")
	o.do(chromedp.SetValue(chromedp.CSS(`form.case-edit input[name="amount"]`), "20,000"),
		chromedp.Click(chromedp.CSS("form.case-edit button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#claims")))
	o.expect("claim edited", "已修改诉求。", "20,000.00", "修改了一项诉求，诉求合计 20,000.00 元")
	o.shot("rights-case-edited-1280")
	// The same open case on a phone: the edit controls stay inside the screen.
	ph := newTab(t, s.srv.URL, 120*time.Second, true)
	ph.login("dashilan")
	ph.open("/cases/"+caseID, ".case-detail")
	ph.shot("rights-case-open-390")
	if ph.sideways(2) {
		t.Error("the open case's page scrolls sideways at 390 px")
	}
	ph.do(chromedp.Click(chromedp.CSS(`#workers tbody tr:nth-child(1) a.btn`)), chromedp.WaitVisible(chromedp.CSS("form.case-edit")))
	ph.shot("rights-worker-form-390")
	if ph.sideways(2) {
		t.Error("the worker's form scrolls sideways at 390 px")
	}
	o.do(
		chromedp.SetValue(chromedp.CSS(`#close select[name="outcome"]`), "agreement"),
		chromedp.SendKeys(chromedp.CSS(`#close input[name="recovered"]`), "18,600"),
		chromedp.SendKeys(chromedp.CSS(`#close textarea[name="close_note"]`), "达成调解协议，分两期支付。"),
		chromedp.Click(chromedp.CSS("#close button[type=submit]")),
		chromedp.WaitNotPresent(chromedp.CSS("#close")),
	)
	o.expect("closed", "案件已结案。", "已结案", "达成调解协议", "18,600.00")
	o.shot("rights-case-closed-1280")

	// Staff pages on a phone stay inside the screen.
	o.phone()
	o.open("/cases", ".case-table")
	o.shot("rights-list-390")
	if o.sideways(2) {
		t.Error("the staff list scrolls sideways at 390 px")
	}
	o.open("/cases/"+caseID, ".case-detail")
	o.shot("rights-case-390")
	if o.sideways(2) {
		t.Error("the case's page scrolls sideways at 390 px")
	}
	o.open("/cases/new", ".case-form")
	o.shot("rights-new-390")
	if o.sideways(2) {
		t.Error("the intake form scrolls sideways at 390 px")
	}

	// The worker follows it and rates it.
	m.open("/m/cases/"+caseID, "#rate")
	m.expect("closed case", "已结案", "达成调解协议", "18,600.00", "您对本次办理满意吗？")
	if strings.Contains(m.text(), "工程款下月到账") || strings.Contains(m.text(), "测试dashilan") {
		t.Fatal("the worker sees a staff note or a staff name")
	}
	m.do(
		chromedp.Click(chromedp.CSS(`input[name="rating"][value="satisfied"]`)),
		chromedp.Submit(chromedp.CSS("#rate form")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	m.expect("rated", "感谢您的评价。", "您的评价：满意")
	m.shot("rights-rated-390")
	m.open("/m/cases", ".case-mine")
	m.shot("rights-mine-390")
	if m.sideways(2) {
		t.Error("my cases scroll sideways at 390 px")
	}
}
