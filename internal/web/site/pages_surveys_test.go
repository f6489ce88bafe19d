package site

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/survey"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// svSite is the member site with surveys behind its pages.
type svSite struct {
	*portalSite
	sv      *survey.Store
	workers []*member.Member
}

func newSvSite(t *testing.T, d *db.DB) *svSite {
	t.Helper()
	s := &svSite{portalSite: newPortalSite(t, d)}
	s.sv = survey.NewStore(d, s.members)
	for i, name := range []string{"赵一", "钱二", "孙三", "李四", "周五", "吴六"} {
		s.workers = append(s.workers, s.add(t, s.unionE, name, 70+i, "2020-05-01"))
	}
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Survey: s.sv}))
	return s
}

var (
	svRawKeyRE   = keyRE("survey|flash|list|portal")
	surveyPathRE = regexp.MustCompile(`^/surveys/(\d+)$`)
)

func wantNoSurveyKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, svRawKeyRE, rawKeyRE)
}

// svForm is the staff form of a survey of the east street: a yes/no
// question with "other", a multiple choice shown only on yes, a rating, a
// paragraph; row 4 left empty.
func svForm(s *svSite, title string, anonymous bool) url.Values {
	f := url.Values{"org_id": {id(s.east)}, "title": {title}, "description": {"了解职工的需求。"}, "opens_at": {localIn(-time.Hour)},
		"closes_at":        {localIn(7 * 24 * time.Hour)},
		"questions.0.type": {"single"}, "questions.0.title": {"您参加过工会活动吗？"}, "questions.0.required": {"1"}, "questions.0.options": {"参加过\n没有参加过"}, "questions.0.other": {"1"},
		"questions.1.type": {"multiple"}, "questions.1.title": {"参加过哪些活动？"}, "questions.1.required": {"1"}, "questions.1.options": {"文体活动\n技能培训\n疗休养"},
		"questions.1.max_picks": {"2"}, "questions.1.show_if": {"0.0"},
		"questions.2.type": {"rating"}, "questions.2.title": {"总体满意度"}, "questions.2.scale": {"5"}, "questions.2.required": {"1"},
		"questions.3.type": {"single"}, "questions.3.title": {""},
		"questions.4.type": {"long"}, "questions.4.title": {"意见和建议"}}
	if anonymous {
		f.Set("anonymous", "1")
	}
	return f
}

func TestSurveyPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newSvSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		var named, anon string

		t.Run("list and form refusals", func(t *testing.T) {
			a := officer.get("/surveys")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, `href="/surveys" aria-current="page"`, "还没有问卷。", `href="/surveys/new"`)
			wantNoSurveyKeys(t, "list", a)
			a = officer.get("/surveys/new")
			wantStatus(t, "form", a, 200)
			wantBody(t, "form", a, `name="questions.0.title"`, `name="questions.1.show_if"`, `name="refresh"`, "匿名调查")
			wantNoSurveyKeys(t, "form", a)

			bad := svForm(s, "", false)
			bad.Set("questions.1.show_if", "")
			bad.Set("questions.0.show_if", "1.0")
			bad.Set("questions.1.options", "只有一个")
			a = officer.post("/surveys/new", bad, "/surveys/new")
			wantStatus(t, "bad", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad", a, `id="f-title-error"`, `id="f-questions-0-show_if-error"`, "跳题条件只能依据前面的题目", `id="f-questions-1-options-error"`,
				`value="您参加过工会活动吗？"`, "了解职工的需求。")
			wantNoSurveyKeys(t, "bad", a)
			wantBody(t, "still none", officer.get("/surveys"), "还没有问卷。")

			// Without JavaScript: the skip-rule choices of the questions typed.
			ask := svForm(s, "需求调查", false)
			ask.Set("refresh", "1")
			a = officer.post("/surveys/new", ask, "/surveys/new")
			wantStatus(t, "refresh", a, 200)
			wantBody(t, "refresh", a, "第 1 题（您参加过工会活动吗？）选了“参加过”", `value="0.0" selected`)
		})

		t.Run("create and publish", func(t *testing.T) {
			for _, anonymous := range []bool{false, true} {
				a := officer.post("/surveys/new", svForm(s, "职工需求调查", anonymous), "/surveys/new")
				wantStatus(t, "create", a, http.StatusSeeOther)
				if surveyPathRE.FindStringSubmatch(a.location) == nil || flashSet(a) != "flash.survey.created" {
					t.Fatalf("create goes to %q with %q", a.location, flashSet(a))
				}
				a2 := officer.post(a.location+"/publish", url.Values{"version": {"1"}}, a.location)
				wantStatus(t, "publish", a2, http.StatusSeeOther)
				if anonymous {
					anon = a.location
				} else {
					named = a.location
				}
			}
			a := officer.get(named)
			wantStatus(t, "show", a, 200)
			wantBody(t, "show", a, "职工需求调查", "已发布", "实名问卷", "还没有人作答。", `action="`+named+`/close"`)
			wantNoSurveyKeys(t, "show", a)
			a = officer.get(anon)
			wantBody(t, "anon show", a, "这是匿名问卷")
			wantStatus(t, "another street", west.get(named), http.StatusNotFound)
			a = officer.get(named + "/edit")
			wantBody(t, "edit", a, `value="参加过哪些活动？"`, `value="0.0" selected`, `name="version" value="2"`)
		})

		t.Run("members answer", func(t *testing.T) {
			c := s.memberLogin(t, mobileNumber(70))
			a := c.get("/m/surveys")
			wantStatus(t, "my list", a, 200)
			wantBody(t, "my list", a, "职工需求调查", "待填写", "匿名问卷")
			wantNoSurveyKeys(t, "my list", a)
			wantBody(t, "home", c.get("/m"), `href="/m/surveys"`)
			page := "/m/surveys/" + surveyPathRE.FindStringSubmatch(named)[1]
			a = c.get(page)
			wantStatus(t, "survey", a, 200)
			wantBody(t, "survey", a, "这是实名问卷", `data-show-q="0"`, "第 1 题选了“参加过”才需要回答这道题", `name="answers.0.other"`, `name="answers.3"`)
			wantNoSurveyKeys(t, "survey", a)
			// Required missing, "other" without its text: the form again as typed.
			a = c.post(page, url.Values{"answers.0": {"other"}, "answers.3": {"多组织培训"}}, page)
			wantStatus(t, "missing", a, http.StatusUnprocessableEntity)
			wantBody(t, "missing", a, "选择“其他”时请填写具体内容", "这道题必须回答", "多组织培训")
			// No JavaScript: the hidden question's answer is sent and dropped.
			a = c.post(page, url.Values{"answers.0": {"1"}, "answers.1": {"0"}, "answers.2": {"4"}, "answers.3": {"多组织培训"}}, page)
			wantStatus(t, "submit", a, http.StatusSeeOther)
			a = c.get(a.location)
			wantStatus(t, "thanks", a, 200)
			wantBody(t, "thanks", a, "提交成功", "职工需求调查")
			a = c.post(page, url.Values{"answers.0": {"1"}, "answers.2": {"4"}}, "/m/account")
			wantStatus(t, "twice", a, http.StatusConflict)
			wantBody(t, "twice", a, "您已经提交过这份问卷")
			var rows int
			d.QueryRow(t.Context(), "SELECT COUNT(*) FROM survey_answers WHERE question = 1").Scan(&rows)
			if rows != 0 {
				t.Fatalf("%d answers to the hidden question kept", rows)
			}

			anonPage := "/m/surveys/" + surveyPathRE.FindStringSubmatch(anon)[1]
			for i := range 4 {
				mc := c
				if i > 0 {
					mc = s.memberLogin(t, mobileNumber(70+i))
				}
				a = mc.post(anonPage, url.Values{"answers.0": {"0"}, "answers.1": {"0", "1"}, "answers.2": {"5"}, "answers.3": {"建议" + string(rune('A'+i))}}, anonPage)
				wantStatus(t, "anonymous answer", a, http.StatusSeeOther)
			}
		})

		t.Run("results", func(t *testing.T) {
			a := officer.get(named)
			wantBody(t, "named results", a, "回收答卷 1 份", `<progress class="survey-bar" max="100" value="100.0"`, "没有参加过", "平均 4.00", "查看 1 条文字回答")
			wantNoSurveyKeys(t, "named results", a)
			a = officer.get(named + "/texts/3")
			wantBody(t, "named texts", a, "多组织培训", "赵一")
			a = officer.get(anon)
			wantBody(t, "withheld", a, "回收答卷 4 份", "结果暂不显示", "回收不足 5 份")
			wantNoBody(t, "withheld", a, "<progress")
			wantStatus(t, "anon export refused", officer.get(anon+"/export.xlsx"), http.StatusConflict)
			c := s.memberLogin(t, mobileNumber(74))
			anonPage := "/m/surveys/" + surveyPathRE.FindStringSubmatch(anon)[1]
			wantStatus(t, "fifth", c.post(anonPage, url.Values{"answers.0": {"1"}, "answers.2": {"3"}}, anonPage), http.StatusSeeOther)
			a = officer.get(anon)
			wantBody(t, "shown", a, "回收答卷 5 份", "80.0%")
			a = officer.get(anon + "/texts/3")
			wantBody(t, "anon texts", a, "建议A", "随机顺序")
			wantNoBody(t, "anon texts", a, "赵一")
			a = officer.get(anon + "/orgs")
			wantStatus(t, "orgs", a, 200)
			wantBody(t, "orgs", a, "北京排水集团工会", "回收率")
			wantNoSurveyKeys(t, "orgs", a)
			a = officer.get(anon + "/export.xlsx")
			wantStatus(t, "export", a, 200)
			x, err := excelize.OpenReader(bytes.NewReader([]byte(a.body)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows("答卷")
			if len(rows) != 6 || rows[0][1] == "姓名" {
				t.Fatalf("responses sheet %v", rows)
			}
			a = officer.post(anon+"/close", url.Values{"version": {"2"}}, anon)
			wantStatus(t, "close", a, http.StatusSeeOther)
			wantBody(t, "closed list", officer.get("/surveys?status=closed"), "职工需求调查", "共 1 份")
		})
	})
}
