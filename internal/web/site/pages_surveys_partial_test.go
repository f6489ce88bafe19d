package site

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/survey"
	"gonghui/internal/testkit"
)

// TestSurveyPagesFromBelow: a survey the city federation publishes to the
// whole city shows in a street's list marked as from above; its page is
// read only (no edit, publish or close; their URLs refuse), its results,
// breakdown and workbook count the street's own workers. A draft, and a
// survey for another street, are not found.
func TestSurveyPagesFromBelow(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newSvSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		city := signuptest.Grant(auth.RoleOfficer, s.root)
		in := func(title string, audience int64) survey.Input {
			return survey.Input{OrgID: s.root.ID, AudienceOrgID: audience, Title: title, Anonymous: true,
				OpensAt: time.Now().Add(-time.Hour).Format(time.RFC3339), ClosesAt: time.Now().Add(48 * time.Hour).Format(time.RFC3339),
				Questions: []survey.Question{{Type: survey.Single, Title: "您对食堂满意吗？", Required: true, Options: []string{"满意", "不满意"}},
					{Type: survey.Long, Title: "您的建议"}}}
		}
		draft, err := s.sv.Create(context.Background(), city, in("全市职工草稿问卷", 0))
		if err != nil {
			t.Fatal(err)
		}
		publish := func(title string, audience int64) *survey.Survey {
			v, err := s.sv.Create(context.Background(), city, in(title, audience))
			if err == nil {
				v, err = s.sv.Publish(context.Background(), city, v.ID, v.Version)
			}
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		v := publish("全市职工食堂满意度调查", 0)
		eastOnly := publish("大栅栏职工需求调查", s.east.ID)
		for _, m := range s.workers[:5] {
			if err := s.sv.Respond(context.Background(), signuptest.Self(m), v.ID, map[int]survey.Answer{0: {Choices: []int{0}}, 1: {Text: "希望增加夜班餐"}}); err != nil {
				t.Fatal(err)
			}
		}
		page := "/surveys/" + db.FormatID(v.ID)

		a := officer.get("/surveys")
		wantBody(t, "the street's list", a, "全市职工食堂满意度调查", "大栅栏职工需求调查", "上级发布")
		wantNoSurveyKeys(t, "the street's list", a)
		if strings.Contains(a.body, "全市职工草稿问卷") {
			t.Fatal("the street's list shows the city's draft")
		}
		wantStatus(t, "the city's draft", officer.get("/surveys/"+db.FormatID(draft.ID)), http.StatusNotFound)

		a = officer.get(page)
		wantStatus(t, "from above", a, http.StatusOK)
		wantNoSurveyKeys(t, "from above", a)
		wantBody(t, "from above", a, "本问卷由北京市总工会发布", "（本单位及下级）", "回收答卷 5 份", "查看 5 条文字回答")
		for _, no := range []string{page + "/edit", page + "/publish", page + "/close"} {
			if strings.Contains(a.body, `"`+no+`"`) {
				t.Fatalf("the read-only page links %s", no)
			}
		}
		wantStatus(t, "edit from below", officer.get(page+"/edit"), http.StatusForbidden)
		wantStatus(t, "close from below", officer.post(page+"/close", url.Values{"version": {"2"}}, page), http.StatusForbidden)
		a = officer.get(page + "/orgs")
		wantStatus(t, "breakdown from below", a, http.StatusOK)
		wantBody(t, "breakdown from below", a, "大栅栏街道总工会", "北京排水集团工会")
		if strings.Contains(a.body, "西长安街") {
			t.Fatal("the street's breakdown shows its neighbour")
		}
		x := officer.get(page + "/export.xlsx")
		wantStatus(t, "workbook from below", x, http.StatusOK)

		// The western street: none of its workers answered; the survey for the east is not for it.
		wantBody(t, "the western street", west.get(page), "回收答卷 0 份")
		wantStatus(t, "not for the west", west.get("/surveys/"+db.FormatID(eastOnly.ID)), http.StatusNotFound)
		wantStatus(t, "not for the west, breakdown", west.get("/surveys/"+db.FormatID(eastOnly.ID)+"/orgs"), http.StatusNotFound)
		if a := west.get("/surveys"); strings.Contains(a.body, "大栅栏职工需求调查") {
			t.Fatal("the western street lists a survey not for it")
		}
	})
}
