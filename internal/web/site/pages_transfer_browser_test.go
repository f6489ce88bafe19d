package site

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserTransfer moves a membership between two streets' unions on
// phones: the source union's officer asks for the transfer from the
// member's page and releases it; the target union's officer accepts it in
// the transfers list; the member is then the target's, with both sides in
// the history.
func TestBrowserTransfer(t *testing.T) {
	skipBrowser(t)
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	m := s.add(t, s.unionE, "陈调动", 41, "2018-05-01")

	source := newTab(t, s.srv.URL, 90*time.Second, true)
	source.login("dashilan")
	source.open("/members/"+mid(m), "#transfers",
		chromedp.Click(chromedp.CSS("#transfers details summary")),
		chromedp.WaitVisible(chromedp.CSS("#f-to_org_other")),
		chromedp.SendKeys(chromedp.CSS("#f-to_org_other"), id(s.unionW)),
		chromedp.Click(chromedp.CSS(`form[action$="/transfer"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	source.shot("transfer-requested-390")
	source.expect("after the request", "北京城建集团工会")
	const release = `input[name=action][value=release] ~ button`
	source.open("/transfers", release, chromedp.Click(chromedp.CSS(release)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	source.shot("transfer-released-390")

	target := newTab(t, s.srv.URL, 90*time.Second, true)
	target.login("xichang")
	const accept = `input[name=action][value=accept] ~ button`
	target.open("/transfers", accept)
	target.shot("transfer-incoming-390")
	target.do(
		chromedp.Click(chromedp.CSS(accept)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	target.open("/members/"+mid(m), ".page-head h1")
	target.shot("transfer-member-after-390")
	target.expect("member after the transfer", "转入", "转出", "北京城建集团工会")
	got, err := s.members.Get(context.Background(), s.system, m.ID)
	if err != nil || got.OrgID != s.unionW.ID || got.JoinedOn != "2018-05-01" {
		t.Fatalf("member %+v %v", got, err)
	}
}
