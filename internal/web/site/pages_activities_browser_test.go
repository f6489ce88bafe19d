package site

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/activity"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// TestBrowserActivities: staff open an activity's page and find the
// attendance of the members checked in (through the store, as their
// phones would have), open a checkpoint's screen with its QR code, and
// check a member in with the phone scanner. Screenshots at desktop and
// phone widths go to testkit.ScreenshotDir.
func TestBrowserActivities(t *testing.T) {
	skipBrowser(t)
	s := newActSite(t, testkit.NewDB(t, db.SQLite))
	bg := context.Background()
	bus, err := s.orgs.Create(bg, s.system, org.CreateInput{ParentID: s.east.ID, Name: "北京公交集团工会", Kind: org.KindGrassroots})
	if err != nil {
		t.Fatal(err)
	}
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01")
	li := s.add(t, s.unionE, "李秀英", 2, "2021-06-15")
	zhao := s.add(t, bus, "赵卫东", 4, "2018-04-20")
	walk := s.running(t, "前门大街健步走", activity.Input{Kind: "walk", Capacity: 30, Waitlist: true, StampsRequired: 2, Prize: "纪念徽章",
		Venue: "前门大街", Address: "北京市东城区前门大街", Description: "沿前门大街、大栅栏、鲜鱼口走一圈，集齐两个章可换纪念徽章。",
		Checkpoints: []activity.CheckpointInput{{Name: "前门箭楼"}, {Name: "鲜鱼口", RotateSeconds: 10}}})
	for _, m := range []int64{zhang.ID, li.ID, zhao.ID} {
		if _, _, err := s.acts.Register(bg, s.officer, walk.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []int64{zhang.ID, zhao.ID} {
		if _, _, err := s.acts.CheckIn(bg, s.officer, walk.ID, activity.CheckInInput{MemberID: m}); err != nil {
			t.Fatal(err)
		}
	}
	liCard, err := s.members.Card(bg, s.system, li.ID)
	if err != nil {
		t.Fatal(err)
	}

	b := newTab(t, s.srv.URL, 90*time.Second, false)
	page := "/activities/" + actID(walk)
	b.login("dashilan")

	b.open("/activities", "table.act-table")
	b.shot("activities-list-1280")

	b.open(page, "#attendance")
	b.shot("activities-show-1280")
	text := b.text()
	for _, want := range []string{"到场人数", "66.7%", "共 2 家工会、2 名职工参加。", "北京公交集团工会", "北京排水集团工会", "3 / 30"} {
		if !strings.Contains(text, want) {
			t.Errorf("the activity's page lacks %q", want)
		}
	}

	// The rotating checkpoint's screen shows its QR code.
	href, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('#checkpoints li:nth-child(2) a').getAttribute('href')`))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/activities/\d+/checkpoints/\d+/display$`).MatchString(href) {
		t.Fatalf("display link %q", href)
	}
	b.do(
		chromedp.Navigate(b.base+href),
		imageLoaded(".cp-display-qr"),
	)
	b.shot("activities-display-1280")
	b.expect("display page", "鲜鱼口", "/m/checkin?code=GHA1")

	// The rotating code is replaced on the screen when its window ends.
	src, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('.cp-display-qr').getAttribute('src')`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx,
		chromedp.Poll[chromedp.Void](`document.querySelector('.cp-display-qr').getAttribute('src') !== `+strconv.Quote(src)),
		imageLoaded(".cp-display-qr"),
	); err != nil {
		t.Fatalf("the code was not refreshed: %v", err)
	}

	// On a phone: the screen, the activity's page and the scanner.
	b.phone()
	b.do(chromedp.Navigate(b.base+href), imageLoaded(".cp-display-qr"))
	b.shot("activities-display-390")
	b.open(page, "#attendance")
	b.shot("activities-show-390")

	b.do(
		chromedp.Navigate(b.base+page+"/scan"),
		chromedp.WaitVisible(chromedp.CSS("#f-card")),
		chromedp.SetValue(chromedp.CSS("#f-card"), liCard.Payload),
		chromedp.Click(chromedp.CSS(`[data-scan-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".scan-result.scan-ok")),
	)
	b.shot("activities-scan-390")
	b.expect("scanner", "李秀英", "前门箭楼")
	// A card that is not one: the reason, in red.
	b.do(
		chromedp.SetValue(chromedp.CSS("#f-card"), "GHC1:nothing"),
		chromedp.Click(chromedp.CSS(`[data-scan-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".scan-result.scan-bad")),
	)
	b.shot("activities-scan-bad-390")
	att, err := s.acts.Attendance(bg, s.officer, walk.ID)
	if err != nil || att.Attended != 3 {
		t.Fatalf("attendance after scanning: %+v %v", att, err)
	}

	b.do(
		chromedp.Navigate(b.base+"/activities/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.Click(chromedp.CSS("[data-add-cp]")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="cp_name.1"]`)),
	)
	b.shot("activities-form-390")
}
