package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/activity"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserPortalActivities is a member's morning on the phone: sign in,
// find the museum visit under 活动, open it, sign up; at the museum, scan
// the checkpoint's QR code (the camera opens its link), tap 签到 and see
// the stamp on the card. A second member scans before signing in: the
// sign-in brings them back to the code. Screenshots at 390 px go to
// testkit.ScreenshotDir.
func TestBrowserPortalActivities(t *testing.T) {
	skipBrowser(t)
	bg := context.Background()
	s := newPactSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker")
	li := s.add(t, s.unionE, "李秀英", 2, "2021-06-15")

	lat, lng := 39.9288, 116.3889
	in := pactInput(s.east, "“追寻红色足迹”主题参观：中国共产党历史展览馆", 10*time.Minute)
	in.Kind, in.Capacity, in.Waitlist = "themed_education", 40, true
	in.Organiser = "大栅栏街道总工会"
	in.Description = "集合：展览馆北门，请提前 15 分钟到达。\n请携带身份证，现场扫码签到。\n\n参观路线：序厅 → 二楼展厅 → 出口留言墙，三个签到点全部签到可领取纪念徽章。"
	in.Lat, in.Lng = &lat, &lng
	in.Checkpoints = []activity.CheckpointInput{{Name: "序厅"}, {Name: "二楼展厅"}, {Name: "出口留言墙"}}
	in.StampsRequired, in.Prize = 3, "纪念徽章"
	museum := s.publish(t, in)
	for i, title := range []string{"劳模工匠座谈会", "职工书屋读书分享会"} {
		x := pactInput(s.root, title, time.Duration(26+24*i)*time.Hour)
		x.Kind, x.Capacity = "lecture", 30
		s.publish(t, x)
	}
	walkIn := pactInput(s.east, "前门大街城市健步走", 50*time.Hour)
	walkIn.Kind, walkIn.Capacity = "walk", 2
	walk := s.publish(t, walkIn)
	// Zhang was signed up for the walk by staff, then it was called off: a notice.
	if _, _, err := s.acts.Register(bg, s.staff, walk.ID, zhang.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.acts.Register(bg, s.staff, museum.ID, li.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.acts.Cancel(bg, s.staff, walk.ID, "天气原因"); err != nil {
		t.Fatal(err)
	}

	b := s.memberTab(t, "/m/login", 120*time.Second)
	s.codeLogin(b, "/m/login", mobileNumber(1), ".portal-hello")
	b.shot("pact-home-390")
	b.expect("home", "活动报名", "1 条未读")

	// 活动 in the bottom bar, then the museum visit.
	b.do(
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/activities"]`)),
		chromedp.WaitVisible(chromedp.CSS(".pact-list")),
	)
	b.shot("pact-list-390")
	b.expect("list", "中国共产党历史展览馆", "余 39 个名额")
	b.do(
		chromedp.Click(chromedp.CSS(`a.pact-item[href="/m/activities/`+aid(museum)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(".pact-me")),
	)
	b.shot("pact-detail-390")

	// Sign up.
	b.do(
		chromedp.Click(chromedp.CSS(`form[action$="/register"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash .alert-success")),
	)
	b.shot("pact-registered-390")
	b.expect("after signing up", "报名成功", "取消报名")

	// At the museum: the QR code of the second checkpoint opens this link.
	code := s.code(t, museum, 1)
	b.open(activity.CheckinPath(code), "button.pact-big")
	b.shot("pact-checkin-390")
	if n := s.stamps(t, museum, zhang); n != 0 {
		t.Fatalf("opening the code checked in: %d", n)
	}
	b.do(
		chromedp.Click(chromedp.CSS("button.pact-big")),
		chromedp.WaitVisible(chromedp.CSS(`[data-result="ok"]`)),
		chromedp.WaitVisible(chromedp.CSS(".pact-stamp.is-just")),
	)
	time.Sleep(600 * time.Millisecond) // the stamp's animation
	b.shot("pact-checked-in-390")
	text := b.text()
	if !strings.Contains(text, "签到成功") || !strings.Contains(text, "已集 1 / 3 枚") || !strings.Contains(text, "二楼展厅") {
		t.Fatalf("after checking in: %s", text)
	}
	if just, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(".pact-stamp.is-just .pact-stamp-name"))); err != nil || just != "二楼展厅" {
		t.Fatalf("the stamp just earned: %q %v", just, err)
	}
	if n := s.stamps(t, museum, zhang); n != 1 {
		t.Fatalf("stamps after checking in: %d", n)
	}

	// The same code again (a second scan): already checked in.
	b.open(activity.CheckinPath(code), `[data-result="again"]`)
	b.shot("pact-checkin-again-390")
	// The activity's page says so too.
	b.open("/m/activities/"+aid(museum), "[data-checked-in]")
	b.shot("pact-detail-checked-in-390")
	b.expect("the activity after checking in", "已签到：", "（已集 1 / 3 枚）")

	// The timetable, the notices, and the page in English.
	for _, pg := range []struct{ name, path, sel string }{
		{"timetable", "/m/timetable", ".pact-day"},
		{"notices", "/m/notices", ".pact-notice"},
		{"detail-stamped", "/m/activities/" + aid(museum), ".pact-stampcard"},
		{"list-en", "/m/activities?lang=en", ".pact-list"},
		{"detail-en", "/m/activities/" + aid(museum) + "?lang=en", ".pact-stampcard"},
	} {
		b.open(pg.path, pg.sel)
		b.shot("pact-" + pg.name + "-390")
	}

	// Li scans before signing in: the sign-in brings her back to the code,
	// and one tap checks her in.
	b2 := s.memberTab(t, "/card/verify", 60*time.Second)
	s.codeLogin(b2, activity.CheckinPath(s.code(t, museum, 0)), mobileNumber(2), "button.pact-big")
	b2.do(
		chromedp.Click(chromedp.CSS("button.pact-big")),
		chromedp.WaitVisible(chromedp.CSS(`[data-result="ok"]`)),
	)
	b2.shot("pact-checkin-after-login-390")
	if n := s.stamps(t, museum, li); n != 1 {
		t.Fatalf("li's stamps: %d", n)
	}

	// Staff of the street, on their phone, see the two check-ins in the
	// attendance and in the list of check-ins.
	staff := newTab(t, s.srv.URL, 60*time.Second, true)
	staff.login("dashilan")
	staff.open("/activities/"+aid(museum)+"?tab=checkins", "#attendance")
	att := staff.text()
	for _, want := range []string{"张建华", "李秀英", "二楼展厅", "序厅"} {
		if !strings.Contains(att, want) {
			t.Fatalf("staff's attendance lacks %q:\n%s", want, att)
		}
	}
	attended, err := chromedp.Run(staff.ctx, chromedp.Text(chromedp.CSS("#attendance .act-att dd:nth-of-type(2)")))
	if err != nil || strings.TrimSpace(attended) != "2" {
		t.Fatalf("attended shown as %q (%v), want 2", attended, err)
	}
	staff.shot("pact-staff-attendance-390")
}
