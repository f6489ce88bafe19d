package all_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// The live contest through the API: staff start a session (bad input
// refused), a member joins by its code and answers the question shown
// once, the host's steps follow the phases (a stale version refused), the
// state shows the tally, the key and the board only when it should;
// another street's officer finds nothing.
func TestContestLiveAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.signedInMember("m1", "张一明", "unionA", "13800000041", 21)
		f.signedInMember("m2", "王二", "unionA", "13800000042", 22)
		var bk struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/banks", `{"org_id":"{streetA}","name":"普法题库"}`, http.StatusCreated, &bk)
		f.ids["bank"] = bk.ID
		for i := range 3 {
			f.postJSON("officer_a", "POST", "/api/v1/banks/{bank}/questions",
				fmt.Sprintf(`{"type":"truefalse","stem":"判断题 %d：职工有权参加工会。","key":{"true":true}}`, i), http.StatusCreated, nil)
		}
		now := time.Now()
		var c struct {
			ID      string
			Version int
		}
		f.postJSON("officer_a", "POST", "/api/v1/contests", `{"org_id":"{streetA}","title":"普法知识竞赛","opens_at":"`+rfc(now.Add(-time.Hour))+
			`","closes_at":"`+rfc(now.Add(24*time.Hour))+`","sections":[{"bank_id":"{bank}","count":3,"points":2}]}`, http.StatusCreated, &c)
		f.ids["contest"] = c.ID
		f.postJSON("officer_a", "POST", "/api/v1/contests/{contest}/publish", fmt.Sprintf(`{"version":%d}`, c.Version), http.StatusOK, nil)

		var s struct {
			ID, Code string
		}
		f.run([]Step{
			{name: "too short", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live", body: `{"seconds":2}`, status: 422, want: []string{`"seconds"`}},
			{name: "no teams", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live", body: `{"mode":"team"}`, status: 422, want: []string{`"mode"`}},
			{name: "bad mode", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live", body: `{"mode":"crowd"}`, status: 422, want: []string{`"mode"`}},
			{name: "other street", as: "officer_b", method: "POST", path: "/api/v1/contests/{contest}/live", body: `{}`, status: 404},
		})
		f.postJSON("officer_a", "POST", "/api/v1/contests/{contest}/live", `{"seconds":30,"speed_bonus":true}`, http.StatusCreated, &s)
		f.ids["session"], f.ids["code"] = s.ID, s.Code
		f.run([]Step{
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/live", status: 200, want: []string{`"code":"` + s.Code + `"`, `"phase":"lobby"`, `"questions":3`}},
			{name: "other street's list", as: "officer_b", method: "GET", path: "/api/v1/contests/{contest}/live", status: 404},
			{name: "other street's session", as: "officer_b", method: "GET", path: "/api/v1/contests/{contest}/live/{session}", status: 404},
			{name: "lobby", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/live/{session}", status: 200, want: []string{`"phase":"lobby"`, `"position":-1`, `"can_run":true`}},
			{name: "before joining", as: "m1", method: "GET", path: "/api/v1/me/live/{code}", status: 200, want: []string{`"joined":false`}},
			{name: "answer before joining", as: "m1", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{"true":true}`, status: 409, want: []string{"not_joined"}},
			{name: "join", as: "m1", method: "POST", path: "/api/v1/me/live/{code}/join", body: `{}`, status: 200, want: []string{`"joined":true`, `"joined":1`}},
			{name: "join 2", as: "m2", method: "POST", path: "/api/v1/me/live/{code}/join", status: 200},
			{name: "answer in the lobby", as: "m1", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{"true":true}`, status: 409, want: []string{`"closed"`}},
			{name: "reveal in the lobby", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"reveal"}`, status: 409, want: []string{"not_closed"}},
			{name: "bad step", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"dance"}`, status: 422, want: []string{`"step"`}},
			{name: "a member steps", as: "m1", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"next"}`, status: 404},
			{name: "next", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"next","version":1}`, status: 200,
				want: []string{`"phase":"open"`, `"position":0`, `"remaining_ms":`}, not: []string{`"right"`, `"tally"`, `"key"`}},
			{name: "stale next", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"next","version":1}`, status: 409, want: []string{"stale"}},
			{name: "phone sees no key", as: "m1", method: "GET", path: "/api/v1/me/live/{code}", status: 200, want: []string{`"phase":"open"`, `"stem":"判断题`}, not: []string{`"right"`, `"key"`}},
			{name: "empty answer", as: "m1", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{}`, status: 422, want: []string{`"answer"`}},
			{name: "wrong shape", as: "m1", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{"choices":[1]}`, status: 422, want: []string{`"answer"`}},
			{name: "not shown", as: "m1", method: "PUT", path: "/api/v1/me/live/{code}/answers/1", body: `{"true":true}`, status: 409, want: []string{`"closed"`}},
			{name: "answer", as: "m1", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{"true":true}`, status: 200, want: []string{`"position":0`}, not: []string{"credit"}},
			{name: "answer again", as: "m1", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{"true":false}`, status: 409, want: []string{"answered"}},
			{name: "m2 wrong", as: "m2", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{"true":false}`, status: 200},
			{name: "close", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"close"}`, status: 200, want: []string{`"phase":"closed"`, `"tally":[1,1]`}, not: []string{`"right"`}},
			{name: "after close", as: "m2", method: "PUT", path: "/api/v1/me/live/{code}/answers/0", body: `{"true":true}`, status: 409},
			{name: "reveal", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"reveal"}`, status: 200,
				want: []string{`"phase":"revealed"`, `"right":[0]`, `"name":"张一明"`}},
			{name: "m1 right", as: "m1", method: "GET", path: "/api/v1/me/live/{code}", status: 200, want: []string{`"credit":2`, `"rank":1`, `"of":2`}},
			{name: "m2 wrong", as: "m2", method: "GET", path: "/api/v1/me/live/{code}", status: 200, want: []string{`"credit":0`, `"rank":2`}},
			{name: "end", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"end"}`, status: 200, want: []string{`"phase":"ended"`}},
			{name: "end again", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/live/{session}/steps", body: `{"step":"end"}`, status: 409, want: []string{`"ended"`}},
		})
	})
}
