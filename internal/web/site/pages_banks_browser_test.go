package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserBanks: an officer creates a question bank, adds a multiple
// choice question through the form (the script shows the type's inputs
// only), and imports a sheet with one bad row, whose problem the report
// says in words. At phone width nothing runs off the side. Screenshots at
// both widths go to testkit.ScreenshotDir.
func TestBrowserBanks(t *testing.T) {
	skipBrowser(t)
	s := newBankSite(t, testkit.NewDB(t, db.SQLite))
	file := filepath.Join(t.TempDir(), "安全生产题库.csv")
	if err := os.WriteFile(file, []byte(bankCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, s.srv.URL, 120*time.Second, false)
	b.login("dashilan")

	b.open("/banks/new", "#f-name")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-name"), "安全生产知识题库"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "2025 年“安全生产月”知识竞赛用，覆盖安全生产法、职业病防治和应急处置。"),
	)
	b.shot("banks-new-1280")
	b.do(
		chromedp.Click(chromedp.CSS(`.form-actions button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#questions`)),
	)
	b.expect("the new bank", "题库已创建。", "安全生产知识题库", "这个题库还没有题目。")
	bankPath, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if !bankPathRE.MatchString(bankPath) {
		t.Fatalf("after creating: %q", bankPath)
	}

	// A multiple choice question: the type's inputs only.
	b.open(bankPath+"/questions/new", "#f-stem")
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(s => { s.value = 'multiple'; s.dispatchEvent(new Event('change')); return true })(document.querySelector('#f-type'))`)); err != nil {
		t.Fatal(err)
	}
	hidden := func(sel string) bool {
		h, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('`+sel+`').closest('[data-types]').hidden`))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if hidden("#f-key-multiple-0") || !hidden("#f-key-single-0") || !hidden("#f-key_blanks") || hidden("#f-options-0") {
		t.Fatal("the form shows another type's inputs")
	}
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-stem"), "发生生产安全事故后，事故现场有关人员应当（ ）。"),
		chromedp.SendKeys(chromedp.CSS("#f-options-0"), "立即报告本单位负责人"),
		chromedp.SendKeys(chromedp.CSS("#f-options-1"), "在保证安全的前提下采取措施防止事故扩大"),
		chromedp.SendKeys(chromedp.CSS("#f-options-2"), "先拍照发朋友圈"),
		chromedp.SendKeys(chromedp.CSS("#f-options-3"), "离开现场等待通知"),
		chromedp.Click(chromedp.CSS("#f-key-multiple-0")),
		chromedp.Click(chromedp.CSS("#f-key-multiple-1")),
		chromedp.SendKeys(chromedp.CSS("#f-category"), "应急处置"),
		chromedp.SendKeys(chromedp.CSS("#f-explanation"), "见《安全生产法》第八十三条。"),
	)
	b.shot("banks-question-form-1280")
	b.do(
		chromedp.Click(chromedp.CSS(`.form-actions button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.bank-q`)),
	)
	b.expect("the bank with its question", "题目已添加。", "多选题", "发生生产安全事故后", "AB", "应急处置", "正确答案")

	// The import: a dry run of a sheet with one bad row.
	b.open(bankPath+"/import", "#f-file")
	b.do(
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`.form-actions button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".bank-report")),
	)
	b.expect("the dry run", "仅检查，不导入", "答案里的字母超出了已填写的选项（最后一个选项是 B）", "下载错误清单")
	b.shot("banks-import-report-1280")
	b.do(
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`.form-actions button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	b.expect("the import", "已导入 3 道题目。")
	b.open(bankPath, ".bank-q")
	b.shot("banks-show-1280")
	b.open("/banks", "table.bank-table")
	b.shot("banks-list-1280")

	// On a phone.
	b.phone()
	for _, pg := range []struct{ path, sel, name string }{
		{"/banks", "table.bank-table", "banks-list-390"},
		{bankPath, ".bank-q", "banks-show-390"},
		{bankPath + "/questions/new?type=multiple", "#f-stem", "banks-question-form-390"},
		{bankPath + "/import", "#f-file", "banks-import-390"},
		{bankPath + "/edit", "#f-name", "banks-edit-390"},
	} {
		b.open(pg.path, pg.sel)
		b.shot(pg.name)
		if b.sideways(2) {
			t.Errorf("%s runs off the side at 390 px", pg.path)
		}
	}
	b.open(bankPath+"/import", "#f-file")
	b.do(
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`.form-actions button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".bank-report")),
	)
	b.shot("banks-import-report-390")
	if b.sideways(2) {
		t.Error("the import's report runs off the side at 390 px")
	}
	if text := b.text(); !strings.Contains(text, "答案里的字母超出了已填写的选项") {
		t.Errorf("the report at 390 px lacks the row's problem: %s", text)
	}
}
