package site

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserOrgPicker types into the organisation picker of the employer
// form at desktop and phone widths, chooses a match with the keyboard and
// finds the hidden id filled and the typed fields untouched; then checks
// that the ID number input of on-site joining shows all 18 characters.
// Screenshots go to testkit.ScreenshotDir.
func TestBrowserOrgPicker(t *testing.T) {
	skipBrowser(t)
	s, eastUnion, _ := formsSite(t, testkit.NewDB(t, db.SQLite))
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := newTab(t, s.srv.URL, 90*time.Second, width < 600)
			b.login("dashilan")
			b.open("/employers/new", "#f-owner_org_id-q")
			b.do(
				chromedp.SendKeys(chromedp.CSS("#f-name"), "北京润宏保安服务有限公司"),
				chromedp.SendKeys(chromedp.CSS("#f-owner_org_id-q"), "psjt"),
				chromedp.WaitVisible(chromedp.CSS(`#f-owner_org_id-list [role="option"]`)),
			)
			b.shot(fmt.Sprintf("forms-picker-open-%d", width))
			b.do(
				chromedp.SendKeys(chromedp.CSS("#f-owner_org_id-q"), kb.ArrowDown),
				chromedp.WaitVisible(chromedp.CSS(`#f-owner_org_id-list [aria-selected="true"]`)),
				chromedp.SendKeys(chromedp.CSS("#f-owner_org_id-q"), kb.Enter),
				chromedp.WaitNotVisible(chromedp.CSS("#f-owner_org_id-list")),
			)
			chosen := b.eval(`document.querySelector('input[type="hidden"][name="owner_org_id"]').value`)
			name := b.eval(`document.querySelector('#f-name').value`)
			if chosen != id(eastUnion) || name != "北京润宏保安服务有限公司" {
				t.Errorf("chose %q (want %q), name now %q", chosen, id(eastUnion), name)
			}
			b.expect("chosen", "已选：", eastUnion.Name)
			if b.sideways(2) {
				t.Error("the employer form is wider than the window")
			}
			b.shot(fmt.Sprintf("forms-picker-chosen-%d", width))

			// The ID number field shows its 18th character.
			b.open("/members/new?org="+id(eastUnion), `input[name="id_number.0"]`)
			b.do(chromedp.SendKeys(chromedp.CSS(`input[name="id_number.0"]`), "11010519491231002X"))
			fits := b.eval(`(() => { const el = document.querySelector('input[name="id_number.0"]'); return String(el.value.length === 18 && el.scrollWidth <= el.clientWidth); })()`)
			if fits != "true" {
				t.Error("the ID number input hides part of an 18-character number")
			}
			if b.sideways(2) {
				t.Error("on-site joining is wider than the window")
			}
			b.shot(fmt.Sprintf("forms-member-new-%d", width))
		})
	}
}

// TestBrowserFormWidths photographs the forms with dates, ID numbers and
// organisation pickers at 1280 and 390 px; none may push the page sideways
// and no date input may be narrower than its own minimum (its year shown).
func TestBrowserFormWidths(t *testing.T) {
	skipBrowser(t)
	s := newSignupSite(t, testkit.NewDB(t, db.SQLite), true)
	s.addMembers(t)
	eastUnion := s.unionE
	pages := []screen{
		{"dashilan", "members", "/members"},
		{"dashilan", "dashboard", "/orgs/" + id(s.east) + "/dashboard"},
		{"dashilan", "report", "/orgs/" + id(s.east) + "/report"},
		{"dashilan", "activities", "/activities"},
		{"dashilan", "members-new-pick", "/members/new?org_q=" + "psjt"},
		{"dashilan", "employer-search", "/employers/new?owner_q=" + "psjt"},
		{"dashilan", "members-new", "/members/new?org=" + id(eastUnion)},
		{"admin", "users-new", "/users/new?org_q=psjt"},
	}
	screens(t, s.srv.URL, "forms-width", pages, func(b *tab, pg screen) {
		if b.sideways(2) {
			t.Errorf("%s is wider than the window", pg.path)
		}
		// A date input squeezed below its minimum width cuts off the year.
		if bad := b.eval(`Array.from(document.querySelectorAll('input[type="date"]')).filter(el => el.getBoundingClientRect().width + 0.5 < parseFloat(getComputedStyle(el).minWidth)).map(el => el.name).join(' ')`); bad != "" {
			t.Errorf("%s: date inputs narrower than their content: %s", pg.path, bad)
		}
	})
}

// eval is the string a script on the page gives.
func (b *tab) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}
