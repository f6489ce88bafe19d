package site

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
)

// TestBrowserPortalCourses is a member's evening on the phone: sign in,
// find 课程 on the home page, open the 八段锦 morning class and apply for
// its lottery; the union draws (through the store); at the first session,
// ten minutes before it starts, scan the session's QR code (the camera
// opens its link), tap 签到 and see "已出勤 1 / n". Along the way: a drawn
// yoga term with the member's ticket marked on its draw record, the
// interest groups, the timetable. Screenshots at 390 px go to
// testkit.ScreenshotDir.
func TestBrowserPortalCourses(t *testing.T) {
	skipBrowser(t)
	bg := context.Background()
	s := newPcrsSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker")
	var others []*member.Member
	for i, name := range []string{"李秀英", "赵六", "孙七", "周八", "吴九", "郑十"} {
		others = append(others, s.add(t, s.unionE, name, 2+i, "2021-06-15"))
	}
	self := func(m *member.Member) *auth.Principal { return &auth.Principal{Kind: auth.KindMember, MemberID: m.ID} }

	soon := s.term(t, s.east, "八段锦", "fitness", soonInput("2026年晨练班"), true)
	taiji := s.term(t, s.root, "太极拳（二十四式）", "taiji", termInput("2026年春季班", 20, 2*time.Hour), true)
	yogaIn := termInput("职工瑜伽 劳模专场", 3, time.Hour)
	yoga := s.term(t, s.east, "职工瑜伽", "yoga", yogaIn, true)
	danceIn := termInput("周末班", 30, 2*time.Hour)
	danceIn.Schedule = []course.Slot{{Weekday: 6, Start: "09:30", Minutes: 90}, {Weekday: 7, Start: "15:00", Minutes: 60}}
	s.term(t, s.east, "广场舞", "dance", danceIn, true)
	for _, m := range append([]*member.Member{zhang}, others...) {
		if _, _, err := s.crs.Apply(bg, self(m), yoga.ID, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range others[:3] {
		if _, _, err := s.crs.Apply(bg, self(m), taiji.ID, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	s.draw(t, yoga)
	if _, err := s.crs.CreateGroup(bg, s.staff, taiji.CourseID, course.GroupInput{Name: "太极拳兴趣小组", Description: "每周六早上 7 点在大观园南门练习，欢迎新老学员。"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.crs.CreateGroup(bg, s.staff, yoga.CourseID, course.GroupInput{Name: "瑜伽交流群"}); err != nil {
		t.Fatal(err)
	}

	b := s.memberTab(t, "/m/login", 120*time.Second)
	s.codeLogin(b, "/m/login", mobileNumber(1), ".portal-hello")
	b.shot("pcrs-home-390")

	// 课程报名 on the home page.
	b.do(
		chromedp.Click(chromedp.CSS(`a.portal-action[href="/m/courses"]`)),
		chromedp.WaitVisible(chromedp.CSS(".pcrs-item")),
	)
	b.shot("pcrs-list-390")
	text := b.text()
	for _, want := range []string{"八段锦", "太极拳（二十四式）", "每周二、周四 19:00–20:30", "每周六 09:30–11:00；每周日 15:00–16:00", "名额 20 个 · 已报名 3 人", "太极拳兴趣小组", "报名号 1", "名单已公布"} {
		if !strings.Contains(text, want) {
			t.Fatalf("list lacks %q: %s", want, text)
		}
	}

	// The morning class: apply.
	b.do(
		chromedp.Click(chromedp.CSS(`a.pcrs-item[href="/m/courses/terms/`+tid(soon)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(".pact-me")),
	)
	b.shot("pcrs-term-390")
	b.expect("term", "由系统公开抽签", "抽签怎样复核？")
	if strings.Contains(b.text(), "SHA-256") {
		t.Error("the term page shows a worker SHA-256 before the plain words")
	}
	b.do(
		chromedp.Click(chromedp.CSS(`form[action$="/apply"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash .alert-success")),
	)
	b.shot("pcrs-applied-390")
	b.expect("after applying", "报名成功", "报名号 1", "退出报名")

	// The yoga term was drawn: its record marks the member's ticket.
	b.open("/m/courses/terms/"+tid(yoga), ".pcrs-record-link")
	b.shot("pcrs-term-drawn-390")
	b.do(
		chromedp.Click(chromedp.CSS(".pcrs-record-link")),
		chromedp.WaitVisible(chromedp.CSS("tr.is-mine")),
	)
	b.shot("pcrs-draw-390")
	if mine, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("tr.is-mine td:nth-child(2) strong"))); err != nil || mine != "1" {
		t.Fatalf("my ticket on the record: %q %v", mine, err)
	}

	// The union draws the morning class; the first session starts in ten
	// minutes: its QR code opens this link.
	s.draw(t, soon)
	code, _ := s.sessionCode(t, soon)
	b.open(activity.CheckinPath(code), "button.pact-big")
	b.shot("pcrs-checkin-390")
	if n := s.view(t, zhang, soon).Enrolment.Attended; n != 0 {
		t.Fatalf("opening the code recorded: %d", n)
	}
	b.do(
		chromedp.Click(chromedp.CSS("button.pact-big")),
		chromedp.WaitVisible(chromedp.CSS(`[data-result="ok"]`)),
	)
	b.shot("pcrs-checked-in-390")
	want := "已出勤 1 / " + strconv.Itoa(soon.Sessions) + " 次"
	if text := b.text(); !strings.Contains(text, "签到成功") || !strings.Contains(text, want) {
		t.Fatalf("after checking in (want %q): %s", want, text)
	}
	if n := s.view(t, zhang, soon).Enrolment.Attended; n != 1 {
		t.Fatalf("attended: %d", n)
	}

	// Join the interest group; then the timetable, the term, and English.
	b.do(
		chromedp.Navigate(b.base+"/m/courses"),
		chromedp.Click(chromedp.CSS(`.pcrs-group form[action$="/join"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".pcrs-group.is-joined")),
	)
	b.shot("pcrs-groups-390")
	for _, pg := range []struct{ name, path, sel string }{
		{"timetable", "/m/timetable", ".pact-day"},
		{"term-attended", "/m/courses/terms/" + tid(soon), ".pcrs-session.is-attended"},
		{"activities", "/m/activities", ".pact-courses"},
		{"list-en", "/m/courses?lang=en", ".pcrs-item"},
		{"draw-en", "/m/courses/terms/" + tid(yoga) + "/draw?lang=en", "tr.is-mine"},
	} {
		b.open(pg.path, pg.sel)
		b.shot("pcrs-" + pg.name + "-390")
	}
	b.do(chromedp.Navigate(b.base + "/m/timetable?lang=zh-CN"))
	b.expect("timetable", "八段锦 · 2026年晨练班", "已签到")
}
