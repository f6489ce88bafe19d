package all_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gonghui/internal/api"
	"gonghui/internal/api/all"
	"gonghui/internal/auth"
	"gonghui/internal/congress"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/inbox"
	"gonghui/internal/testkit"
)

// congressFixture is the API fixture served again with the congress
// mounted (and its inbox kinds), every exchange replayed against the
// OpenAPI document as the fixture's own server does.
func congressFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := newFixture(t, d)
	c := congress.NewStore(d)
	mux := http.NewServeMux()
	if _, err := all.Mount(mux, all.Deps{Deps: api.Deps{DB: d, Auth: f.auth, Orgs: f.orgs, Members: f.mem, HTTP: httpx.Options{}}, Acts: f.acts, Courses: f.crs,
		Banks: f.banks, Contest: f.cts, Letters: f.lets, Survey: f.svs, Works: f.works, Congress: c, Inbox: inbox.New(c.InboxSources()...)}); err != nil {
		t.Fatal(err)
	}
	f.srv.Close()
	f.srv = httptest.NewServer(checked(t, mux))
	t.Cleanup(f.srv.Close)
	return f
}

func TestCongressAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := congressFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		for i, name := range []string{"张一", "王二", "李三", "赵四"} {
			f.signedInMember("d"+string(rune('1'+i)), name, "unionA", "1380000004"+string(rune('1'+i)), 41+i)
		}
		f.signedInMember("stranger", "钱五", "unionB", "13800000049", 49)

		// A session of 测试公司A; bad input names its fields.
		f.run([]Step{
			{name: "employers", as: "officer_a", method: "GET", path: "/api/v1/congress/employers", status: 200, want: []string{`"id":"{empA}"`}, not: []string{"{empB}"}},
			{name: "bad session", as: "officer_a", method: "POST", path: "/api/v1/congress/sessions", body: `{"employer_id":"{empA}","term":0,"meeting":1,"held_on":"2026-13-01"}`,
				status: 422, want: []string{`"term"`, `"held_on"`}},
			{name: "another street's employer", as: "officer_a", method: "POST", path: "/api/v1/congress/sessions",
				body: `{"employer_id":"{empB}","term":1,"meeting":1,"held_on":"2026-12-01"}`, status: 422, want: []string{`"employer_id"`}},
		})
		var ses struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/congress/sessions", `{"employer_id":"{empA}","term":2,"meeting":1,"held_on":"2026-12-01","place":"会议室"}`, 201, &ses)
		f.ids["ses"] = ses.ID
		steps := []Step{
			{name: "neighbour reads", as: "officer_b", method: "GET", path: "/api/v1/congress/sessions/{ses}", status: 404},
			{name: "neighbour lists", as: "officer_b", method: "GET", path: "/api/v1/congress/sessions", status: 200, want: []string{`"items":[]`}},
			{name: "leader lists", as: "leader_a", method: "GET", path: "/api/v1/congress/sessions?year=2026&status=planned", status: 200, want: []string{`"id":"{ses}"`, `"total":{"n":1`}},
			{name: "bad year", as: "leader_a", method: "GET", path: "/api/v1/congress/sessions?year=abc", status: 422},
			{name: "member of another union", as: "officer_a", method: "POST", path: "/api/v1/congress/sessions/{ses}/delegates",
				body: `{"member_id":"{stranger}","category":"frontline","gender":"male","elected_on":"2026-11-01"}`, status: 422, want: []string{`"member_id"`}},
		}
		for i, c := range []string{"frontline", "frontline", "technician", "leader"} {
			steps = append(steps, Step{name: "delegate", as: "officer_a", method: "POST", path: "/api/v1/congress/sessions/{ses}/delegates",
				body: `{"member_id":"{d` + string(rune('1'+i)) + `}","category":"` + c + `","gender":"female","elected_on":"2026-11-01"}`, status: 201})
		}
		steps = append(steps,
			Step{name: "twice", as: "officer_a", method: "POST", path: "/api/v1/congress/sessions/{ses}/delegates",
				body: `{"member_id":"{d1}","category":"frontline","gender":"female","elected_on":"2026-11-01"}`, status: 422},
			Step{name: "composition", as: "officer_a", method: "GET", path: "/api/v1/congress/sessions/{ses}", status: 200,
				want: []string{`"frontline_percent":50`, `"leaders_percent":25`, `"leaders_high":true`, `"female_percent":100`}, not: []string{"id_number", "mobile"}},
			Step{name: "agenda", as: "officer_a", method: "POST", path: "/api/v1/congress/sessions/{ses}/agenda", body: `{"title":"审议工资专项集体合同"}`, status: 200},
			Step{name: "held", as: "officer_a", method: "POST", path: "/api/v1/congress/sessions/{ses}/status", body: `{"status":"held"}`, status: 200},
			Step{name: "attendance", as: "officer_a", method: "PUT", path: "/api/v1/congress/sessions/{ses}/attendance", body: `{"present":["{d1}","{d2}","{d3}"]}`,
				status: 200, want: []string{`"present":3`, `"quorum_met":true`}},
		)
		f.run(steps)
		var view struct{ Agenda []struct{ ID string } }
		f.getJSON("officer_a", "/api/v1/congress/sessions/{ses}", &view)
		f.ids["item"] = view.Agenda[0].ID
		f.run([]Step{
			{name: "counts over present", as: "officer_a", method: "POST", path: "/api/v1/congress/agenda/{item}/vote", body: `{"for":3,"against":1,"abstain":0}`,
				status: 422, want: []string{`"for"`}},
			{name: "vote", as: "officer_a", method: "POST", path: "/api/v1/congress/agenda/{item}/vote", body: `{"for":3,"against":0,"abstain":0}`,
				status: 200, want: []string{`"passed":true`, `"delegates":4`}},
			{name: "named vote", as: "officer_a", method: "POST", path: "/api/v1/congress/agenda/{item}/ballots",
				body: `{"ballots":[{"member_id":"{d1}","choice":"for"},{"member_id":"{d2}","choice":"against"}]}`, status: 200, want: []string{`"vote_kind":"named"`, `"passed":false`}},
			{name: "ballots", as: "officer_a", method: "GET", path: "/api/v1/congress/agenda/{item}/ballots", status: 200, want: []string{"张一", `"choice":"against"`}},
			// Edits: bad input named, a stale version refused, a voted item fixed.
			{name: "bad edit", as: "officer_a", method: "PUT", path: "/api/v1/congress/sessions/{ses}", body: `{"held_on":"2026-02-30","place":"a\nb"}`,
				status: 422, want: []string{`"held_on"`, `"place"`}},
			{name: "neighbour edits", as: "officer_b", method: "PUT", path: "/api/v1/congress/sessions/{ses}", body: `{"held_on":"2026-12-02"}`, status: 404},
			{name: "stale edit", as: "officer_a", method: "PUT", path: "/api/v1/congress/sessions/{ses}", body: `{"version":1,"held_on":"2026-12-02"}`, status: 409, want: []string{`"stale"`}},
			{name: "edit", as: "officer_a", method: "PUT", path: "/api/v1/congress/sessions/{ses}", body: `{"title":"第二届职代会第一次会议","held_on":"2026-12-02","place":"报告厅"}`,
				status: 200, want: []string{`"title":"第二届职代会第一次会议"`, `"held_on":"2026-12-02"`}},
			{name: "move the voted", as: "officer_a", method: "POST", path: "/api/v1/congress/agenda/{item}/move", body: `{"direction":"down"}`, status: 409, want: []string{`"voted"`}},
			{name: "delete the voted", as: "officer_a", method: "DELETE", path: "/api/v1/congress/agenda/{item}", status: 409, want: []string{`"voted"`}},
			{name: "history", as: "officer_a", method: "GET", path: "/api/v1/congress/sessions/{ses}", status: 200, want: []string{`"kind":"edited"`, `"body":"title,held_on,place"`}},
		})
		var more struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/congress/sessions/{ses}/agenda", `{"title":"审议财务报告"}`, 200, &more)
		f.ids["item2"] = more.ID
		f.run([]Step{
			{name: "bad direction", as: "officer_a", method: "POST", path: "/api/v1/congress/agenda/{item2}/move", body: `{"direction":"left"}`, status: 422, want: []string{`"direction"`}},
			{name: "at the bottom", as: "officer_a", method: "POST", path: "/api/v1/congress/agenda/{item2}/move", body: `{"direction":"down"}`, status: 200, want: []string{"审议财务报告"}},
			{name: "neighbour deletes", as: "officer_b", method: "DELETE", path: "/api/v1/congress/agenda/{item2}", status: 404},
			{name: "delete", as: "officer_a", method: "DELETE", path: "/api/v1/congress/agenda/{item2}", status: 204},
		})

		// A motion from the phone, seconded by two others, once each.
		var mo struct{ ID, Status string }
		f.postJSON("d1", "POST", "/api/v1/me/congress/sessions/{ses}/motions", `{"title":"增设职工母婴室","reason":"哺乳期女职工没有合适的休息场所。","proposal":"在办公楼二层设立母婴室。"}`, 201, &mo)
		f.ids["motion"] = mo.ID
		f.run([]Step{
			{name: "stranger files", as: "stranger", method: "POST", path: "/api/v1/me/congress/sessions/{ses}/motions",
				body: `{"title":"x","reason":"一二三四五六七八九十","proposal":"一二三四五六七八九十"}`, status: 404},
			{name: "member names another", as: "d2", method: "POST", path: "/api/v1/me/congress/sessions/{ses}/motions",
				body: `{"member_id":"{d1}","title":"x","reason":"一二三四五六七八九十","proposal":"一二三四五六七八九十"}`, status: 422, want: []string{`"member_id"`}},
			{name: "own second", as: "d1", method: "POST", path: "/api/v1/me/congress/motions/{motion}/second", status: 409, want: []string{`"own_motion"`}},
			{name: "stranger seconds", as: "stranger", method: "POST", path: "/api/v1/me/congress/motions/{motion}/second", status: 404},
			{name: "second", as: "d2", method: "POST", path: "/api/v1/me/congress/motions/{motion}/second", status: 200, want: []string{`"seconds":1`}},
			{name: "second again", as: "d2", method: "POST", path: "/api/v1/me/congress/motions/{motion}/second", status: 409, want: []string{`"already_seconded"`}},
			{name: "to second", as: "d3", method: "GET", path: "/api/v1/me/congress", status: 200, want: []string{`"to_second":[{`, "增设职工母婴室"}},
			{name: "third", as: "d3", method: "POST", path: "/api/v1/me/congress/motions/{motion}/second", status: 200, want: []string{`"status":"review"`}},
			{name: "inbox", as: "officer_a", method: "GET", path: "/api/v1/inbox", status: 200, want: []string{`"motion_review"`, "增设职工母婴室"}},
			{name: "neighbour's inbox", as: "officer_b", method: "GET", path: "/api/v1/inbox", status: 200, not: []string{"增设职工母婴室"}},
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/congress/motions?status=review", status: 200, want: []string{`"id":"{motion}"`, `"total":{"n":1`}},
			{name: "neighbour's motion", as: "officer_b", method: "GET", path: "/api/v1/congress/motions/{motion}", status: 404},
			{name: "reject without reason", as: "officer_a", method: "POST", path: "/api/v1/congress/motions/{motion}/review", body: `{"outcome":"reject"}`, status: 422, want: []string{`"note"`}},
			{name: "accept", as: "officer_a", method: "POST", path: "/api/v1/congress/motions/{motion}/review", body: `{"outcome":"accept"}`, status: 200, want: []string{`"status":"accepted"`}},
			{name: "assign", as: "officer_a", method: "POST", path: "/api/v1/congress/motions/{motion}/assign", body: `{"handler":"行政办公室","due_on":"2099-06-30"}`, status: 200},
			{name: "answer", as: "officer_a", method: "POST", path: "/api/v1/congress/motions/{motion}/answer", body: `{"text":"母婴室已于本月建成并投入使用。"}`, status: 200, want: []string{`"status":"answered"`}},
			{name: "not the delegate's to rate", as: "d2", method: "POST", path: "/api/v1/me/congress/motions/{motion}/rating", body: `{"rating":"satisfied"}`, status: 404},
			{name: "rate", as: "d1", method: "POST", path: "/api/v1/me/congress/motions/{motion}/rating", body: `{"rating":"basically"}`, status: 200, want: []string{`"rating":"basically"`}},
			{name: "rate again", as: "d1", method: "POST", path: "/api/v1/me/congress/motions/{motion}/rating", body: `{"rating":"satisfied"}`, status: 409},
			{name: "staff may not use the member's routes", as: "officer_a", method: "GET", path: "/api/v1/me/congress/motions/{motion}", status: 404},
			{name: "withdraw after review", as: "d1", method: "POST", path: "/api/v1/me/congress/motions/{motion}/withdraw", status: 409, want: []string{`"reviewed"`}},
		})
		res := f.send(f.token("officer_a"), "GET", "/api/v1/congress/motions/export?status=answered", "", nil)
		if res.status != 200 || !strings.HasPrefix(res.body, "PK") {
			t.Fatalf("export: %d %s", res.status, res.body)
		}
		var notices int
		if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM member_notices WHERE member_id = ? AND kind LIKE 'congress_%'", f.ids["d1"]).Scan(&notices); err != nil || notices != 2 {
			t.Fatalf("the delegate's notices: %d %v", notices, err)
		}

		// Open affairs.
		var af struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/congress/affairs", `{"employer_id":"{empA}","category":"safety","title":"安全生产检查结果","body":"三季度检查发现隐患两处，均已整改。"}`, 201, &af)
		f.ids["affair"] = af.ID
		f.run([]Step{
			{name: "member reads", as: "d4", method: "GET", path: "/api/v1/me/congress/affairs/{affair}", status: 200, want: []string{`"reads":1`}},
			{name: "stranger reads", as: "stranger", method: "GET", path: "/api/v1/me/congress/affairs/{affair}", status: 404},
			{name: "staff list", as: "officer_a", method: "GET", path: "/api/v1/congress/affairs", status: 200, want: []string{`"reads":1`}},
			{name: "neighbour withdraws", as: "officer_b", method: "POST", path: "/api/v1/congress/affairs/{affair}/withdraw", status: 404},
			{name: "withdraw", as: "officer_a", method: "POST", path: "/api/v1/congress/affairs/{affair}/withdraw", status: 200, want: []string{`"status":"withdrawn"`}},
			{name: "gone for members", as: "d4", method: "GET", path: "/api/v1/me/congress", status: 200, want: []string{`"affairs":[]`}},
		})
		var mine map[string]json.RawMessage
		f.getJSON("d1", "/api/v1/me/congress", &mine)
		if !strings.Contains(string(mine["mine"]), "增设职工母婴室") {
			t.Fatalf("the delegate's motions: %s", mine["mine"])
		}
	})
}
