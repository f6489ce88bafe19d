package site

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// pick types into the organisation picker of field, chooses the first
// match with the keyboard and answers the hidden id input's value.
func (b *tab) pick(field, typed string) string {
	b.t.Helper()
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-"+field+"-q"), typed),
		chromedp.WaitVisible(chromedp.CSS("#f-"+field+`-list [role="option"]`)),
	)
	return b.choose(field)
}

// choose takes the first match of the open list of field's picker with the
// keyboard and answers the hidden id input's value.
func (b *tab) choose(field string) string {
	b.t.Helper()
	q := "#f-" + field + "-q"
	b.do(
		chromedp.SendKeys(chromedp.CSS(q), kb.ArrowDown),
		chromedp.WaitVisible(chromedp.CSS("#f-"+field+`-list [aria-selected="true"]`)),
		chromedp.SendKeys(chromedp.CSS(q), kb.Enter),
		chromedp.WaitNotVisible(chromedp.CSS("#f-"+field+"-list")),
	)
	return b.eval(`document.querySelector('input[type="hidden"][name="` + field + `"]').value`)
}

// TestBrowserPickerForms types a short name's pinyin initials into the
// organisation pickers of the activity form and of the grant form at 1280
// and 390 px, chooses, submits and finds the choice saved and every typed
// field kept; it photographs the other forms with a picker (move, course,
// term) as well.
func TestBrowserPickerForms(t *testing.T) {
	skipBrowser(t)
	s := newPickerSite(t, testkit.NewDB(t, db.SQLite))
	ctx := context.Background()
	c, err := s.crs.CreateCourse(ctx, s.staff, course.CourseInput{OrgID: s.east.ID, Title: "合唱", Category: "singing"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(72 * time.Hour)
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			// No time limit: the tab lives as long as the test.
			b := &tab{t: t, ctx: testkit.Browser(t, 1280, 900), base: s.srv.URL}
			if width < 600 {
				b.phone()
			}
			title := fmt.Sprintf("胡同健步走 %d", width)
			b.login("dashilan")
			b.open("/activities/new", "#f-org_id-q")
			b.do(chromedp.SendKeys(chromedp.CSS("#f-title"), title), chromedp.SendKeys(chromedp.CSS("#f-venue"), "大栅栏"))
			b.do(
				chromedp.SendKeys(chromedp.CSS("#f-org_id-q"), "psjt"),
				chromedp.WaitVisible(chromedp.CSS(`#f-org_id-list [role="option"]`)),
			)
			b.shot(fmt.Sprintf("pickers-activity-open-%d", width))
			if got := b.choose("org_id"); got != id(s.unionE) {
				t.Fatalf("publisher chosen: %q, want %q", got, id(s.unionE))
			}
			// The audience: chosen, cleared in place, chosen again.
			if got := b.pick("audience_org_id", "psjt"); got != id(s.unionE) {
				t.Fatalf("audience chosen: %q", got)
			}
			b.do(chromedp.Click(chromedp.CSS(".org-picker[data-field=audience_org_id] [data-picker-clear]")))
			if got := b.eval(`document.querySelector('input[type="hidden"][name="audience_org_id"]').value`); got != "" {
				t.Errorf("audience after clearing: %q", got)
			}
			b.expect("cleared", "与主办组织相同")
			if got := b.pick("audience_org_id", "psjt"); got != id(s.unionE) {
				t.Fatalf("audience chosen again: %q", got)
			}
			if got := b.eval(`document.querySelector('#f-title').value + '|' + document.querySelector('#f-venue').value`); got != title+"|大栅栏" {
				t.Errorf("typed fields now %q", got)
			}
			b.expect("chosen", "已选：", s.unionE.Name)
			if b.sideways(2) {
				t.Error("the activity form is wider than the window")
			}
			b.shot(fmt.Sprintf("pickers-activity-chosen-%d", width))
			b.do(
				chromedp.SetValue(chromedp.CSS("#f-starts_at"), bj(start)),
				chromedp.SetValue(chromedp.CSS("#f-ends_at"), bj(start.Add(3*time.Hour))),
				chromedp.Click(chromedp.CSS(".act-form .form-actions .btn-primary")),
				chromedp.WaitVisible(chromedp.CSS(`form[action$="/publish"]`)),
			)
			b.expect("created", title, s.unionE.Name)

			// Course and term forms, and a move's search without JavaScript.
			for _, pg := range []struct{ name, path, sel string }{
				{"course", "/courses/new", "#f-org_id-q"},
				{"term-search", "/courses/" + db.FormatID(c.ID) + "/terms/new?audience_q=psjt", "#f-audience_org_id-q"},
				{"move-search", "/orgs/" + id(s.spare) + "/move?q=" + "大栅栏", "#f-parent_id-q"},
			} {
				b.open(pg.path, pg.sel)
				if b.sideways(2) {
					t.Errorf("%s is wider than the window", pg.path)
				}
				b.shot(fmt.Sprintf("pickers-%s-%d", pg.name, width))
			}

			// The grant form, as the street's account administrator.
			b.signOut()
			clerk, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: fmt.Sprintf("clerk%d", width), Name: "干事", OrgID: s.east.ID, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			b.login("eastadmin")
			b.open("/users/"+db.FormatID(clerk), "#f-org_id-q")
			b.do(chromedp.Click(chromedp.CSS(`.form-grant input[name="role"][value="leader"]`)))
			if got := b.pick("org_id", "psjt"); got != id(s.unionE) {
				t.Fatalf("grant scope chosen: %q", got)
			}
			if got := b.eval(`String(document.querySelector('.form-grant input[name="role"][value="leader"]').checked)`); got != "true" {
				t.Error("choosing the organisation lost the role")
			}
			if b.sideways(2) {
				t.Error("the account page is wider than the window")
			}
			b.shot(fmt.Sprintf("pickers-grant-chosen-%d", width))
			// Pressed from the page's script: after a full-page picture
			// Chromium's mouse no longer reaches this button at 1280 px.
			b.eval(`(document.querySelector('.form-grant .form-actions .btn-primary').click(), 'pressed')`)
			b.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
			u, err := s.auth.GetUser(ctx, s.system, clerk)
			if err != nil || len(u.Grants) != 1 || u.Grants[0].OrgID != s.unionE.ID || u.Grants[0].Role != auth.RoleLeader {
				t.Fatalf("after granting: %+v %v", u, err)
			}
			b.expect("granted", "已授予角色", s.unionE.Name)
			if b.sideways(2) {
				t.Error("the account page with a role is wider than the window")
			}
			// The role's row (and its revoke button) fits the window.
			if got := b.eval(`String(document.querySelector('form[action$="/revoke"][action*="/grants/"] button').getBoundingClientRect().right <= window.innerWidth)`); got != "true" {
				t.Error("the revoke button of the new role is outside the window")
			}
			b.shot(fmt.Sprintf("pickers-grant-done-%d", width))
		})
	}
}
