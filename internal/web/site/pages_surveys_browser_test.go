package site

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/survey"
	"gonghui/internal/testkit"
)

// TestBrowserSurveys is a member answering a survey on the phone with the
// skip rule live (the follow-up question appears once "参加过" is picked),
// then the thank-you page; and the organiser reading the results as bars
// at 1280 and 390 px, and the breakdown by organisation. Screenshots go
// to testkit.ScreenshotDir.
func TestBrowserSurveys(t *testing.T) {
	skipBrowser(t)
	bg := context.Background()
	s := newSvSite(t, testkit.NewDB(t, db.SQLite))
	staff := &auth.Principal{Kind: auth.KindStaff, UserID: 1, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.root.ID, OrgPath: s.root.Path, OrgName: s.root.Name}}}
	now := time.Now()
	in := survey.Input{OrgID: s.east.ID, Title: "2026年职工文体活动需求调查", Description: "请花两分钟告诉我们您希望工会组织哪些活动。",
		OpensAt: now.Add(-time.Hour).Format(time.RFC3339), ClosesAt: now.Add(7 * 24 * time.Hour).Format(time.RFC3339),
		Questions: []survey.Question{
			{Type: survey.Single, Title: "过去一年您参加过工会组织的活动吗？", Required: true, Options: []string{"参加过", "没有参加过"}},
			{Type: survey.Multiple, Title: "参加过哪些活动？", Required: true, Options: []string{"文体比赛", "技能培训", "疗休养", "亲子活动"}, Other: true, MaxPicks: 3,
				ShowIf: &survey.Condition{Question: 0, Option: 0}},
			{Type: survey.Rating, Title: "您对工会活动的总体满意度", Scale: 5, Required: true},
			{Type: survey.Number, Title: "您每月愿意参加几次活动？"},
			{Type: survey.Long, Title: "其他意见和建议"},
		}}
	v, err := s.sv.Create(bg, staff, in)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = s.sv.Publish(bg, staff, v.ID, v.Version); err != nil {
		t.Fatal(err)
	}
	five := func(f float64) *float64 { return &f }
	for i, w := range s.workers[1:] {
		a := map[int]survey.Answer{0: {Choices: []int{i % 2}}, 2: {Number: five(float64(1 + (i+2)%5))}, 4: {Text: "希望周末多安排一些活动。"}}
		if i%2 == 0 {
			a[1] = survey.Answer{Choices: []int{0, 1 + i%3}}
		}
		if err := s.sv.Respond(bg, &auth.Principal{Kind: auth.KindMember, MemberID: w.ID}, v.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	page := "/m/surveys/" + db.FormatID(v.ID)

	b := s.memberTab(t, "/m/login", 120*time.Second)
	s.codeLogin(b, "/m/login", mobileNumber(70), ".portal-hello")
	b.do(chromedp.Click(chromedp.CSS(`a.portal-action[href="/m/surveys"]`)), chromedp.WaitVisible(chromedp.CSS(".pact-item")))
	b.shot("survey-m-list-390")
	b.do(chromedp.Click(chromedp.CSS(`a.pact-item[href="`+page+`"]`)), chromedp.WaitVisible(chromedp.CSS("form[data-survey]")))
	b.expect("survey", "这是实名问卷", "过去一年您参加过工会组织的活动吗？")
	b.do(chromedp.Poll[chromedp.Void](`document.querySelector('#q-2').offsetHeight === 0`))
	b.shot("survey-m-form-390")
	b.do(chromedp.Click(chromedp.Search(`//fieldset[@id='q-1']//label[contains(., '参加过') and not(contains(., '没有'))]`)))
	b.do(chromedp.Poll[chromedp.Void](`document.querySelector('#q-2').offsetHeight > 0`))
	// The follow-up appeared in place (chromedp's own visibility wait
	// keeps the state it first saw): tick it as a finger would, by script.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(['#q-2 input[value="1"]', '#q-2 input[value="2"]', '#q-3 input[value="4"]']
		.forEach(function (s) { document.querySelector(s).click(); }), document.querySelector('input[name="answers.3"]').value = '2', true)`)); err != nil {
		t.Fatal(err)
	}
	b.shot("survey-m-form-filled-390")
	if b.sideways(2) {
		t.Error("the survey's form is wider than the phone")
	}
	b.do(chromedp.Click(chromedp.CSS(`form[data-survey] button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".survey-thanks")))
	b.expect("thanks", "提交成功")
	b.shot("survey-m-thanks-390")

	st := newTab(t, s.srv.URL, 120*time.Second, false)
	st.do(chromedp.Navigate(st.base + "/lang?to=zh-CN&back=/login"))
	st.login("dashilan")
	st.open("/surveys", ".survey-table")
	st.shot("survey-list-1280")
	st.open("/surveys/"+db.FormatID(v.ID), ".survey-bars")
	st.expect("results", "回收答卷 6 份", "参加过哪些活动？", "平均")
	st.shot("survey-results-1280")
	st.open("/surveys/"+db.FormatID(v.ID)+"/orgs", ".survey-orgs")
	st.shot("survey-orgs-1280")
	st.phone()
	st.open("/surveys/"+db.FormatID(v.ID), ".survey-bars")
	st.shot("survey-results-390")
	if st.sideways(2) {
		t.Error("the results are wider than the phone")
	}
}
