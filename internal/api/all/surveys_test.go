package all_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// A survey through the API: staff make it (skip rules checked), publish
// it; members answer once, the skip rule dropping a hidden answer; the
// results, the breakdown and the written answers; an anonymous survey's
// results withheld below five responses; the export.
func TestSurveysAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for i := range 6 {
			f.signedInMember(fmt.Sprintf("s%d", i), "张"+string([]rune("一二三四五六")[i]), "unionA", fmt.Sprintf("138000001%02d", i), 40+i)
		}
		f.signedInMember("sb", "李四", "unionB", "13800000199", 60)
		now := time.Now()
		qs := `[{"type":"single","title":"是否参加过工会活动","required":true,"options":["参加过","没有"],"other":true},` +
			`{"type":"multiple","title":"哪些活动","required":true,"options":["文体","培训","疗休养"],"max_picks":2,"show_if":{"question":0,"option":0}},` +
			`{"type":"rating","title":"满意度","scale":5,"required":true},{"type":"long","title":"建议"}]`
		body := func(anon bool, questions string) string {
			return fmt.Sprintf(`{"org_id":"{streetA}","title":"职工需求调查","anonymous":%v,"opens_at":"%s","closes_at":"%s","questions":%s}`,
				anon, rfc(now.Add(-time.Hour)), rfc(now.Add(24*time.Hour)), questions)
		}
		f.run([]Step{
			{name: "rule on a later question", as: "officer_a", method: "POST", path: "/api/v1/surveys",
				body:   body(false, `[{"type":"single","title":"a","options":["x","y"],"show_if":{"question":1,"option":0}},{"type":"single","title":"b","options":["x","y"]}]`),
				status: 422, want: []string{"questions.0.show_if"}},
			{name: "no questions", as: "officer_a", method: "POST", path: "/api/v1/surveys", body: body(false, `[]`), status: 422, want: []string{`"questions"`}},
			{name: "leader may not", as: "leader_a", method: "POST", path: "/api/v1/surveys", body: body(false, qs), status: 403},
		})
		var named, anon struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/surveys", body(false, qs), http.StatusCreated, &named)
		f.postJSON("officer_a", "POST", "/api/v1/surveys", body(true, qs), http.StatusCreated, &anon)
		f.ids["named"], f.ids["anon"] = named.ID, anon.ID
		f.run([]Step{
			{name: "draft not for members", as: "s0", method: "POST", path: "/api/v1/me/surveys/{named}/responses", body: `{"answers":[]}`, status: 404},
			{name: "publish", as: "officer_a", method: "POST", path: "/api/v1/surveys/{named}/publish", body: `{}`, status: 200, want: []string{`"status":"published"`}},
			{name: "publish anon", as: "officer_a", method: "POST", path: "/api/v1/surveys/{anon}/publish", body: `{}`, status: 200},
			{name: "publish twice", as: "officer_a", method: "POST", path: "/api/v1/surveys/{named}/publish", body: `{}`, status: 409},
			{name: "mine", as: "s0", method: "GET", path: "/api/v1/me/surveys", status: 200, want: []string{`"{named}"`, `"can_respond":true`}},
			{name: "outside the audience", as: "sb", method: "GET", path: "/api/v1/me/surveys/{named}", status: 404},
			{name: "required missing", as: "s0", method: "POST", path: "/api/v1/me/surveys/{named}/responses",
				body: `{"answers":[{"question":0,"choices":[0]},{"question":2,"number":4}]}`, status: 422, want: []string{"answers.1"}},
			{name: "bad rating", as: "s0", method: "POST", path: "/api/v1/me/surveys/{named}/responses",
				body: `{"answers":[{"question":0,"choices":[1]},{"question":2,"number":9}]}`, status: 422, want: []string{"answers.2"}},
			{name: "hidden answer dropped", as: "s0", method: "POST", path: "/api/v1/me/surveys/{named}/responses",
				body: `{"answers":[{"question":0,"choices":[1]},{"question":1,"choices":[0]},{"question":2,"number":4},{"question":3,"text":"多办培训"}]}`, status: 201, want: []string{`"responded":true`}},
			{name: "twice", as: "s0", method: "POST", path: "/api/v1/me/surveys/{named}/responses",
				body: `{"answers":[{"question":0,"choices":[1]},{"question":2,"number":4}]}`, status: 409, want: []string{"responded"}},
			{name: "staff cannot answer", as: "officer_a", method: "POST", path: "/api/v1/me/surveys/{named}/responses", body: `{"answers":[]}`, status: 404},
			{name: "results", as: "officer_a", method: "GET", path: "/api/v1/surveys/{named}/results", status: 200, want: []string{`"responses":1`, `"withheld":false`}},
			{name: "named texts", as: "officer_a", method: "GET", path: "/api/v1/surveys/{named}/texts?question=3", status: 200, want: []string{"多办培训", "张一"}},
			{name: "questions frozen", as: "officer_a", method: "PUT", path: "/api/v1/surveys/{named}",
				body: strings.Replace(body(false, strings.Replace(qs, "建议", "意见", 1)), `{"org_id"`, `{"version":0,"org_id"`, 1), status: 422, want: []string{"questions"}},
			{name: "another street", as: "officer_a", method: "GET", path: "/api/v1/surveys/{named}/results?org={unionB}", status: 422, want: []string{`"org"`}},
		})
		for i := range 4 {
			f.postJSON(fmt.Sprintf("s%d", i), "POST", "/api/v1/me/surveys/{anon}/responses",
				fmt.Sprintf(`{"answers":[{"question":0,"choices":[0]},{"question":1,"choices":[0,1]},{"question":2,"number":%d},{"question":3,"text":"建议%d"}]}`, i+1, i), http.StatusCreated, nil)
		}
		f.run([]Step{
			{name: "withheld below five", as: "officer_a", method: "GET", path: "/api/v1/surveys/{anon}/results", status: 200, want: []string{`"withheld":true`, `"questions":[]`}},
			{name: "texts withheld", as: "officer_a", method: "GET", path: "/api/v1/surveys/{anon}/texts?question=3", status: 409, want: []string{"too_few"}},
			{name: "export withheld", as: "officer_a", method: "GET", path: "/api/v1/surveys/{anon}/export", status: 409},
		})
		f.postJSON("s4", "POST", "/api/v1/me/surveys/{anon}/responses", `{"answers":[{"question":0,"other":"偶尔"},{"question":2,"number":5}]}`, http.StatusCreated, nil)
		f.run([]Step{
			{name: "shown at five", as: "officer_a", method: "GET", path: "/api/v1/surveys/{anon}/results", status: 200, want: []string{`"withheld":false`, `"responses":5`, `"count":4`}},
			{name: "anonymous texts", as: "officer_a", method: "GET", path: "/api/v1/surveys/{anon}/texts?question=3", status: 200, want: []string{"建议0"}, not: []string{"张一", `"name"`}},
			{name: "breakdown", as: "officer_a", method: "GET", path: "/api/v1/surveys/{anon}/breakdown", status: 200, want: []string{`"responses":5`}},
			{name: "close", as: "officer_a", method: "POST", path: "/api/v1/surveys/{anon}/close", body: `{}`, status: 200, want: []string{`"status":"closed"`}},
			{name: "closed", as: "s5", method: "POST", path: "/api/v1/me/surveys/{anon}/responses", body: `{"answers":[{"question":0,"choices":[1]},{"question":2,"number":3}]}`, status: 409, want: []string{"not_open"}},
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/surveys?status=closed", status: 200, want: []string{`"{anon}"`, `"total":{"n":1`}, not: []string{`"{named}"`}},
		})
		rows := f.workbook("officer_a", "/api/v1/surveys/{anon}/export", "survey-")
		if len(rows) < 2 || rows[0][0] != "职工需求调查" || rows[1][1] != "5" {
			t.Fatalf("summary %v", rows)
		}
	})
}
