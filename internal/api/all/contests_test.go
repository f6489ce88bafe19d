package all_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

type sheetView struct {
	Attempt struct {
		ID     string
		Status string
	}
	Questions []struct {
		Position int
		Type     string
		Options  []string
	}
	Remaining int
}

// A contest through the API: staff make it from a bank, a member opens,
// answers, resumes and hands in; the key never reaches the phone; the
// board, the attempts and the refusals.
func TestContestsAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.signedInMember("m1", "张一", "unionA", "13800000021", 21)
		f.signedInMember("mb", "李四", "unionB", "13800000022", 22)
		var bk struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/banks", `{"org_id":"{streetA}","name":"普法题库"}`, http.StatusCreated, &bk)
		f.ids["bank"] = bk.ID
		for i := range 6 {
			f.postJSON("officer_a", "POST", "/api/v1/banks/{bank}/questions",
				fmt.Sprintf(`{"type":"truefalse","stem":"判断题 %d：职工有权参加工会。","key":{"true":true},"explanation":"见工会法第三条。"}`, i), http.StatusCreated, nil)
		}
		now := time.Now()
		body := `{"org_id":"{streetA}","title":"普法知识竞赛","opens_at":"` + rfc(now.Add(-time.Hour)) + `","closes_at":"` + rfc(now.Add(24*time.Hour)) +
			`","time_limit":600,"pass_mark":6,"show_corrections":true,"sections":[{"bank_id":"{bank}","count":%d,"points":2}]}`
		f.run([]Step{
			{name: "too few questions", as: "officer_a", method: "POST", path: "/api/v1/contests", body: fmt.Sprintf(body, 7), status: 422, want: []string{"sections.0.count"}},
			{name: "leader may not", as: "leader_a", method: "POST", path: "/api/v1/contests", body: fmt.Sprintf(body, 5), status: 403},
		})
		var c struct {
			ID      string
			Version int
		}
		f.postJSON("officer_a", "POST", "/api/v1/contests", fmt.Sprintf(body, 5), http.StatusCreated, &c)
		f.ids["contest"] = c.ID
		f.postJSON("officer_a", "POST", "/api/v1/contests/{contest}/publish", fmt.Sprintf(`{"version":%d}`, c.Version), http.StatusOK, nil)

		var sh sheetView
		f.postJSON("m1", "POST", "/api/v1/contests/{contest}/attempts", `{}`, http.StatusOK, &sh)
		if len(sh.Questions) != 5 || sh.Remaining != 600 && sh.Remaining != 599 {
			t.Fatalf("sheet %+v", sh)
		}
		f.ids["attempt"] = sh.Attempt.ID
		f.run([]Step{
			{name: "no key on the phone", as: "m1", method: "POST", path: "/api/v1/contests/{contest}/attempts", body: `{}`, status: 200, want: []string{`"{attempt}"`}, not: []string{"见工会法", `"key"`}},
			{name: "outside the audience", as: "mb", method: "POST", path: "/api/v1/contests/{contest}/attempts", body: `{}`, status: 404},
			{name: "answer 1", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/0", body: `{"true":true}`, status: 200},
			{name: "answer 2", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/1", body: `{"true":true}`, status: 200},
			{name: "answer 3", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/2", body: `{"true":true}`, status: 200},
			{name: "wrong shape", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/3", body: `{"choices":[0]}`, status: 422, want: []string{`"answer"`}},
			{name: "not on the paper", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/9", body: `{"true":true}`, status: 422, want: []string{`"position"`}},
			{name: "another member's attempt", as: "mb", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/3", body: `{"true":true}`, status: 404},
			{name: "staff cannot take", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/attempts", body: `{}`, status: 404},
			{name: "switched", as: "m1", method: "POST", path: "/api/v1/attempts/{attempt}/switches", body: `{}`, status: 204},
			{name: "resume keeps answers", as: "m1", method: "POST", path: "/api/v1/contests/{contest}/attempts", body: `{}`, status: 200, want: []string{`"answers":{"0":{"true":true}`}},
			{name: "submit", as: "m1", method: "POST", path: "/api/v1/attempts/{attempt}/submit", body: `{}`, status: 200, want: []string{`"score":6`, `"passed":true`, `"rank":1`, "见工会法"}},
			{name: "submit again", as: "m1", method: "POST", path: "/api/v1/attempts/{attempt}/submit", body: `{}`, status: 200, want: []string{`"score":6`}},
			{name: "after submission", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/4", body: `{"true":true}`, status: 409},
			{name: "no second attempt", as: "m1", method: "POST", path: "/api/v1/contests/{contest}/attempts", body: `{}`, status: 409},
			{name: "my contests", as: "m1", method: "GET", path: "/api/v1/me/contests", status: 200, want: []string{`"attempts_used":1`, `"best_score":6`}},
			{name: "board", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/board", status: 200, want: []string{`"name":"张一"`, `"score":6`, `"n":1`}},
			{name: "attempts with switches", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/attempts", status: 200, want: []string{`"switches":1`}},
			{name: "another street's board", as: "admin", method: "GET", path: "/api/v1/contests/{contest}/board", status: 404},
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/contests?status=published", status: 200, want: []string{"普法知识竞赛", `"n":1`}},
			{name: "rules frozen", as: "officer_a", method: "PUT", path: "/api/v1/contests/{contest}", body: strings.Replace(fmt.Sprintf(body, 4), `{"org_id"`, `{"version":0,"org_id"`, 1), status: 422, want: []string{"sections"}},
		})
		// The board by organisation reads the folded figures.
		if err := stats.NewStore(d).FoldAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.run([]Step{
			{name: "board by organisation", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/board/orgs?sort=average", status: 200,
				want: []string{`"takers":1`, `"average":6`, `"pass_rate":1`}},
			{name: "board by organisation, bad order", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/board/orgs?sort=name", status: 422, want: []string{`"sort"`}},
			{name: "board by organisation, out of sight", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/board/orgs?org={root}", status: 422, want: []string{`"org"`}},
		})
		var list struct{ Items []json.RawMessage }
		f.getJSON("m1", "/api/v1/me/contests", &list)
		if len(list.Items) != 1 {
			t.Fatalf("member's contests: %d", len(list.Items))
		}
	})
}
