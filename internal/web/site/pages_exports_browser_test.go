package site

import (
	"context"
	"net/url"
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
	skipBrowser(t)
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
	const approve = `input[name=action][value=approve] ~ button`

	b := newTab(t, s.srv.URL, 90*time.Second, false)
	b.login("dashilan2")
	b.open("/exports", approve)
	b.shot("export-approvals-1280")
	b.expect("approvals page", "年度会籍核查", "北京排水集团工会")
	b.phone()
	b.open("/exports", approve)
	b.shot("export-approvals-390")
	overflow := b.sideways(1)
	b.do(
		chromedp.Click(chromedp.CSS(`.decide-reject summary`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name=note]`)),
	)
	if overflow {
		t.Error("the approvals page scrolls sideways at 390 px")
	}
	b.shot("export-reject-390")
	b.open("/exports", approve)
	// The approve button asks for confirmation; the test answers yes.
	b.confirmYes()
	b.do(
		chromedp.Click(chromedp.CSS(approve)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	b.shot("export-approved-390")

	req := newTab(t, s.srv.URL, 90*time.Second, true)
	req.login("dashilan")
	req.open("/exports", `a[href$="/download"]`)
	req.shot("export-ready-390")
	req.expect("requester's page", "已批准", "dashilan2")
}
