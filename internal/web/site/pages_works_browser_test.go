package site

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

// worksPhotoFile writes a real photo-like JPEG (a sky, a road, a figure)
// of w×h pixels and answers its path.
func worksPhotoFile(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(90 + 100*y/h), uint8(150 + 60*y/h), 230, 255} // sky
			if y > h*3/5 {
				c = color.RGBA{uint8(70 + 40*x/w), 70, 75, 255} // road
			}
			if dx, dy := x-w/2, y-h/2; dx*dx/4+dy*dy < (h/6)*(h/6) {
				c = color.RGBA{240, 120, 20, 255} // a worker's vest
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "清晨的环卫工.jpg")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitText waits until the page's text holds want, across the page
// being replaced meanwhile (a form's answer).
func (b *tab) waitText(want string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!document.body && document.readyState === 'complete' && document.body.innerText.includes(`+jsString(want)+`)`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the page never said %q (%v): %s", want, err, b.text())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// press clicks the button sel once the script that asked has returned:
// a click that navigates at once (a form that asks first, then submits)
// would otherwise take the script's page away under it.
func (b *tab) press(sel string) {
	b.t.Helper()
	b.eval(`(setTimeout(() => document.querySelector(` + jsString(sel) + `).click(), 0), '')`)
}

// TestBrowserWorks walks a photo call through Chromium: an officer at
// 1280 px creates it through the form (the audience chosen with the
// organisation picker), publishes it and seats a judge; a worker on a
// phone (390 px) hands in an entry with a real JPEG; the officer screens
// it and closes entries; the judge scores blind (neither the author's
// name nor their union on the page); the officer awards and publishes
// the results; the worker sees the winners with the photo's copy for
// phones. Each main page is photographed at 1280 and 390 px
// (testkit.ScreenshotDir) and none runs off the side at 390.
func TestBrowserWorks(t *testing.T) {
	skipBrowser(t)
	ctx := context.Background()
	d := testkit.NewDB(t, db.SQLite)
	s := newPortalSite(t, d)
	store := works.NewStore(d, s.members)
	var mu sync.Mutex
	now := time.Now()
	store.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Works: store}))
	bus, err := s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.east.ID, Name: "北京公交集团工会", Kind: org.KindGrassroots})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "pingwei", Name: "赵评委", OrgID: bus.ID, Password: testPassword}, auth.RoleOfficer); err != nil {
		t.Fatal(err)
	}
	s.add(t, s.unionE, "王小明", 1, "2020-01-01")
	s.add(t, s.unionE, "李晓红", 2, "2021-01-01")
	photo := worksPhotoFile(t, 1600, 1200)

	// The officer: the empty list, the form, the call.
	staff := newTab(t, s.srv.URL, 150*time.Second, false)
	staff.login("dashilan")
	staff.open("/works", ".page-head h1")
	staff.expect("the empty list", "作品征集", "还没有作品征集。", "新建征集")
	staff.open("/works/new", "#f-title")
	set := func(b *tab, sel, v string) {
		t.Helper()
		b.eval(`(el => { el.value = ` + jsString(v) + `; el.dispatchEvent(new Event('change', {bubbles: true})); return '' })(document.querySelector(` + jsString(sel) + `))`)
	}
	staff.do(
		chromedp.SendKeys(chromedp.CSS("#f-title"), "“我身边的劳动者”摄影比赛"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "用镜头记录身边的劳动者。每人限投一件，每件最多 3 张照片。"),
		chromedp.Click(chromedp.CSS("#f-kind-1")),
	)
	// Only the photo call's limits are shown once 摄影 is chosen.
	if v := staff.eval(`getComputedStyle(document.querySelector('#f-max_chars').closest('.field')).display`); v != "none" {
		t.Errorf("a photo call shows the essay's limits: %s", v)
	}
	if got := staff.pick("audience_org_id", "北京排水"); got != id(s.unionE) {
		t.Fatalf("the audience chosen: %q, want %q", got, id(s.unionE))
	}
	set(staff, "#f-opens_at", localIn(-time.Hour))
	set(staff, "#f-closes_at", localIn(7*24*time.Hour))
	set(staff, "#f-judge_until", localIn(14*24*time.Hour))
	set(staff, "#f-max_photos", "3")
	set(staff, "#f-max_photo_kb", "2048")
	staff.shot("works-form-1280")
	staff.press(".form-actions button.btn-primary")
	staff.do(chromedp.WaitVisible(chromedp.CSS(".works-status")))
	staff.expect("the new call", "作品征集已建好", "草稿", "北京排水集团工会", "评分标准：主题 40%、文采/构图 30%、创意 30%")
	callPath := staff.eval(`location.pathname`)
	callID := strings.TrimPrefix(callPath, "/works/")
	staff.confirmYes()
	staff.press(`form[action$="/publish"] button`)
	staff.waitText("已发布。")
	staff.do(chromedp.WaitVisible(chromedp.CSS(`form[action$="/close"]`)))
	staff.expect("published", "已发布。", "征集中")
	staff.do(chromedp.SetValue(chromedp.CSS("#f-judge_q"), "赵"), chromedp.Click(chromedp.CSS(".works-judge-search button")),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/judges"] select`)))
	staff.do(chromedp.Click(chromedp.CSS(`form[action$="/judges"] .btn-primary`)), chromedp.WaitVisible(chromedp.CSS(".works-judges")))
	staff.expect("the panel", "评委会已更新。", "赵评委（北京公交集团工会）")

	// The worker on the phone hands in a photo.
	m := s.memberTab(t, "/m/login", 150*time.Second)
	s.codeLogin(m, "/m/login", mobileNumber(1), ".portal-hello")
	m.do(chromedp.Click(chromedp.CSS(`a.portal-action[href="/m/works"]`)), chromedp.WaitVisible(chromedp.CSS(".pact-item")))
	m.expect("the member's calls", "“我身边的劳动者”摄影比赛", "征集中")
	m.shot("works-m-list-390")
	m.do(chromedp.Click(chromedp.CSS(".pact-item")), chromedp.WaitVisible(chromedp.CSS("form#submit")))
	m.expect("the call", "用镜头记录身边的劳动者", "您还没有提交作品。")
	m.shot("works-m-call-390")
	m.do(
		chromedp.SendKeys(chromedp.CSS("#f-title"), "清晨的环卫工"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"][name="photos"]`), []string{photo}),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "摄于前门大街，早上五点半。"),
		chromedp.Click(chromedp.CSS("#f-original")),
		chromedp.Click(chromedp.CSS("form#submit button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".works-photos img")),
	)
	m.expect("handed in", "作品已提交。", "清晨的环卫工", "待初审")
	if n := strings.Count(m.text(), "作品已提交。"); n != 1 {
		t.Errorf("the flash shows %d times", n)
	}
	m.do(imageLoaded(".works-photos img"))
	m.shot("works-m-submitted-390")
	if m.sideways(2) {
		t.Error("the member's call runs off the side at 390 px")
	}

	// The officer screens it and closes entries.
	staff.open(callPath, ".works-status")
	staff.expect("one to screen", "1 件待初审")
	staff.do(chromedp.Click(chromedp.CSS(`a[href$="/entries?status=submitted"]`)), chromedp.WaitVisible(chromedp.CSS(".works-entry")))
	staff.expect("the entries", "清晨的环卫工", "王小明", "北京排水集团工会")
	staff.do(imageLoaded(".works-entry .works-photos img"))
	staff.shot("works-entries-1280")
	staff.press(`.works-screen button[value="accept"]`)
	staff.waitText("初审结果已保存。")
	staff.expect("screened", "初审结果已保存。")
	staff.open(callPath, ".works-status")
	staff.confirmYes()
	staff.press(`form[action$="/close"] button`)
	staff.waitText("征集已截止")
	staff.expect("judging", "评审中")

	// The judge scores blind.
	judge := newTab(t, s.srv.URL, 150*time.Second, false)
	judge.login("pingwei")
	judge.open("/judging", ".page-head h1")
	judge.expect("the judge's calls", "“我身边的劳动者”摄影比赛", "待评 1 件")
	judge.shot("works-judge-list-1280")
	judge.open("/judging/"+callID, ".works-marks")
	judge.do(imageLoaded(".works-photos img"))
	text := judge.text()
	for _, hidden := range []string{"王小明", "北京排水集团工会"} {
		if strings.Contains(text, hidden) {
			t.Errorf("the judge's page names %s", hidden)
		}
	}
	if html := judge.eval(`document.documentElement.outerHTML`); strings.Contains(html, "王小明") || strings.Contains(html, "北京排水集团工会") {
		t.Error("the judge's page carries the author in its markup")
	}
	judge.expect("blind", "1 号作品", "清晨的环卫工", "匿名评审")
	judge.shot("works-judging-1280")
	judge.phone()
	judge.open("/judging/"+callID, ".works-marks")
	judge.do(imageLoaded(".works-photos img"))
	judge.shot("works-judging-390")
	if judge.sideways(2) {
		t.Error("the judging page runs off the side at 390 px")
	}
	judge.do(chromedp.EmulateViewport(1280, 900))
	judge.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="mark.0"]`), "92"),
		chromedp.SendKeys(chromedp.CSS(`input[name="mark.1"]`), "88"),
		chromedp.SendKeys(chromedp.CSS(`input[name="mark.2"]`), "85"),
	)
	judge.press(".works-marks button")
	judge.waitText("评分已保存。")
	judge.expect("scored", "评分已保存。", "我的评分 88.70")

	// Judging closes: the officer awards and publishes.
	advance(15 * 24 * time.Hour)
	staff.open(callPath, ".works-status")
	staff.expect("judged", "评审结束")
	staff.press(`form[action$="/award"] button`)
	staff.waitText("已按得分排名并颁奖。")
	staff.expect("awarded", "获奖作品", "一等奖", "清晨的环卫工", "王小明", "结果尚未公布")
	staff.confirmYes()
	staff.press(`form[action$="/results"] button`)
	staff.waitText("结果已公布。")
	staff.expect("published", "结果已公布。", "已公布结果", "导出获奖名单")
	staff.do(imageLoaded("#winners img"))
	staff.shot("works-show-1280")

	// The worker reads the results with the winner's photo.
	m.open("/m/works/"+callID, "#winners")
	m.do(imageLoaded("#winners img"))
	m.expect("the results", "已公布结果", "获奖作品", "一等奖", "清晨的环卫工", "王小明 · 北京排水集团工会")
	if w := m.eval(`String(document.querySelector('#winners img').naturalWidth)`); w != fmt.Sprint(works.ThumbSide) {
		t.Errorf("the winner's photo is %s px wide, want the copy for phones (%d)", w, works.ThumbSide)
	}
	if src := m.eval(`document.querySelector('#winners img').getAttribute('src')`); !strings.HasSuffix(src, "?size=thumb") {
		t.Errorf("the winner's photo is not the copy for phones: %s", src)
	}
	m.shot("works-m-results-390")
	if m.sideways(2) {
		t.Error("the results run off the side at 390 px")
	}

	// Every main page at both widths.
	for _, width := range []int{1280, 390} {
		for _, pg := range []struct {
			who             *tab
			path, sel, name string
		}{
			{staff, "/works", "table", "works-list"},
			{staff, "/works/new", "#f-title", "works-form"},
			{staff, callPath, ".works-status", "works-show"},
			{staff, callPath + "/entries", ".works-entry", "works-entries"},
			{judge, "/judging", ".page-head h1", "works-judge-list"},
		} {
			b := pg.who
			if width < 600 {
				b.phone()
			} else {
				b.do(chromedp.EmulateViewport(1280, 900))
			}
			b.open(pg.path, pg.sel)
			b.shot(fmt.Sprintf("%s-%d", pg.name, width))
			if width < 600 && b.sideways(2) {
				t.Errorf("%s runs off the side at 390 px", pg.path)
			}
			if text := b.text(); strings.Contains(text, "works.") {
				t.Errorf("%s shows a raw key", pg.path)
			}
		}
	}
	// Another worker of the union, at 1280: the winners reach the whole audience.
	wide := newTab(t, s.srv.URL, 60*time.Second, false)
	wide.do(chromedp.Navigate(wide.base + "/lang?to=zh-CN&back=/m/login"))
	s.codeLogin(wide, "/m/login", mobileNumber(2), ".portal-hello")
	wide.open("/m/works", ".pact-item")
	wide.shot("works-m-list-1280")
	wide.open("/m/works/"+callID, "#winners")
	wide.do(imageLoaded("#winners img"))
	wide.shot("works-m-results-1280")
	m.open("/m/works", ".pact-item")
	m.shot("works-m-list-390")
}
