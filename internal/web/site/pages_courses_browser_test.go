package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
	"gonghui/internal/web/courses"
)

// TestBrowserCourses: staff open a term whose enrolment has closed, run
// the draw and see the seed and the result, open the public record, a
// session's register and its code screen with the QR image, and add a
// schedule row on the term's form. Screenshots at desktop and phone
// widths go to testkit.ScreenshotDir.
func TestBrowserCourses(t *testing.T) {
	skipBrowser(t)
	s := newCrsSite(t, testkit.NewDB(t, db.SQLite))
	bg := context.Background()
	var ms []*member.Member
	for i, name := range []string{"张建华", "李秀英", "赵卫东", "刘芳", "陈静"} {
		ms = append(ms, s.add(t, s.unionE, name, i+1, "2019-03-01"))
	}
	// The term was published and applied for three days ago; its
	// enrolment closed an hour ago.
	now := time.Now()
	s.set(now.Add(-72 * time.Hour))
	c, err := s.crs.CreateCourse(bg, s.officer, course.CourseInput{OrgID: s.east.ID, Title: "太极拳", Category: "taiji",
		Description: "二十四式太极拳，零基础可学。"})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := s.crs.CreateTerm(bg, s.officer, c.ID, course.TermInput{Name: "2026年春季班", Teacher: "王老师", Venue: "大栅栏职工之家",
		Address: "西城区大栅栏街 8 号", Capacity: 3, EnrolClosesAt: bj(now.Add(-time.Hour)), StartsOn: day(0), EndsOn: day(27),
		Schedule: []course.Slot{{Weekday: 2, Start: "19:00", Minutes: 90}, {Weekday: 6, Start: "08:30", Minutes: 60}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.crs.PublishTerm(bg, s.officer, tm.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, _, err := s.crs.Apply(bg, memberSelf(m), tm.ID, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	s.set(time.Time{})
	if _, err := s.crs.CreateGroup(bg, s.officer, c.ID, course.GroupInput{Name: "太极兴趣小组", Description: "每周六早上公园练习"}); err != nil {
		t.Fatal(err)
	}

	b := newTab(t, s.srv.URL, 90*time.Second, false)
	page := courses.TermURL(tm.ID)
	b.login("dashilan")

	b.open(courses.CourseURL(c.ID), "#terms")
	b.shot("courses-course-1280")

	// The draw: the button is there once enrolment has closed.
	b.open(page, "#lottery [data-seed-hash]")
	b.expect("before the draw", "5 人报名，名额 3，需要抽签")
	b.confirmYes()
	b.do(
		chromedp.Click(chromedp.CSS("[data-draw]")),
		chromedp.WaitVisible(chromedp.CSS("#lottery [data-seed]")),
	)
	b.shot("courses-term-1280")
	text := b.text()
	for _, want := range []string{"已抽签，学员名单已确定并通知会员。", "种子现已公开", "前 3 名录取", "3 / 3", "已录取", "候补中"} {
		if !strings.Contains(text, want) {
			t.Errorf("after the draw the page lacks %q", want)
		}
	}
	res, err := s.crs.GetTerm(bg, s.officer, tm.ID)
	if err != nil || res.Status != course.TermDrawn || res.Enrolled != 3 || res.Waiting != 2 {
		t.Fatalf("after the draw: %+v %v", res, err)
	}

	b.do(
		chromedp.Click(chromedp.CSS(`#lottery a[href$="/draw"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.crs-tickets")),
	)
	b.shot("courses-draw-1280")

	// A session: one student already came (through the store, as a
	// phone would have).
	ss, err := s.crs.Sessions(bg, s.officer, tm.ID)
	if err != nil || len(ss) == 0 {
		t.Fatalf("sessions: %v", err)
	}
	x := ss[0]
	es, _, err := s.crs.Enrolments(bg, s.officer, tm.ID, course.EnrolQuery{Status: course.EnrolEnrolled})
	if err != nil || len(es) != 3 {
		t.Fatalf("enrolled: %v %v", es, err)
	}
	s.set(x.StartsAt)
	if _, err := s.crs.Attend(bg, s.officer, tm.ID, course.AttendInput{SessionID: x.ID, MemberIDs: []int64{es[0].MemberID}}); err != nil {
		t.Fatal(err)
	}
	s.set(time.Time{})
	sessionPage := courses.SessionURL(tm.ID, x.ID)
	b.open(sessionPage, ".crs-register")
	b.shot("courses-session-1280")
	b.expect("register", "1 / 3", es[0].MemberName)

	b.do(
		chromedp.Navigate(b.base+sessionPage+"/display"),
		imageLoaded(".cp-display-qr"),
	)
	b.shot("courses-display-1280")
	b.expect("display page", "/m/checkin?code=GHK1", "2026年春季班")

	// On a phone.
	b.phone()
	for _, shot := range []struct{ url, wait, name string }{
		{page, "#lottery [data-seed]", "courses-term-390"},
		{sessionPage, ".crs-register", "courses-session-390"},
	} {
		b.open(shot.url, shot.wait)
		b.shot(shot.name)
	}
	b.do(chromedp.Navigate(b.base+sessionPage+"/display"), imageLoaded(".cp-display-qr"))
	b.shot("courses-display-390")

	// The term's form: a schedule row added by the script.
	b.do(
		chromedp.Navigate(b.base+courses.CourseURL(c.ID)+"/terms/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.Click(chromedp.CSS("[data-add-cp]")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="slot_start.3"]`)),
	)
	b.shot("courses-term-form-390")
}
