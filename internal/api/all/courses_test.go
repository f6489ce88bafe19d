package all_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// clock is a settable clock for the course store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) get() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func day(t time.Time) string     { return t.In(beijing.Zone).Format(time.DateOnly) }
func weekday(t time.Time) int    { return (int(t.In(beijing.Zone).Weekday())+6)%7 + 1 }

type termView struct {
	ID        string
	Status    string
	Version   int
	SeedHash  string `json:"seed_hash"`
	Seed      string
	Applied   int
	Enrolled  int
	Waiting   int
	Sessions  int
	Enrolment *struct {
		Status string
		Ticket int64
	}
	Position int `json:"waiting_position"`
}

type enrolView struct {
	MemberID string `json:"member_id"`
	Status   string
	Ticket   int64
	Via      string
}

type sessionView struct {
	ID        string
	StartsAt  time.Time `json:"starts_at"`
	Cancelled bool
	Attended  int
}

func TestCoursesAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		clk := &clock{now: time.Now()}
		f.crs.SetClock(clk.get)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.signedInMember("m1", "赵一", "unionA", "13900000011", 31)
		f.signedInMember("m2", "赵二", "unionA", "13900000012", 32)
		f.signedInMember("m3", "赵三", "unionA", "13900000013", 33)
		f.signedInMember("m4", "赵四", "unionA", "13900000014", 34)
		f.signedInMember("mb", "钱五", "unionB", "13900000015", 35)

		// The term: enrolment closes in an hour; two meetings a week for two
		// weeks from tomorrow, so four sessions.
		t0 := clk.get()
		first := t0.In(beijing.Zone).AddDate(0, 0, 1)
		f.ids["closes"] = rfc(t0.Add(time.Hour))
		f.ids["starts_on"] = day(first)
		f.ids["ends_on"] = day(first.AddDate(0, 0, 13))
		f.ids["wd1"], f.ids["wd2"] = fmt.Sprint(weekday(first)), fmt.Sprint(weekday(first.AddDate(0, 0, 1)))
		term := `{"name":"2026年春季班","teacher":"王老师","venue":"职工之家","capacity":2,"enrol_closes_at":"{closes}",
			"starts_on":"{starts_on}","ends_on":"{ends_on}","schedule":[{"weekday":{wd1},"start":"19:00","minutes":90},{"weekday":{wd2},"start":"19:00","minutes":90}]}`

		// Courses: bad input names its fields; nothing is made.
		f.run([]Step{
			{name: "bad course", as: "officer_a", method: "POST", path: "/api/v1/courses", body: `{"org_id":"{streetA}","title":" ","category":"karaoke"}`,
				status: 422, want: []string{`"code":"validation_failed"`, `"title":`, `"category":`}},
			{name: "course without org", as: "officer_a", method: "POST", path: "/api/v1/courses", body: `{"title":"太极拳","category":"taiji"}`,
				status: 422, want: []string{`"fields":{"org_id":`}},
			{name: "course, bad org id", as: "officer_a", method: "POST", path: "/api/v1/courses", body: `{"org_id":"x","title":"太极拳","category":"taiji"}`,
				status: 422, want: []string{`"org_id":`}},
			{name: "course, org elsewhere", as: "officer_a", method: "POST", path: "/api/v1/courses", body: `{"org_id":"{streetB}","title":"太极拳","category":"taiji"}`,
				status: 422, want: []string{`"org_id":`}},
			{name: "course, wrong type", as: "officer_a", method: "POST", path: "/api/v1/courses", body: `{"org_id":"{streetA}","title":7,"category":"taiji"}`,
				status: 422, want: []string{`"fields":{"title":`}},
			{name: "course, unknown field", as: "officer_a", method: "POST", path: "/api/v1/courses", body: `{"org_id":"{streetA}","title":"太极拳","category":"taiji","terms":3}`,
				status: 400, want: []string{`"code":"unknown_field"`}},
			{name: "leader cannot create", as: "leader_a", method: "POST", path: "/api/v1/courses", body: `{"org_id":"{streetA}","title":"太极拳","category":"taiji"}`,
				status: 403},
			{name: "english field messages", as: "officer_a", method: "POST", path: "/api/v1/courses", body: `{"org_id":"{streetA}","title":"太极拳"}`,
				hdr: map[string]string{"Accept-Language": "en"}, status: 422, want: []string{`"category":"`}},
		})
		var c struct {
			ID      string
			Version int
		}
		f.postJSON("officer_a", "POST", "/api/v1/courses", `{"org_id":"{streetA}","title":"太极拳","category":"taiji","description":"二十四式"}`, http.StatusCreated, &c)
		f.ids["c"], f.ids["cv"], f.ids["stale"] = c.ID, fmt.Sprint(c.Version), fmt.Sprint(c.Version+5)
		f.run([]Step{
			{name: "course list", as: "leader_a", method: "GET", path: "/api/v1/courses?q=太极&category=taiji&org={streetA}", status: 200,
				want: []string{`"items":[{"id":"{c}"`, `"org_name":"大栅栏街道总工会"`, `"next":""`, `"total":{"n":1,"over":false}`}},
			{name: "course list, by title", as: "leader_a", method: "GET", path: "/api/v1/courses?sort=title", status: 200, want: []string{`"total":{"n":`}},
			{name: "course list, bad sort", as: "officer_a", method: "GET", path: "/api/v1/courses?sort=terms", status: 422, want: []string{`"sort":`}},
			{name: "course list, bad filters", as: "officer_a", method: "GET", path: "/api/v1/courses?org=x&limit=0", status: 422,
				want: []string{`"org":`, `"limit":`}},
			{name: "course list, bad category", as: "officer_a", method: "GET", path: "/api/v1/courses?category=karaoke", status: 422,
				want: []string{`"category":`}},
			{name: "course list, bad cursor", as: "officer_a", method: "GET", path: "/api/v1/courses?after=zz", status: 400, want: []string{`"code":"bad_cursor"`}},
			{name: "course list, other street", as: "officer_b", method: "GET", path: "/api/v1/courses", status: 200, want: []string{`"items":[]`}},
			{name: "course, other street", as: "officer_b", method: "GET", path: "/api/v1/courses/{c}", status: 404},
			{name: "course", as: "leader_a", method: "GET", path: "/api/v1/courses/{c}", status: 200, want: []string{`"title":"太极拳"`, `"terms":0`}},
			{name: "edit course, stale", as: "officer_a", method: "PUT", path: "/api/v1/courses/{c}", body: `{"version":{stale},"title":"太极","category":"taiji"}`,
				status: 409, want: []string{`"code":"stale_version"`}},
			{name: "edit course, bad", as: "officer_a", method: "PUT", path: "/api/v1/courses/{c}", body: `{"version":{cv},"title":"","category":"taiji"}`,
				status: 422, want: []string{`"title":`}},
			{name: "edit course, other street", as: "officer_b", method: "PUT", path: "/api/v1/courses/{c}", body: `{"version":{cv},"title":"太极","category":"taiji"}`,
				status: 404},
			{name: "edit course", as: "officer_a", method: "PUT", path: "/api/v1/courses/{c}", body: `{"version":{cv},"title":"杨式太极拳","category":"taiji"}`,
				status: 200, want: []string{`"title":"杨式太极拳"`}},
		})

		// Terms: bad input, then a draft that is published.
		f.run([]Step{
			{name: "bad term", as: "officer_a", method: "POST", path: "/api/v1/courses/{c}/terms",
				body:   `{"name":" ","capacity":-1,"enrol_closes_at":"soon","starts_on":"2026-13-01","schedule":[{"weekday":9,"start":"7pm","minutes":5}]}`,
				status: 422, want: []string{`"name":`, `"capacity":`, `"enrol_closes_at":`, `"starts_on":`, `"ends_on":`,
					`"schedule.0.weekday":`, `"schedule.0.start":`, `"schedule.0.minutes":`}},
			{name: "term without schedule", as: "officer_a", method: "POST", path: "/api/v1/courses/{c}/terms",
				body: `{"name":"春季班","enrol_closes_at":"{closes}","starts_on":"{starts_on}","ends_on":"{ends_on}"}`, status: 422, want: []string{`"fields":{"schedule":`}},
			{name: "term, bad audience id", as: "officer_a", method: "POST", path: "/api/v1/courses/{c}/terms",
				body: strings.Replace(term, `{"name"`, `{"audience_org_id":"x","name"`, 1), status: 422, want: []string{`"audience_org_id":`}},
			{name: "term, audience elsewhere", as: "officer_a", method: "POST", path: "/api/v1/courses/{c}/terms",
				body: strings.Replace(term, `{"name"`, `{"audience_org_id":"{unionB}","name"`, 1), status: 422, want: []string{`"audience_org_id":`}},
			{name: "term, schedule of the wrong type", as: "officer_a", method: "POST", path: "/api/v1/courses/{c}/terms",
				body: `{"name":"春季班","schedule":"tuesdays"}`, status: 422, want: []string{`"fields":{"schedule":`}},
			{name: "term, other street", as: "officer_b", method: "POST", path: "/api/v1/courses/{c}/terms", body: term, status: 404},
		})
		var tm termView
		f.postJSON("officer_a", "POST", "/api/v1/courses/{c}/terms", strings.Replace(term, `{"name"`, `{"audience_org_id":"{streetA}","name"`, 1), http.StatusCreated, &tm)
		if tm.Status != "draft" || tm.Sessions != 4 || len(tm.SeedHash) != 64 || tm.Seed != "" {
			t.Fatalf("created term %+v", tm)
		}
		f.ids["t"], f.ids["tv"] = tm.ID, fmt.Sprint(tm.Version)
		f.run([]Step{
			{name: "terms of the course", as: "leader_a", method: "GET", path: "/api/v1/courses/{c}/terms", status: 200, want: []string{`"id":"{t}"`, `"next":""`}},
			{name: "a draft is hidden from members", as: "m1", method: "GET", path: "/api/v1/terms/{t}", status: 404},
			{name: "no application for a draft", as: "m1", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{}`, status: 404},
			{name: "edit term, stale", as: "officer_a", method: "PUT", path: "/api/v1/terms/{t}", body: strings.Replace(term, `{"name"`, `{"version":{stale},"name"`, 1),
				status: 409, want: []string{`"code":"stale_version"`}},
			{name: "edit term, bad", as: "officer_a", method: "PUT", path: "/api/v1/terms/{t}", body: `{"version":{tv},"name":"x"}`,
				status: 422, want: []string{`"enrol_closes_at":`, `"schedule":`}},
			{name: "edit term", as: "officer_a", method: "PUT", path: "/api/v1/terms/{t}", body: strings.Replace(term, `{"name":"2026年春季班"`, `{"version":{tv},"name":"春季班"`, 1),
				status: 200, want: []string{`"name":"春季班"`, `"sessions":4`}},
			{name: "leader cannot publish", as: "leader_a", method: "POST", path: "/api/v1/terms/{t}/publish", status: 403},
			{name: "other street cannot publish", as: "officer_b", method: "POST", path: "/api/v1/terms/{t}/publish", status: 404},
			{name: "publish", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/publish", body: `{}`, status: 200, want: []string{`"status":"open"`}},
			{name: "publish twice", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/publish", status: 409, want: []string{`"code":"not_draft"`}},
			{name: "finish before the draw", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/finish", status: 409, want: []string{`"code":"not_drawn"`}},
		})

		// Applications: a ticket each; a second click answers the same one.
		for i, m := range []string{"m1", "m2", "m3"} {
			var e enrolView
			f.postJSON(m, "POST", "/api/v1/terms/{t}/enrolments", `{}`, http.StatusCreated, &e)
			if e.Status != "applied" || e.Ticket != int64(i+1) || e.MemberID != f.ids[m] || e.Via != "self" {
				t.Fatalf("apply %s: %+v", m, e)
			}
		}
		var again enrolView
		f.postJSON("m2", "POST", "/api/v1/terms/{t}/enrolments", ``, http.StatusOK, &again)
		if again.Ticket != 2 || again.Status != "applied" {
			t.Fatalf("second click: %+v", again)
		}
		res := f.send(f.token("officer_a"), "POST", "/api/v1/terms/{t}/enrolments", "application/json", strings.NewReader(f.expand(`{"member_id":"{m4}"}`)))
		if res.status != http.StatusCreated || !strings.Contains(res.body, `"ticket":4`) || !strings.Contains(res.body, `"via":"staff"`) ||
			res.header.Get("Location") != "/api/v1/terms/"+f.ids["t"]+"/enrolments/"+f.ids["m4"] {
			t.Fatalf("staff enrol: %d %v %s", res.status, res.header, res.body)
		}
		f.run([]Step{
			{name: "staff enrol again", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{"member_id":"{m4}"}`, status: 200,
				want: []string{`"ticket":4`}},
			{name: "staff must name a member", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{}`, status: 422,
				want: []string{`"fields":{"member_id":`}},
			{name: "staff, bad member", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{"member_id":"{c}"}`, status: 422,
				want: []string{`"member_id":`}},
			{name: "staff, member outside the audience", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{"member_id":"{mb}"}`,
				status: 422, want: []string{`"code":"not_in_audience"`}},
			{name: "staff of another street", as: "officer_b", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{"member_id":"{m4}"}`, status: 404},
			{name: "member outside the audience", as: "mb", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{}`, status: 404},
			{name: "member outside the audience reads", as: "mb", method: "GET", path: "/api/v1/terms/{t}", status: 404},
			{name: "a member applies for another", as: "m1", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{"member_id":"{m4}"}`, status: 404},
			{name: "a member sees the term", as: "m1", method: "GET", path: "/api/v1/terms/{t}", status: 200,
				want: []string{`"status":"open"`, `"enrolment":{`, `"ticket":1`, `"upcoming_sessions":[`}, not: []string{`"seed":`}},
			{name: "a member sees their own enrolment", as: "m1", method: "GET", path: "/api/v1/terms/{t}/enrolments", status: 200,
				want: []string{`"member_id":"{m1}"`}, not: []string{`"member_id":"{m2}"`}},
			{name: "staff see all enrolments", as: "leader_a", method: "GET", path: "/api/v1/terms/{t}/enrolments?limit=3", status: 200,
				want: []string{`"member_name":"赵一"`, `"member_name":"赵三"`, `"next":"3"`}, not: []string{`"member_name":"赵四"`}},
			{name: "enrolments, next page", as: "leader_a", method: "GET", path: "/api/v1/terms/{t}/enrolments?cursor=3", status: 200,
				want: []string{`"member_name":"赵四"`, `"next":""`}},
			{name: "enrolments, bad status", as: "leader_a", method: "GET", path: "/api/v1/terms/{t}/enrolments?status=won", status: 422, want: []string{`"status":`}},
			{name: "enrolments, other street", as: "officer_b", method: "GET", path: "/api/v1/terms/{t}/enrolments", status: 404},
			{name: "my terms", as: "m3", method: "GET", path: "/api/v1/me/terms", status: 200, want: []string{`"id":"{t}"`, `"ticket":3`}},
			{name: "my terms, elsewhere", as: "mb", method: "GET", path: "/api/v1/me/terms", status: 200, want: []string{`"items":[]`}},
			{name: "my terms is a member's", as: "officer_a", method: "GET", path: "/api/v1/me/terms", status: 404},
			{name: "draw record before the draw", as: "m1", method: "GET", path: "/api/v1/terms/{t}/draw", status: 200,
				want: []string{`"seed_hash":"` + tm.SeedHash + `"`, `"tickets":[]`}, not: []string{`"seed":`}},
			{name: "draw while enrolment is open", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/draw", status: 409,
				want: []string{`"code":"enrolment_still_open"`}},
		})

		// The window closes; the draw publishes the seed committed to.
		clk.set(t0.Add(2 * time.Hour))
		f.run([]Step{
			{name: "a second click after the window", as: "m1", method: "POST", path: "/api/v1/terms/{t}/enrolments", body: `{}`, status: 200},
			{name: "draw, leader", as: "leader_a", method: "POST", path: "/api/v1/terms/{t}/draw", status: 403},
			{name: "draw, other street", as: "officer_b", method: "POST", path: "/api/v1/terms/{t}/draw", status: 404},
		})
		var dr course.DrawResult
		f.postJSON("officer_a", "POST", "/api/v1/terms/{t}/draw", `{}`, http.StatusOK, &dr)
		if dr.SeedHash != tm.SeedHash || course.SeedHash(dr.Seed) != tm.SeedHash || len(dr.Drawn) != 2 || len(dr.Waiting) != 2 ||
			fmt.Sprint(dr.Tickets) != "[1 2 3 4]" {
			t.Fatalf("draw: %+v", dr)
		}
		f.run([]Step{
			{name: "draw twice", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/draw", status: 409, want: []string{`"code":"not_open"`}},
			{name: "the seed is on the term", as: "leader_a", method: "GET", path: "/api/v1/terms/{t}", status: 200,
				want: []string{`"status":"drawn"`, `"seed":"` + dr.Seed + `"`, `"enrolled":2`, `"waiting":2`, `"applied":0`}},
			{name: "draw record, other street", as: "officer_b", method: "GET", path: "/api/v1/terms/{t}/draw", status: 404},
			{name: "draw record, member elsewhere", as: "mb", method: "GET", path: "/api/v1/terms/{t}/draw", status: 404},
		})
		// Anyone who may see the term re-runs the draw from the record.
		for _, as := range []string{"leader_a", "m4"} {
			var rec course.DrawRecord
			f.getJSON(as, "/api/v1/terms/{t}/draw", &rec)
			var tickets, order []int64
			for _, td := range rec.Tickets {
				tickets = append(tickets, td.Ticket)
				order = append(order, td.Ticket)
				if td.Drawn != (td.Rank <= int64(rec.Capacity)) {
					t.Fatalf("record as %s: %+v", as, rec)
				}
			}
			sort.Slice(tickets, func(i, j int) bool { return tickets[i] < tickets[j] })
			drawn, waiting := course.Draw(rec.Seed, tickets, rec.Capacity)
			if rec.Seed != dr.Seed || course.SeedHash(rec.Seed) != rec.SeedHash || rec.DrawnAt == nil ||
				fmt.Sprint(append(drawn, waiting...)) != fmt.Sprint(order) || fmt.Sprint(drawn) != fmt.Sprint(dr.Drawn) {
				t.Fatalf("record as %s does not re-run: %+v, draw %v %v", as, rec, drawn, waiting)
			}
		}
		byTicket := map[int64]string{1: "m1", 2: "m2", 3: "m3", 4: "m4"}
		won, lost, next, last := byTicket[dr.Drawn[0]], byTicket[dr.Drawn[1]], byTicket[dr.Waiting[0]], byTicket[dr.Waiting[1]]
		f.ids["won"], f.ids["lost"], f.ids["next"], f.ids["last"] = f.ids[won], f.ids[lost], f.ids[next], f.ids[last]

		// Giving up a place promotes the first waiting.
		f.run([]Step{
			{name: "waiting position", as: last, method: "GET", path: "/api/v1/terms/{t}", status: 200, want: []string{`"status":"waiting"`, `"waiting_position":2`}},
			{name: "withdraw someone else", as: won, method: "DELETE", path: "/api/v1/terms/{t}/enrolments/{next}", status: 404},
			{name: "withdraw, other street", as: "officer_b", method: "DELETE", path: "/api/v1/terms/{t}/enrolments/{won}", status: 404},
			{name: "withdraw, bad id", as: "officer_a", method: "DELETE", path: "/api/v1/terms/{t}/enrolments/me", status: 404},
			{name: "withdraw", as: won, method: "DELETE", path: "/api/v1/terms/{t}/enrolments/me", status: 200, want: []string{`"status":"cancelled"`}},
			{name: "withdraw again", as: won, method: "DELETE", path: "/api/v1/terms/{t}/enrolments/me", status: 200, want: []string{`"status":"cancelled"`}},
			{name: "promoted", as: next, method: "GET", path: "/api/v1/terms/{t}", status: 200, want: []string{`"status":"enrolled"`}},
			{name: "moved up", as: last, method: "GET", path: "/api/v1/terms/{t}", status: 200, want: []string{`"waiting_position":1`}},
			{name: "promoted in the list", as: "officer_a", method: "GET", path: "/api/v1/terms/{t}/enrolments?status=enrolled", status: 200,
				want: []string{`"member_id":"{next}"`, `"member_id":"{lost}"`}, not: []string{`"member_id":"{won}"`}},
		})

		// Sessions and their codes; attendance opens half an hour before.
		var ss struct{ Items []sessionView }
		f.getJSON("leader_a", "/api/v1/terms/{t}/sessions", &ss)
		if len(ss.Items) != 4 || ss.Items[0].StartsAt.In(beijing.Zone).Format("2006-01-02 15:04") != day(first)+" 19:00" {
			t.Fatalf("sessions %+v", ss.Items)
		}
		f.ids["s0"], f.ids["s3"] = ss.Items[0].ID, ss.Items[3].ID
		clk.set(ss.Items[0].StartsAt.Add(-10 * time.Minute))
		var code struct {
			Code       string
			URL        string
			ValidUntil *time.Time `json:"valid_until"`
		}
		f.getJSON("officer_a", "/api/v1/terms/{t}/sessions/{s0}/code", &code)
		if !strings.HasPrefix(code.Code, course.CodePrefix) || code.URL != f.srv.URL+"/m/checkin?code="+url.QueryEscape(code.Code) || code.ValidUntil == nil {
			t.Fatalf("code %+v", code)
		}
		f.ids["code"], f.ids["url"] = code.Code, code.URL
		var card struct{ Payload string }
		f.getJSON("officer_a", "/api/v1/members/{lost}/card", &card)
		f.ids["card"] = card.Payload
		f.run([]Step{
			{name: "code, other street", as: "officer_b", method: "GET", path: "/api/v1/terms/{t}/sessions/{s0}/code", status: 404},
			{name: "code, leader", as: "leader_a", method: "GET", path: "/api/v1/terms/{t}/sessions/{s0}/code", status: 403},
			{name: "code, member", as: next, method: "GET", path: "/api/v1/terms/{t}/sessions/{s0}/code", status: 404},
			{name: "code, no such session", as: "officer_a", method: "GET", path: "/api/v1/terms/{t}/sessions/{t}/code", status: 404},
			{name: "sessions, other street", as: "officer_b", method: "GET", path: "/api/v1/terms/{t}/sessions", status: 404},
			{name: "attend by code", as: next, method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"code":"{code}"}`, status: 201,
				want: []string{`"member_id":"{next}"`, `"session_id":"{s0}"`, `"made":true`, `"via":"code"`, `"attended":1`, `"sessions":4`}},
			{name: "attend again, by the link", as: next, method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"code":"{url}"}`, status: 200,
				want: []string{`"made":false`}},
			{name: "waiting member", as: last, method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"code":"{code}"}`, status: 409,
				want: []string{`"code":"not_enrolled"`}},
			{name: "withdrawn member", as: won, method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"code":"{code}"}`, status: 409,
				want: []string{`"code":"not_enrolled"`}},
			{name: "member elsewhere", as: "mb", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"code":"{code}"}`, status: 409,
				want: []string{`"code":"not_enrolled"`}},
			{name: "bad code", as: next, method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"code":"hello"}`, status: 422,
				want: []string{`"fields":{"code":`}},
			{name: "no code", as: next, method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{}`, status: 422, want: []string{`"fields":{"code":`}},
			{name: "a member names members", as: next, method: "POST", path: "/api/v1/terms/{t}/attendance",
				body: `{"code":"{code}","session_id":"{s0}","member_ids":["{last}"]}`, status: 422, want: []string{`"session_id":`, `"member_ids":`}},
			{name: "staff with a code", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"code":"{code}","session_id":"{s0}","member_ids":["{lost}"]}`,
				status: 422, want: []string{`"fields":{"code":`}},
			{name: "staff without a session", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"member_ids":["{lost}"]}`,
				status: 422, want: []string{`"fields":{"session_id":`}},
			{name: "staff without members", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}"}`,
				status: 422, want: []string{`"fields":{"member_ids":`}},
			{name: "staff, bad member ids", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}","member_ids":["{lost}","x"]}`,
				status: 422, want: []string{`"fields":{"member_ids.1":`}},
			{name: "staff, wrong session", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{t}","member_ids":["{lost}"]}`,
				status: 422, want: []string{`"fields":{"session_id":`}},
			{name: "staff, bad card", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}","card":"GHC1:nonsense"}`,
				status: 422, want: []string{`"card":`}},
			{name: "staff, other street", as: "officer_b", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}","member_ids":["{lost}"]}`,
				status: 404},
			{name: "leader cannot take attendance", as: "leader_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}","member_ids":["{lost}"]}`,
				status: 403},
			// The list skips the member without a place.
			{name: "staff tick the list", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}","member_ids":["{lost}","{last}","{next}"]}`,
				status: 201, want: []string{`"member_id":"{lost}"`, `"made":true`, `"via":"staff"`, `"member_id":"{next}"`, `"made":false`},
				not: []string{`"member_id":"{last}"`}},
			{name: "staff by card", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}","card":"{card}"}`,
				status: 200, want: []string{`"member_id":"{lost}"`, `"made":false`}},
			{name: "staff name a waiting member", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/attendance", body: `{"session_id":"{s0}","member_ids":["{last}"]}`,
				status: 409, want: []string{`"code":"not_enrolled"`}},
			{name: "session attendance", as: "leader_a", method: "GET", path: "/api/v1/terms/{t}/sessions/{s0}/attendance", status: 200,
				want: []string{`"member_id":"{next}"`, `"member_id":"{lost}"`}, not: []string{`"member_id":"{last}"`}},
			{name: "session attendance, other street", as: "officer_b", method: "GET", path: "/api/v1/terms/{t}/sessions/{s0}/attendance", status: 404},
			{name: "session attendance, member", as: next, method: "GET", path: "/api/v1/terms/{t}/sessions/{s0}/attendance", status: 404},
			{name: "sessions count attendance", as: "officer_a", method: "GET", path: "/api/v1/terms/{t}/sessions", status: 200, want: []string{`"attended":2`}},
			// Calling a session off, and back on.
			{name: "cancel session, no field", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/sessions/{s3}/cancel", body: `{}`, status: 422,
				want: []string{`"fields":{"cancelled":`}},
			{name: "cancel session, wrong type", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/sessions/{s3}/cancel", body: `{"cancelled":"yes"}`, status: 422,
				want: []string{`"fields":{"cancelled":`}},
			{name: "cancel session, other street", as: "officer_b", method: "POST", path: "/api/v1/terms/{t}/sessions/{s3}/cancel", body: `{"cancelled":true}`, status: 404},
			{name: "cancel session, leader", as: "leader_a", method: "POST", path: "/api/v1/terms/{t}/sessions/{s3}/cancel", body: `{"cancelled":true}`, status: 403},
			{name: "cancel no such session", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/sessions/{c}/cancel", body: `{"cancelled":true}`, status: 404},
			{name: "cancel session", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/sessions/{s3}/cancel", body: `{"cancelled":true}`, status: 200,
				want: []string{`"id":"{s3}"`, `"cancelled":true`}},
			{name: "one session fewer", as: "officer_a", method: "GET", path: "/api/v1/terms/{t}", status: 200, want: []string{`"sessions":3`}},
			{name: "session back on", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/sessions/{s3}/cancel", body: `{"cancelled":false}`, status: 200,
				want: []string{`"cancelled":false`}},
		})

		// The register workbook: one row a member with a place.
		file := "register-" + f.ids["t"] + ".xlsx"
		rows := f.workbook("officer_a", "/api/v1/terms/{t}/register.xlsx", file)
		if len(rows) != 3 || len(rows[0]) != 9 || rows[0][0] != "姓名" || rows[1][5] != "✓" || rows[2][5] != "✓" {
			t.Fatalf("register rows %q", rows)
		}
		if rows = f.workbook("officer_a", "/api/v1/terms/{t}/register.xlsx?lang=en", file); len(rows) == 0 || rows[0][0] != "Name" {
			t.Fatalf("English register header %q", rows)
		}
		for _, as := range []string{"officer_b", next} {
			if st, _ := f.do(f.token(as), "GET", "/api/v1/terms/{t}/register.xlsx", "", nil); st != 404 {
				t.Fatalf("register.xlsx as %s: %d", as, st)
			}
		}

		// The timetable: sessions of the terms a member has a place in.
		f.ids["from"], f.ids["to"] = day(t0), day(t0.AddDate(0, 0, 20))
		f.ids["far"] = day(t0.AddDate(0, 0, 121))
		var tt struct {
			Items []struct {
				ID          string
				CourseTitle string `json:"course_title"`
				TermName    string `json:"term_name"`
				Attended    bool
			}
		}
		f.getJSON(next, "/api/v1/me/timetable?from={from}&to={to}", &tt)
		if len(tt.Items) != 4 || tt.Items[0].ID != f.ids["s0"] || !tt.Items[0].Attended || tt.Items[1].Attended ||
			tt.Items[0].CourseTitle != "杨式太极拳" || tt.Items[0].TermName != "春季班" {
			t.Fatalf("timetable %+v", tt.Items)
		}
		f.getJSON(next, "/api/v1/me/timetable", &tt)
		if len(tt.Items) != 4 {
			t.Fatalf("default timetable %+v", tt.Items)
		}
		f.getJSON(next, "/api/v1/me/timetable?from={starts_on}&to={starts_on}", &tt)
		if len(tt.Items) != 1 {
			t.Fatalf("one day's timetable %+v", tt.Items)
		}
		f.run([]Step{
			{name: "timetable of a waiting member", as: last, method: "GET", path: "/api/v1/me/timetable?from={from}&to={to}", status: 200, want: []string{`"items":[]`}},
			{name: "timetable, bad days", as: next, method: "GET", path: "/api/v1/me/timetable?from=tomorrow&to=2026-02-30", status: 422,
				want: []string{`"from":`, `"to":`}},
			{name: "timetable, backwards", as: next, method: "GET", path: "/api/v1/me/timetable?from={to}&to={from}", status: 422,
				want: []string{`"fields":{"to":`}},
			{name: "timetable, too long", as: next, method: "GET", path: "/api/v1/me/timetable?from={from}&to={far}", status: 422,
				want: []string{`"fields":{"to":`}},
			{name: "timetable, too long in English", as: next, method: "GET", path: "/api/v1/me/timetable?from={from}&to={far}", status: 422,
				hdr: map[string]string{"Accept-Language": "en"}, want: []string{`"to":"At most 120 days at once."`}},
			{name: "timetable is a member's", as: "officer_a", method: "GET", path: "/api/v1/me/timetable", status: 404},
		})

		// Interest groups.
		f.run([]Step{
			{name: "bad group", as: "officer_a", method: "POST", path: "/api/v1/courses/{c}/groups", body: `{"name":" "}`, status: 422, want: []string{`"fields":{"name":`}},
			{name: "group, unknown field", as: "officer_a", method: "POST", path: "/api/v1/courses/{c}/groups", body: `{"name":"小组","members":3}`, status: 400},
			{name: "group, other street", as: "officer_b", method: "POST", path: "/api/v1/courses/{c}/groups", body: `{"name":"小组"}`, status: 404},
			{name: "group, leader", as: "leader_a", method: "POST", path: "/api/v1/courses/{c}/groups", body: `{"name":"小组"}`, status: 403},
		})
		var g struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/courses/{c}/groups", `{"name":"太极兴趣小组","description":"每周六早上公园练习"}`, http.StatusCreated, &g)
		f.ids["g"] = g.ID
		f.run([]Step{
			{name: "groups", as: "leader_a", method: "GET", path: "/api/v1/courses/{c}/groups", status: 200, want: []string{`"id":"{g}"`, `"name":"太极兴趣小组"`}},
			{name: "groups, other street", as: "officer_b", method: "GET", path: "/api/v1/courses/{c}/groups", status: 404},
			{name: "join", as: "m1", method: "POST", path: "/api/v1/groups/{g}/members", body: `{}`, status: 200, want: []string{`"members":1`, `"joined":true`}},
			{name: "join again", as: "m1", method: "POST", path: "/api/v1/groups/{g}/members", status: 200, want: []string{`"members":1`}},
			{name: "join from elsewhere", as: "mb", method: "POST", path: "/api/v1/groups/{g}/members", body: `{}`, status: 404},
			{name: "join, no such group", as: "m1", method: "POST", path: "/api/v1/groups/{c}/members", body: `{}`, status: 404},
			{name: "staff add", as: "officer_a", method: "POST", path: "/api/v1/groups/{g}/members", body: `{"member_id":"{m2}"}`, status: 200, want: []string{`"members":2`}},
			{name: "staff must name a member", as: "officer_a", method: "POST", path: "/api/v1/groups/{g}/members", body: `{}`, status: 422,
				want: []string{`"fields":{"member_id":`}},
			{name: "staff add from elsewhere", as: "officer_a", method: "POST", path: "/api/v1/groups/{g}/members", body: `{"member_id":"{mb}"}`, status: 422,
				want: []string{`"code":"not_in_audience"`}},
			{name: "staff of another street add", as: "officer_b", method: "POST", path: "/api/v1/groups/{g}/members", body: `{"member_id":"{m3}"}`, status: 404},
			{name: "group members", as: "leader_a", method: "GET", path: "/api/v1/groups/{g}/members", status: 200,
				want: []string{`"member_id":"{m1}"`, `"name":"赵二"`, `"org_name":"测试公司A工会"`}},
			{name: "group members, other street", as: "officer_b", method: "GET", path: "/api/v1/groups/{g}/members", status: 404},
			{name: "group members, member", as: "m1", method: "GET", path: "/api/v1/groups/{g}/members", status: 404},
			{name: "my groups", as: "m1", method: "GET", path: "/api/v1/me/groups", status: 200, want: []string{`"id":"{g}"`, `"joined":true`}},
			{name: "my groups, not joined", as: "m3", method: "GET", path: "/api/v1/me/groups", status: 200, want: []string{`"id":"{g}"`}, not: []string{`"joined"`}},
			{name: "my groups, elsewhere", as: "mb", method: "GET", path: "/api/v1/me/groups", status: 200, want: []string{`"items":[]`}},
			{name: "leave someone else", as: "m1", method: "DELETE", path: "/api/v1/groups/{g}/members/{m2}", status: 404},
			{name: "leave", as: "m1", method: "DELETE", path: "/api/v1/groups/{g}/members/me", status: 200, want: []string{`"members":1`}},
			{name: "leave again", as: "m1", method: "DELETE", path: "/api/v1/groups/{g}/members/me", status: 200, want: []string{`"members":1`}},
			{name: "staff remove", as: "officer_a", method: "DELETE", path: "/api/v1/groups/{g}/members/{m2}", status: 200, want: []string{`"members":0`}},
			{name: "course counts", as: "officer_a", method: "GET", path: "/api/v1/courses/{c}", status: 200, want: []string{`"terms":1`, `"groups":1`}},
		})

		// Edits stop at the draw; finish; a second term is called off.
		var cur termView
		f.getJSON("officer_a", "/api/v1/terms/{t}", &cur)
		f.ids["tv"] = fmt.Sprint(cur.Version)
		var t2 termView
		f.ids["closes2"] = rfc(clk.get().Add(time.Hour))
		f.postJSON("officer_a", "POST", "/api/v1/courses/{c}/terms", strings.NewReplacer("2026年春季班", "秋季班", "{closes}", "{closes2}").Replace(term), http.StatusCreated, &t2)
		f.ids["t2"] = t2.ID
		f.run([]Step{
			{name: "no edit after the draw", as: "officer_a", method: "PUT", path: "/api/v1/terms/{t}", body: strings.Replace(term, `{"name"`, `{"version":{tv},"name"`, 1),
				status: 409, want: []string{`"code":"term_closed"`}},
			{name: "finish, other street", as: "officer_b", method: "POST", path: "/api/v1/terms/{t}/finish", status: 404},
			{name: "finish before the last session", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/finish", status: 409, want: []string{`"code":"term_not_over"`}},
		})
		clk.set(clk.get().Add(200 * 24 * time.Hour))
		f.run([]Step{
			{name: "finish", as: "officer_a", method: "POST", path: "/api/v1/terms/{t}/finish", status: 200, want: []string{`"status":"finished"`}},
			{name: "no withdrawal once finished", as: next, method: "DELETE", path: "/api/v1/terms/{t}/enrolments/me", status: 409, want: []string{`"code":"term_closed"`}},
			{name: "cancel a draft", as: "officer_a", method: "POST", path: "/api/v1/terms/{t2}/cancel", status: 200, want: []string{`"status":"cancelled"`}},
			{name: "cancel twice", as: "officer_a", method: "POST", path: "/api/v1/terms/{t2}/cancel", status: 409, want: []string{`"code":"term_closed"`}},
			{name: "publish a cancelled term", as: "officer_a", method: "POST", path: "/api/v1/terms/{t2}/publish", status: 409, want: []string{`"code":"not_draft"`}},
			{name: "action with a body", as: "officer_a", method: "POST", path: "/api/v1/terms/{t2}/publish", body: `{"now":true}`, status: 400},
			{name: "bad term id", as: "officer_a", method: "GET", path: "/api/v1/terms/zzz", status: 404},
			{name: "english conflict", as: "officer_a", method: "POST", path: "/api/v1/terms/{t2}/cancel", hdr: map[string]string{"Accept-Language": "en"},
				status: 409, want: []string{`"message":"The term is cancelled or finished."`}},
		})
	})
}
