package site

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserExportApproval: an officer asks to export a union's full
// numbers; a second officer of the street sees the request on the
// approvals page (desktop and phone) and approves it; the requester then
// finds the one-time download.
func TestBrowserExportApproval(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	s.members.Policy.ApprovalRows = 2
	if _, err := s.auth.Bootstrap(context.Background(), auth.NewUser{Username: "dashilan2", Name: "测试审批人", OrgID: s.east.ID, Password: testPassword}, auth.RoleMembershipOfficer); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"王导出", "李导出", "赵导出"} {
		s.add(t, s.unionE, name, 71+i, "2019-03-01")
	}
	form := "/exports/new?org=" + id(s.unionE)
	a := s.login("dashilan", "").post("/exports", url.Values{"org": {id(s.unionE)}, "reason": {"年度会籍核查，上报区总工会"}}, form)
	wantStatus(t, "request", a, 303)
	base := s.srv.URL

	ctx := testkit.Browser(t, 1280, 900)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	browserLogin(t, ctx, base, "dashilan2")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/exports"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=action][value=approve] ~ button`)),
	); err != nil {
		t.Fatalf("approvals page: %v", err)
	}
	testkit.Screenshot(t, ctx, "export-approvals-1280")
	if text := bodyText(t, ctx); !strings.Contains(text, "年度会籍核查") || !strings.Contains(text, "北京排水集团工会") {
		t.Fatalf("approvals page: %s", text)
	}
	phone(t, ctx)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/exports"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=action][value=approve] ~ button`)),
	); err != nil {
		t.Fatalf("approvals page on a phone: %v", err)
	}
	testkit.Screenshot(t, ctx, "export-approvals-390")
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.decide-reject summary`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name=note]`)),
	); err != nil {
		t.Fatalf("reject form: %v", err)
	}
	if overflow {
		t.Error("the approvals page scrolls sideways at 390 px")
	}
	testkit.Screenshot(t, ctx, "export-reject-390")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/exports"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=action][value=approve] ~ button`)),
	); err != nil {
		t.Fatalf("approvals page: %v", err)
	}
	// The approve button asks for confirmation; the test answers yes.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=action][value=approve] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("approve: %v", err)
	}
	testkit.Screenshot(t, ctx, "export-approved-390")

	req := testkit.Browser(t, 1280, 900)
	req, cancel2 := context.WithTimeout(req, 90*time.Second)
	defer cancel2()
	phone(t, req)
	browserLogin(t, req, base, "dashilan")
	if err := chromedp.Do(req,
		chromedp.Navigate(base+"/exports"),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/download"]`)),
	); err != nil {
		t.Fatalf("requester's page: %v", err)
	}
	testkit.Screenshot(t, req, "export-ready-390")
	if text := bodyText(t, req); !strings.Contains(text, "已批准") || !strings.Contains(text, "dashilan2") {
		t.Fatalf("requester's page: %s", text)
	}
}
