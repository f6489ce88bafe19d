package site

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/sheet"
	"gonghui/internal/testkit"
)

// actSite is the member site with the activity store behind its pages.
type actSite struct {
	*memberSite
	acts    *activity.Store
	officer *auth.Principal // dashilan's grants, for the store in the setup
}

func newActSite(t *testing.T, d *db.DB) *actSite {
	t.Helper()
	ms := newMemberSite(t, d)
	s := &actSite{memberSite: ms, acts: activity.NewStore(d, ms.members)}
	s.officer = mountStaffSignup(t, d, ms, s.acts, nil)
	return s
}

// bj writes a time as a datetime-local field sends it (Beijing).
func bj(t time.Time) string { return t.In(beijing.Zone).Format("2006-01-02T15:04") }

// running creates and publishes an activity of the eastern street that
// started an hour ago: sign-ups and check-ins are open.
func (s *actSite) running(t *testing.T, title string, in activity.Input) *activity.Activity {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if in.OrgID == 0 {
		in.OrgID = s.east.ID
	}
	if in.Kind == "" {
		in.Kind = "visit"
	}
	in.Title = title
	if in.StartsAt == "" {
		in.StartsAt, in.EndsAt = bj(now.Add(-time.Hour)), bj(now.Add(3*time.Hour))
		in.RegOpensAt, in.RegClosesAt = bj(now.Add(-48*time.Hour)), bj(now.Add(2*time.Hour))
		in.CancelBefore = bj(now.Add(-2 * time.Hour))
	}
	a, err := s.acts.Create(ctx, s.officer, in)
	if err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	if a, err = s.acts.Publish(ctx, s.officer, a.ID); err != nil {
		t.Fatalf("publish %s: %v", title, err)
	}
	return a
}

func actID(a *activity.Activity) string { return db.FormatID(a.ID) }

func countActivities(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM activities").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// upload posts a multipart form with one file.
func (c *client) upload(path string, fields url.Values, field, name string, data []byte, tokenFrom string) answer {
	c.t.Helper()
	page := c.get(tokenFrom)
	m := csrfRE.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("no csrf token on %s", tokenFrom)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", m[1])
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var actRawKeyRE = keyRE("aweb|activity|flash")

func wantNoRawKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, actRawKeyRE, rawKeyRE)
}

func TestActivityPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newActSite(t, d)
		zhang, li, wang := s.addTrio(t)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		now := time.Now()

		t.Run("nav and empty list", func(t *testing.T) {
			a := officer.get("/activities")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, `href="/activities" aria-current="page"`, "还没有活动", `href="/activities/new"`)
			wantNoRawKeys(t, "list", a)
			wantStatus(t, "admin without activity roles", s.login("admin", "").get("/activities"), http.StatusForbidden)
			wantBody(t, "org page link", officer.get("/orgs/"+id(s.east)), `href="/activities?org=`+id(s.east)+`"`)
		})

		t.Run("bad input shows field errors and saves nothing", func(t *testing.T) {
			before := countActivities(t, d)
			a := officer.get("/activities/new")
			wantStatus(t, "form", a, 200)
			wantBody(t, "form", a, `name="org_id" value="`+id(s.east)+`" data-picker-value`, `name="cp_name.0"`, `type="datetime-local"`,
				"劳模", `name="tag"`, "与主办组织相同")
			wantNoRawKeys(t, "form", a)

			form := url.Values{"org_id": {id(s.east)}, "title": {"红色教育参观"}, "kind": {"visit"}, "lat": {"北纬39度"}, "lng": {"116.4"},
				"capacity": {"三十"}, "starts_at": {bj(now.Add(24 * time.Hour))}, "ends_at": {bj(now.Add(26 * time.Hour))}, "waitlist": {"1"}}
			a = officer.post("/activities/new", form, "/activities/new")
			wantStatus(t, "garbage numbers", a, http.StatusUnprocessableEntity)
			wantBody(t, "garbage numbers", a, "应为数字，例如 39.9042。", "应为整数。", `value="北纬39度"`, `value="红色教育参观"`, `id="f-lat-error"`, `id="f-capacity-error"`)
			wantNoRawKeys(t, "garbage numbers", a)

			form = url.Values{"org_id": {id(s.east)}, "title": {""}, "kind": {"visit"}, "starts_at": {"明天上午"}, "ends_at": {bj(now.Add(26 * time.Hour))},
				"capacity": {"0"}, "waitlist": {"1"}, "stamps_required": {"2"}, "cp_name.0": {"一号点"}, "cp_rotate.0": {"5"}}
			a = officer.post("/activities/new", form, "/activities/new")
			wantStatus(t, "store errors", a, http.StatusUnprocessableEntity)
			wantBody(t, "store errors", a, `id="f-title-error"`, "必填。", "时间格式应为", "设置名额上限后才能开启候补。",
				`id="f-cp_rotate-0-error"`, "集章有奖时请填写奖品。", `value="一号点"`)
			wantNoRawKeys(t, "store errors", a)
			// Unticked boxes stay unticked.
			if strings.Contains(a.body, `name="approval" value="1" checked`) {
				t.Error("approval came back ticked")
			}
			if n := countActivities(t, d); n != before {
				t.Fatalf("activities: %d, want %d", n, before)
			}
			// Another street's organisation as the publisher.
			form = url.Values{"org_id": {id(s.west)}, "title": {"越界活动"}, "kind": {"visit"}, "starts_at": {bj(now.Add(24 * time.Hour))}, "ends_at": {bj(now.Add(26 * time.Hour))}}
			a = officer.post("/activities/new", form, "/activities/new")
			wantStatus(t, "outside publisher", a, http.StatusUnprocessableEntity)
			wantBody(t, "outside publisher", a, `id="f-org_id-error"`, "不在您的管理范围内")
			if n := countActivities(t, d); n != before {
				t.Fatalf("activities: %d, want %d", n, before)
			}
		})

		var created string
		t.Run("create, edit and publish", func(t *testing.T) {
			form := url.Values{"org_id": {id(s.east)}, "audience_org_id": {id(s.unionE)}, "title": {"大栅栏胡同健步走"}, "kind": {"walk"},
				"description": {"沿胡同走一圈\n集章换奖品"}, "venue": {"大栅栏"}, "address": {"西城区大栅栏街"}, "lat": {"39.8947"}, "lng": {"116.3936"},
				"starts_at": {bj(now.Add(48 * time.Hour))}, "ends_at": {bj(now.Add(51 * time.Hour))}, "capacity": {"30"}, "waitlist": {"1"},
				"cp_name.0": {"起点"}, "cp_rotate.0": {"30"}, "cp_name.1": {"终点"}, "cp_name.2": {""}, "stamps_required": {"2"}, "prize": {"纪念徽章"}}
			a := officer.post("/activities/new", form, "/activities/new")
			wantStatus(t, "create", a, http.StatusSeeOther)
			m := regexp.MustCompile(`^/activities/([0-9]+)$`).FindStringSubmatch(a.location)
			if m == nil || flashSet(a) == "" {
				t.Fatalf("created at %q", a.location)
			}
			created = m[1]
			a = officer.get("/activities/" + created)
			wantStatus(t, "show", a, 200)
			wantBody(t, "show", a, "大栅栏胡同健步走", "草稿", "健步走", "北京排水集团工会", "起点", "终点", "每 30 秒刷新", "纪念徽章", "0 / 30",
				`action="/activities/`+created+`/publish"`, "39.894700, 116.393600", "沿胡同走一圈\n集章换奖品")
			wantNoRawKeys(t, "show", a)

			// The edit form keeps the checkpoints' identities.
			a = officer.get("/activities/" + created + "/edit")
			wantStatus(t, "edit", a, 200)
			wantBody(t, "edit", a, `value="大栅栏胡同健步走"`, `name="cp_id.0"`, `value="起点"`, `name="cp_remove.1"`, `name="cp_name.2"`, `name="version" value="1"`)
			cpIDs := regexp.MustCompile(`name="cp_id\.(\d)" value="(\d+)"`).FindAllStringSubmatch(a.body, -1)
			if len(cpIDs) < 2 {
				t.Fatalf("checkpoint ids: %v", cpIDs)
			}
			edit := url.Values{"title": {"大栅栏胡同健步走（第二期）"}, "kind": {"walk"}, "audience_org_id": {id(s.unionE)},
				"starts_at": {bj(now.Add(48 * time.Hour))}, "ends_at": {bj(now.Add(51 * time.Hour))}, "capacity": {"40"}, "waitlist": {"1"},
				"cp_id.0": {cpIDs[0][2]}, "cp_name.0": {"起点"}, "cp_rotate.0": {"30"}, "cp_id.1": {cpIDs[1][2]}, "cp_name.1": {"终点站"},
				"stamps_required": {"2"}, "prize": {"纪念徽章"}, "version": {"1"}}
			a = officer.post("/activities/"+created+"/edit", edit, "/activities/"+created+"/edit")
			wantStatus(t, "save", a, http.StatusSeeOther)
			id, _ := db.ParseID(created)
			act, err := s.acts.Get(ctx, s.officer, id)
			if err != nil || act.Title != "大栅栏胡同健步走（第二期）" || act.Capacity != 40 || len(act.Checkpoints) != 2 ||
				db.FormatID(act.Checkpoints[0].ID) != cpIDs[0][2] || act.Checkpoints[1].Name != "终点站" {
				t.Fatalf("after editing: %+v %v", act, err)
			}
			// The same version again is stale.
			a = officer.post("/activities/"+created+"/edit", edit, "/activities/"+created+"/edit")
			wantStatus(t, "stale", a, http.StatusConflict)
			wantBody(t, "stale", a, "该活动已被他人修改")

			a = officer.post("/activities/"+created+"/publish", url.Values{}, "/activities/"+created)
			wantStatus(t, "publish", a, http.StatusSeeOther)
			a = officer.get(a.location)
			wantBody(t, "published", a, "活动已发布，会员现在可以报名。", "已发布")
			wantNoBody(t, "published", a, `action="/activities/`+created+`/publish"`)
			// Publishing twice is refused on the page.
			a = officer.post("/activities/"+created+"/publish", url.Values{}, "/activities/"+created)
			wantStatus(t, "publish again", a, http.StatusConflict)
			wantBody(t, "publish again", a, "只有草稿可以发布。")
		})

		walk := s.running(t, "前门健步走", activity.Input{Kind: "walk", Capacity: 1, Waitlist: true, WalkIns: false, StampsRequired: 1, Prize: "保温杯",
			Checkpoints: []activity.CheckpointInput{{Name: "前门"}, {Name: "天坛", RotateSeconds: 60}}})
		lecture := s.running(t, "劳动法讲座", activity.Input{Kind: "lecture"})
		draft, err := s.acts.Create(ctx, s.officer, activity.Input{OrgID: s.unionE.ID, Title: "职工书屋读书会", Kind: "other",
			StartsAt: "2030-05-01T09:00", EndsAt: "2030-05-01T11:00"})
		if err != nil {
			t.Fatal(err)
		}
		westAct, err := s.acts.Create(ctx, &auth.Principal{Kind: "staff", Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.west.ID, OrgPath: s.west.Path}}},
			activity.Input{OrgID: s.west.ID, Title: "西长安街观影", Kind: "screening", StartsAt: "2030-06-01T19:00", EndsAt: "2030-06-01T21:00"})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("list filters", func(t *testing.T) {
			a := officer.get("/activities")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, "前门健步走", "劳动法讲座", "职工书屋读书会", "已发布", "草稿", "0 / 1", "不限")
			wantNoBody(t, "list", a, "西长安街观影")
			wantNoRawKeys(t, "list", a)
			a = officer.get("/activities?kind=walk")
			wantBody(t, "kind", a, "前门健步走")
			wantNoBody(t, "kind", a, "劳动法讲座", "职工书屋读书会")
			a = officer.get("/activities?status=draft")
			wantBody(t, "status", a, "职工书屋读书会")
			wantNoBody(t, "status", a, "前门健步走")
			a = officer.get("/activities?q=" + url.QueryEscape("讲座"))
			wantBody(t, "title", a, "劳动法讲座", `value="讲座"`)
			wantNoBody(t, "title", a, "前门健步走")
			a = officer.get("/activities?from=2030-01-01&to=2030-12-31")
			wantBody(t, "dates", a, "职工书屋读书会")
			wantNoBody(t, "dates", a, "劳动法讲座")
			a = officer.get("/activities?org=" + id(s.unionE))
			wantBody(t, "org", a, "职工书屋读书会", `href="/activities/new?org=`+id(s.unionE)+`"`)
			wantNoBody(t, "org", a, "劳动法讲座")
			a = officer.get("/activities?from=2030-13-45")
			wantStatus(t, "bad date", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad date", a, `id="f-from-error"`)
			a = officer.get("/activities?org=" + id(s.west))
			wantStatus(t, "another street as filter", a, http.StatusUnprocessableEntity)
			wantNoBody(t, "another street as filter", a, "西长安街观影")
			a = officer.get("/activities?kind=walk&cursor=garbage!")
			wantStatus(t, "bad cursor", a, http.StatusBadRequest)
			west := west.get("/activities")
			wantBody(t, "west list", west, "西长安街观影")
			wantNoBody(t, "west list", west, "前门健步走")
		})

		t.Run("staff sign members up", func(t *testing.T) {
			page := "/activities/" + actID(walk)
			a := officer.post(page+"/members", url.Values{"mq": {"张建华"}}, page)
			wantStatus(t, "search", a, 200)
			wantBody(t, "search", a, "张建华", "北京排水集团工会", `name="member_id" value="`+mid(zhang)+`"`)
			a = officer.post(page+"/members", url.Values{"mq": {idNumber(t, 3)}}, page)
			wantBody(t, "another street's member by number", a, "在您管理的范围内没有找到该会员")
			wantNoBody(t, "another street's member by number", a, "王德明")

			a = officer.post(page+"/register", url.Values{"member_id": {mid(zhang)}}, page)
			wantStatus(t, "register", a, http.StatusSeeOther)
			a = officer.get(a.location)
			wantBody(t, "registered", a, "已为会员报名。", "张建华", "报名成功", "工作人员代报", "1 / 1")
			a = officer.post(page+"/register", url.Values{"member_id": {mid(li)}}, page)
			wantStatus(t, "waiting", a, http.StatusSeeOther)
			wantBody(t, "waiting", officer.get(a.location), "名额已满，会员已进入候补名单。", "候补中")
			a = officer.post(page+"/register", url.Values{"member_id": {mid(wang)}}, page)
			wantStatus(t, "outside the audience", a, http.StatusUnprocessableEntity)
			wantBody(t, "outside the audience", a, "该会员不在本活动的参加对象范围内。")
			a = officer.post(page+"/register", url.Values{"member_id": {"abc"}}, page)
			wantStatus(t, "bad id", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad id", a, `id="f-member_id-error"`)

			a = officer.get(page + "?rstatus=waiting")
			wantBody(t, "waiting tab", a, "李秀英")
			wantNoBody(t, "waiting tab", a, `<a href="/members/`+mid(zhang)+`">张建华</a>`)
			a = officer.get(page + "?rq=" + url.QueryEscape("秀英"))
			wantBody(t, "name search", a, "李秀英")
		})

		t.Run("import a list", func(t *testing.T) {
			page := "/activities/" + actID(lecture)
			csv := "姓名,身份证号\n张建华," + idNumber(t, 1) + "\n王德明," + idNumber(t, 3) + "\n某人,12345\n李秀英," + idNumber(t, 2) + "\n"
			a := officer.upload(page+"/import", nil, "file", "名单.csv", []byte(csv), page)
			wantStatus(t, "import", a, 200)
			wantBody(t, "import", a, "成功 2 人，未成功 2 人。", "<td class=\"num\">2</td>", "<td class=\"num\">3</td>",
				"在您管理的范围内没有该会员", "身份证号或手机号格式不正确", "报名成功")
			wantNoBody(t, "import", a, idNumber(t, 1), idNumber(t, 3))
			regs, _, err := s.acts.Registrations(ctx, s.officer, lecture.ID, activity.RegQuery{})
			if err != nil || len(regs) != 2 {
				t.Fatalf("registrations after import: %v %v", regs, err)
			}
			a = officer.upload(page+"/import", nil, "file", "x.csv", []byte("姓名,岗位\n张三,司机\n"), page)
			wantStatus(t, "no column", a, http.StatusUnprocessableEntity)
			wantBody(t, "no column", a, "没有找到“身份证号”或“手机号”列。")
		})

		t.Run("attendance, check-in and export", func(t *testing.T) {
			if _, _, err := s.acts.CheckIn(ctx, s.officer, walk.ID, activity.CheckInInput{MemberID: zhang.ID}); err != nil {
				t.Fatal(err)
			}
			page := "/activities/" + actID(walk)
			a := officer.get(page)
			wantStatus(t, "show", a, 200)
			wantBody(t, "attendance", a, "到场人数", "100.0%", "共 1 家工会、1 名职工参加。", "北京排水集团工会")
			a = officer.get(page + "?tab=checkins")
			wantBody(t, "check-ins", a, "张建华", "前门", "工作人员登记")

			// A card scanned on the phone, answered as JSON.
			c, err := s.members.Card(ctx, s.system, zhang.ID)
			if err != nil {
				t.Fatal(err)
			}
			scan := officer.get(page + "/scan")
			wantStatus(t, "scanner", scan, 200)
			wantBody(t, "scanner", scan, "天坛", `data-scan-form`, `name="card"`)
			wantNoRawKeys(t, "scanner", scan)
			cp := regexp.MustCompile(`<option value="(\d+)"[^>]*>天坛</option>`).FindStringSubmatch(scan.body)
			if cp == nil {
				t.Fatal("no checkpoint option")
			}
			form := url.Values{"mode": {"checkin"}, "checkpoint_id": {cp[1]}, "card": {c.Payload}, "csrf_token": {csrfRE.FindStringSubmatch(scan.body)[1]}}
			req, _ := http.NewRequest("POST", officer.base+page+"/scan", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			a = officer.do(req)
			wantStatus(t, "scan", a, 200)
			wantBody(t, "scan", a, `"ok":true`, "张建华", "天坛", "已集 2 / 2 个章", "可兑奖")
			// A refusal answered as JSON gets the status the API gives the
			// same refusal (Li is on the waiting list: a conflict).
			lc, err := s.members.Card(ctx, s.system, li.ID)
			if err != nil {
				t.Fatal(err)
			}
			form.Set("card", lc.Payload)
			req, _ = http.NewRequest("POST", officer.base+page+"/scan", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			a = officer.do(req)
			wantStatus(t, "scan waiting", a, http.StatusConflict)
			wantBody(t, "scan waiting", a, `"ok":false`, "没有该活动的报名记录，不能签到。")
			if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("scan waiting: content type %q", ct)
			}
			// Without JS the page comes back with the answer.
			a = officer.post(page+"/scan", url.Values{"mode": {"checkin"}, "checkpoint_id": {cp[1]}, "card": {"GHC1:garbage"}}, page+"/scan")
			wantStatus(t, "bad card", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad card", a, "scan-bad", "会员卡无法识别。")
			// Li is on the waiting list: no check-in.
			a = officer.post(page+"/checkin", url.Values{"member_id": {mid(li)}}, page)
			wantStatus(t, "not registered", a, http.StatusConflict)
			wantBody(t, "not registered", a, "没有该活动的报名记录，不能签到。")

			// The prize, once.
			a = officer.post(page+"/redeem", url.Values{"redeem_member_id": {mid(zhang)}}, page)
			wantStatus(t, "redeem", a, http.StatusSeeOther)
			a = officer.post(page+"/redeem", url.Values{"redeem_card": {c.Payload}}, page)
			wantStatus(t, "redeem again", a, http.StatusConflict)
			wantBody(t, "redeem again", a, "奖品已经兑换过。")

			a = officer.get(page + "/attendance.xlsx")
			wantStatus(t, "export", a, 200)
			if ct := a.header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") || !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("export headers: %v", a.header)
			}
			rd, err := sheet.Open(strings.NewReader(a.body), int64(len(a.body)), sheet.Options{})
			if err != nil {
				t.Fatalf("export is not a workbook: %v", err)
			}
			defer rd.Close()
			if h := strings.Join(rd.Header(), ","); !strings.Contains(h, "姓名") || !strings.Contains(h, "前门") || !strings.Contains(h, "天坛") {
				t.Fatalf("header: %s", h)
			}
			var names []string
			for {
				row, err := rd.Next()
				if err != nil {
					break
				}
				names = append(names, row.Cells[0]+"/"+row.Cells[2])
			}
			if strings.Join(names, ",") != "张建华/报名成功,李秀英/候补中" {
				t.Fatalf("rows: %v", names)
			}
			// The names that left are in the audit log, counted.
			if n := s.count(t, `SELECT count(*) FROM audit_log WHERE action = 'activity.export' AND after_json = '{"rows":2}'`); n != 1 {
				t.Fatalf("%d audited exports of 2 rows", n)
			}

			a = officer.get(page + "/calendar.ics")
			wantStatus(t, "ics", a, 200)
			wantBody(t, "ics", a, "BEGIN:VCALENDAR", "SUMMARY:前门健步走")
		})

		t.Run("checkpoint screen", func(t *testing.T) {
			a := officer.get("/activities/" + actID(walk))
			links := regexp.MustCompile(`href="(/activities/\d+/checkpoints/(\d+)/display)"`).FindAllStringSubmatch(a.body, -1)
			if len(links) != 2 {
				t.Fatalf("display links: %v", links)
			}
			a = officer.get(links[1][1])
			wantStatus(t, "display", a, 200)
			wantBody(t, "display", a, "前门健步走", "天坛", "/qr.png?w=", "/m/checkin?code=GHA1%3A", "data-code-refresh", "每 60 秒自动更新")
			wantNoRawKeys(t, "display", a)
			img := regexp.MustCompile(`src="(/activities/[^"]+/qr\.png[^"]*)"`).FindStringSubmatch(a.body)
			if img == nil {
				t.Fatal("no image")
			}
			png := officer.get(strings.ReplaceAll(img[1], "&amp;", "&"))
			wantStatus(t, "png", png, 200)
			if png.header.Get("Content-Type") != "image/png" || png.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(png.body, "\x89PNG") {
				t.Fatalf("png: %v", png.header)
			}
			code := officer.get("/activities/" + actID(walk) + "/checkpoints/" + links[1][2] + "/code")
			wantBody(t, "code", code, `"url":"http://`, `"refresh_in_ms":`)
			wantStatus(t, "another activity's checkpoint", officer.get("/activities/"+actID(lecture)+"/checkpoints/"+links[1][2]+"/display"), 404)
		})

		t.Run("another subtree's staff get 404", func(t *testing.T) {
			page := "/activities/" + actID(walk)
			for _, p := range []string{page, page + "/edit", page + "/scan", page + "/attendance.xlsx", page + "/calendar.ics",
				"/activities/" + actID(draft)} {
				a := west.get(p)
				wantStatus(t, p, a, 404)
				wantNoBody(t, p, a, "前门健步走", "职工书屋读书会")
			}
			a := west.post(page+"/publish", url.Values{}, "/activities/"+actID(westAct))
			wantStatus(t, "publish", a, 404)
			a = west.post(page+"/register", url.Values{"member_id": {mid(wang)}}, "/activities/"+actID(westAct))
			wantStatus(t, "register", a, 404)
			wantStatus(t, "own", officer.get("/activities/"+actID(westAct)), 404)
		})

		t.Run("cancel and finish", func(t *testing.T) {
			page := "/activities/" + actID(lecture)
			a := officer.post(page+"/report", url.Values{"report": {"共 2 人参加。"}}, page)
			wantStatus(t, "report", a, http.StatusSeeOther)
			wantBody(t, "report", officer.get(page), "共 2 人参加。")
			a = officer.post(page+"/finish", url.Values{}, page)
			wantStatus(t, "finish", a, http.StatusSeeOther)
			wantBody(t, "finished", officer.get(page), "已结束")
			wantStatus(t, "edit finished", officer.get(page+"/edit"), http.StatusConflict)
			page = "/activities/" + actID(draft)
			a = officer.post(page+"/cancel", url.Values{"reason": {"场地维修"}}, page)
			wantStatus(t, "cancel", a, http.StatusSeeOther)
			wantBody(t, "cancelled", officer.get(page), "活动已取消", "场地维修")
		})

		t.Run("english", func(t *testing.T) {
			en := s.login("dashilan", "en")
			a := en.get("/activities/" + actID(walk))
			wantStatus(t, "en", a, 200)
			wantBody(t, "en", a, "Sign-ups and check-ins", "Attendance")
			wantNoRawKeys(t, "en", a)
			wantNoRawKeys(t, "en form", en.get("/activities/new"))
			wantNoRawKeys(t, "en scan", en.get("/activities/"+actID(walk)+"/scan?mode=redeem"))
		})
	})
}
