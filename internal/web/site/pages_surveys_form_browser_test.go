package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/survey"
	"gonghui/internal/testkit"
)

// TestBrowserSurveyForm builds a survey with skip logic through the staff
// form's script at 1280 px: options typed one an input (one added and
// removed), a question added and moved up, the skip rule picked from the
// list and kept on its option while the options are reordered; the
// survey is saved and published; then a member answers at 390 px, opens
// the follow-up by picking the option and hides it again, and the server
// drops the hidden answer. Screenshots go to testkit.ScreenshotDir.
func TestBrowserSurveyForm(t *testing.T) {
	skipBrowser(t)
	bg := context.Background()
	s := newSvSite(t, testkit.NewDB(t, db.SQLite))
	st := newTab(t, s.srv.URL, 240*time.Second, false)
	st.login("dashilan")
	st.open("/surveys/new", ".survey-add-bar")
	// One empty row to start with (the page's second is for typing without the script).
	if n, err := chromedp.Run(st.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".survey-rows > li").length`)); err != nil || n != 1 {
		t.Fatalf("rows at the start: %d %v", n, err)
	}
	row := func(n string) string { return ".survey-rows > li:nth-child(" + n + ") " }
	pick := func(sel, value string) {
		t.Helper()
		ok, err := chromedp.Run(st.ctx, chromedp.Evaluate[bool](`(function (e, v) { if (!e) return false; e.value = v;
			e.dispatchEvent(new Event("change", {bubbles: true})); return e.value === v; })(document.querySelector(`+jsString(sel)+`), `+jsString(value)+`)`))
		if err != nil || !ok {
			t.Fatalf("pick %s in %s: %v", value, sel, err)
		}
	}
	value := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(st.ctx, chromedp.Evaluate[string](`(function (e) { return e.value + "|" + (e.selectedOptions[0] || {}).textContent; })(document.querySelector(`+jsString(sel)+`))`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	at := func(d time.Duration) string { return time.Now().In(beijing.Zone).Add(d).Format("2006-01-02T15:04") }
	st.do(
		chromedp.SendKeys(chromedp.CSS("#f-title"), "职工子女托管需求调查"),
		chromedp.SetValue(chromedp.CSS("#f-opens_at"), at(-time.Hour)),
		chromedp.SetValue(chromedp.CSS("#f-closes_at"), at(72*time.Hour)),
		// Question 1: two options, a third added and removed.
		chromedp.SendKeys(chromedp.CSS(row("1")+`input[name$=".title"]`), "您有需要照看的孩子吗？"),
		chromedp.SendKeys(chromedp.CSS(row("1")+".survey-opt-item:nth-child(1) input"), "有"),
		chromedp.SendKeys(chromedp.CSS(row("1")+".survey-opt-item:nth-child(2) input"), "没有"),
		chromedp.Click(chromedp.CSS(row("1")+".survey-add-option")),
		chromedp.SendKeys(chromedp.CSS(row("1")+".survey-opt-item:nth-child(3) input"), "不便透露"),
		chromedp.Click(chromedp.CSS(row("1")+".survey-opt-item:nth-child(3) .survey-opt-remove")),
		// Question 2 (a new row): multiple choice, shown when question 1 is "有".
		chromedp.Click(chromedp.CSS(".survey-add")),
		chromedp.SendKeys(chromedp.CSS(row("2")+`input[name$=".title"]`), "您需要哪些托管服务？"),
	)
	pick(row("2")+`select[name$=".type"]`, "multiple")
	st.do(
		chromedp.SendKeys(chromedp.CSS(row("2")+".survey-opt-item:nth-child(1) input"), "寒暑假托管"),
		chromedp.SendKeys(chromedp.CSS(row("2")+".survey-opt-item:nth-child(2) input"), "课后托管"),
		chromedp.WaitVisible(chromedp.CSS(row("2")+`input[name$=".max_picks"]`)),
	)
	if v := value(row("2") + `select[name$=".show_if"]`); !strings.HasPrefix(v, "|") {
		t.Fatalf("a new question's skip rule: %q", v)
	}
	pick(row("2")+`select[name$=".show_if"]`, "0.0")
	if v := value(row("2") + `select[name$=".show_if"]`); !strings.Contains(v, "“有”") {
		t.Fatalf("the skip rule picked: %q", v)
	}
	// Question 3 added, a rating, moved above question 2.
	st.do(chromedp.Click(chromedp.CSS(".survey-add")), chromedp.WaitVisible(chromedp.CSS(row("3")+`input[name$=".title"]`)))
	st.do(chromedp.SendKeys(chromedp.CSS(row("3")+`input[name$=".title"]`), "您对工会服务的总体满意度"))
	pick(row("3")+`select[name$=".type"]`, "rating")
	st.do(chromedp.Click(chromedp.CSS(row("3") + ".survey-up")))
	if v := value(row("3") + `select[name$=".show_if"]`); v != "0.0|第 1 题（您有需要照看的孩子吗？）选了“有”" {
		t.Fatalf("the rule after moving its question: %q", v)
	}
	// "没有" moved above "有": the rule follows its option.
	st.do(chromedp.Click(chromedp.CSS(row("1") + ".survey-opt-item:nth-child(2) .survey-opt-up")))
	if v := value(row("3") + `select[name$=".show_if"]`); v != "0.1|第 1 题（您有需要照看的孩子吗？）选了“有”" {
		t.Fatalf("the rule after reordering options: %q", v)
	}
	st.expect("the form", "第 3 题", "添加一道题", "添加选项")
	st.shot("survey-form-js-1280")
	st.do(chromedp.Click(chromedp.CSS(`.form-actions button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".survey-status-bar")))
	st.expect("saved", "职工子女托管需求调查")
	loc, err := chromedp.Run(st.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id, ok := db.ParseID(strings.TrimPrefix(loc, st.base+"/surveys/"))
	if !ok {
		t.Fatalf("after saving: %s", loc)
	}
	officer := &auth.Principal{Kind: auth.KindStaff, UserID: 1, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.east.ID, OrgPath: s.east.Path}}}
	v, err := s.sv.Get(bg, officer, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Questions) != 3 || v.Questions[1].Type != survey.Rating || v.Questions[2].Type != survey.Multiple ||
		strings.Join(v.Questions[0].Options, ",") != "没有,有" || v.Questions[2].ShowIf == nil || *v.Questions[2].ShowIf != (survey.Condition{Question: 0, Option: 1}) {
		t.Fatalf("saved questions: %+v", v.Questions)
	}
	st.confirmYes()
	st.do(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	// The form at a phone's width, then without changes saved again.
	st.phone()
	st.open("/surveys/"+db.FormatID(id)+"/edit", ".survey-add-bar")
	st.shot("survey-form-js-390")
	if st.sideways(2) {
		t.Error("the survey form scrolls sideways at 390 px")
	}

	// The member at 390 px: the follow-up shows on "有", hides on "没有".
	page := "/m/surveys/" + db.FormatID(id)
	b := s.memberTab(t, "/m/login", 120*time.Second)
	s.codeLogin(b, "/m/login", mobileNumber(70), ".portal-hello")
	b.open(page, "form[data-survey]")
	b.do(chromedp.Poll[chromedp.Void](`document.querySelector('#q-3').offsetHeight === 0`))
	b.do(chromedp.Click(chromedp.Search(`//fieldset[@id='q-1']//label[normalize-space(.)='有']`)))
	b.do(chromedp.Poll[chromedp.Void](`document.querySelector('#q-3').offsetHeight > 0`))
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(['#q-3 input[value="0"]', '#q-2 input[value="4"]']
		.forEach(function (s) { document.querySelector(s).click(); }), true)`)); err != nil {
		t.Fatal(err)
	}
	b.shot("survey-m-skip-open-390")
	b.do(chromedp.Click(chromedp.Search(`//fieldset[@id='q-1']//label[normalize-space(.)='没有']`)))
	b.do(chromedp.Poll[chromedp.Void](`document.querySelector('#q-3').offsetHeight === 0`))
	b.shot("survey-m-skip-closed-390")
	if b.sideways(2) {
		t.Error("the member's form scrolls sideways at 390 px")
	}
	b.do(chromedp.Click(chromedp.CSS(`form[data-survey] button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".survey-thanks")))
	res, err := s.sv.Results(bg, officer, id, 0)
	if err != nil || res.Responses != 1 {
		t.Fatalf("results %+v %v", res, err)
	}
	if q := res.Questions[0]; q.Options[0].Count != 1 || q.Options[1].Count != 0 {
		t.Fatalf("question 1: %+v", q)
	}
	if q := res.Questions[2]; q.Answered != 0 {
		t.Fatalf("the hidden follow-up was kept: %+v", q)
	}
}
