package site

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// TestBrowserJoin walks 指尖入会 on a phone: a worker opens a union's
// joining page, gets the form wrong once, applies, follows the
// application; an officer approves it in the queue and finds the new
// member in the registry. Screenshots at phone width go to
// testkit.ScreenshotDir.
func TestBrowserJoin(t *testing.T) {
	skipBrowser(t)
	ps := newPortalSite(t, testkit.NewDB(t, db.SQLite))
	s := ps.memberSite
	s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker")
	b := newTab(t, s.srv.URL, 90*time.Second, true)
	join := "/join/" + id(s.unionE)

	b.open("/lang?to=zh-CN&back="+join, "#f-name")
	b.shot("members-join-390")

	// Without the consent the form comes back with the error in place and
	// the values kept.
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-name"), "吴六"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number"), idNumber(t, 20)),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(20)),
		chromedp.SetValue(chromedp.CSS("#f-employer_id"), db.FormatID(s.empE.ID)),
		chromedp.SendKeys(chromedp.CSS("#f-job"), "管道工"),
		chromedp.Click(chromedp.CSS("form.join-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	b.shot("members-join-error-390")
	b.expect("error page", "请阅读并同意个人信息保护说明")
	b.do(
		chromedp.Click(chromedp.CSS("#f-consent")),
		chromedp.Click(chromedp.CSS("form.join-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".join-done")),
	)
	b.shot("members-join-done-390")
	b.expect("thank-you page", "正在等待审核")
	b.do(
		chromedp.Click(chromedp.CSS(".join-done a.btn")),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(20)),
		chromedp.SendKeys(chromedp.CSS("#f-id_number"), idNumber(t, 20)),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".track-results")),
	)
	b.shot("members-join-status-390")
	b.expect("status page", "待审核")

	// The officer approves it from the queue, on a phone too.
	b.login("dashilan")
	b.open("/applications", "table.table")
	b.shot("members-applications-390")
	b.do(
		chromedp.Click(chromedp.CSS(`.decide input[value="approve"] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	b.expect("after approving", "已通过入会申请")
	b.open("/members", "table.table")
	b.shot("members-list-390")
	b.expect("registry", "吴六", "张建华")
	items, _, err := s.members.List(context.Background(), s.system, member.Query{Q: idNumber(t, 20)})
	if err != nil || len(items) != 1 {
		t.Fatalf("member after approval: %v %v", items, err)
	}

	// The new member signs in on the phone with a code and shows the card.
	ps.codeLogin(b, "/m/login", mobileNumber(20), ".portal-hello")
	b.do(
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/card"]`)),
		chromedp.WaitVisible(chromedp.CSS(".mcard")),
		imageLoaded(".mcard-qr"),
	)
	b.shot("members-join-card-390")
	b.expect("the new member's card", "吴六", "北京排水集团工会")
	b.do(
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/account"]`)),
		chromedp.WaitVisible(chromedp.CSS("#applications")),
	)
	b.shot("members-join-account-390")
	b.expect("the new member's account", "我的入会申请", "已通过")

	// On-site entry: the "add a row" button adds a sixth person in place.
	b.open("/members/new?org="+id(s.unionE), "#f-name-4",
		chromedp.Click(chromedp.CSS("[data-add-row]")),
		chromedp.WaitVisible(chromedp.CSS("#f-name-5")),
		chromedp.SendKeys(chromedp.CSS("#f-name-0"), "赵一"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number-0"), idNumber(t, 30)),
		chromedp.SendKeys(chromedp.CSS("#f-name-5"), "钱二"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number-5"), "110102198501019999"),
		chromedp.Click(chromedp.CSS("#f-consent")),
		chromedp.Click(chromedp.CSS(".entry-actions .btn-primary")),
		chromedp.WaitVisible(chromedp.CSS(".alert-success")),
	)
	b.shot("members-new-result-390")
	b.expect("on-site entry", "已录入 1 人", "身份证号校验位不正确")
}

// TestBrowserMemberScreens takes screenshots of the member pages at desktop
// and phone widths, for people to look at.
func TestBrowserMemberScreens(t *testing.T) {
	skipBrowser(t)
	ctxBg := context.Background()
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker", "party_member")
	s.add(t, s.unionE, "李秀英", 2, "2021-06-15")
	s.add(t, s.unionE, "欧阳·娜仁花", 3, "2022-11-20", "platform_worker")
	m := s.add(t, s.unionE, "冯八", 4, "2018-09-01")
	if _, err := s.members.RequestTransfer(ctxBg, s.system, member.TransferRequest{MemberID: m.ID, ToOrgID: s.unionW.ID, Note: "调往城建集团"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.members.Apply(ctxBg, s.unionE.ID, member.ApplyInput{Name: "吴六", IDNumber: idNumber(t, 20), Mobile: mobileNumber(20),
		EmployerID: s.empE.ID, Job: "管道工", Consent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.members.Edit(ctxBg, s.system, zhang.ID, member.Update{Person: member.Person{Name: "张建华", IDNumber: idNumber(t, 1),
		Mobile: mobileNumber(1), Job: "班组长", JoinedOn: "2019-03-01", Tags: zhang.Tags}, Version: zhang.Version}); err != nil {
		t.Fatal(err)
	}
	ts, _, _ := s.members.ListTransfers(ctxBg, s.system, member.TransferQuery{})
	apps, _, _ := s.members.ListApplications(ctxBg, s.system, member.ApplicationQuery{})
	var pages []screen
	for _, pg := range [][2]string{
		{"members", "/members"},
		{"members-filtered", "/members?tag=model_worker&joined_from=2018-01-01"},
		{"member", "/members/" + mid(zhang)},
		{"member-edit", "/members/" + mid(zhang) + "/edit"},
		{"member-new", "/members/new?org=" + id(s.unionE)},
		{"member-new-pick", "/members/new"},
		{"applications", "/applications"},
		{"application", "/applications/" + db.FormatID(apps[0].ID)},
		{"transfers", "/transfers"},
		{"transfer", "/transfers/" + db.FormatID(ts[0].ID)},
		{"poster", "/orgs/" + id(s.unionE) + "/join-qr"},
		{"members-en", "/members?lang=en"},
		{"member-en", "/members/" + mid(zhang) + "?lang=en"},
		{"member-new-en", "/members/new?lang=en&org=" + id(s.unionE)},
		{"transfers-en", "/transfers?lang=en"},
		{"join-en", "/join/" + id(s.unionE) + "?lang=en"},
		{"join-status-en", "/join/status?lang=en"},
	} {
		pages = append(pages, screen{"dashilan", pg[0], pg[1]})
	}
	screens(t, s.srv.URL, "members", pages, nil)
}

// TestBrowserMemberOrgFilter filters the registry, as 大栅栏's officer, by
// a union two levels below the street (a branch of a grassroots union,
// which the old select never offered) through the union picker at 1280
// and 390 px: with JavaScript (type, choose from the listbox, search) and
// without it (a search's matches as radio buttons, one chosen, search).
func TestBrowserMemberOrgFilter(t *testing.T) {
	skipBrowser(t)
	ctx := context.Background()
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	branch, err := s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.unionE.ID, Name: "北京排水集团管网分公司分工会", Kind: org.KindSub})
	if err != nil {
		t.Fatal(err)
	}
	s.add(t, branch, "赵管网", 1, "2020-01-01")
	s.add(t, branch, "钱管网", 2, "2020-02-01")
	s.add(t, s.unionE, "孙集团", 3, "2020-03-01")
	s.add(t, s.unionW, "李城建", 4, "2020-04-01")
	// filtered checks the list shows the branch's two members and nobody else.
	filtered := func(b *tab, what string) {
		t.Helper()
		b.expect(what, "赵管网", "钱管网", "共 2 人", "已选：", branch.Name)
		if text := b.text(); strings.Contains(text, "孙集团") || strings.Contains(text, "李城建") {
			t.Errorf("%s: shows members outside the branch: %s", what, text)
		}
		if got := b.eval(`document.querySelector('.member-filters input[name="org"]').value`); got != id(branch) {
			t.Errorf("%s: the picker holds %q, want %s", what, got, id(branch))
		}
	}
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := newTab(t, s.srv.URL, 2*time.Minute, width < 600)
			b.login("dashilan")
			b.open("/members", "#f-org-q")
			if got := b.eval(`String(document.querySelectorAll('.member-filters select[name="org"]').length)`); got != "0" {
				t.Error("the registry still filters by a select of unions")
			}
			b.do(
				chromedp.SendKeys(chromedp.CSS("#f-org-q"), "管网分公司"),
				chromedp.WaitVisible(chromedp.CSS(`#f-org-list [role="option"]`)),
			)
			if b.sideways(2) {
				t.Error("the registry with the picker's list open is wider than the window")
			}
			b.shot(fmt.Sprintf("members-org-filter-open-%d", width))
			if got := b.choose("org"); got != id(branch) {
				t.Fatalf("chosen %q, want %s", got, id(branch))
			}
			b.do(chromedp.Click(chromedp.CSS(".member-filters .toolbar-buttons .btn-primary")))
			b.waitLocation("/members?org=" + id(branch))
			b.do(chromedp.WaitVisible(chromedp.CSS(".member-table")))
			filtered(b, "filtered with the picker")
			if b.sideways(2) {
				t.Error("the filtered registry is wider than the window")
			}
			// The picker stays inside the window and beside the other filters.
			if got := b.eval(`(() => { const r = document.querySelector('.member-filters .org-picker').getBoundingClientRect(); return String(r.left >= 0 && r.right <= window.innerWidth) })()`); got != "true" {
				t.Error("the picker reaches outside the window")
			}
			b.shot(fmt.Sprintf("members-org-filtered-%d", width))

			// Cleared in place, the list is the whole street's again.
			b.do(chromedp.Click(chromedp.CSS(".member-filters [data-picker-clear]")))
			b.do(chromedp.Click(chromedp.CSS(".member-filters .toolbar-buttons .btn-primary")))
			b.waitLocation("/members")
			b.do(chromedp.WaitVisible(chromedp.CSS(".member-table")))
			b.expect("cleared", "孙集团", "赵管网", "我负责的全部工会")

			// Without JavaScript: a typed name comes back as radio buttons.
			b.do(scripts(false))
			b.open("/members?org_q="+url.QueryEscape("管网分公司"), `.member-filters .picker-matches input[type="radio"][value="`+id(branch)+`"]`)
			if got := b.eval(`String(document.querySelectorAll('.member-filters .picker-matches input[type="radio"]').length)`); got != "2" {
				t.Errorf("without JavaScript: %s radio buttons, want 2 (all unions, the branch)", got)
			}
			if b.sideways(2) {
				t.Error("the registry with the picker's matches is wider than the window")
			}
			b.shot(fmt.Sprintf("members-org-filter-nojs-%d", width))
			b.do(
				chromedp.Click(chromedp.CSS(`.member-filters .picker-matches input[value="`+id(branch)+`"]`)),
				chromedp.Click(chromedp.CSS(".member-filters .toolbar-buttons .btn-primary")),
			)
			b.waitLocation("/members?org=" + id(branch))
			b.do(chromedp.WaitVisible(chromedp.CSS(".member-table")))
			filtered(b, "filtered without JavaScript")
			b.do(scripts(true))
		})
	}
}

// scripts turns the tab's JavaScript on or off (from the next page on).
func scripts(on bool) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}
