package site

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
)

// phone emulates a phone's viewport (headless Chromium keeps its window at
// least 500 pixels wide).
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserJoin walks 指尖入会 on a phone: a worker opens a union's
// joining page, gets the form wrong once, applies, follows the
// application; an officer approves it in the queue and finds the new
// member in the registry. Screenshots at phone width go to
// testkit.ScreenshotDir.
func TestBrowserJoin(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ps := newPortalSite(t, testkit.NewDB(t, db.SQLite))
	s := ps.memberSite
	s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker")
	ctx := testkit.Browser(t, 1280, 900)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	phone(t, ctx)
	base := s.srv.URL
	join := "/join/" + id(s.unionE)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=zh-CN&back="+join),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-join-390")

	// Without the consent the form comes back with the error in place and
	// the values kept.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-name"), "吴六"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number"), idNumber(t, 20)),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(20)),
		chromedp.SetValue(chromedp.CSS("#f-employer_id"), db.FormatID(s.empE.ID)),
		chromedp.SendKeys(chromedp.CSS("#f-job"), "管道工"),
		chromedp.Click(chromedp.CSS("form.join-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-join-error-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "请阅读并同意个人信息保护说明") {
		t.Fatalf("error page: %s", text)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#f-consent")),
		chromedp.Click(chromedp.CSS("form.join-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".join-done")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-join-done-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "正在等待审核") {
		t.Fatalf("thank-you page: %s", text)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".join-done a.btn")),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(20)),
		chromedp.SendKeys(chromedp.CSS("#f-id_number"), idNumber(t, 20)),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".track-results")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-join-status-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "待审核") {
		t.Fatalf("status page: %s", text)
	}

	// The officer approves it from the queue, on a phone too.
	browserLogin(t, ctx, base, "dashilan")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/applications"),
		chromedp.WaitVisible(chromedp.CSS("table.table")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-applications-390")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.decide input[value="approve"] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "已通过入会申请") {
		t.Fatalf("after approving: %s", text)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/members"),
		chromedp.WaitVisible(chromedp.CSS("table.table")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-list-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "吴六") || !strings.Contains(text, "张建华") {
		t.Fatalf("registry: %s", text)
	}
	items, _, err := s.members.List(context.Background(), s.system, member.Query{Q: idNumber(t, 20)})
	if err != nil || len(items) != 1 {
		t.Fatalf("member after approval: %v %v", items, err)
	}

	// The new member signs in on the phone with a code and shows the card.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/m/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(20)),
		chromedp.Click(chromedp.CSS("button.code-send")),
		chromedp.WaitVisible(chromedp.CSS(".alert-info")),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-code"), ps.lastCode(t, mobileNumber(20))+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".portal-hello")),
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/card"]`)),
		chromedp.WaitVisible(chromedp.CSS(".mcard")),
		imageLoaded(".mcard-qr"),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-join-card-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "吴六") || !strings.Contains(text, "北京排水集团工会") {
		t.Fatalf("the new member's card: %s", text)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/account"]`)),
		chromedp.WaitVisible(chromedp.CSS("#applications")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-join-account-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "我的入会申请") || !strings.Contains(text, "已通过") {
		t.Fatalf("the new member's account: %s", text)
	}

	// On-site entry: the "add a row" button adds a sixth person in place.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/members/new?org="+id(s.unionE)),
		chromedp.WaitVisible(chromedp.CSS("#f-name-4")),
		chromedp.Click(chromedp.CSS("[data-add-row]")),
		chromedp.WaitVisible(chromedp.CSS("#f-name-5")),
		chromedp.SendKeys(chromedp.CSS("#f-name-0"), "赵一"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number-0"), idNumber(t, 30)),
		chromedp.SendKeys(chromedp.CSS("#f-name-5"), "钱二"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number-5"), "110102198501019999"),
		chromedp.Click(chromedp.CSS("#f-consent")),
		chromedp.Click(chromedp.CSS(".entry-actions .btn-primary")),
		chromedp.WaitVisible(chromedp.CSS(".alert-success")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "members-new-result-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "已录入 1 人") || !strings.Contains(text, "身份证号校验位不正确") {
		t.Fatalf("on-site entry: %s", text)
	}
}

// TestBrowserMemberScreens takes screenshots of the member pages at desktop
// and phone widths, for people to look at.
func TestBrowserMemberScreens(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
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
	pages := []struct{ name, path string }{
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
	}
	for _, width := range []int{1280, 390} {
		ctx := testkit.Browser(t, width, 900)
		ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		if width < 600 {
			phone(t, ctx)
		}
		browserLogin(t, ctx, s.srv.URL, "dashilan")
		for _, pg := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
				t.Fatalf("%s: %v", pg.path, err)
			}
			testkit.Screenshot(t, ctx, "members-"+pg.name+"-"+strconv.Itoa(width))
		}
		cancel()
	}
}
