package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/beijing"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web/signup"
)

// pcrsSite is the sign-up site with courses, with the courses' helpers.
type pcrsSite struct{ *signupSite }

func newPcrsSite(t *testing.T, d *db.DB) *pcrsSite { return &pcrsSite{newSignupSite(t, d, true)} }

// pcrsDay is the Beijing day d days from now.
func pcrsDayFrom(d int) time.Time {
	y, m, dd := time.Now().In(beijing.Zone).Date()
	return time.Date(y, m, dd+d, 0, 0, 0, 0, beijing.Zone)
}

// termInput is a term from tomorrow for four weeks, Tuesdays and
// Thursdays at 19:00 for 90 minutes, applications open until closes from
// now.
func termInput(name string, capacity int, closes time.Duration) course.TermInput {
	first := pcrsDayFrom(1)
	return course.TermInput{Name: name, Teacher: "王老师", Venue: "职工之家活动室", Address: "西城区大栅栏西街 12 号", Capacity: capacity,
		EnrolClosesAt: time.Now().Add(closes).Format(time.RFC3339), StartsOn: first.Format(time.DateOnly),
		EndsOn:   first.AddDate(0, 0, 27).Format(time.DateOnly),
		Schedule: []course.Slot{{Weekday: 2, Start: "19:00", Minutes: 90}, {Weekday: 4, Start: "19:00", Minutes: 90}}}
}

// soonInput is a term whose first session starts in ten minutes, with
// applications open for five.
func soonInput(name string) course.TermInput {
	start := time.Now().In(beijing.Zone).Add(10 * time.Minute).Truncate(time.Minute)
	wd := int(start.Weekday())
	if wd == 0 {
		wd = 7
	}
	day := start.Format(time.DateOnly)
	return course.TermInput{Name: name, Teacher: "李老师", Venue: "街道文体中心", Capacity: 0,
		EnrolClosesAt: time.Now().Add(5 * time.Minute).Format(time.RFC3339), StartsOn: day,
		EndsOn:   start.AddDate(0, 0, 20).Format(time.DateOnly),
		Schedule: []course.Slot{{Weekday: wd, Start: start.Format("15:04"), Minutes: 60}}}
}

// course creates a course of org o with one term; publish false leaves it
// a draft.
func (s *pcrsSite) term(t *testing.T, o *org.Org, title string, cat course.Category, in course.TermInput, publish bool) *course.Term {
	t.Helper()
	ctx := context.Background()
	c, err := s.crs.CreateCourse(ctx, s.staff, course.CourseInput{OrgID: o.ID, Title: title, Category: cat})
	if err != nil {
		t.Fatalf("course %s: %v", title, err)
	}
	tm, err := s.crs.CreateTerm(ctx, s.staff, c.ID, in)
	if err != nil {
		t.Fatalf("term %s: %v", title, err)
	}
	if publish {
		if tm, err = s.crs.PublishTerm(ctx, s.staff, tm.ID); err != nil {
			t.Fatalf("publish %s: %v", title, err)
		}
	}
	return tm
}

// draw draws a term with the store's clock moved past its window.
func (s *pcrsSite) draw(t *testing.T, tm *course.Term) {
	t.Helper()
	s.crs.SetClock(func() time.Time { return tm.EnrolClosesAt.Add(time.Minute) })
	defer s.crs.SetClock(time.Now)
	if _, err := s.crs.DrawTerm(context.Background(), s.staff, tm.ID); err != nil {
		t.Fatalf("draw: %v", err)
	}
}

// sessionCode is the code a term's first coming session shows now.
func (s *pcrsSite) sessionCode(t *testing.T, tm *course.Term) (string, course.Session) {
	t.Helper()
	ctx := context.Background()
	ss, err := s.crs.Sessions(ctx, s.staff, tm.ID)
	if err != nil || len(ss) == 0 {
		t.Fatalf("sessions: %v %v", ss, err)
	}
	code, _, err := s.crs.SessionCode(ctx, s.staff, tm.ID, ss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return code, ss[0]
}

func (s *pcrsSite) view(t *testing.T, m *member.Member, tm *course.Term) *course.MemberTerm {
	t.Helper()
	mt, err := s.crs.MemberView(context.Background(), m.ID, tm.ID)
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

func tid(tm *course.Term) string { return db.FormatID(tm.ID) }

var pcrsRawKeyRE = keyRE("portal|course|checkcode|activity|member")

func wantNoCourseKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, portalRawKeyRE, memberRawKeyRE, rawKeyRE, pcrsRawKeyRE)
}

func TestPortalCourses(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newPcrsSite(t, d)
		zhang, li, wang, zhao, sun := s.addMembers(t)

		taiji := s.term(t, s.root, "太极拳", "taiji", termInput("2026年春季班", 2, 2*time.Hour), true)
		yogaIn := termInput("劳模瑜伽班", 10, 2*time.Hour)
		yogaIn.AudienceTags = []string{"model_worker"}
		yoga := s.term(t, s.east, "职工瑜伽", "yoga", yogaIn, true)
		dance := s.term(t, s.west, "西长安街广场舞", "dance", termInput("周末班", 30, 2*time.Hour), true)
		draft := s.term(t, s.east, "还在筹备的书法班", "calligraphy", termInput("秋季班", 20, 2*time.Hour), false)
		soon := s.term(t, s.east, "八段锦", "fitness", soonInput("晨练班"), true)

		mZhang, mLi, mWang, mZhao, mSun := s.loginAll(t)

		t.Run("list: only terms open to me", func(t *testing.T) {
			a := mZhang.get("/m/courses")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, "工会课程", "太极拳", "2026年春季班", "太极", "职工瑜伽", "劳模瑜伽班", "八段锦",
				"每周二、周四 19:00–20:30", "王老师授课", "职工之家活动室", "名额 2 个 · 已报名 0 人", "报名中",
				`href="/m/courses/terms/`+tid(taiji)+`"`, `href="/m/timetable"`, `href="/m/activities"`, "兴趣小组")
			wantNoBody(t, "list", a, dance.CourseTitle, draft.CourseTitle)
			wantNoCourseKeys(t, "list", a)
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("list cache: %q", a.header.Get("Cache-Control"))
			}
			// Tags: Li is not a model worker.
			a = mLi.get("/m/courses")
			wantBody(t, "li's list", a, "太极拳", "八段锦")
			wantNoBody(t, "li's list", a, "职工瑜伽", dance.CourseTitle)
			// The other street.
			a = mWang.get("/m/courses")
			wantBody(t, "wang's list", a, "太极拳", dance.CourseTitle)
			wantNoBody(t, "wang's list", a, "职工瑜伽", "八段锦", draft.CourseTitle)

			wantStatus(t, "draft", mZhang.get("/m/courses/terms/"+tid(draft)), 404)
			wantStatus(t, "other street's", mZhang.get("/m/courses/terms/"+tid(dance)), 404)
			wantStatus(t, "without the tag", mLi.get("/m/courses/terms/"+tid(yoga)), 404)
			wantStatus(t, "malformed", mZhang.get("/m/courses/terms/abc"), 404)

			a = s.client("").get("/m/courses")
			wantLoginFirst(t, a, "/m/courses")

			// The ways in: home and the activity list.
			wantBody(t, "home", mZhang.get("/m"), `href="/m/courses"`, "课程报名")
			wantBody(t, "activities", mZhang.get("/m/activities"), `href="/m/courses"`)

			a = mZhang.get("/m/courses?lang=en")
			wantBody(t, "in English", a, "Union courses", "Every Tue, Thu 19:00–20:30", "Tai chi", "Interest groups")
			wantNoCourseKeys(t, "in English", a)
		})

		t.Run("term page before the draw", func(t *testing.T) {
			path := "/m/courses/terms/" + tid(taiji)
			a := mZhang.get(path)
			wantStatus(t, "term", a, 200)
			wantBody(t, "term", a, "太极拳", "2026年春季班", "每周二、周四 19:00–20:30", "王老师", "西城区大栅栏西街 12 号", "北京市总工会",
				"尚未报名", "报名参加抽签", `action="`+path+`/apply"`, "由系统公开抽签", "结果人人可以复核", "抽签怎样复核？", `href="`+path+`/draw"`,
				"近期课程安排", "下次课")
			// A worker reads plain words; the seed's hash and the formula
			// are one link away, for whoever wants to check.
			wantNoBody(t, "term", a, `/withdraw"`, "查看抽签记录", "SHA-256", taiji.SeedHash)
			wantNoCourseKeys(t, "term", a)
			wantBody(t, "model-worker term", mZhang.get("/m/courses/terms/"+tid(yoga)), "限劳模")
			a = mZhang.get(path + "/draw")
			wantStatus(t, "record before the draw", a, 200)
			wantBody(t, "record before the draw", a, "还没有抽签", "抽签种子的 SHA-256：", taiji.SeedHash, "SHA-256(“种子:报名号”)")
		})

		t.Run("apply twice, withdraw, apply again", func(t *testing.T) {
			path := "/m/courses/terms/" + tid(taiji)
			a := mZhang.post(path+"/apply", url.Values{}, path)
			wantFlashBack(t, "apply", a, path, "portal.flash.crs_applied")
			a = mZhang.get(a.location)
			wantBody(t, "applied", a, "报名成功", "已报名（待抽签）", "报名号 1", "退出报名", `action="`+path+`/withdraw"`)
			wantNoBody(t, "applied", a, `action="`+path+`/apply"`)
			a = mZhang.post(path+"/apply", url.Values{}, "/m/account")
			if a.location != path || flashSet(a) != "portal.flash.crs_already" {
				t.Errorf("applying again: %q", a.location)
			}
			wantBody(t, "again", mZhang.get(a.location), "您已经报过名了", "报名号 1")
			list, _, err := s.crs.Enrolments(ctx, s.staff, taiji.ID, course.EnrolQuery{})
			if err != nil || len(list) != 1 || list[0].Ticket != 1 {
				t.Fatalf("enrolments after two presses: %+v %v", list, err)
			}
			wantStatus(t, "no token", mLi.post(path+"/apply", url.Values{}, ""), http.StatusForbidden)
			wantStatus(t, "not in the audience", mLi.post("/m/courses/terms/"+tid(yoga)+"/apply", url.Values{}, "/m/account"), 404)

			// Li applies, withdraws, applies again: a new ticket.
			wantStatus(t, "li applies", mLi.post(path+"/apply", url.Values{}, path), http.StatusSeeOther)
			wantBody(t, "li", mLi.get(path), "报名号 2")
			a = mLi.post(path+"/withdraw", url.Values{}, path)
			wantStatus(t, "withdraw", a, http.StatusSeeOther)
			a = mLi.get(a.location)
			wantBody(t, "withdrawn", a, "已退出报名", "已退出", "重新报名")
			wantNoBody(t, "withdrawn", a, "报名号 2")
			wantStatus(t, "withdraw twice", mLi.post(path+"/withdraw", url.Values{}, "/m/account"), http.StatusSeeOther)
			wantStatus(t, "li again", mLi.post(path+"/apply", url.Values{}, path), http.StatusSeeOther)
			wantBody(t, "li again", mLi.get(path), "报名号 3")
			for _, c := range []*client{mZhao, mSun} {
				wantStatus(t, "apply", c.post(path+"/apply", url.Values{}, path), http.StatusSeeOther)
			}
			a = mZhang.get("/m/courses")
			wantBody(t, "list with my ticket", a, "报名号 1", "已报名（待抽签）", "名额 2 个 · 已报名 4 人")
			// The window is open: staff cannot draw yet.
			if _, err := s.crs.DrawTerm(ctx, s.staff, taiji.ID); err == nil {
				t.Fatal("drawn while open")
			}
		})

		t.Run("after the draw", func(t *testing.T) {
			s.draw(t, taiji)
			tm, _ := s.crs.GetTerm(ctx, s.staff, taiji.ID)
			if tm.Seed == "" || course.SeedHash(tm.Seed) != taiji.SeedHash {
				t.Fatalf("seed: %+v", tm)
			}
			path := "/m/courses/terms/" + tid(taiji)
			var waiting []*member.Member
			for _, m := range []*member.Member{zhang, li, zhao, sun} {
				if mt := s.view(t, m, taiji); mt.Enrolment.Status == course.EnrolWaiting {
					waiting = append(waiting, m)
				}
			}
			if len(waiting) != 2 {
				t.Fatalf("waiting: %d", len(waiting))
			}
			if s.view(t, waiting[0], taiji).Position != 1 {
				waiting[0], waiting[1] = waiting[1], waiting[0]
			}
			clients := map[int64]*client{zhang.ID: mZhang, li.ID: mLi, zhao.ID: mZhao, sun.ID: mSun}
			for _, m := range []*member.Member{zhang, li, zhao, sun} {
				mt := s.view(t, m, taiji)
				a := clients[m.ID].get(path)
				wantStatus(t, m.Name, a, 200)
				wantNoBody(t, m.Name, a, "SHA-256", tm.Seed)
				wantBody(t, m.Name, a, "名单已公布", "由系统公开抽签", "查看抽签记录", `href="`+path+`/draw"`,
					"报名号 "+strconv.FormatInt(mt.Enrolment.Ticket, 10), "名额 2 个 · 已录取 2 人 · 候补 2 人")
				wantNoBody(t, m.Name, a, `action="`+path+`/apply"`)
				switch mt.Enrolment.Status {
				case course.EnrolEnrolled:
					wantBody(t, m.Name+" enrolled", a, "已录取", "已出勤 0 / 8 次", "退出后名额让给候补的第一位会员")
				case course.EnrolWaiting:
					wantBody(t, m.Name+" waiting", a, "候补中", "候补第 "+strconv.Itoa(mt.Position)+" 位")
				}
				wantNoCourseKeys(t, m.Name, a)

				// The record: every ticket, mine marked, no names.
				a = clients[m.ID].get(path + "/draw")
				wantStatus(t, "record", a, 200)
				mine := regexp.MustCompile(`<tr class="[^"]*is-mine"[^>]*>\s*<td class="num">(\d+)</td>\s*<td class="num"><strong>(\d+)</strong>`).FindAllStringSubmatch(a.body, -1)
				if len(mine) != 1 || mine[0][2] != strconv.FormatInt(mt.Enrolment.Ticket, 10) || mine[0][1] != strconv.FormatInt(mt.Enrolment.DrawRank, 10) {
					t.Errorf("%s: my row %v, ticket %d rank %d", m.Name, mine, mt.Enrolment.Ticket, mt.Enrolment.DrawRank)
				}
				wantBody(t, "record", a, tm.Seed, taiji.SeedHash, "共 4 个报名号参加抽签，名额 2 个，录取 2 个", "sha256sum")
				wantNoBody(t, "record", a, "张建华", "李秀英", "赵六", "孙七")
				wantNoCourseKeys(t, "record", a)
			}
			rec, err := s.crs.Record(ctx, tm)
			if err != nil || len(rec.Tickets) != 4 {
				t.Fatalf("record: %+v %v", rec, err)
			}
			// The record's order is the draw's, re-run from the seed.
			drawn, wait := course.Draw(tm.Seed, []int64{1, 3, 4, 5}, 2)
			body := mZhang.get(path + "/draw").body
			rowRE := regexp.MustCompile(`<td class="num"><strong>(\d+)</strong>`)
			var got []string
			for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			var want []string
			for _, tk := range append(drawn, wait...) {
				want = append(want, strconv.FormatInt(tk, 10))
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("record order %v, the draw says %v", got, want)
			}

			// The outcome is in the inbox, linked to the term.
			a := clients[waiting[0].ID].get("/m/notices")
			wantBody(t, "notice", a, "抽签未中，您在候补名单中", `href="`+path+`"`)
			wantNoCourseKeys(t, "notice", a)

			// Closed now: applying is refused in place.
			a = mWang.post(path+"/apply", url.Values{}, "/m/account")
			wantStatus(t, "late", a, http.StatusConflict)
			wantBody(t, "late", a, "报名已截止。", `class="alert alert-error"`)

			// The first enrolled withdraws: the first waiting moves up.
			var enrolled *member.Member
			for _, m := range []*member.Member{zhang, li, zhao, sun} {
				if s.view(t, m, taiji).Enrolment.Status == course.EnrolEnrolled {
					enrolled = m
					break
				}
			}
			wantStatus(t, "withdraw", clients[enrolled.ID].post(path+"/withdraw", url.Values{}, path), http.StatusSeeOther)
			wantBody(t, "moved up", clients[waiting[0].ID].get(path), "已录取")
			wantBody(t, "moved up", clients[waiting[1].ID].get(path), "候补第 1 位")

			// The timetable shows the sessions of the enrolled.
			a = clients[waiting[0].ID].get("/m/timetable")
			wantBody(t, "timetable", a, "太极拳 · 2026年春季班", "课程", "王老师授课", `href="`+path+`"`)
			wantNoCourseKeys(t, "timetable", a)
			wantNoBody(t, "timetable of the waiting", clients[waiting[1].ID].get("/m/timetable"), "太极拳 · 2026年春季班")
		})

		t.Run("check-in by a session's code", func(t *testing.T) {
			path := "/m/courses/terms/" + tid(soon)
			wantStatus(t, "apply", mZhang.post(path+"/apply", url.Values{}, path), http.StatusSeeOther)
			s.draw(t, soon)
			code, x := s.sessionCode(t, soon)
			if !strings.HasPrefix(code, course.CodePrefix) {
				t.Fatalf("code %q", code)
			}
			cpath := activity.CheckinPath(code)
			attended := func() int {
				list, err := s.crs.SessionAttendance(ctx, s.staff, soon.ID, x.ID)
				if err != nil {
					t.Fatal(err)
				}
				return len(list)
			}

			a := mZhang.get(cpath)
			wantStatus(t, "checkin page", a, 200)
			wantBody(t, "checkin page", a, "课程签到", "八段锦", "晨练班", "街道文体中心", signup.When(i18n.ZH, x.StartsAt, x.EndsAt),
				`action="/m/checkin"`, `name="code" value="`+code+`"`, ">签到</button>")
			wantNoBody(t, "checkin page", a, "签到成功", "已签到")
			wantNoCourseKeys(t, "checkin page", a)
			if n := attended(); n != 0 {
				t.Fatalf("GET recorded %d", n)
			}
			wantStatus(t, "no token", mZhang.post("/m/checkin", url.Values{"code": {code}}, ""), http.StatusForbidden)
			if n := attended(); n != 0 {
				t.Fatalf("POST without token recorded %d", n)
			}
			a = mZhang.post("/m/checkin", url.Values{"code": {code}}, cpath)
			wantStatus(t, "check in", a, 200)
			wantBody(t, "check in", a, `data-result="ok"`, "签到成功", "已出勤 1 / "+strconv.Itoa(soon.Sessions)+" 次", "八段锦")
			if n := attended(); n != 1 {
				t.Fatalf("after checking in: %d", n)
			}
			a = mZhang.post("/m/checkin", url.Values{"code": {code}}, "/m/account")
			wantStatus(t, "again", a, 200)
			wantBody(t, "again", a, `data-result="again"`, "已签到", "已出勤 1 / ")
			wantNoBody(t, "again", a, "签到成功")
			a = mZhang.get(cpath)
			wantBody(t, "again page", a, `data-result="again"`)
			wantNoBody(t, "again page", a, `action="/m/checkin"`)
			if n := attended(); n != 1 {
				t.Fatalf("after twice: %d", n)
			}
			// The term page and the timetable mark it.
			// The term's page and the timetable say the member checked in,
			// and when.
			wantBody(t, "term marks", mZhang.get(path), "已出勤 1 / ", "is-attended", "data-checked-in", "的课已签到：", "已签到 ")
			wantBody(t, "timetable marks", mZhang.get("/m/timetable"), "八段锦 · 晨练班", "已签到 ", "我的日程")

			// Not enrolled: refused, on the page and on the button.
			wantCheckinRefused(t, "li", mLi, cpath, code, "不是本期学员，不能签到")
			// Not open to them at all: the code is not theirs.
			a = mWang.get(cpath)
			wantBody(t, "wang", a, `data-result="refused"`, "签到码无效")
			wantStatus(t, "wang checks in", mWang.post("/m/checkin", url.Values{"code": {code}}, "/m/account"), http.StatusConflict)

			// A photo of the code, two periods old: expired.
			s.crs.SetClock(func() time.Time { return time.Now().Add(-2 * time.Minute) })
			old, _ := s.sessionCode(t, soon)
			s.crs.SetClock(time.Now)
			a = mZhang.post("/m/checkin", url.Values{"code": {old}}, "/m/account")
			wantStatus(t, "expired", a, http.StatusUnprocessableEntity)
			wantBody(t, "expired", a, "签到码已过期")
			// Forged: the MAC altered.
			a = mZhang.post("/m/checkin", url.Values{"code": {forged(code, 3)}}, "/m/account")
			wantStatus(t, "forged", a, http.StatusUnprocessableEntity)
			wantBody(t, "forged", a, "签到码")
			// Before the session: the taiji term's first session is tomorrow.
			for _, m := range []*member.Member{zhang, li, zhao, sun} {
				if s.view(t, m, taiji).Enrolment.Status != course.EnrolEnrolled {
					continue
				}
				c := map[int64]*client{zhang.ID: mZhang, li.ID: mLi, zhao.ID: mZhao, sun.ID: mSun}[m.ID]
				tcode, _ := s.sessionCode(t, taiji)
				wantBody(t, "too early", c.get(activity.CheckinPath(tcode)), "签到将于")
				a = c.post("/m/checkin", url.Values{"code": {tcode}}, "/m/account")
				wantStatus(t, "too early", a, http.StatusConflict)
				wantBody(t, "too early", a, "签到尚未开始")
				break
			}
			wantNoCourseKeys(t, "en", mZhang.get(cpath+"&lang=en"))
			wantBody(t, "en", mZhang.get(cpath+"&lang=en"), "Already signed in")
		})

		t.Run("interest groups", func(t *testing.T) {
			g, err := s.crs.CreateGroup(ctx, s.staff, taiji.CourseID, course.GroupInput{Name: "太极拳兴趣小组", Description: "每周六早上在大观园练习"})
			if err != nil {
				t.Fatal(err)
			}
			gw, err := s.crs.CreateGroup(ctx, s.staff, dance.CourseID, course.GroupInput{Name: "西长安街舞蹈队"})
			if err != nil {
				t.Fatal(err)
			}
			a := mZhang.get("/m/courses")
			wantBody(t, "groups", a, "太极拳兴趣小组", "每周六早上在大观园练习", "0 人", `action="/m/courses/groups/`+db.FormatID(g.ID)+`/join"`)
			wantNoBody(t, "groups", a, gw.Name)
			a = mZhang.post("/m/courses/groups/"+db.FormatID(g.ID)+"/join", url.Values{}, "/m/courses")
			wantStatus(t, "join", a, http.StatusSeeOther)
			a = mZhang.get(a.location)
			wantBody(t, "joined", a, "已加入兴趣小组", "已加入", "1 人", `action="/m/courses/groups/`+db.FormatID(g.ID)+`/leave"`)
			wantStatus(t, "join twice", mZhang.post("/m/courses/groups/"+db.FormatID(g.ID)+"/join", url.Values{}, "/m/courses"), http.StatusSeeOther)
			if mem, _ := s.crs.GroupMembers(ctx, s.staff, g.ID); len(mem) != 1 {
				t.Fatalf("group members: %v", mem)
			}
			wantStatus(t, "another street's group", mZhang.post("/m/courses/groups/"+db.FormatID(gw.ID)+"/join", url.Values{}, "/m/courses"), 404)
			a = mZhang.post("/m/courses/groups/"+db.FormatID(g.ID)+"/leave", url.Values{}, "/m/courses")
			wantStatus(t, "leave", a, http.StatusSeeOther)
			wantBody(t, "left", mZhang.get(a.location), "已退出兴趣小组", "0 人", `/join"`)
			if mem, _ := s.crs.GroupMembers(ctx, s.staff, g.ID); len(mem) != 0 {
				t.Fatalf("group members after leaving: %v", mem)
			}
		})

		t.Run("english", func(t *testing.T) {
			for _, p := range []string{"/m/courses", "/m/courses/terms/" + tid(taiji), "/m/courses/terms/" + tid(taiji) + "/draw",
				"/m/courses/terms/" + tid(yoga), "/m/timetable", "/m/activities"} {
				a := mZhang.get(inEnglish(p))
				wantStatus(t, p, a, 200)
				wantNoCourseKeys(t, p, a)
			}
		})
		_ = wang
	})
}
