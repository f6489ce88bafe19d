package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// crsSite is the member site with the course store behind its pages, and
// a clock the test may move (the zero time: the real one).
type crsSite struct {
	*memberSite
	crs     *course.Store
	officer *auth.Principal // dashilan's grants, for the store in the setup
	mu      sync.Mutex
	now     time.Time
}

func (s *crsSite) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.now.IsZero() {
		return time.Now()
	}
	return s.now
}

// set moves the store's clock; the zero time gives the real one back.
func (s *crsSite) set(t time.Time) { s.mu.Lock(); s.now = t; s.mu.Unlock() }

func newCrsSite(t *testing.T, d *db.DB) *crsSite {
	t.Helper()
	ms := newMemberSite(t, d)
	s := &crsSite{memberSite: ms, crs: course.NewStore(d, ms.members)}
	s.crs.SetClock(s.clock)
	s.officer = mountStaffSignup(t, d, ms, activity.NewStore(d, ms.members), s.crs)
	return s
}

func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var crsRawKeyRE = keyRE("cweb|course|flash")

func wantNoCrsKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, crsRawKeyRE, actRawKeyRE, rawKeyRE)
}

// day is a Beijing date n days from now.
func day(n int) string { return time.Now().In(beijing.Zone).AddDate(0, 0, n).Format(time.DateOnly) }

func memberSelf(m *member.Member) *auth.Principal {
	return &auth.Principal{Kind: auth.KindMember, MemberID: m.ID}
}

func TestCoursePages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newCrsSite(t, d)
		zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker")
		li := s.add(t, s.unionE, "李秀英", 2, "2021-06-15")
		zhao := s.add(t, s.unionE, "赵卫东", 4, "2018-04-20")
		wang := s.add(t, s.unionW, "王德明", 3, "2020-01-10")
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")

		t.Run("nav and empty list", func(t *testing.T) {
			a := officer.get("/courses")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, `href="/courses" aria-current="page"`, "还没有课程", `href="/courses/new"`)
			wantNoCrsKeys(t, "list", a)
			wantStatus(t, "admin without activity roles", s.login("admin", "").get("/courses"), http.StatusForbidden)
			wantBody(t, "org page link", officer.get("/orgs/"+id(s.east)), `href="/courses?org=`+id(s.east)+`"`)
		})

		var courseID string
		t.Run("course form", func(t *testing.T) {
			a := officer.get("/courses/new")
			wantStatus(t, "form", a, 200)
			wantBody(t, "form", a, `name="org_id" value="`+id(s.east)+`" data-picker-value`, `name="category"`, "太极", "书法")
			wantNoCrsKeys(t, "form", a)
			a = officer.post("/courses/new", url.Values{"org_id": {id(s.east)}, "title": {""}, "category": {"karaoke"}, "description": {"每周练习"}}, "/courses/new")
			wantStatus(t, "bad", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad", a, `id="f-title-error"`, `id="f-category-error"`, "每周练习")
			wantNoCrsKeys(t, "bad", a)
			a = officer.post("/courses/new", url.Values{"org_id": {id(s.west)}, "title": {"越界课程"}, "category": {"yoga"}}, "/courses/new")
			wantStatus(t, "outside", a, http.StatusUnprocessableEntity)
			wantBody(t, "outside", a, `id="f-org_id-error"`, "不在您的管理范围内")
			if n := countRows(t, d, "courses"); n != 0 {
				t.Fatalf("courses saved: %d", n)
			}
			a = officer.post("/courses/new", url.Values{"org_id": {id(s.east)}, "title": {"太极拳"}, "category": {"taiji"}, "description": {"二十四式"}}, "/courses/new")
			wantStatus(t, "create", a, http.StatusSeeOther)
			m := regexp.MustCompile(`^/courses/([0-9]+)$`).FindStringSubmatch(a.location)
			if m == nil || flashSet(a) == "" {
				t.Fatalf("created at %q", a.location)
			}
			courseID = m[1]
			a = officer.get(a.location)
			wantBody(t, "show", a, "课程已创建。", "太极拳", "太极", "大栅栏街道总工会", "还没有开设任何一期。", `href="/courses/`+courseID+`/terms/new"`)
			wantNoCrsKeys(t, "show", a)
			edit := url.Values{"title": {"太极拳（二十四式）"}, "category": {"taiji"}, "version": {"1"}}
			a = officer.post("/courses/"+courseID+"/edit", edit, "/courses/"+courseID+"/edit")
			wantStatus(t, "edit", a, http.StatusSeeOther)
			a = officer.post("/courses/"+courseID+"/edit", edit, "/courses/"+courseID+"/edit")
			wantStatus(t, "stale", a, http.StatusConflict)
			wantBody(t, "stale", a, "该课程已被他人修改")
		})

		var termID string
		newTerm := "/courses/" + courseID + "/terms/new" // courseID is set by now
		good := func() url.Values {
			return url.Values{"name": {"春季班"}, "teacher": {"王老师"}, "venue": {"职工之家"}, "capacity": {"2"},
				"enrol_closes_at": {day(8) + "T20:00"}, "starts_on": {day(10)}, "ends_on": {day(23)},
				"slot_weekday.0": {"2"}, "slot_start.0": {"19:00"}, "slot_minutes.0": {"90"},
				"slot_weekday.1": {"4"}, "slot_start.1": {"08:30"}, "slot_minutes.1": {"60"},
				"slot_weekday.2": {"1"}, "slot_start.2": {""}, "slot_minutes.2": {""}}
		}
		t.Run("bad term input shows field errors and saves nothing", func(t *testing.T) {
			a := officer.get(newTerm)
			wantStatus(t, "form", a, 200)
			wantBody(t, "form", a, `name="slot_weekday.0"`, `name="slot_start.2"`, `type="time"`, `type="datetime-local"`, `type="date"`,
				"周日", "与开课组织相同", `name="tag"`, "data-add-cp")
			wantNoCrsKeys(t, "form", a)
			bad := good()
			bad.Set("name", "")
			bad.Set("capacity", "二十")
			bad.Set("slot_start.1", "7pm")
			bad.Set("slot_minutes.0", "5")
			bad.Set("ends_on", day(5))
			a = officer.post(newTerm, bad, newTerm)
			wantStatus(t, "bad", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad", a, `id="f-capacity-error"`, `value="王老师"`)
			bad.Set("capacity", "2")
			a = officer.post(newTerm, bad, newTerm)
			wantStatus(t, "store errors", a, http.StatusUnprocessableEntity)
			wantBody(t, "store errors", a, `id="f-name-error"`, `id="f-slot_start-1-error"`, "上课时间格式应为 HH:MM", `id="f-slot_minutes-0-error"`,
				`id="f-ends_on-error"`, `value="7pm"`, `value="职工之家"`)
			wantNoCrsKeys(t, "store errors", a)
			none := good()
			for _, k := range []string{"slot_start.0", "slot_minutes.0", "slot_start.1", "slot_minutes.1"} {
				none.Set(k, "")
			}
			a = officer.post(newTerm, none, newTerm)
			wantStatus(t, "no schedule", a, http.StatusUnprocessableEntity)
			wantBody(t, "no schedule", a, "请至少安排每周一次上课时间。")
			if n := countRows(t, d, "course_terms"); n != 0 {
				t.Fatalf("terms saved: %d", n)
			}
		})

		t.Run("create and publish a term", func(t *testing.T) {
			a := officer.post(newTerm, good(), newTerm)
			wantStatus(t, "create", a, http.StatusSeeOther)
			m := regexp.MustCompile(`^/terms/([0-9]+)$`).FindStringSubmatch(a.location)
			if m == nil || flashSet(a) == "" {
				t.Fatalf("created at %q", a.location)
			}
			termID = m[1]
			a = officer.get(a.location)
			wantStatus(t, "show", a, 200)
			wantBody(t, "show", a, "草稿", "王老师", "周二 19:00（90 分钟）", "周四 08:30（60 分钟）", `action="/terms/`+termID+`/publish"`, "0 / 2")
			wantNoBody(t, "draft hides the lottery", a, "抽签种子的 SHA-256 已公示")
			wantNoCrsKeys(t, "show", a)
			a = officer.get("/terms/" + termID + "/edit")
			wantStatus(t, "edit", a, 200)
			wantBody(t, "edit", a, `name="version" value="1"`, `value="08:30"`, `name="slot_weekday.3"`)
			a = officer.post("/terms/"+termID+"/publish", url.Values{}, "/terms/"+termID)
			wantStatus(t, "publish", a, http.StatusSeeOther)
			a = officer.get(a.location)
			wantBody(t, "published", a, "已发布，会员现在可以报名。", "报名中", "抽签种子的 SHA-256 已公示", "报名截止（"+day(8)+" 20:00）后才能抽签")
			wantNoBody(t, "published", a, `action="/terms/`+termID+`/draw"`)
			if !regexp.MustCompile(`data-seed-hash>[0-9a-f]{64}<`).MatchString(a.body) {
				t.Error("no seed hash shown")
			}
			wantBody(t, "course page", officer.get("/courses/"+courseID), "春季班", "报名中")
		})
		tid, _ := db.ParseID(termID)

		t.Run("list filters", func(t *testing.T) {
			if _, err := s.crs.CreateCourse(ctx, s.officer, course.CourseInput{OrgID: s.unionE.ID, Title: "职工瑜伽", Category: "yoga"}); err != nil {
				t.Fatal(err)
			}
			wp := &auth.Principal{Kind: "staff", Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.west.ID, OrgPath: s.west.Path}}}
			if _, err := s.crs.CreateCourse(ctx, wp, course.CourseInput{OrgID: s.west.ID, Title: "西长安街书法班", Category: "calligraphy"}); err != nil {
				t.Fatal(err)
			}
			a := officer.get("/courses")
			wantBody(t, "list", a, "太极拳（二十四式）", "职工瑜伽", "瑜伽")
			wantNoBody(t, "list", a, "西长安街书法班")
			wantNoCrsKeys(t, "list", a)
			a = officer.get("/courses?category=yoga")
			wantBody(t, "category", a, "职工瑜伽")
			wantNoBody(t, "category", a, "太极拳（二十四式）")
			a = officer.get("/courses?q=" + url.QueryEscape("太极"))
			wantBody(t, "search", a, "太极拳（二十四式）")
			wantNoBody(t, "search", a, "职工瑜伽")
			a = officer.get("/courses?org=" + id(s.unionE))
			wantBody(t, "org", a, "职工瑜伽", `href="/courses/new?org=`+id(s.unionE)+`"`)
			wantNoBody(t, "org", a, "太极拳（二十四式）")
			wantStatus(t, "another street", officer.get("/courses?org="+id(s.west)), http.StatusUnprocessableEntity)
			wantStatus(t, "bad category", officer.get("/courses?category=karaoke"), http.StatusUnprocessableEntity)
			wantBody(t, "west", west.get("/courses"), "西长安街书法班")
		})

		t.Run("staff add applicants", func(t *testing.T) {
			page := "/terms/" + termID
			a := officer.post(page+"/members", url.Values{"mq": {"张建华"}}, page)
			wantStatus(t, "search", a, 200)
			wantBody(t, "search", a, "张建华", `name="member_id" value="`+mid(zhang)+`"`)
			for _, m := range []*member.Member{zhang, li, zhao} {
				a = officer.post(page+"/apply", url.Values{"member_id": {mid(m)}}, page)
				wantStatus(t, "apply", a, http.StatusSeeOther)
			}
			a = officer.get(a.location)
			wantBody(t, "applied", a, "已为会员报名。", "赵卫东", "已报名（待抽签）", "工作人员登记")
			a = officer.post(page+"/apply", url.Values{"member_id": {mid(zhang)}}, page)
			wantBody(t, "again", officer.get(a.location), "该会员已经报过名了。")
			a = officer.post(page+"/apply", url.Values{"member_id": {mid(wang)}}, page)
			wantStatus(t, "outside the audience", a, http.StatusUnprocessableEntity)
			wantBody(t, "outside the audience", a, "该会员不在本期课程的招生对象范围内。")
			a = officer.get(page + "?eq=" + url.QueryEscape("秀英"))
			wantBody(t, "name search", a, "李秀英")
			wantNoBody(t, "name search", a, `>赵卫东<`)
			a = officer.get(page + "?estatus=enrolled")
			wantBody(t, "enrolled tab", a, "没有符合条件的报名。")
		})

		var seed string
		t.Run("the draw", func(t *testing.T) {
			page := "/terms/" + termID
			a := officer.post(page+"/draw", url.Values{}, page)
			wantStatus(t, "too early", a, http.StatusConflict)
			wantBody(t, "too early", a, "报名尚未截止，截止后才能抽签。")
			tm, _ := s.crs.GetTerm(ctx, s.officer, tid)
			s.set(tm.EnrolClosesAt.Add(time.Hour))
			a = officer.post(page+"/draw", url.Values{}, page)
			wantStatus(t, "draw", a, http.StatusSeeOther)
			a = officer.get(a.location)
			wantBody(t, "drawn", a, "已抽签，学员名单已确定并通知会员。", "已录取", "种子现已公开", "前 2 名录取", `href="/terms/`+termID+`/draw"`, "2 / 2")
			wantNoCrsKeys(t, "drawn", a)
			m := regexp.MustCompile(`data-seed>([0-9a-f]+)<`).FindStringSubmatch(a.body)
			h := regexp.MustCompile(`data-seed-hash>([0-9a-f]+)<`).FindStringSubmatch(a.body)
			if m == nil || h == nil || course.SeedHash(m[1]) != h[1] {
				t.Fatalf("seed %v does not hash to %v", m, h)
			}
			seed = m[1]
			rec := officer.get(page + "/draw")
			wantStatus(t, "record", rec, 200)
			wantBody(t, "record", rec, seed, h[1], "共 3 个报名号，2 个录取。", "sha256sum")
			wantNoBody(t, "record has no names", rec, "张建华", "李秀英", "赵卫东")
			wantNoCrsKeys(t, "record", rec)
			rows := regexp.MustCompile(`<tr><td class="num mono">(\d+)</td><td class="num">(\d+)</td>`).FindAllStringSubmatch(rec.body, -1)
			var order []int64
			for _, r := range rows {
				n, _ := strconv.ParseInt(r[1], 10, 64)
				order = append(order, n)
			}
			drawn, waiting := course.Draw(seed, []int64{1, 2, 3}, 2)
			if len(order) != 3 || strconv.FormatInt(order[0], 10)+strconv.FormatInt(order[1], 10)+strconv.FormatInt(order[2], 10) !=
				strconv.FormatInt(drawn[0], 10)+strconv.FormatInt(drawn[1], 10)+strconv.FormatInt(waiting[0], 10) {
				t.Fatalf("the record %v does not re-run: %v %v", order, drawn, waiting)
			}
			a = officer.post(page+"/draw", url.Values{}, page)
			wantStatus(t, "draw twice", a, http.StatusConflict)
		})

		var sessionPage string
		var enrolled, waiting *member.Member
		t.Run("attendance", func(t *testing.T) {
			page := "/terms/" + termID
			for _, m := range []*member.Member{zhang, li, zhao} {
				mv, err := s.crs.MemberView(ctx, m.ID, tid)
				if err != nil {
					t.Fatal(err)
				}
				switch mv.Enrolment.Status {
				case course.EnrolEnrolled:
					enrolled = m
				case course.EnrolWaiting:
					waiting = m
				}
			}
			ss, err := s.crs.Sessions(ctx, s.officer, tid)
			if err != nil || len(ss) != 4 {
				t.Fatalf("sessions: %v %v", ss, err)
			}
			x := ss[0]
			sessionPage = page + "/sessions/" + db.FormatID(x.ID)
			a := officer.get(page)
			wantBody(t, "sessions", a, `href="`+sessionPage+`"`, "共 4 次课")
			a = officer.get(sessionPage)
			wantStatus(t, "register", a, 200)
			wantBody(t, "register", a, enrolled.Name, `name="member_id" value="`+mid(enrolled)+`"`, "0 / 2", sessionPage+"/display")
			wantNoBody(t, "register", a, waiting.Name)
			wantNoCrsKeys(t, "register", a)
			a = officer.post(sessionPage+"/attend", url.Values{"member_id": {mid(enrolled)}}, sessionPage)
			wantStatus(t, "too early", a, http.StatusConflict)
			wantBody(t, "too early", a, "签到尚未开始")
			a = officer.post(sessionPage+"/attend", url.Values{}, sessionPage)
			wantStatus(t, "nobody ticked", a, http.StatusUnprocessableEntity)
			wantBody(t, "nobody ticked", a, "请勾选到场的学员。")
			s.set(x.StartsAt.Add(-10 * time.Minute))
			a = officer.post(sessionPage+"/attend", url.Values{"member_id": {mid(enrolled), mid(waiting)}}, sessionPage)
			wantStatus(t, "tick", a, http.StatusSeeOther)
			a = officer.get(a.location)
			wantBody(t, "ticked", a, "勾选的人中有不是本期学员的", "1 / 2", "工作人员登记")
			list, err := s.crs.SessionAttendance(ctx, s.officer, tid, x.ID)
			if err != nil || len(list) != 1 || list[0].MemberID != enrolled.ID {
				t.Fatalf("attendance: %v %v", list, err)
			}

			// The code screen.
			a = officer.get(sessionPage + "/display")
			wantStatus(t, "display", a, 200)
			wantBody(t, "display", a, "/m/checkin?code=GHK1%3A", "/qr.png?w=", "data-code-refresh", "太极拳（二十四式）")
			wantNoCrsKeys(t, "display", a)
			img := regexp.MustCompile(`src="(/terms/[^"]+/qr\.png[^"]*)"`).FindStringSubmatch(a.body)
			if img == nil {
				t.Fatal("no image")
			}
			png := officer.get(strings.ReplaceAll(img[1], "&amp;", "&"))
			if png.status != 200 || png.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png.body, "\x89PNG") {
				t.Fatalf("png: %d %v", png.status, png.header)
			}
			wantBody(t, "code", officer.get(sessionPage+"/code"), `"url":"http://`, `GHK1`)

			// The scanner, answered as JSON.
			scan := officer.get(sessionPage + "/scan")
			wantStatus(t, "scanner", scan, 200)
			wantBody(t, "scanner", scan, "data-scan-form", `name="card"`)
			wantNoCrsKeys(t, "scanner", scan)
			for _, m := range []*member.Member{enrolled, waiting} {
				c, err := s.members.Card(ctx, s.system, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				form := url.Values{"card": {c.Payload}, "csrf_token": {csrfRE.FindStringSubmatch(scan.body)[1]}}
				req, _ := http.NewRequest("POST", officer.base+sessionPage+"/scan", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Accept", "application/json")
				a = officer.do(req)
				if m == enrolled {
					wantStatus(t, "scan", a, 200)
					wantBody(t, "scan", a, `"ok":true`, m.Name, "已在")
				} else {
					wantStatus(t, "scan waiting", a, http.StatusConflict)
					wantBody(t, "scan waiting", a, "不是本期学员")
				}
			}
			a = officer.post(sessionPage+"/scan", url.Values{"card": {"GHC1:garbage"}}, sessionPage+"/scan")
			wantStatus(t, "bad card", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad card", a, "scan-bad", "会员卡无法识别。")

			// A session called off and back on.
			other := page + "/sessions/" + db.FormatID(ss[1].ID)
			a = officer.post(other+"/cancel", url.Values{"cancelled": {"1"}}, page)
			wantStatus(t, "cancel session", a, http.StatusSeeOther)
			wantBody(t, "cancelled session", officer.get(a.location), "这次课已取消。", "取消 1 次")
			a = officer.post(other+"/cancel", url.Values{"cancelled": {"0"}}, page)
			wantStatus(t, "restore session", a, http.StatusSeeOther)

			// The register as a workbook.
			a = officer.get(page + "/register.xlsx")
			wantStatus(t, "export", a, 200)
			if !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("export headers: %v", a.header)
			}
			f, err := excelize.OpenReader(strings.NewReader(a.body))
			if err != nil {
				t.Fatalf("export is not a workbook: %v", err)
			}
			rows, _ := f.GetRows(f.GetSheetList()[0])
			if len(rows) != 3 || rows[0][0] != "姓名" || len(rows[0]) != 9 {
				t.Fatalf("register: %v", rows)
			}
			found := false
			for _, r := range rows[1:] {
				found = found || (r[0] == enrolled.Name && len(r) > 5 && r[5] == "✓")
			}
			if !found {
				t.Fatalf("register lacks the attendance: %v", rows)
			}
		})

		t.Run("interest groups", func(t *testing.T) {
			page := "/courses/" + courseID
			a := officer.post(page+"/groups", url.Values{"group_name": {" "}}, page)
			wantStatus(t, "bad group", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad group", a, `id="f-group_name-error"`)
			a = officer.post(page+"/groups", url.Values{"group_name": {"太极兴趣小组"}, "group_description": {"每周六早上公园练习"}}, page)
			wantStatus(t, "group", a, http.StatusSeeOther)
			gs, err := s.crs.Groups(ctx, s.officer, web.ParseIDValue(courseID))
			if err != nil || len(gs) != 1 {
				t.Fatalf("groups: %v %v", gs, err)
			}
			if _, err := s.crs.JoinGroup(ctx, memberSelf(zhang), gs[0].ID, zhang.ID, false); err != nil {
				t.Fatal(err)
			}
			a = officer.get(a.location)
			wantBody(t, "course page", a, "兴趣小组已建立。", "太极兴趣小组", "1 名成员", `href="/groups/`+db.FormatID(gs[0].ID)+`"`)
			g := officer.get("/groups/" + db.FormatID(gs[0].ID))
			wantStatus(t, "group page", g, 200)
			wantBody(t, "group page", g, "太极兴趣小组", "每周六早上公园练习", "张建华", "北京排水集团工会")
			wantNoCrsKeys(t, "group page", g)
			wantStatus(t, "group elsewhere", west.get("/groups/"+db.FormatID(gs[0].ID)), 404)
			wantStatus(t, "no group", officer.get("/groups/123456"), 404)
		})

		t.Run("another subtree's staff get 404", func(t *testing.T) {
			page := "/terms/" + termID
			for _, p := range []string{page, page + "/edit", page + "/draw", page + "/register.xlsx", sessionPage, sessionPage + "/display",
				sessionPage + "/scan", sessionPage + "/qr.png", "/courses/" + courseID, "/courses/" + courseID + "/edit", "/courses/" + courseID + "/terms/new"} {
				a := west.get(p)
				wantStatus(t, p, a, 404)
				wantNoBody(t, p, a, "太极拳", "张建华")
			}
			token := "/courses"
			for _, p := range []string{page + "/publish", page + "/draw", page + "/apply", sessionPage + "/attend", "/courses/" + courseID + "/groups"} {
				a := west.post(p, url.Values{"member_id": {mid(wang)}, "group_name": {"x"}}, token)
				wantStatus(t, p, a, 404)
			}
		})

		t.Run("withdraw, finish and english", func(t *testing.T) {
			page := "/terms/" + termID
			a := officer.post(page+"/enrolments/"+mid(enrolled)+"/withdraw", url.Values{}, page)
			wantStatus(t, "withdraw", a, http.StatusSeeOther)
			wantBody(t, "withdrawn", officer.get(a.location), "会员已退出本期课程。", "已退出")
			if mv, _ := s.crs.MemberView(ctx, waiting.ID, tid); mv == nil || mv.Enrolment.Status != course.EnrolEnrolled {
				t.Fatalf("the waiting member was not promoted: %+v", mv)
			}
			wantStatus(t, "edit drawn", officer.get(page+"/edit"), http.StatusConflict)
			wantStatus(t, "finish too early", officer.post(page+"/finish", url.Values{}, page), http.StatusConflict)
			s.set(time.Now().Add(400 * 24 * time.Hour)) // after the last session
			defer s.set(time.Time{})
			a = officer.post(page+"/finish", url.Values{}, page)
			wantStatus(t, "finish", a, http.StatusSeeOther)
			wantBody(t, "finished", officer.get(a.location), "本期课程已结课。", "已结课")

			en := s.login("dashilan", "en")
			for _, p := range []string{"/courses", "/courses/" + courseID, page, page + "/draw", sessionPage, sessionPage + "/display", "/courses/new", newTerm} {
				a := en.get(p)
				wantStatus(t, "en "+p, a, 200)
				wantNoCrsKeys(t, "en "+p, a)
			}
			wantBody(t, "en", en.get(page), "Lottery", "Sessions")
		})
	})
}
