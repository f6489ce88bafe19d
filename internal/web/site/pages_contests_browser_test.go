package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

// TestBrowserContests: an officer builds a contest through the form with
// JavaScript: a random section, a section added with the button whose
// fixed questions are listed when its bank is chosen; publishes it (the
// confirmation asked), and after a worker's paper reads the board and
// grades the short answer. At phone width nothing runs off the side.
// Screenshots at both widths go to testkit.ScreenshotDir.
func TestBrowserContests(t *testing.T) {
	skipBrowser(t)
	s := newContestSite(t, testkit.NewDB(t, db.SQLite))
	b := newTab(t, s.srv.URL, 90*time.Second, false)
	b.login("dashilan")
	bankID := db.FormatID(s.city.ID)

	b.open("/contests", ".page-head h1")
	b.expect("the empty list", "知识竞赛", "还没有知识竞赛。", "新建竞赛")
	b.open("/contests/new", "#f-title")
	set := func(sel, v string) {
		t.Helper()
		b.eval(`(el => { el.value = ` + jsString(v) + `; el.dispatchEvent(new Event('change', {bubbles: true})); return '' })(document.querySelector(` + jsString(sel) + `))`)
	}
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-title"), "2026年安全生产月知识竞赛"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "全市职工均可参加，答题限时 30 分钟。"),
	)
	set("#f-opens_at", localIn(-time.Hour))
	set("#f-closes_at", localIn(7*24*time.Hour))
	set("#f-time_limit", "30")
	set("#f-pass_mark", "6")
	b.do(chromedp.SendKeys(chromedp.CSS("#f-sec_title-0"), "判断题"))
	set("#f-sec_bank-0", bankID)
	set("#f-sec_count-0", "3")
	set(`[name="sec_type.0"]`, "truefalse")
	set("#f-sec_points-0", "2")
	// The fixed fields are hidden while a row draws at random.
	if v := b.eval(`getComputedStyle(document.querySelector('[data-index="0"] [data-sec-part="fixed"]')).display`); v != "none" {
		t.Fatalf("a random section shows the fixed list: %s", v)
	}
	// A fourth row by the button; then its bank, as a fixed section: the
	// form comes back with the bank's questions to tick.
	b.do(chromedp.Click(chromedp.CSS("[data-add-sec]")), chromedp.WaitVisible(chromedp.CSS(`[data-index="3"]`)))
	b.do(chromedp.SendKeys(chromedp.CSS("#f-sec_title-3"), "简答题"))
	set("#f-sec_points-3", "10")
	b.do(chromedp.Click(chromedp.CSS(`#f-sec_mode-3-1`)))
	set("#f-sec_bank-3", bankID)
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="sec_q.3"]`)))
	b.expect("the bank's questions", "简述工会的四项基本职能。")
	if v := b.eval(`document.querySelector('#f-title').value`); v != "2026年安全生产月知识竞赛" {
		t.Fatalf("the title after listing the bank's questions: %q", v)
	}
	b.eval(`(Array.from(document.querySelectorAll('input[name="sec_q.3"]')).find(el => el.closest('label').textContent.includes('简述')).click(), '')`)
	b.shot("contests-form-1280")
	b.do(chromedp.Click(chromedp.CSS(`.form-actions button.btn-primary`)), chromedp.WaitVisible(chromedp.CSS(`.contest-rules`)))
	b.expect("the new contest", "竞赛已创建", "草稿", "每份试卷 4 道题，满分 16 分，6 分合格。", "随机抽取 3 道（判断题）", "指定 1 道题", "代表队")
	path := b.eval(`location.pathname`)
	b.shot("contests-show-1280")
	b.confirmYes()
	b.eval(`(document.querySelector('form[action$="/publish"] button').click(), '')`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`.contest-status-bar form[action$="/cancel"]`)))
	b.expect("published", "竞赛已发布。", "已发布")

	contestID := parseContestID(t, path)
	s.take(t, contestID)
	b.open("/contests", "table.contest-table")
	b.shot("contests-list-1280")
	b.open(path+"/board", "table.contest-board")
	b.expect("the board", "李答题", "北京排水集团工会", "按个人", "按组织", "排行榜每 15 秒自动更新")
	b.shot("contests-board-1280")
	// While the contest is open the board reads itself again: a mark put
	// into it is gone once the next board is in place.
	b.eval(`(document.querySelector('[data-live-board]').insertAdjacentHTML('beforeend', '<p id="stale-mark">旧</p>'), '')`)
	b.do(chromedp.WaitNotPresent(chromedp.CSS("#stale-mark")))
	b.expect("the board read again", "李答题")
	if err := stats.NewStore(s.d).FoldAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.open(path+"/board?by=org", "table.contest-orgs")
	b.expect("the board by organisation", "北京排水集团工会", "参与率", "合格率")
	b.shot("contests-board-orgs-1280")
	b.open(path+"/attempts?pending=1", "table.contest-attempts")
	b.shot("contests-attempts-1280")
	b.do(chromedp.Click(chromedp.CSS(`table.contest-attempts th a`)), chromedp.WaitVisible(chromedp.CSS(`.contest-grade`)))
	b.shot("contests-attempt-1280")
	b.do(chromedp.SendKeys(chromedp.CSS(`.contest-grade input[type="number"]`), "12"), chromedp.Click(chromedp.CSS(`.contest-grade button`)),
		chromedp.WaitVisible(chromedp.CSS(`.contest-grade .field-error`)))
	b.expect("too many points", "0 到 10")
	b.do(chromedp.SetValue(chromedp.CSS(`.contest-grade input[type="number"]`), "8"), chromedp.Click(chromedp.CSS(`.contest-grade button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	b.expect("graded", "已评分", "14 / 16")

	// On a phone.
	b.phone()
	for _, pg := range []struct{ path, sel, name string }{
		{"/contests", "table.contest-table", "contests-list-390"},
		{path, ".contest-rules", "contests-show-390"},
		{path + "/edit", "#f-title", "contests-form-390"},
		{path + "/board", "table.contest-board", "contests-board-390"},
		{path + "/board?by=org", "table.contest-orgs", "contests-board-orgs-390"},
		{path + "/attempts", "table.contest-attempts", "contests-attempts-390"},
	} {
		b.open(pg.path, pg.sel)
		b.shot(pg.name)
		if b.sideways(2) {
			t.Errorf("%s runs off the side at 390 px", pg.path)
		}
		if text := b.text(); strings.Contains(text, "kweb.") {
			t.Errorf("%s shows a raw key: %s", pg.path, text)
		}
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func parseContestID(t *testing.T, path string) int64 {
	t.Helper()
	m := contestPathRE.FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("not a contest's page: %q", path)
	}
	id, _ := db.ParseID(m[1])
	return id
}
