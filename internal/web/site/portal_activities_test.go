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
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web/signup"
)

// pactSite is the sign-up site without courses, with the activities'
// helpers.
type pactSite struct{ *signupSite }

func newPactSite(t *testing.T, d *db.DB) *pactSite { return &pactSite{newSignupSite(t, d, false)} }

// pactInput is an activity of org o for its subtree starting in start
// and lasting three hours.
func pactInput(o *org.Org, title string, start time.Duration) activity.Input {
	at := time.Now().Add(start).Truncate(time.Minute)
	return activity.Input{OrgID: o.ID, Title: title, Kind: "visit", Venue: "中国共产党历史展览馆", Address: "北京市朝阳区北辰东路 9 号",
		StartsAt: at.Format(time.RFC3339), EndsAt: at.Add(3 * time.Hour).Format(time.RFC3339)}
}

// publish creates and publishes an activity.
func (s *pactSite) publish(t *testing.T, in activity.Input) *activity.Activity {
	t.Helper()
	ctx := context.Background()
	a, err := s.acts.Create(ctx, s.staff, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Title, err)
	}
	if a, err = s.acts.Publish(ctx, s.staff, a.ID); err != nil {
		t.Fatalf("publish %s: %v", in.Title, err)
	}
	return a
}

// code is the code a checkpoint shows now, as its QR code's path.
func (s *pactSite) code(t *testing.T, a *activity.Activity, i int) string {
	t.Helper()
	c, _, err := s.acts.CheckpointCode(context.Background(), s.staff, a.ID, a.Checkpoints[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *pactSite) stamps(t *testing.T, a *activity.Activity, m *member.Member) int {
	t.Helper()
	sc, err := s.acts.StampCard(context.Background(), a.ID, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sc.Collected
}

func aid(a *activity.Activity) string { return db.FormatID(a.ID) }

var (
	pactRawKeyRE = keyRE("portal|activity")
	pactTitleRE  = regexp.MustCompile(`<strong class="pact-item-title">([^<]+)</strong>`)
	pactMoreRE   = regexp.MustCompile(`class="btn btn-block btn-large pact-more" href="([^"]+)" rel="next"`)
)

func TestPortalActivities(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newPactSite(t, d)
		zhang, li, wang, zhao, sun := s.addMembers(t)

		lat, lng := 40.0031, 116.3925
		in := pactInput(s.east, "参观中国共产党历史展览馆", 10*time.Minute)
		in.Capacity, in.Waitlist = 2, true
		in.Description = "第一行 <script>alert(1)</script>\n第二行：集齐三枚印章可兑换纪念徽章"
		in.Organiser = "大栅栏街道总工会宣传部"
		in.Lat, in.Lng = &lat, &lng
		in.Checkpoints = []activity.CheckpointInput{{Name: "入口"}, {Name: "二楼展厅"}, {Name: "出口", RotateSeconds: 30}}
		in.StampsRequired, in.Prize = 3, "纪念徽章"
		museum := s.publish(t, in)

		talkIn := pactInput(s.root, "劳模座谈会", 48*time.Hour)
		talkIn.Kind, talkIn.AudienceTags = "lecture", []string{"model_worker"}
		talk := s.publish(t, talkIn)

		walkIn := pactInput(s.root, "城市健步走", 72*time.Hour)
		walkIn.Kind, walkIn.Capacity = "walk", 1
		walk := s.publish(t, walkIn)

		draft, err := s.acts.Create(ctx, s.staff, pactInput(s.east, "还在筹备的观影活动", 24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		westOnly := s.publish(t, pactInput(s.west, "西长安街读书会", 24*time.Hour))

		// An activity that ended last week: published back then.
		s.acts.SetClock(func() time.Time { return time.Now().Add(-8 * 24 * time.Hour) })
		past := s.publish(t, pactInput(s.east, "上周的春季植树", -8*24*time.Hour+time.Hour))
		s.acts.SetClock(time.Now)

		mZhang, mLi, mWang, mZhao, mSun := s.loginAll(t)

		t.Run("list: only what is published to me", func(t *testing.T) {
			a := mZhang.get("/m/activities")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, museum.Title, talk.Title, walk.Title, "参观", "余 2 个名额", "余 1 个名额", "中国共产党历史展览馆",
				`href="/m/activities/`+aid(museum)+`"`, `href="/m/notices"`, `aria-current="page"`)
			wantNoBody(t, "list", a, draft.Title, westOnly.Title, past.Title)
			wantNoPortalKeys(t, "list", a)
			// Beijing time with the weekday (see TestPactWhen).
			wantBody(t, "list time", a, signup.When(i18n.ZH, museum.StartsAt, museum.EndsAt))
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("list cache: %q", a.header.Get("Cache-Control"))
			}

			a = mLi.get("/m/activities")
			wantBody(t, "li's list", a, museum.Title, walk.Title)
			wantNoBody(t, "li's list (tags)", a, talk.Title, westOnly.Title)
			a = mWang.get("/m/activities")
			wantBody(t, "wang's list", a, westOnly.Title, walk.Title)
			wantNoBody(t, "wang's list", a, museum.Title, talk.Title)

			// Not open to them: not found.
			wantStatus(t, "draft", mZhang.get("/m/activities/"+aid(draft)), 404)
			wantStatus(t, "another street's", mZhang.get("/m/activities/"+aid(westOnly)), 404)
			wantStatus(t, "without the tag", mLi.get("/m/activities/"+aid(talk)), 404)
			wantStatus(t, "malformed id", mZhang.get("/m/activities/abc"), 404)

			a = mZhang.get("/m/activities?q=" + url.QueryEscape("党史"))
			wantStatus(t, "search", a, 200)
			wantNoBody(t, "search", a, talk.Title, walk.Title)
			a = mZhang.get("/m/activities?q=" + url.QueryEscape("历史展览"))
			wantBody(t, "search", a, museum.Title, `value="历史展览"`)
			wantNoBody(t, "search", a, talk.Title, walk.Title)
			wantBody(t, "search nothing", mZhang.get("/m/activities?q=xyz"), "没有名称含“xyz”的活动")

			a = mZhang.get("/m/activities?tab=past")
			wantBody(t, "past", a, past.Title)
			wantNoBody(t, "past", a, museum.Title)
			wantBody(t, "mine (none yet)", mZhang.get("/m/activities?tab=mine"), "您还没有报名近期的活动")

			a = mZhang.get("/m/activities?lang=en")
			wantBody(t, "in English", a, "Union activities", "2 places left", "Visit", "Coming", "Messages")
			wantNoPortalKeys(t, "in English", a)

			// Signed out: to the sign-in page, and back.
			a = s.client("").get("/m/activities?tab=mine")
			wantLoginFirst(t, a, "/m/activities?tab=mine")
		})

		t.Run("detail", func(t *testing.T) {
			a := mZhang.get("/m/activities/" + aid(museum))
			wantStatus(t, "detail", a, 200)
			wantBody(t, "detail", a, museum.Title, "大栅栏街道总工会宣传部", "北京市朝阳区北辰东路 9 号",
				"第一行 &lt;script&gt;alert(1)&lt;/script&gt;\n第二行", "https://uri.amap.com/marker?", "position=116.392500%2C40.003100",
				`href="/m/activities/`+aid(museum)+`/calendar.ics"`, `action="/m/activities/`+aid(museum)+`/register"`, "立即报名", "尚未报名",
				"活动记录卡", "入口", "二楼展厅", "出口", "已集 0 / 3 枚", "集满 3 枚可兑换：纪念徽章")
			wantNoBody(t, "detail", a, "<script>alert(1)", `/cancel"`)
			wantNoPortalKeys(t, "detail", a)

			a = mZhang.get("/m/activities/" + aid(museum) + "/calendar.ics")
			wantStatus(t, "ics", a, 200)
			if !strings.HasPrefix(a.header.Get("Content-Type"), "text/calendar") || !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
				t.Errorf("ics headers: %v", a.header)
			}
			wantBody(t, "ics", a, "BEGIN:VCALENDAR", "SUMMARY:参观中国共产党历史展览馆", "/m/activities/"+aid(museum))
			wantStatus(t, "ics of another street's", mZhang.get("/m/activities/"+aid(westOnly)+"/calendar.ics"), 404)

			// A single checkpoint without stamps: no stamp card.
			wantNoBody(t, "no card", mZhang.get("/m/activities/"+aid(walk)), "活动记录卡")

			// Pictures staff attached show on the page, served only to those
			// who may see the activity.
			png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
			ph, err := s.acts.AddPhoto(ctx, s.staff, museum.ID, png, "展厅入口")
			if err != nil {
				t.Fatal(err)
			}
			photo := "/m/activities/" + aid(museum) + "/photos/" + db.FormatID(ph.ID)
			wantBody(t, "photos", mZhang.get("/m/activities/"+aid(museum)), "活动图片", `src="`+photo+`"`, `alt="展厅入口"`)
			a = mZhang.get(photo)
			wantStatus(t, "photo", a, 200)
			if a.header.Get("Content-Type") != "image/png" || a.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("photo headers: %v", a.header)
			}
			wantStatus(t, "photo of an activity not open to me", mWang.get(photo), 404)
			wantStatus(t, "photo of another activity", mZhang.get("/m/activities/"+aid(walk)+"/photos/"+db.FormatID(ph.ID)), 404)
		})

		t.Run("sign up twice, full, waiting list, cancel", func(t *testing.T) {
			path := "/m/activities/" + aid(museum)
			a := mZhang.post(path+"/register", url.Values{}, path)
			wantFlashBack(t, "sign up", a, path, "portal.flash.act_confirmed")
			wantBody(t, "signed up", mZhang.get(a.location), "报名成功", `action="`+path+`/cancel"`, "取消报名")
			// The second press (a double tap, a reload): the same registration.
			a = mZhang.post(path+"/register", url.Values{}, path)
			wantFlashBack(t, "sign up again", a, path, "portal.flash.act_already")
			wantBody(t, "again", mZhang.get(a.location), "您已经报过名了")
			regs, _, err := s.acts.Registrations(ctx, s.staff, museum.ID, activity.RegQuery{})
			if err != nil || len(regs) != 1 {
				t.Fatalf("registrations after two presses: %v %v", regs, err)
			}
			// Without the form token: refused, nothing made.
			wantStatus(t, "no token", mLi.post(path+"/register", url.Values{}, ""), http.StatusForbidden)

			wantStatus(t, "li signs up", mLi.post(path+"/register", url.Values{}, path), http.StatusSeeOther)
			a = mZhao.get(path)
			wantBody(t, "full", a, "已满，可候补", "名额已满，报名候补")
			a = mZhao.post(path+"/register", url.Values{}, path)
			if a.location != path || flashSet(a) != "portal.flash.act_waiting" {
				t.Errorf("full: %q", a.location)
			}
			wantStatus(t, "sun waits", mSun.post(path+"/register", url.Values{}, path), http.StatusSeeOther)
			a = mSun.get(path)
			wantBody(t, "waiting", a, "候补中", "候补第 2 位")
			wantBody(t, "waiting first", mZhao.get(path), "候补第 1 位")
			a = mSun.get("/m/timetable")
			wantBody(t, "timetable", a, museum.Title, "候补第 2 位", `<h1 class="portal-title">我的日程</h1>`)
			wantNoBody(t, "timetable", a, `<h1 class="portal-title">工会活动</h1>`)
			wantBody(t, "mine", mSun.get("/m/activities?tab=mine"), museum.Title, "候补中")

			// Li cancels: Zhao is promoted and told.
			a = mLi.post(path+"/cancel", url.Values{}, path)
			wantStatus(t, "cancel", a, http.StatusSeeOther)
			wantBody(t, "cancelled", mLi.get(a.location), "已取消报名", "已取消", "重新报名")
			wantStatus(t, "cancel twice", mLi.post(path+"/cancel", url.Values{}, path), http.StatusSeeOther)
			wantBody(t, "promoted", mZhao.get(path), "报名成功")
			wantBody(t, "sun moves up", mSun.get(path), "候补第 1 位")

			home := mZhao.get("/m")
			wantBody(t, "home badge", home, "1 条未读", `href="/m/notices"`, `href="/m/activities"`)
			wantBody(t, "tab badge", mZhao.get("/m/activities"), `class="tab-count"`)
			a = mZhao.get("/m/notices")
			wantStatus(t, "notices", a, 200)
			wantBody(t, "notices", a, "候补成功：您已获得“"+museum.Title+"”的名额。", `href="/m/activities/`+aid(museum)+`"`, "is-new")
			wantNoPortalKeys(t, "notices", a)
			a = mZhao.get("/m/notices")
			wantNoBody(t, "notices read", a, "is-new")
			wantNoBody(t, "home after reading", mZhao.get("/m"), "条未读")
			wantBody(t, "no notices", mLi.get("/m/notices"), "还没有消息")

			// Full without a waiting list: the store's refusal in place.
			wpath := "/m/activities/" + aid(walk)
			wantStatus(t, "walk", mZhang.post(wpath+"/register", url.Values{}, wpath), http.StatusSeeOther)
			a = mLi.get(wpath)
			wantBody(t, "walk full", a, "名额已满")
			wantNoBody(t, "walk full", a, `action="`+wpath+`/register"`)
			a = mLi.post(wpath+"/register", url.Values{}, "/m/account")
			wantStatus(t, "walk full sign-up", a, http.StatusConflict)
			wantBody(t, "walk full sign-up", a, "名额已满。", `class="alert alert-error"`)

			// Not in the audience: not found.
			a = mWang.post(path+"/register", url.Values{}, "/m/account")
			wantStatus(t, "not in the audience", a, 404)
		})

		t.Run("check-in", func(t *testing.T) {
			code := s.code(t, museum, 1)
			path := activity.CheckinPath(code)
			if !strings.HasPrefix(path, "/m/checkin?code=") {
				t.Fatalf("checkin path %q", path)
			}
			// Signed out: sign in, then back to the code.
			anon := s.client("")
			a := anon.get(path)
			wantLoginFirst(t, a, path)
			a = anon.get(a.location)
			wantBody(t, "sign-in keeps next", a, `name="next" value="/m/checkin?code=GHA1`)

			// GET shows the button and checks nobody in.
			a = mZhang.get(path)
			wantStatus(t, "checkin page", a, 200)
			wantBody(t, "checkin page", a, museum.Title, "签到点：二楼展厅", `action="/m/checkin"`, `name="code" value="`+code+`"`, ">签到</button>")
			wantNoBody(t, "checkin page", a, "签到成功", "已签到")
			wantNoPortalKeys(t, "checkin page", a)
			if n := s.stamps(t, museum, zhang); n != 0 {
				t.Fatalf("GET checked in: %d stamps", n)
			}
			// A POST without the form token does nothing.
			wantStatus(t, "no token", mZhang.post("/m/checkin", url.Values{"code": {code}}, ""), http.StatusForbidden)
			if n := s.stamps(t, museum, zhang); n != 0 {
				t.Fatalf("POST without token checked in: %d", n)
			}

			a = mZhang.post("/m/checkin", url.Values{"code": {code}}, path)
			wantStatus(t, "check in", a, 200)
			wantBody(t, "check in", a, `data-result="ok"`, "签到成功", "已集 1 / 3 枚", "is-just", "再集 2 枚即可兑奖")
			if n := s.stamps(t, museum, zhang); n != 1 {
				t.Fatalf("after checking in: %d stamps", n)
			}
			a = mZhang.post("/m/checkin", url.Values{"code": {code}}, "/m/account")
			wantStatus(t, "again", a, 200)
			wantBody(t, "again", a, `data-result="again"`, "已签到", "已集 1 / 3 枚")
			wantNoBody(t, "again", a, "签到成功", "is-just")
			// Opening the code again says so at once.
			a = mZhang.get(path)
			wantBody(t, "again page", a, `data-result="again"`)
			wantNoBody(t, "again page", a, `action="/m/checkin"`)
			// The activity's own page says the member checked in, and when.
			a = mZhang.get("/m/activities/" + aid(museum))
			wantBody(t, "card on the page", a, "已集 1 / 3 枚", "is-done", "data-checked-in", "已签到：", "（已集 1 / 3 枚）")
			wantNoBody(t, "not checked in", mZhao.get("/m/activities/"+aid(museum)), "data-checked-in")

			// Not registered.
			wantCheckinRefused(t, "li: cancelled", mLi, path, code, "没有该活动的报名记录")
			a = mSun.post("/m/checkin", url.Values{"code": {code}}, "/m/account")
			wantStatus(t, "waiting checks in", a, http.StatusConflict)
			wantBody(t, "waiting page", mSun.get(path), "候补名单")

			// A photo of a rotating code, two periods old: expired.
			s.acts.SetClock(func() time.Time { return time.Now().Add(-2 * time.Minute) })
			old := s.code(t, museum, 2)
			s.acts.SetClock(time.Now)
			a = mZhang.post("/m/checkin", url.Values{"code": {old}}, "/m/account")
			wantStatus(t, "expired", a, http.StatusUnprocessableEntity)
			wantBody(t, "expired", a, "签到码已过期，请扫描现场屏幕上的最新二维码")
			// A forged code (its MAC altered), and no code at all.
			a = mZhang.post("/m/checkin", url.Values{"code": {forged(code, 5)}}, "/m/account")
			wantStatus(t, "forged", a, http.StatusUnprocessableEntity)
			wantBody(t, "forged", a, "签到码")
			a = mZhang.get("/m/checkin?code=hello")
			wantBody(t, "not a code", a, "这不是签到码")
			a = mZhang.get("/m/checkin")
			wantBody(t, "no code", a, `data-result="refused"`)
			// A code of an activity not open to the member.
			wantBody(t, "other street's code", mZhang.get(activity.CheckinPath(s.code(t, westOnly, 0))), "签到码无效")
			// Before check-in opens (two days ahead).
			wantBody(t, "too early", mZhang.get(activity.CheckinPath(s.code(t, talk, 0))), "签到将于")

			// Every stamp: the prize is earned.
			for _, i := range []int{0, 2} {
				wantStatus(t, "stamp", mZhang.post("/m/checkin", url.Values{"code": {s.code(t, museum, i)}}, "/m/account"), 200)
			}
			a = mZhang.get("/m/activities/" + aid(museum))
			wantBody(t, "complete", a, "已集 3 / 3 枚", "已集满，可凭本页到服务台兑换：纪念徽章")
		})

		t.Run("english", func(t *testing.T) {
			for _, p := range []string{"/m/activities/" + aid(museum), "/m/timetable", "/m/notices", "/m/activities?tab=past", activity.CheckinPath(s.code(t, museum, 1))} {
				a := mZhang.get(inEnglish(p))
				wantStatus(t, p, a, 200)
				wantNoKeys(t, p, a, portalRawKeyRE, memberRawKeyRE, rawKeyRE, pactRawKeyRE)
			}
		})

		t.Run("more", func(t *testing.T) {
			// Twenty more for the western street: "more" follows the cursor.
			for i := range 20 {
				s.publish(t, pactInput(s.west, "西长安街系列讲座 第"+strconv.Itoa(i+1)+"讲", time.Duration(30+i)*time.Hour))
			}
			seen := map[string]bool{}
			next, pages := "/m/activities", 0
			for next != "" && pages < 5 {
				a := mWang.get(next)
				wantStatus(t, "page", a, 200)
				pages++
				for _, m := range pactTitleRE.FindAllStringSubmatch(a.body, -1) {
					if seen[m[1]] {
						t.Errorf("%s shown twice", m[1])
					}
					seen[m[1]] = true
				}
				next = ""
				if m := pactMoreRE.FindStringSubmatch(a.body); m != nil {
					next = strings.ReplaceAll(m[1], "&amp;", "&")
				}
			}
			if pages != 2 || len(seen) != 22 || !seen[walk.Title] || !seen[westOnly.Title] {
				t.Errorf("%d pages, %d activities: %v", pages, len(seen), seen)
			}
		})
		_, _, _, _ = wang, li, zhao, sun
	})
}
