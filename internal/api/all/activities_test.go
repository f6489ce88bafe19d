package all_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// postJSON sends body as username (or a stored member token) and decodes
// the answer into v, failing unless the status is want.
func (f *fixture) postJSON(as, method, path, body string, want int, v any) {
	f.t.Helper()
	st, out := f.do(f.token(as), method, path, body, nil)
	if st != want {
		f.t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, as, st, want, out)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(out), v); err != nil {
			f.t.Fatalf("%s %s: %v: %s", method, path, err, out)
		}
	}
}

// signedInMember enters a member of org (as admin), gives them a password
// and keeps their API token under key; {key} then names the member's ID.
func (f *fixture) signedInMember(key, name, org, mobile string, day int) {
	f.t.Helper()
	var m struct{ ID string }
	f.postJSON("admin", "POST", "/api/v1/members",
		`{"org_id":"{`+org+`}","name":"`+name+`","id_number":"`+idNo(f.t, day)+`","mobile":"`+mobile+`"}`, http.StatusCreated, &m)
	id, _ := db.ParseID(m.ID)
	if err := f.auth.SetMemberPassword(context.Background(), &auth.Principal{MemberID: id, Kind: auth.KindMember}, "", password); err != nil {
		f.t.Fatal(err)
	}
	f.ids[key] = m.ID
	f.tokens[key] = f.signIn(key, `{"username":"`+mobile+`","password":"`+password+`"}`)
}

type actView struct {
	ID          string
	Status      string
	Version     int
	Confirmed   int
	Waiting     int
	Checkpoints []struct {
		ID   string
		Name string
	}
}

type regView struct {
	ActivityID string `json:"activity_id"`
	MemberID   string `json:"member_id"`
	Status     string
	Seq        int64
	Via        string
	CreatedAt  time.Time `json:"created_at"`
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func TestActivitiesAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		f.signedInMember("m1", "张一", "unionA", "13800000011", 21)
		f.signedInMember("m2", "张二", "unionA", "13800000012", 22)
		f.signedInMember("m3", "张三", "unionA", "13800000013", 23)
		f.signedInMember("mb", "李四", "unionB", "13800000014", 24)

		now := time.Now()
		f.ids["starts"] = rfc(now.Add(10 * time.Minute))
		f.ids["ends"] = rfc(now.Add(2 * time.Hour))
		f.ids["early"] = rfc(now.Add(5 * time.Minute))

		// A bad activity names every field at fault; nothing is made.
		f.run([]Step{
			{name: "bad create", as: "officer_a", method: "POST", path: "/api/v1/activities",
				body:   `{"org_id":"{streetA}","title":"  ","kind":"party","starts_at":"{starts}","ends_at":"{early}","checkpoints":[{"name":"A"},{"name":"A"}]}`,
				status: 422, want: []string{`"code":"validation_failed"`, `"fields":{`, `"title":`, `"kind":`, `"ends_at":`, `"checkpoints.1.name":`}},
			{name: "bad IDs", as: "officer_a", method: "POST", path: "/api/v1/activities",
				body:   `{"org_id":"street","audience_org_id":"0","title":"徒步","kind":"walk","starts_at":"{starts}","ends_at":"{ends}","checkpoints":[{"id":"x1","name":"A"}]}`,
				status: 422, want: []string{`"org_id":`, `"audience_org_id":`, `"checkpoints.0.id":`}},
			{name: "no publisher", as: "officer_a", method: "POST", path: "/api/v1/activities",
				body: `{"title":"徒步","kind":"walk","starts_at":"{starts}","ends_at":"{ends}"}`, status: 422, want: []string{`"org_id":`}},
			{name: "bad times", as: "officer_a", method: "POST", path: "/api/v1/activities",
				body:   `{"org_id":"{streetA}","title":"徒步","kind":"walk","starts_at":"tomorrow","capacity":-1}`,
				status: 422, want: []string{`"starts_at":`, `"ends_at":`, `"capacity":`}},
			{name: "unknown field", as: "officer_a", method: "POST", path: "/api/v1/activities",
				body:   `{"org_id":"{streetA}","title":"徒步","kind":"walk","starts_at":"{starts}","ends_at":"{ends}","status":"published"}`,
				status: 400, want: []string{`"code":"unknown_field"`, `"status":`}},
			{name: "wrong type", as: "officer_a", method: "POST", path: "/api/v1/activities",
				body:   `{"org_id":"{streetA}","title":"徒步","kind":"walk","starts_at":"{starts}","ends_at":"{ends}","capacity":"ten"}`,
				status: 422, want: []string{`"fields":{"capacity":`}},
			{name: "publisher outside the subtree", as: "officer_a", method: "POST", path: "/api/v1/activities",
				body:   `{"org_id":"{streetB}","title":"徒步","kind":"walk","starts_at":"{starts}","ends_at":"{ends}"}`,
				status: 422, want: []string{`"org_id":`}},
			{name: "a leader cannot create", as: "leader_a", method: "POST", path: "/api/v1/activities",
				body: `{"org_id":"{streetA}","title":"徒步","kind":"walk","starts_at":"{starts}","ends_at":"{ends}"}`, status: 403},
			{name: "members cannot create", as: "m1", method: "POST", path: "/api/v1/activities",
				body: `{"org_id":"{streetA}","title":"徒步","kind":"walk","starts_at":"{starts}","ends_at":"{ends}"}`, status: 422, want: []string{`"org_id":`}},
		})

		// Create: one place, a waiting list, two checkpoints for a stamp card.
		res := f.send(f.token("officer_a"), "POST", "/api/v1/activities", "application/json", strings.NewReader(f.expand(
			`{"org_id":"{streetA}","title":"重走长征路主题教育","kind":"themed_education","venue":"香山革命纪念馆","address":"北京市海淀区",
			"starts_at":"{starts}","ends_at":"{ends}","capacity":1,"waitlist":true,"stamps_required":2,"prize":"纪念徽章",
			"checkpoints":[{"name":"起点"},{"name":"终点","rotate_seconds":60}]}`)))
		if res.status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		var a actView
		if err := json.Unmarshal([]byte(res.body), &a); err != nil || a.Status != "draft" || len(a.Checkpoints) != 2 {
			t.Fatalf("created %+v %v: %s", a, err, res.body)
		}
		if loc := res.header.Get("Location"); loc != "/api/v1/activities/"+a.ID {
			t.Fatalf("Location %q", loc)
		}
		f.ids["a"], f.ids["cp1"], f.ids["cp2"] = a.ID, a.Checkpoints[0].ID, a.Checkpoints[1].ID

		f.run([]Step{
			{name: "a draft is hidden from members", as: "m1", method: "GET", path: "/api/v1/activities/{a}", status: 404},
			{name: "no sign-up for a draft", as: "m1", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{}`, status: 404},
			{name: "other street's officer", as: "officer_b", method: "GET", path: "/api/v1/activities/{a}", status: 404},
			{name: "other street's officer cannot publish", as: "officer_b", method: "POST", path: "/api/v1/activities/{a}/publish", status: 404},
			{name: "admin holds no activity role", as: "admin", method: "GET", path: "/api/v1/activities/{a}", status: 404},
			{name: "leader reads", as: "leader_a", method: "GET", path: "/api/v1/activities/{a}", status: 200, want: []string{`"title":"重走长征路主题教育"`}},
			{name: "leader cannot publish", as: "leader_a", method: "POST", path: "/api/v1/activities/{a}/publish", status: 403},
			{name: "publish", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/publish", status: 200, want: []string{`"status":"published"`}},
			{name: "publish twice", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/publish", status: 409, want: []string{`"code":"not_draft"`}},
			{name: "publish with a body field", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/publish", body: `{"now":true}`, status: 400},
			{name: "staff list", as: "officer_a", method: "GET", path: "/api/v1/activities?org={streetA}&status=published&q=长征", status: 200,
				want: []string{`"id":"{a}"`, `"next":""`, `"total":{"n":1,"over":false}`}},
			{name: "staff list, other kind", as: "officer_a", method: "GET", path: "/api/v1/activities?kind=walk", status: 200, want: []string{`"items":[]`, `"total":{"n":0,"over":false}`}},
			{name: "staff list, sorted", as: "officer_a", method: "GET", path: "/api/v1/activities?sort=-title&limit=1", status: 200, want: []string{`"total":{"n":`}},
			{name: "staff list, bad sort", as: "officer_a", method: "GET", path: "/api/v1/activities?sort=description", status: 422, want: []string{`"sort":`}},
			{name: "staff list, bad filters", as: "officer_a", method: "GET", path: "/api/v1/activities?kind=party&from=yesterday&limit=x", status: 422,
				want: []string{`"limit":`}},
			{name: "staff list, bad kind", as: "officer_a", method: "GET", path: "/api/v1/activities?kind=party&from=yesterday", status: 422,
				want: []string{`"kind":`, `"from":`}},
			{name: "staff list, bad cursor", as: "officer_a", method: "GET", path: "/api/v1/activities?cursor=***", status: 400, want: []string{`"code":"bad_cursor"`}},
			{name: "other street lists nothing", as: "officer_b", method: "GET", path: "/api/v1/activities", status: 200, want: []string{`"items":[]`}},
			{name: "member list", as: "m1", method: "GET", path: "/api/v1/activities", status: 200, want: []string{`"id":"{a}"`}},
			{name: "member list, mine", as: "m1", method: "GET", path: "/api/v1/activities?mine=true", status: 200, want: []string{`"items":[]`}},
			{name: "member list, bad flag", as: "m1", method: "GET", path: "/api/v1/activities?past=perhaps", status: 422, want: []string{`"past":`}},
			{name: "member of another street", as: "mb", method: "GET", path: "/api/v1/activities", status: 200, want: []string{`"items":[]`}},
			{name: "member of another street, one", as: "mb", method: "GET", path: "/api/v1/activities/{a}", status: 404},
			{name: "member of another street signs up", as: "mb", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{}`, status: 404},
			{name: "member view", as: "m1", method: "GET", path: "/api/v1/activities/{a}", status: 200,
				want: []string{`"id":"{a}"`, `"stamp_card":{`}, not: []string{`"registration":`}},
		})

		// A member signs up with {}: 201, then 200 with the same registration.
		var r1, r1again regView
		st, body := f.do(f.token("m1"), "POST", "/api/v1/activities/{a}/registrations", `{}`, nil)
		if st != http.StatusCreated {
			t.Fatalf("register: %d %s", st, body)
		}
		_ = json.Unmarshal([]byte(body), &r1)
		if r1.Status != "confirmed" || r1.MemberID != f.ids["m1"] || r1.ActivityID != f.ids["a"] || r1.Via != "self" {
			t.Fatalf("registration %+v", r1)
		}
		f.postJSON("m1", "POST", "/api/v1/activities/{a}/registrations", `{}`, http.StatusOK, &r1again)
		if r1again.Seq != r1.Seq || r1again.Status != r1.Status || !r1again.CreatedAt.Equal(r1.CreatedAt) {
			t.Fatalf("second sign-up %+v, first %+v", r1again, r1)
		}
		// Full: the next waits; staff sign a third member up by ID.
		var r2, r3 regView
		f.postJSON("m2", "POST", "/api/v1/activities/{a}/registrations", ``, http.StatusCreated, &r2)
		if r2.Status != "waiting" {
			t.Fatalf("second member %+v", r2)
		}
		res = f.send(f.token("officer_a"), "POST", "/api/v1/activities/{a}/registrations", "application/json", strings.NewReader(f.expand(`{"member_id":"{m3}"}`)))
		_ = json.Unmarshal([]byte(res.body), &r3)
		if res.status != http.StatusCreated || r3.Status != "waiting" || r3.Via != "staff" || r3.MemberID != f.ids["m3"] ||
			res.header.Get("Location") != "/api/v1/activities/"+f.ids["a"]+"/registrations/"+f.ids["m3"] {
			t.Fatalf("staff sign-up: %d %s %v", res.status, res.body, res.header)
		}
		f.run([]Step{
			{name: "staff sign-up again", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{"member_id":"{m3}"}`, status: 200,
				want: []string{`"status":"waiting"`}},
			{name: "staff must name the member", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{}`, status: 422,
				want: []string{`"member_id":`}},
			{name: "staff name a bad ID", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{"member_id":"abc"}`, status: 422,
				want: []string{`"member_id":`}},
			{name: "staff name a number", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{"member_id":12}`, status: 422,
				want: []string{`"member_id":`}},
			{name: "staff name someone outside the audience", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{"member_id":"{mb}"}`,
				status: 422, want: []string{`"code":"not_in_audience"`}},
			{name: "other street's staff sign up", as: "officer_b", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{"member_id":"{mb}"}`, status: 404},
			{name: "a member names someone else", as: "m1", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{"member_id":"{m2}"}`, status: 404},
			{name: "a member names themself", as: "m1", method: "POST", path: "/api/v1/activities/{a}/registrations", body: `{"member_id":"{m1}"}`, status: 200},
			{name: "registrations", as: "leader_a", method: "GET", path: "/api/v1/activities/{a}/registrations", status: 200,
				want: []string{`"member_id":"{m1}"`, `"member_id":"{m2}"`, `"member_id":"{m3}"`, `"member_name":"张一"`}},
			{name: "registrations waiting", as: "officer_a", method: "GET", path: "/api/v1/activities/{a}/registrations?status=waiting&limit=1", status: 200,
				want: []string{`"member_id":"{m2}"`}, not: []string{`"member_id":"{m3}"`, `"next":""`}},
			{name: "registrations bad status", as: "officer_a", method: "GET", path: "/api/v1/activities/{a}/registrations?status=maybe", status: 422,
				want: []string{`"status":`}},
			{name: "a member sees only their own", as: "m2", method: "GET", path: "/api/v1/activities/{a}/registrations", status: 200,
				want: []string{`"member_id":"{m2}"`}, not: []string{`"member_id":"{m1}"`, `"member_id":"{m3}"`}},
			{name: "registrations, other street", as: "officer_b", method: "GET", path: "/api/v1/activities/{a}/registrations", status: 404},
			{name: "member view shows the place in the queue", as: "m3", method: "GET", path: "/api/v1/activities/{a}", status: 200,
				want: []string{`"status":"waiting"`, `"waiting_position":2`}},
			{name: "mine", as: "m2", method: "GET", path: "/api/v1/me/activities?mine=true", status: 200, want: []string{`"id":"{a}"`, `"status":"waiting"`}},
			{name: "a member cancels someone else", as: "m2", method: "DELETE", path: "/api/v1/activities/{a}/registrations/{m1}", status: 404},
			{name: "a member cancels a bad ID", as: "m2", method: "DELETE", path: "/api/v1/activities/{a}/registrations/nobody", status: 404},
			{name: "staff cannot be me", as: "officer_a", method: "DELETE", path: "/api/v1/activities/{a}/registrations/me", status: 404},
			// The first cancels: the first on the waiting list gets the place and is told.
			{name: "cancel", as: "m1", method: "DELETE", path: "/api/v1/activities/{a}/registrations/me", status: 200, want: []string{`"status":"cancelled"`}},
			{name: "cancel again", as: "m1", method: "DELETE", path: "/api/v1/activities/{a}/registrations/{m1}", status: 200, want: []string{`"status":"cancelled"`}},
			{name: "promoted", as: "m2", method: "GET", path: "/api/v1/activities/{a}", status: 200, want: []string{`"status":"confirmed"`}},
			{name: "told", as: "m2", method: "GET", path: "/api/v1/me/notices", status: 200, want: []string{`"kind":"promoted"`, `"activity_id":"{a}"`, `"next":""`}},
			{name: "counters", as: "officer_a", method: "GET", path: "/api/v1/activities/{a}", status: 200, want: []string{`"confirmed":1`, `"waiting":1`}},
			{name: "staff has no notices", as: "officer_a", method: "GET", path: "/api/v1/me/notices", status: 404},
			{name: "decision on a confirmed sign-up", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/registrations/{m2}/decision",
				body: `{"approve":true}`, status: 409, want: []string{`"code":"not_pending"`}},
			{name: "decision without a verdict", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/registrations/{m2}/decision",
				body: `{}`, status: 422, want: []string{`"approve":`}},
		})

		// Check-in by the checkpoint's code, which staff show as a QR code.
		var code struct {
			Code       string
			URL        string
			ValidUntil *time.Time `json:"valid_until"`
		}
		f.getJSON("officer_a", "/api/v1/activities/{a}/checkpoints/{cp1}/code", &code)
		if !strings.HasPrefix(code.Code, "GHA1:") || code.URL != f.srv.URL+"/m/checkin?code="+url.QueryEscape(code.Code) || code.ValidUntil != nil {
			t.Fatalf("checkpoint code %+v", code)
		}
		var code2 struct {
			Code       string
			URL        string
			ValidUntil *time.Time `json:"valid_until"`
		}
		f.getJSON("officer_a", "/api/v1/activities/{a}/checkpoints/{cp2}/code", &code2)
		if code2.ValidUntil == nil || !code2.ValidUntil.After(time.Now()) {
			t.Fatalf("rotating code %+v", code2)
		}
		f.ids["code"], f.ids["url2"] = code.Code, code2.URL
		forged := []byte(code.Code)
		i := len(forged) - 3
		forged[i] = map[bool]byte{true: 'B', false: 'A'}[forged[i] == 'A']
		f.ids["forged"] = string(forged)
		f.run([]Step{
			{name: "code, leader", as: "leader_a", method: "GET", path: "/api/v1/activities/{a}/checkpoints/{cp1}/code", status: 403},
			{name: "code, other street", as: "officer_b", method: "GET", path: "/api/v1/activities/{a}/checkpoints/{cp1}/code", status: 404},
			{name: "code, no such checkpoint", as: "officer_a", method: "GET", path: "/api/v1/activities/{a}/checkpoints/{a}/code", status: 404},
			{name: "check in", as: "m2", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"code":"{code}"}`, status: 201,
				want: []string{`"member_id":"{m2}"`, `"checkpoint_id":"{cp1}"`, `"checkpoint_name":"起点"`, `"via":"code"`, `"stamps":1`, `"prize_earned":false`}},
			{name: "check in again", as: "m2", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"code":"{code}"}`, status: 200,
				want: []string{`"stamps":1`}},
			{name: "forged code", as: "m2", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"code":"{forged}"}`, status: 422,
				want: []string{`"fields":{"code":`}},
			{name: "not a code", as: "m2", method: "POST", path: "/api/v1/checkins", body: `{"code":"hello"}`, status: 422, want: []string{`"fields":{"code":`}},
			{name: "no code", as: "m2", method: "POST", path: "/api/v1/checkins", body: `{}`, status: 422, want: []string{`"fields":{"code":`}},
			{name: "a member names a member", as: "m2", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"code":"{code}","member_id":"{m1}"}`,
				status: 422, want: []string{`"member_id":`}},
			{name: "cancelled member", as: "m1", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"code":"{code}"}`, status: 409,
				want: []string{`"code":"not_registered"`}},
			{name: "waiting member", as: "m3", method: "POST", path: "/api/v1/checkins", body: `{"code":"{code}"}`, status: 409,
				want: []string{`"code":"not_registered"`}},
			// The link of the rotating checkpoint, as a phone's camera reads it.
			{name: "check in by link", as: "m2", method: "POST", path: "/api/v1/checkins", body: `{"code":"{url2}"}`, status: 201,
				want: []string{`"checkpoint_id":"{cp2}"`, `"stamps":2`, `"stamps_required":2`, `"prize_earned":true`}},
			{name: "staff by member ID", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"member_id":"{m2}","checkpoint_id":"{cp2}"}`,
				status: 200, want: []string{`"via":"code"`}},
			{name: "staff with a code", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"code":"{code}"}`, status: 422,
				want: []string{`"code":`}},
			{name: "staff without a member", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{}`, status: 422,
				want: []string{`"member_id":`}},
			{name: "staff, bad checkpoint", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"member_id":"{m3}","checkpoint_id":"{a}"}`,
				status: 422, want: []string{`"checkpoint_id":`}},
			{name: "staff, waiting member", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"member_id":"{m3}"}`,
				status: 409, want: []string{`"code":"not_registered"`}},
			{name: "leader cannot check in", as: "leader_a", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"member_id":"{m2}"}`, status: 403},
			{name: "other street checks in", as: "officer_b", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"member_id":"{m2}"}`, status: 404},
			{name: "check-ins", as: "leader_a", method: "GET", path: "/api/v1/activities/{a}/checkins", status: 200,
				want: []string{`"checkpoint_name":"起点"`, `"checkpoint_name":"终点"`, `"member_name":"张二"`}},
			{name: "check-ins closed to members", as: "m2", method: "GET", path: "/api/v1/activities/{a}/checkins", status: 404},
			{name: "stamp card", as: "m2", method: "GET", path: "/api/v1/activities/{a}/stamp-card", status: 200,
				want: []string{`"collected":2`, `"earned":true`, `"prize":"纪念徽章"`}, not: []string{`"redeemed_at"`}},
			{name: "stamp card, other street", as: "mb", method: "GET", path: "/api/v1/activities/{a}/stamp-card", status: 404},
			{name: "stamp card is the member's", as: "officer_a", method: "GET", path: "/api/v1/activities/{a}/stamp-card", status: 404},
			{name: "prize not earned", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/prizes", body: `{"member_id":"{m3}"}`, status: 409,
				want: []string{`"code":"prize_not_earned"`}},
			{name: "prize needs a member", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/prizes", body: `{}`, status: 422,
				want: []string{`"member_id":`}},
			{name: "prize by a bad card", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/prizes", body: `{"card":"GHC1:nonsense"}`, status: 422,
				want: []string{`"card":`}},
			{name: "prize", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/prizes", body: `{"member_id":"{m2}"}`, status: 200,
				want: []string{`"redeemed_at":`}},
			{name: "prize twice", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/prizes", body: `{"member_id":"{m2}"}`, status: 409,
				want: []string{`"code":"prize_redeemed"`}},
			{name: "attendance", as: "leader_a", method: "GET", path: "/api/v1/activities/{a}/attendance", status: 200,
				want: []string{`"attended":1`, `"confirmed":1`, `"rate":1`, `"prizes_redeemed":1`, `"org_name":"测试公司A工会"`}},
			{name: "attendance, other street", as: "officer_b", method: "GET", path: "/api/v1/activities/{a}/attendance", status: 404},
			{name: "attendance closed to members", as: "m2", method: "GET", path: "/api/v1/activities/{a}/attendance", status: 404},
		})

		// A member card scanned by staff checks its holder in.
		var card struct{ Payload string }
		f.getJSON("officer_a", "/api/v1/members/{m2}/card", &card)
		f.ids["card"] = card.Payload
		f.run([]Step{
			{name: "staff by card, repeated", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/checkins", body: `{"card":"{card}","checkpoint_id":"{cp1}"}`,
				status: 200, want: []string{`"member_id":"{m2}"`}},
		})

		// The attendance workbook opens, one row a registration.
		file := "attendance-" + f.ids["a"] + ".xlsx"
		rows := f.workbook("officer_a", "/api/v1/activities/{a}/attendance.xlsx", file)
		if len(rows) != 4 || rows[0][0] != "姓名" || rows[0][6] != "起点" || rows[0][7] != "终点" || rows[1][0] != "张一" || rows[2][0] != "张二" || rows[2][6] == "" {
			t.Fatalf("attendance rows %q", rows)
		}
		if rows = f.workbook("officer_a", "/api/v1/activities/{a}/attendance.xlsx?lang=en", file); len(rows) == 0 || rows[0][0] != "Name" {
			t.Fatalf("English attendance header %q", rows)
		}
		if st, _ := f.do(f.token("officer_b"), "GET", "/api/v1/activities/{a}/attendance.xlsx", "", nil); st != 404 {
			t.Fatalf("attendance.xlsx of another street: %d", st)
		}

		// The calendar file, for staff and for a member of the audience.
		for _, as := range []string{"officer_a", "m3"} {
			res = f.send(f.token(as), "GET", "/api/v1/activities/{a}/calendar.ics", "", nil)
			if res.status != 200 || !strings.HasPrefix(res.body, "BEGIN:VCALENDAR\r\n") || !strings.HasPrefix(res.header.Get("Content-Type"), "text/calendar") ||
				!strings.Contains(res.header.Get("Content-Disposition"), "attachment") || !strings.Contains(res.body, "SUMMARY:重走长征路主题教育") ||
				!strings.Contains(res.body, "URL:"+f.srv.URL) {
				t.Fatalf("calendar.ics as %s: %d %v %s", as, res.status, res.header, res.body)
			}
		}
		for _, as := range []string{"officer_b", "mb"} {
			if st, _ := f.do(f.token(as), "GET", "/api/v1/activities/{a}/calendar.ics", "", nil); st != 404 {
				t.Fatalf("calendar.ics as %s: %d", as, st)
			}
		}

		// Photos: the type comes from the bytes.
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
		upload := func(as, field, name string, data []byte, caption string) answer {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile(field, name)
			fw.Write(data)
			if caption != "" {
				mw.WriteField("caption", caption)
			}
			mw.Close()
			return f.send(f.token(as), "POST", "/api/v1/activities/{a}/photos", mw.FormDataContentType(), &b)
		}
		res = upload("officer_a", "photo", "x.png", png, "合影")
		var ph struct {
			ID          string
			ContentType string `json:"content_type"`
		}
		_ = json.Unmarshal([]byte(res.body), &ph)
		if res.status != 201 || ph.ContentType != "image/png" || res.header.Get("Location") != "/api/v1/activities/"+f.ids["a"]+"/photos/"+ph.ID {
			t.Fatalf("add photo: %d %s", res.status, res.body)
		}
		f.ids["photo"] = ph.ID
		if res = upload("officer_a", "photo", "x.png", []byte("<html><script>alert(1)</script>"), ""); res.status != 422 || !strings.Contains(res.body, `"photo":`) {
			t.Fatalf("html as a photo: %d %s", res.status, res.body)
		}
		if res = upload("officer_a", "file", "x.png", png, ""); res.status != 422 || !strings.Contains(res.body, `"photo":`) {
			t.Fatalf("photo in the wrong field: %d %s", res.status, res.body)
		}
		if res = upload("officer_a", "photo", "x.png", append(png, make([]byte, 9<<20)...), ""); res.status != 422 || !strings.Contains(res.body, `"photo":`) {
			t.Fatalf("huge photo: %d %s", res.status, res.body)
		}
		if res = upload("leader_a", "photo", "x.png", png, ""); res.status != 403 {
			t.Fatalf("photo by a leader: %d %s", res.status, res.body)
		}
		if res = f.send(f.token("officer_a"), "POST", "/api/v1/activities/{a}/photos", "application/json", strings.NewReader("{}")); res.status != 422 ||
			!strings.Contains(res.body, `"photo":`) {
			t.Fatalf("photo as JSON: %d %s", res.status, res.body)
		}
		res = f.send(f.token("leader_a"), "GET", "/api/v1/activities/{a}/photos/{photo}", "", nil)
		if res.status != 200 || res.body != string(png) || res.header.Get("Content-Type") != "image/png" || res.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("get photo: %d %v", res.status, res.header)
		}
		f.run([]Step{
			{name: "photos", as: "leader_a", method: "GET", path: "/api/v1/activities/{a}/photos", status: 200, want: []string{`"id":"{photo}"`, `"caption":"合影"`}},
			{name: "photos, other street", as: "officer_b", method: "GET", path: "/api/v1/activities/{a}/photos/{photo}", status: 404},
			{name: "photos closed to members", as: "m2", method: "GET", path: "/api/v1/activities/{a}/photos", status: 404},
			{name: "a photo, member of the audience", as: "m2", method: "GET", path: "/api/v1/activities/{a}/photos/{photo}", status: 200},
			{name: "a photo, member elsewhere", as: "mb", method: "GET", path: "/api/v1/activities/{a}/photos/{photo}", status: 404},
			{name: "delete photo, leader", as: "leader_a", method: "DELETE", path: "/api/v1/activities/{a}/photos/{photo}", status: 403},
			{name: "delete photo", as: "officer_a", method: "DELETE", path: "/api/v1/activities/{a}/photos/{photo}", status: 204},
			{name: "deleted", as: "officer_a", method: "GET", path: "/api/v1/activities/{a}/photos/{photo}", status: 404},
			{name: "delete again", as: "officer_a", method: "DELETE", path: "/api/v1/activities/{a}/photos/{photo}", status: 404},
		})

		// Edit at the version read; a stale one is refused. Report, finish.
		var cur actView
		f.getJSON("officer_a", "/api/v1/activities/{a}", &cur)
		f.ids["v"] = strconv.Itoa(cur.Version)
		f.ids["stale"] = strconv.Itoa(cur.Version - 1)
		edit := `{"version":{v},"title":"重走长征路","kind":"themed_education","starts_at":"{starts}","ends_at":"{ends}","capacity":2,"waitlist":true,
			"stamps_required":2,"prize":"纪念徽章","checkpoints":[{"id":"{cp1}","name":"起点"},{"id":"{cp2}","name":"终点","rotate_seconds":60}]}`
		f.run([]Step{
			{name: "edit, stale", as: "officer_a", method: "PUT", path: "/api/v1/activities/{a}", body: strings.ReplaceAll(edit, "{v}", "{stale}"), status: 409,
				want: []string{`"code":"stale_version"`}},
			{name: "edit, bad", as: "officer_a", method: "PUT", path: "/api/v1/activities/{a}", body: strings.ReplaceAll(edit, `"capacity":2`, `"capacity":0`), status: 422,
				want: []string{`"waitlist":`}},
			{name: "edit, other street", as: "officer_b", method: "PUT", path: "/api/v1/activities/{a}", body: edit, status: 404},
			{name: "edit: one more place promotes", as: "officer_a", method: "PUT", path: "/api/v1/activities/{a}", body: edit, status: 200,
				want: []string{`"title":"重走长征路"`, `"capacity":2`, `"confirmed":2`, `"waiting":0`, `"id":"{cp1}"`}},
			{name: "report needs the field", as: "officer_a", method: "PUT", path: "/api/v1/activities/{a}/report", body: `{}`, status: 422, want: []string{`"report":`}},
			{name: "report", as: "officer_a", method: "PUT", path: "/api/v1/activities/{a}/report", body: `{"report":"23个工会近600名职工参加。"}`, status: 200,
				want: []string{`"report":"23个工会近600名职工参加。"`}},
			{name: "finish before the start", as: "officer_a", method: "POST", path: "/api/v1/activities/{a}/finish", status: 409, want: []string{`"code":"not_started"`}},
			{name: "bad id", as: "officer_a", method: "GET", path: "/api/v1/activities/zzz", status: 404},
		})

		// A second activity asks for approval, and is then called off.
		res = f.send(f.token("officer_a"), "POST", "/api/v1/activities", "application/json", strings.NewReader(f.expand(
			`{"org_id":"{streetA}","audience_org_id":"{unionA}","title":"观影","kind":"screening","starts_at":"{starts}","ends_at":"{ends}","approval":true}`)))
		var b actView
		if err := json.Unmarshal([]byte(res.body), &b); res.status != 201 || err != nil {
			t.Fatalf("create second: %d %s", res.status, res.body)
		}
		f.ids["b"] = b.ID
		f.run([]Step{
			{name: "publish second", as: "officer_a", method: "POST", path: "/api/v1/activities/{b}/publish", body: `{}`, status: 200},
			{name: "sign up for approval", as: "m1", method: "POST", path: "/api/v1/activities/{b}/registrations", body: `{}`, status: 201, want: []string{`"status":"pending"`}},
			{name: "sign up for approval 2", as: "m3", method: "POST", path: "/api/v1/activities/{b}/registrations", body: `{}`, status: 201, want: []string{`"status":"pending"`}},
			{name: "approve", as: "officer_a", method: "POST", path: "/api/v1/activities/{b}/registrations/{m1}/decision", body: `{"approve":true}`, status: 200,
				want: []string{`"status":"confirmed"`}},
			{name: "reject", as: "officer_a", method: "POST", path: "/api/v1/activities/{b}/registrations/{m3}/decision", body: `{"approve":false}`, status: 200,
				want: []string{`"status":"rejected"`}},
			{name: "approved notice", as: "m1", method: "GET", path: "/api/v1/me/notices", status: 200, want: []string{`"kind":"approved"`}},
			{name: "cancel, too long a reason", as: "officer_a", method: "POST", path: "/api/v1/activities/{b}/cancel", body: `{"reason":"` + strings.Repeat("雨", 201) + `"}`,
				status: 422, want: []string{`"reason":`}},
			{name: "cancel", as: "officer_a", method: "POST", path: "/api/v1/activities/{b}/cancel", body: `{"reason":"暴雨预警"}`, status: 200,
				want: []string{`"status":"cancelled"`, `"cancel_reason":"暴雨预警"`}},
			{name: "cancelled notice", as: "m1", method: "GET", path: "/api/v1/me/notices?limit=1", status: 200, want: []string{`"kind":"cancelled"`}, not: []string{`"kind":"approved"`}},
			{name: "cancel without a body", as: "officer_a", method: "POST", path: "/api/v1/activities/{b}/cancel", status: 409, want: []string{`"code":"closed"`}},
			{name: "no sign-up once cancelled", as: "m2", method: "POST", path: "/api/v1/activities/{b}/registrations", body: `{}`, status: 409, want: []string{`"code":"not_open"`}},
			{name: "cancelled ics", as: "m1", method: "GET", path: "/api/v1/activities/{b}/calendar.ics", status: 200, want: []string{"STATUS:CANCELLED"}},
			{name: "english errors", as: "m2", method: "POST", path: "/api/v1/activities/{b}/registrations", body: `{}`, hdr: map[string]string{"Accept-Language": "en"},
				status: 409, want: []string{`"message":"The activity is not open for sign-up."`}},
		})
	})
}
