package site

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserMailbox is the suggestion box end to end: a worker writes to
// their street's federation on the phone (anonymously, with a photo);
// the street's officer finds it in the list at 1280 px, accepts it and
// answers; the worker is told on the phone (home page, notices), opens
// the letter from the home page, reads the answer and rates it. Screenshots at 390 and 1280 px go to testkit.ScreenshotDir.
func TestBrowserMailbox(t *testing.T) {
	skipBrowser(t)
	s := newMailboxSite(t, testkit.NewDB(t, db.SQLite))
	pic := filepath.Join(t.TempDir(), "车间.png")
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for x := range 320 {
		for y := range 240 {
			img.Set(x, y, color.RGBA{uint8(x / 2), uint8(120 + y/4), 160, 255})
		}
	}
	f, err := os.Create(pic)
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, img)
	f.Close()

	// The worker writes on the phone.
	m := s.memberTab(t, "/m/login", 420*time.Second)
	s.codeLogin(m, "/m/login", mobileNumber(61), ".portal-hello")
	m.do(chromedp.Click(chromedp.CSS(`a.portal-action[href="/m/letters"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/m/letters/new"]`)))
	m.shot("mailbox-mine-empty-390")
	m.do(chromedp.Click(chromedp.CSS(`a[href="/m/letters/new"]`)), chromedp.WaitVisible(chromedp.CSS("form.letter-write")))
	// Sent empty first: the messages come back beside the fields.
	m.do(chromedp.Click(chromedp.CSS("form.letter-write button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	m.expect("refused form", "必填。")
	m.shot("mailbox-write-errors-390")
	if m.sideways(2) {
		t.Error("the writing form scrolls sideways at 390 px")
	}
	m.do(
		chromedp.Click(chromedp.CSS(`input[name="org_id"][value="`+id(s.east)+`"]`)),
		chromedp.SetValue(chromedp.CSS("#f-category"), "safety"),
		chromedp.SendKeys(chromedp.CSS("#f-subject"), "车间通风设备坏了"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "二车间的排风扇坏了一个多月，夏天闷热，希望工会督促尽快修好。"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-photos"), []string{pic}),
		chromedp.Click(chromedp.CSS("#f-anonymous")),
	)
	m.shot("mailbox-write-390")
	m.do(chromedp.Click(chromedp.CSS("form.letter-write button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".pact-detail")), imageLoaded(".letter-photos img"))
	m.expect("sent", "信已寄出", "车间通风设备坏了", "待受理", "匿名")
	m.shot("mailbox-letter-new-390")
	loc, err := chromedp.Run(m.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	letterID := strings.TrimPrefix(strings.TrimPrefix(loc, m.base), "/m/letters/")

	// The street's officer at 1280 px: the list, then the letter.
	o := newTab(t, s.srv.URL, 300*time.Second, false)
	o.login("dashilan")
	o.open("/letters", ".letter-table")
	o.expect("list", "车间通风设备坏了", "匿名", "待受理 1")
	if strings.Contains(o.text(), "刘写信") {
		t.Fatal("the staff list names the anonymous writer")
	}
	o.shot("mailbox-list-1280")
	o.do(chromedp.Click(chromedp.CSS(`.letter-table a[href^="/letters/`+letterID+`"]`)), chromedp.WaitVisible(chromedp.CSS("#accept")), imageLoaded(".letter-photos img"))
	o.shot("mailbox-letter-1280")
	o.do(
		chromedp.SendKeys(chromedp.CSS("#f-handler"), "张干事"),
		chromedp.Click(chromedp.CSS("#accept button[type=submit]")),
		chromedp.WaitNotPresent(chromedp.CSS("#accept")),
		chromedp.WaitVisible(chromedp.CSS("#answer")),
		chromedp.SendKeys(chromedp.CSS("#f-text"), "已联系企业，排风扇本周五前更换，工会将跟进落实。"),
		chromedp.Click(chromedp.CSS("#answer button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#close")),
	)
	o.expect("answered", "答复已发送。", "已答复", "张干事", "排风扇本周五前更换")
	o.shot("mailbox-answered-1280")

	// Staff pages on a phone stay inside the screen.
	o.phone()
	o.open("/letters", ".letter-table")
	o.shot("mailbox-list-390")
	if o.sideways(2) {
		t.Error("the staff list scrolls sideways at 390 px")
	}
	o.open("/letters/"+letterID, "#close")
	o.shot("mailbox-letter-390")
	if o.sideways(2) {
		t.Error("the letter's page scrolls sideways at 390 px")
	}

	// The worker is told: the home page says the letter has an answer and
	// links to it; the notices list both steps.
	m.open("/m", "#for-you")
	m.expect("told", "您的来信“车间通风设备坏了”有了答复", "2 条未读通知")
	m.shot("mailbox-told-home-390")
	if m.sideways(2) {
		t.Error("the home page scrolls sideways at 390 px")
	}
	m.open("/m/notices", ".pact-notices")
	m.expect("notices", "您的来信“车间通风设备坏了”已受理，正在办理。", "您的来信“车间通风设备坏了”有了答复，请查看。")
	m.shot("mailbox-notices-390")
	m.open("/m", "#for-you")
	// The worker reads the answer and rates it.
	m.do(chromedp.Click(chromedp.CSS(`#for-you a[href="/m/letters/`+letterID+`"]`)), chromedp.WaitVisible(chromedp.CSS("#rate")))
	m.expect("answer", "排风扇本周五前更换", "已答复", "您对答复满意吗？")
	if strings.Contains(m.text(), "张干事") {
		t.Fatal("the writer sees the staff member's name")
	}
	m.shot("mailbox-answer-390")
	m.do(
		chromedp.Click(chromedp.CSS(`input[name="rating"][value="satisfied"]`)),
		chromedp.Submit(chromedp.CSS("#rate form")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	m.expect("rated", "感谢您的评价。", "评价答复：满意")
	m.shot("mailbox-rated-390")
	m.open("/m/letters", ".letter-mine")
	m.expect("my letters", "车间通风设备坏了", "已答复")
	m.shot("mailbox-mine-390")
	if m.sideways(2) {
		t.Error("my letters scroll sideways at 390 px")
	}
}
