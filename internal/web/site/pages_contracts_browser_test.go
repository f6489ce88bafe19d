package site

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserContracts is a collective contract end to end at 1280 px:
// the street's officer drafts a regional contract over two employers
// (after one refused attempt), submits it, and — the clock moved past the
// review — renews it; then the list and the contract at 390 px.
// Screenshots go to testkit.ScreenshotDir.
func TestBrowserContracts(t *testing.T) {
	skipBrowser(t)
	s := newContractSite(t, testkit.NewDB(t, db.SQLite), "2026-03-10")
	o := newTab(t, s.srv.URL, 150*time.Second, false)
	o.login("dashilan")
	o.open("/contracts", ".contract-figures")
	o.shot("contracts-empty-1280")
	o.do(chromedp.Click(chromedp.CSS(`a[href="/contracts/new"]`)), chromedp.WaitVisible(chromedp.CSS("form.contract-form")))
	set := func(name, value string) step {
		return chromedp.SetValue(chromedp.CSS(`[name="`+name+`"]`), value)
	}
	o.do(
		chromedp.SendKeys(chromedp.CSS(`[name="title"]`), "大栅栏街道区域性集体合同"),
		set("coverage", "regional"),
		chromedp.SendKeys(chromedp.CSS(`[name="union_rep"]`), "张建国"),
		chromedp.SendKeys(chromedp.CSS(`[name="employer_rep"]`), "王经理"),
		set("signed_on", "2026-02-20"), set("starts_on", "2026-03-01"), set("ends_on", "2026-01-31"),
		chromedp.SendKeys(chromedp.CSS(`[name="wage_increase"]`), "3.5"),
	)
	// The first employer through the search picker, by pinyin initials.
	if got := pickEmployer(o, "0", "bjps"); got != db.FormatID(s.empE.ID) {
		t.Fatalf("picked %q, want the drainage group", got)
	}
	o.do(chromedp.SendKeys(chromedp.CSS(`[name="employers.0.workers"]`), "260"))
	o.shot("contract-form-picker-1280")
	// "Add another employer" brings a second row, keeping what was typed.
	tap(o, `form.contract-form button[name="add_row"]`)
	waitFor(o, `[id="f-employers.1.employer_id-q"]`)
	if got := pickEmployer(o, "1", "瑞蚨祥"); got != db.FormatID(s.shop.ID) {
		t.Fatalf("picked %q, want the shop", got)
	}
	o.do(
		chromedp.SendKeys(chromedp.CSS(`[name="employers.1.workers"]`), "35"),
		chromedp.Click(chromedp.CSS("form.contract-form .form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	o.expect("refused", "期限届满日不能早于起始日。")
	o.shot("contracts-form-error-1280")
	o.do(set("ends_on", "2029-02-28"), chromedp.Click(chromedp.CSS("form.contract-form .form-actions button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#submit")))
	o.expect("draft", "集体合同草案已保存。", "草案", "北京排水集团", "大栅栏瑞蚨祥绸布店", "295")
	o.shot("contract-draft-1280")
	o.do(set("submitted_on", "2026-03-01"), chromedp.Click(chromedp.CSS("#submit button[type=submit]")), chromedp.WaitNotPresent(chromedp.CSS("#submit")))
	o.expect("submitted", "已登记报送审查。", "审查中", "2026-03-16", "2026-03-17")
	o.shot("contract-review-1280")

	s.now = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	o.open(strings.TrimPrefix(o.location(), s.srv.URL), "#renew")
	o.expect("in force", "生效中")
	o.do(chromedp.Click(chromedp.CSS("#renew button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("form.contract-form")))
	o.expect("renewal", "已起草续订合同")
	o.shot("contract-renewal-form-1280")
	o.do(chromedp.Click(chromedp.CSS("form.contract-form .form-actions button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".contract-chain")))
	o.expect("renewal page", "续订记录", "2029-03-01 – 2032-02-29", "2026-03-01 – 2029-02-28")
	o.shot("contract-chain-1280")
	o.open("/contracts", ".contract-table")
	o.expect("list", "生效中 1", "草案 1", "2 / 2")
	o.shot("contracts-list-1280")

	o.phone()
	o.open("/contracts", ".contract-table")
	o.shot("contracts-list-390")
	if o.sideways(2) {
		t.Error("the list scrolls sideways at 390 px")
	}
	o.do(chromedp.Click(chromedp.CSS(".contract-table tbody th a")), chromedp.WaitVisible(chromedp.CSS(".contract-chain")))
	o.shot("contract-390")
	if o.sideways(2) {
		t.Error("a contract's page scrolls sideways at 390 px")
	}
	o.open("/contracts/new", "form.contract-form")
	pickEmployer(o, "0", "瑞蚨祥")
	o.shot("contract-form-390")
	if o.sideways(2) {
		t.Error("the form scrolls sideways at 390 px")
	}
}

// pickEmployer types into the employer picker of row, waits for its
// matches, takes the first with the keyboard and answers the chosen id.
func pickEmployer(b *tab, row, typed string) string {
	b.t.Helper()
	q := `[id="f-employers.` + row + `.employer_id-q"]`
	list := `[id="f-employers.` + row + `.employer_id-list"]`
	b.do(
		chromedp.SendKeys(chromedp.CSS(q), typed),
		chromedp.WaitVisible(chromedp.CSS(list+` [role="option"]`)),
		chromedp.SendKeys(chromedp.CSS(q), kb.ArrowDown),
		chromedp.WaitVisible(chromedp.CSS(list+` [aria-selected="true"]`)),
		chromedp.SendKeys(chromedp.CSS(q), kb.Enter),
		chromedp.WaitNotVisible(chromedp.CSS(list)),
	)
	return b.eval(`document.querySelector('input[type="hidden"][name="employers.` + row + `.employer_id"]').value`)
}

// location is the tab's address.
func (b *tab) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return loc
}
