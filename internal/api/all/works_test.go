package all_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// sendEntry sends an entry's multipart form as member key: fields and
// photos (each a "photo" part).
func (f *fixture) sendEntry(key, method, path string, fields map[string]string, photos ...[]byte) answer {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, f.expand(v))
	}
	for _, p := range photos {
		fw, _ := mw.CreateFormFile("photo", "p.png")
		fw.Write(p)
	}
	mw.Close()
	return f.send(f.token(key), method, path, mw.FormDataContentType(), &b)
}

type worksEntryView struct {
	ID     string
	Status string
	Photos []struct{ ID string }
}

// A photo call through the API: staff create and publish it, members hand
// in (a bad upload refused field by field with nothing kept), edit and
// withdraw; staff screen, a judge scores blind, staff award and publish
// the results, and the author reads their award. Scope and rights along
// the way.
func TestWorksAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		// judge_a sits in the authors' union (and so stands aside from
		// their entries); judge_c in another union under the street.
		f.staff("judge_a", "unionA", auth.RoleOfficer)
		rootID, _ := db.ParseID(f.ids["root"])
		streetID, _ := db.ParseID(f.ids["streetA"])
		var rootPath string
		if err := d.QueryRow(t.Context(), "SELECT path FROM orgs WHERE id = ?", rootID).Scan(&rootPath); err != nil {
			t.Fatal(err)
		}
		sys := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleAdmin, OrgID: rootID, OrgPath: rootPath}}}
		unionC, err := f.orgs.Create(t.Context(), sys, org.CreateInput{ParentID: streetID, Name: "测试公司C工会", Kind: org.KindGrassroots})
		if err != nil {
			t.Fatal(err)
		}
		f.ids["unionC"] = db.FormatID(unionC.ID)
		f.staff("judge_c", "unionC", auth.RoleOfficer)
		f.signedInMember("m1", "张一", "unionA", "13800000051", 11)
		f.signedInMember("m2", "张二", "unionA", "13800000052", 12)
		f.signedInMember("m_b", "张三", "unionB", "13800000053", 13)
		var mu sync.Mutex
		now := time.Now().UTC().Truncate(time.Second)
		f.works.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		travel := func(to time.Time) { mu.Lock(); now = to; mu.Unlock() }
		at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }

		img := image.NewRGBA(image.Rect(0, 0, 8, 6))
		img.Set(1, 1, color.RGBA{200, 30, 30, 255})
		var pic bytes.Buffer
		if err := png.Encode(&pic, img); err != nil {
			t.Fatal(err)
		}

		call := `{"org_id":"{streetA}","title":"劳动之美摄影征集","description":"记录身边的劳动者。","kind":"photo","max_photos":2,"per_member":1,
			"opens_at":"` + at(-time.Hour) + `","closes_at":"` + at(48*time.Hour) + `","judge_until":"` + at(96*time.Hour) + `",
			"criteria":[{"name":"主题","weight":60},{"name":"技术","weight":40}],"tiers":[{"name":"一等奖","count":1},{"name":"二等奖","count":2}]}`
		f.run([]Step{
			{name: "a leader may not create", as: "leader_a", method: "POST", path: "/api/v1/works", body: call, status: 403},
			{name: "bad call", as: "officer_a", method: "POST", path: "/api/v1/works", body: `{"org_id":"{streetA}","kind":"video","criteria":[{"name":"主题","weight":50}]}`, status: 422,
				want: []string{`"title"`, `"kind"`, `"opens_at"`, `"criteria"`, `"tiers"`}},
			{name: "outside the caller's subtree", as: "officer_a", method: "POST", path: "/api/v1/works", body: strings.Replace(call, "{streetA}", "{streetB}", 1), status: 422, want: []string{`"org_id"`}},
		})
		var c struct {
			ID      string
			Version int
		}
		f.postJSON("officer_a", "POST", "/api/v1/works", call, 201, &c)
		f.ids["call"] = c.ID
		f.run([]Step{
			{name: "list", as: "officer_a", method: "GET", path: "/api/v1/works?q=劳动之美&kind=photo&status=draft", status: 200, want: []string{`"id":"{call}"`, `"total":{"n":1`}},
			{name: "bad filter", as: "officer_a", method: "GET", path: "/api/v1/works?kind=video", status: 422, want: []string{`"kind"`}},
			{name: "another street's officer", as: "officer_b", method: "GET", path: "/api/v1/works/{call}", status: 404},
			{name: "another street's list", as: "officer_b", method: "GET", path: "/api/v1/works", status: 200, want: []string{`"items":[]`}},
			{name: "a leader reads", as: "leader_a", method: "GET", path: "/api/v1/works/{call}", status: 200},
			{name: "a leader may not edit", as: "leader_a", method: "PUT", path: "/api/v1/works/{call}", body: strings.Replace(call, "{", `{"version":1,`, 1), status: 403},
			{name: "edit", as: "officer_a", method: "PUT", path: "/api/v1/works/{call}", body: strings.Replace(call, "{", `{"version":1,`, 1), status: 200, want: []string{`"version":2`}},
			{name: "stale edit", as: "officer_a", method: "PUT", path: "/api/v1/works/{call}", body: strings.Replace(call, "{", `{"version":1,`, 1), status: 409},
			{name: "not yet for members", as: "m1", method: "GET", path: "/api/v1/me/works/{call}", status: 404},
			{name: "a leader may not publish", as: "leader_a", method: "POST", path: "/api/v1/works/{call}/publish", body: `{}`, status: 403},
			{name: "publish", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/publish", body: `{"version":2}`, status: 200, want: []string{`"status":"published"`}},
			{name: "the member's calls", as: "m1", method: "GET", path: "/api/v1/me/works", status: 200, want: []string{`"id":"{call}"`, `"phase":"open"`}},
			{name: "staff may not use the member's routes", as: "officer_a", method: "GET", path: "/api/v1/me/works", status: 404},
		})

		// A bad upload: named fields, nothing kept.
		res := f.sendEntry("m1", "POST", "/api/v1/me/works/{call}/entries", map[string]string{"title": ""}, []byte("<html>not a picture</html>"))
		if res.status != 422 || !strings.Contains(res.body, `"photos"`) || !strings.Contains(res.body, `"title"`) || !strings.Contains(res.body, `"original"`) {
			t.Fatalf("bad upload: %d %s", res.status, res.body)
		}
		res = f.sendEntry("m1", "POST", "/api/v1/me/works/{call}/entries", map[string]string{"title": "车间", "original": "true"})
		if res.status != 422 || !strings.Contains(res.body, `"photos"`) {
			t.Fatalf("no photo: %d %s", res.status, res.body)
		}
		f.run([]Step{{name: "nothing kept", as: "m1", method: "GET", path: "/api/v1/me/works/{call}", status: 200, want: []string{`"entries":[]`, `"can_submit":true`}}})
		if n := count(t, d, "SELECT COUNT(*) FROM works_entries"); n != 0 {
			t.Fatalf("entries after refusals: %d", n)
		}

		// The entry, with a real PNG.
		res = f.sendEntry("m1", "POST", "/api/v1/me/works/{call}/entries", map[string]string{"title": "焊花", "note": "夜班的焊工", "original": "true"}, pic.Bytes())
		var e worksEntryView
		if res.status != 201 || json.Unmarshal([]byte(res.body), &e) != nil || e.Status != "submitted" || len(e.Photos) != 1 {
			t.Fatalf("submit: %d %s", res.status, res.body)
		}
		f.ids["entry"], f.ids["photo"] = e.ID, e.Photos[0].ID
		ph := f.request(f.token("m1"), "GET", "/api/v1/me/work-photos/{photo}", "", nil, nil)
		if ph.status != 200 || ph.header.Get("Content-Type") != "image/png" || ph.body != pic.String() {
			t.Fatalf("the author's photo: %d %v", ph.status, ph.header)
		}

		// Another member hands in, edits and withdraws.
		res = f.sendEntry("m2", "POST", "/api/v1/me/works/{call}/entries", map[string]string{"title": "塔吊", "original": "true"}, pic.Bytes())
		var e2 worksEntryView
		if res.status != 201 || json.Unmarshal([]byte(res.body), &e2) != nil {
			t.Fatalf("second entry: %d %s", res.status, res.body)
		}
		f.ids["entry2"], f.ids["photo2"] = e2.ID, e2.Photos[0].ID
		res = f.sendEntry("m2", "PUT", "/api/v1/me/work-entries/{entry2}", map[string]string{"title": "高空塔吊", "original": "true", "remove": "{photo2}"}, pic.Bytes(), pic.Bytes())
		if res.status != 200 || !strings.Contains(res.body, "高空塔吊") || strings.Contains(res.body, f.ids["photo2"]) {
			t.Fatalf("edit: %d %s", res.status, res.body)
		}
		res = f.sendEntry("m2", "PUT", "/api/v1/me/work-entries/{entry2}", map[string]string{"title": "高空塔吊", "original": "true"}, pic.Bytes())
		if res.status != 422 || !strings.Contains(res.body, `"photos"`) {
			t.Fatalf("too many photos: %d %s", res.status, res.body)
		}
		f.run([]Step{
			{name: "one entry each", as: "m2", method: "GET", path: "/api/v1/me/works/{call}", status: 200, want: []string{`"can_submit":false`, "高空塔吊"}},
			{name: "not another's entry", as: "m1", method: "GET", path: "/api/v1/me/work-entries/{entry2}", status: 404},
			{name: "the author's photo again", as: "m1", method: "GET", path: "/api/v1/me/work-photos/{photo}", status: 200},
			{name: "withdraw", as: "m2", method: "POST", path: "/api/v1/me/work-entries/{entry2}/withdraw", status: 204},
			{name: "withdrawn", as: "m2", method: "GET", path: "/api/v1/me/work-entries/{entry2}", status: 404},
		})
		if st, _ := f.do(f.token("m2"), "GET", "/api/v1/me/work-photos/{photo}", "", nil); st != 404 {
			t.Fatalf("another member's photo: %d", st)
		}

		// The panel, the screening.
		f.run([]Step{
			{name: "candidates", as: "officer_a", method: "GET", path: "/api/v1/works/{call}/judges/candidates?q=judge", status: 200, want: []string{`"user_id":"{user:judge_a}"`}},
			{name: "a leader may not add a judge", as: "leader_a", method: "POST", path: "/api/v1/works/{call}/judges", body: `{"user_id":"{user:judge_a}"}`, status: 403},
			{name: "not eligible", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/judges", body: `{"user_id":"{user:clerk}"}`, status: 422, want: []string{`"user_id"`}},
			{name: "add a judge", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/judges", body: `{"user_id":"{user:judge_a}"}`, status: 200, want: []string{`"username":"judge_a"`}},
			{name: "add another judge", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/judges", body: `{"user_id":"{user:judge_c}"}`, status: 200, want: []string{`"username":"judge_c"`}},
			{name: "add and remove", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/judges", body: `{"user_id":"{user:officer_a}"}`, status: 200},
			{name: "remove a judge", as: "officer_a", method: "DELETE", path: "/api/v1/works/{call}/judges/{user:officer_a}", status: 204},
			{name: "the panel", as: "officer_a", method: "GET", path: "/api/v1/works/{call}/judges", status: 200, want: []string{"judge_a"}, not: []string{`"username":"officer_a"`}},
			{name: "another street's entries", as: "officer_b", method: "GET", path: "/api/v1/works/{call}/entries", status: 404},
			{name: "entries", as: "officer_a", method: "GET", path: "/api/v1/works/{call}/entries?status=submitted&q=焊", status: 200,
				want: []string{`"id":"{entry}"`, "张一", `"total":{"n":1`}},
			{name: "the staff's photo", as: "officer_a", method: "GET", path: "/api/v1/work-photos/{photo}", status: 200},
			{name: "another street's photo", as: "officer_b", method: "GET", path: "/api/v1/work-photos/{photo}", status: 404},
			{name: "not before acceptance for the judge", as: "judge_c", method: "GET", path: "/api/v1/work-photos/{photo}", status: 404},
			{name: "the entry for staff", as: "officer_a", method: "GET", path: "/api/v1/work-entries/{entry}", status: 200, want: []string{"张一", `"status":"submitted"`}},
			{name: "another street's entry", as: "officer_b", method: "GET", path: "/api/v1/work-entries/{entry}", status: 404},
			{name: "a leader may not screen", as: "leader_a", method: "POST", path: "/api/v1/work-entries/{entry}/screen", body: `{"decision":"accept"}`, status: 403},
			{name: "another street may not screen", as: "officer_b", method: "POST", path: "/api/v1/work-entries/{entry}/screen", body: `{"decision":"accept"}`, status: 404},
			{name: "bad decision", as: "officer_a", method: "POST", path: "/api/v1/work-entries/{entry}/screen", body: `{"decision":"maybe"}`, status: 422, want: []string{`"decision"`}},
			{name: "reject needs a reason", as: "officer_a", method: "POST", path: "/api/v1/work-entries/{entry}/screen", body: `{"decision":"reject","reason":" "}`, status: 422, want: []string{`"reason"`}},
			{name: "accept", as: "officer_a", method: "POST", path: "/api/v1/work-entries/{entry}/screen", body: `{"decision":"accept"}`, status: 200, want: []string{`"status":"accepted"`}},
			{name: "the author sees it accepted", as: "m1", method: "GET", path: "/api/v1/me/work-entries/{entry}", status: 200, want: []string{`"status":"accepted"`}},
			{name: "a leader may not close", as: "leader_a", method: "POST", path: "/api/v1/works/{call}/close", body: `{}`, status: 403},
			{name: "close", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/close", status: 200},
			{name: "closed to entries", as: "m1", method: "POST", path: "/api/v1/me/work-entries/{entry}/withdraw", status: 409},
		})

		// The judge scores blind.
		f.run([]Step{
			{name: "the own union's judge has nothing to score", as: "judge_a", method: "GET", path: "/api/v1/judging", status: 200, want: []string{`"id":"{call}"`, `"entries":0`}},
			{name: "the own union's judge reads none of it", as: "judge_a", method: "GET", path: "/api/v1/judging/{call}", status: 200,
				want: []string{`"entries":[]`, `"recused":1`}, not: []string{"焊花"}},
			{name: "nor its photo", as: "judge_a", method: "GET", path: "/api/v1/work-photos/{photo}", status: 404},
			{name: "nor scores it", as: "judge_a", method: "PUT", path: "/api/v1/judging/entries/{entry}", body: `{"marks":[100,100]}`, status: 404},
			{name: "the panel says so", as: "officer_a", method: "GET", path: "/api/v1/works/{call}/judges", status: 200, want: []string{`"recused":1`}},
			{name: "the judge's calls", as: "judge_c", method: "GET", path: "/api/v1/judging", status: 200, want: []string{`"id":"{call}"`, `"entries":1`, `"phase":"judging"`}},
			{name: "blind entries", as: "judge_c", method: "GET", path: "/api/v1/judging/{call}", status: 200,
				want: []string{`"number":1`, "焊花", `"can_score":true`, `"id":"{photo}"`}, not: []string{"张一", "测试公司A工会", "{m1}"}},
			{name: "the judge's photo", as: "judge_c", method: "GET", path: "/api/v1/work-photos/{photo}", status: 200},
			{name: "not a judge", as: "officer_b", method: "GET", path: "/api/v1/judging/{call}", status: 404},
			{name: "bad marks", as: "judge_c", method: "PUT", path: "/api/v1/judging/entries/{entry}", body: `{"marks":[101]}`, status: 422, want: []string{`"marks`}},
			{name: "not a judge's marks", as: "officer_b", method: "PUT", path: "/api/v1/judging/entries/{entry}", body: `{"marks":[80,90]}`, status: 404},
			{name: "marks", as: "judge_c", method: "PUT", path: "/api/v1/judging/entries/{entry}", body: `{"marks":[80,90]}`, status: 200, want: []string{`"total":84`}, not: []string{"张一"}},
			{name: "revised", as: "judge_c", method: "PUT", path: "/api/v1/judging/entries/{entry}", body: `{"marks":[90,90]}`, status: 200, want: []string{`"total":90`}},
			{name: "no award while judging", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/award", status: 409, want: []string{"not_judged"}},
			{name: "no results before the award", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/results", status: 409},
		})
		var judging struct{ Entries []map[string]any }
		f.getJSON("judge_c", "/api/v1/judging/"+c.ID, &judging)
		for k := range judging.Entries[0] {
			if k == "name" || k == "union" || k == "member_id" {
				t.Errorf("the judge reads the author's %s", k)
			}
		}

		// Judging closes: the award, the results, the author's news.
		travel(now.Add(97 * time.Hour))
		f.run([]Step{
			{name: "too late to score", as: "judge_c", method: "PUT", path: "/api/v1/judging/entries/{entry}", body: `{"marks":[10,10]}`, status: 409},
			{name: "a leader may not award", as: "leader_a", method: "POST", path: "/api/v1/works/{call}/award", status: 403},
			{name: "award", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/award", body: `{}`, status: 200, want: []string{`"ranked_at"`}},
			{name: "ranked", as: "officer_a", method: "GET", path: "/api/v1/works/{call}/entries", status: 200, want: []string{`"place":1`, `"award":"一等奖"`, `"score":90`}},
			{name: "the award is not news yet", as: "m1", method: "GET", path: "/api/v1/me/works/{call}", status: 200, not: []string{`"award":"一等奖"`, `"place":1`}},
			{name: "a leader may not publish the results", as: "leader_a", method: "POST", path: "/api/v1/works/{call}/results", status: 403},
			{name: "results", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/results", status: 200, want: []string{`"results_at"`}},
			{name: "results once", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/results", status: 409},
			{name: "winners", as: "officer_a", method: "GET", path: "/api/v1/works/{call}/winners", status: 200, want: []string{`"award":"一等奖"`, "张一"}},
			{name: "the author's award", as: "m1", method: "GET", path: "/api/v1/me/works/{call}", status: 200,
				want: []string{`"phase":"results"`, `"award":"一等奖"`, `"place":1`, `"winners":[{`}},
			{name: "frozen", as: "officer_a", method: "POST", path: "/api/v1/works/{call}/cancel", body: `{}`, status: 409},
			{name: "the awards", as: "officer_a", method: "GET", path: "/api/v1/works/{call}/awards", status: 200,
				want: []string{`"place":1`, `"award":"一等奖"`, `"member_id":"{m1}"`, `"union_id":"{unionA}"`, `"union":"测试公司A工会"`, `"score":90`, `"judges":1`, "焊花"}},
			{name: "another street's awards", as: "officer_b", method: "GET", path: "/api/v1/works/{call}/awards", status: 404},
			{name: "nor their workbook", as: "officer_b", method: "GET", path: "/api/v1/works/{call}/awards.xlsx", status: 404},
			{name: "a bad size", as: "m1", method: "GET", path: "/api/v1/me/work-photos/{photo}?size=huge", status: 422, want: []string{`"size"`}},
		})
		rows := f.workbook("officer_a", "/api/v1/works/{call}/awards.xlsx", ".xlsx")
		if len(rows) != 2 || strings.Join(rows[1], "|") != "1|一等奖|焊花|张一|测试公司A工会|90" {
			t.Fatalf("the awards workbook: %v", rows)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'works.export'"); n != 1 {
			t.Fatalf("%d audit entries for the awards workbook", n)
		}
		// The winners' photos reach the call's audience, as copies for phones.
		ph = f.request(f.token("m2"), "GET", "/api/v1/me/work-photos/{photo}", "", nil, nil)
		if ph.status != 200 || ph.header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("a winner's photo for the audience: %d %v", ph.status, ph.header)
		}
		ph = f.request(f.token("m1"), "GET", "/api/v1/me/work-photos/{photo}?size=thumb", "", nil, nil)
		if ph.status != 200 || ph.header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("the author's copy for phones: %d %v", ph.status, ph.header)
		}
		f.run([]Step{
			{name: "the winners with their photos", as: "m2", method: "GET", path: "/api/v1/me/works/{call}", status: 200, want: []string{`"winners":[{`, `"photos":[{"id":"{photo}"`}},
			{name: "another street's member", as: "m_b", method: "GET", path: "/api/v1/me/work-photos/{photo}", status: 404},
		})

	})
}

// An essay call through the API with JSON entries: field by field
// refusals (nothing kept), a JSON entry handed in and edited, a form
// still taken, and a photo call refusing a JSON entry without photos.
func TestWorksAPIEssayJSON(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.signedInMember("m1", "张一", "unionA", "13800000061", 21)
		now := time.Now().UTC().Truncate(time.Second)
		at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
		var c struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/works", `{"org_id":"{streetA}","title":"我的劳动故事征文","kind":"essay","min_chars":10,"max_chars":200,"per_member":2,
			"opens_at":"`+at(-time.Hour)+`","closes_at":"`+at(48*time.Hour)+`","judge_until":"`+at(96*time.Hour)+`",
			"criteria":[{"name":"主题","weight":100}],"tiers":[{"name":"一等奖","count":1}]}`, 201, &c)
		f.ids["essay"] = c.ID
		f.postJSON("officer_a", "POST", "/api/v1/works/{essay}/publish", `{}`, 200, nil)
		var p struct{ ID string }
		f.postJSON("officer_a", "POST", "/api/v1/works", `{"org_id":"{streetA}","title":"劳动之美摄影","kind":"photo",
			"opens_at":"`+at(-time.Hour)+`","closes_at":"`+at(48*time.Hour)+`","judge_until":"`+at(96*time.Hour)+`",
			"criteria":[{"name":"主题","weight":100}],"tiers":[{"name":"一等奖","count":1}]}`, 201, &p)
		f.ids["photocall"] = p.ID
		f.postJSON("officer_a", "POST", "/api/v1/works/{photocall}/publish", `{}`, 200, nil)
		story := "那年冬天，我们在隧道里连续干了三个通宵，终于按时贯通。"
		f.run([]Step{
			{name: "every field's fault", as: "m1", method: "POST", path: "/api/v1/me/works/{essay}/entries", body: `{"title":" ","body":"太短"}`, status: 422,
				want: []string{`"title"`, `"body"`, `"original"`}},
			{name: "a wrong type names its field", as: "m1", method: "POST", path: "/api/v1/me/works/{essay}/entries", body: `{"title":"隧道","body":"` + story + `","original":"yes"}`, status: 422,
				want: []string{`"original"`}},
			{name: "an unknown field", as: "m1", method: "POST", path: "/api/v1/me/works/{essay}/entries", body: `{"title":"隧道","body":"` + story + `","original":true,"photo":"x"}`, status: 400,
				want: []string{`"photo"`}},
			{name: "not JSON", as: "m1", method: "POST", path: "/api/v1/me/works/{essay}/entries", body: `{"title":`, status: 400},
			{name: "nothing kept", as: "m1", method: "GET", path: "/api/v1/me/works/{essay}", status: 200, want: []string{`"entries":[]`}},
			{name: "a photo call wants photos", as: "m1", method: "POST", path: "/api/v1/me/works/{photocall}/entries", body: `{"title":"照片","original":true}`, status: 422,
				want: []string{`"photos"`}},
		})
		var e struct{ ID, Status, Body string }
		f.postJSON("m1", "POST", "/api/v1/me/works/{essay}/entries", `{"title":"隧道","body":"`+story+`","note":"写于 2025 年","original":true}`, 201, &e)
		if e.Status != "submitted" || e.Body != story {
			t.Fatalf("the JSON entry: %+v", e)
		}
		f.ids["entry"] = e.ID
		f.run([]Step{
			{name: "edited as JSON", as: "m1", method: "PUT", path: "/api/v1/me/work-entries/{entry}", body: `{"title":"贯通","body":"` + story + story + `","original":true}`, status: 200,
				want: []string{`"title":"贯通"`}},
			{name: "a bad ID to remove", as: "m1", method: "PUT", path: "/api/v1/me/work-entries/{entry}", body: `{"title":"贯通","body":"` + story + `","original":true,"remove":["x"]}`, status: 422,
				want: []string{`"remove"`}},
		})
		res := f.sendEntry("m1", "POST", "/api/v1/me/works/{essay}/entries", map[string]string{"title": "第二篇", "body": story, "original": "true"})
		if res.status != 201 {
			t.Fatalf("a form still: %d %s", res.status, res.body)
		}
	})
}

// count answers a single-number query.
func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(t.Context(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
