package all_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// Certificates and teams through the API: a member who passed gets their
// certificate and anyone checks it; a street enters a team, adds members,
// the board ranks it; another street's officer gets 404, bad input field
// errors.
func TestContestCertificatesAndTeamsAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.signedInMember("m1", "张一明", "unionA", "13800000031", 11)
		f.signedInMember("m2", "王二", "unionA", "13800000032", 12)
		f.signedInMember("mb", "李四", "unionB", "13800000033", 13)
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
			`","closes_at":"`+rfc(now.Add(24*time.Hour))+`","pass_mark":4,"sections":[{"bank_id":"{bank}","count":3,"points":2}]}`, http.StatusCreated, &c)
		f.ids["contest"] = c.ID
		f.postJSON("officer_a", "POST", "/api/v1/contests/{contest}/publish", fmt.Sprintf(`{"version":%d}`, c.Version), http.StatusOK, nil)

		var sh sheetView
		f.postJSON("m1", "POST", "/api/v1/contests/{contest}/attempts", `{}`, http.StatusOK, &sh)
		f.ids["attempt"] = sh.Attempt.ID
		var cert struct{ Payload, Number string }
		f.run([]Step{
			{name: "before handing in", as: "m1", method: "GET", path: "/api/v1/attempts/{attempt}/certificate", status: 409, want: []string{"no_certificate"}},
			{name: "answer 1", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/0", body: `{"true":true}`, status: 200},
			{name: "answer 2", as: "m1", method: "PUT", path: "/api/v1/attempts/{attempt}/answers/1", body: `{"true":true}`, status: 200},
			{name: "submit", as: "m1", method: "POST", path: "/api/v1/attempts/{attempt}/submit", body: `{}`, status: 200, want: []string{`"passed":true`}},
			{name: "another member", as: "mb", method: "GET", path: "/api/v1/attempts/{attempt}/certificate", status: 404},
			{name: "staff", as: "officer_a", method: "GET", path: "/api/v1/attempts/{attempt}/certificate", status: 404},
		})
		f.getJSON("m1", "/api/v1/attempts/{attempt}/certificate", &cert)
		if !strings.HasPrefix(cert.Payload, "GHZ1:") || cert.Number == "" {
			t.Fatalf("certificate %+v", cert)
		}
		f.ids["payload"] = cert.Payload
		tampered := cert.Payload[:20] + map[bool]string{true: "B", false: "A"}[cert.Payload[20] == 'A'] + cert.Payload[21:]
		f.run([]Step{
			{name: "certificate", as: "m1", method: "GET", path: "/api/v1/attempts/{attempt}/certificate", status: 200, want: []string{`"name":"张一明"`, `"masked_name":"张*明"`, `"kind":"pass"`, `"score":4`}},
			{name: "verify", method: "POST", path: "/api/v1/certificates/verify", body: `{"payload":"{payload}"}`, status: 200,
				want: []string{`"status":"valid"`, `"masked_name":"张*明"`, "普法知识竞赛", `"publisher":"大栅栏街道总工会"`}, not: []string{"张一明"}},
			{name: "tampered", method: "POST", path: "/api/v1/certificates/verify", body: `{"payload":"` + tampered + `"}`, status: 200, want: []string{`"status":"tampered"`}, not: []string{"普法"}},
			{name: "unreadable", method: "POST", path: "/api/v1/certificates/verify", body: `{"payload":"hello 张三"}`, status: 422, want: []string{`"payload"`}, not: []string{"hello"}},
		})

		// Teams.
		var team struct {
			ID      string
			Version int
		}
		f.run([]Step{
			{name: "no name", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/teams", body: `{"org_id":"{streetA}","name":""}`, status: 422, want: []string{`"name"`}},
			{name: "bad org", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/teams", body: `{"org_id":"x","name":"队"}`, status: 422, want: []string{`"org_id"`}},
			{name: "org outside", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/teams", body: `{"org_id":"{streetB}","name":"队"}`, status: 422, want: []string{`"org_id"`}},
			{name: "other street", as: "officer_b", method: "POST", path: "/api/v1/contests/{contest}/teams", body: `{"org_id":"{streetB}","name":"队"}`, status: 404},
			{name: "bad rules", as: "officer_a", method: "PUT", path: "/api/v1/contests/{contest}/team-rules", body: `{"max_members":-1,"scoring":"median"}`, status: 422, want: []string{`"max_members"`, `"scoring"`}},
			{name: "rules", as: "officer_a", method: "PUT", path: "/api/v1/contests/{contest}/team-rules", body: `{"max_members":2,"scoring":"average"}`, status: 200, want: []string{`"max_members":2`}},
		})
		f.postJSON("officer_a", "POST", "/api/v1/contests/{contest}/teams", `{"org_id":"{unionA}","name":"甲公司代表队"}`, http.StatusCreated, &team)
		f.ids["team"] = team.ID
		f.run([]Step{
			{name: "same name", as: "officer_a", method: "POST", path: "/api/v1/contests/{contest}/teams", body: `{"org_id":"{streetA}","name":"甲公司代表队"}`, status: 422, want: []string{`"name"`}},
			{name: "member outside", as: "officer_a", method: "POST", path: "/api/v1/teams/{team}/members", body: `{"member_id":"{mb}"}`, status: 422, want: []string{`"member_id"`}},
			{name: "no member", as: "officer_a", method: "POST", path: "/api/v1/teams/{team}/members", body: `{}`, status: 422, want: []string{`"member_id"`}},
			{name: "add m1", as: "officer_a", method: "POST", path: "/api/v1/teams/{team}/members", body: `{"member_id":"{m1}"}`, status: 200, want: []string{`"size":1`}},
			{name: "add m2", as: "officer_a", method: "POST", path: "/api/v1/teams/{team}/members", body: `{"member_id":"{m2}"}`, status: 200, want: []string{`"size":2`, `"taken":1`, `"score":2`}},
			{name: "other street reads", as: "officer_b", method: "GET", path: "/api/v1/teams/{team}", status: 404},
			{name: "other street adds", as: "officer_b", method: "POST", path: "/api/v1/teams/{team}/members", body: `{"member_id":"{mb}"}`, status: 404},
			{name: "other street board", as: "officer_b", method: "GET", path: "/api/v1/contests/{contest}/teams", status: 404},
			{name: "leader may not", as: "leader_a", method: "POST", path: "/api/v1/teams/{team}/members", body: `{"member_id":"{m2}"}`, status: 403},
			{name: "board", as: "officer_a", method: "GET", path: "/api/v1/contests/{contest}/teams", status: 200, want: []string{`"name":"甲公司代表队"`, `"rank":1`, `"total":1`, `"scoring":"average"`}},
			{name: "rename stale", as: "officer_a", method: "PUT", path: "/api/v1/teams/{team}", body: `{"name":"新队名","version":1}`, status: 409},
			{name: "rename", as: "officer_a", method: "PUT", path: "/api/v1/teams/{team}", body: `{"name":"新队名","version":0}`, status: 200, want: []string{`"name":"新队名"`}},
			{name: "remove m2", as: "officer_a", method: "DELETE", path: "/api/v1/teams/{team}/members/{m2}", status: 200, want: []string{`"size":1`, `"score":4`}},
			{name: "remove again", as: "officer_a", method: "DELETE", path: "/api/v1/teams/{team}/members/{m2}", status: 422, want: []string{`"member_id"`}},
			{name: "withdraw", as: "officer_a", method: "DELETE", path: "/api/v1/teams/{team}", status: 204},
			{name: "gone", as: "officer_a", method: "GET", path: "/api/v1/teams/{team}", status: 404},
		})
	})
}
