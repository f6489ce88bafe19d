package site

import (
	"context"
	"strings"
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
	if testing.Short() {
		t.Skip("browser test")
	}
	s := newMemberSite(t, testkit.NewDB(t, db.SQLite))
	m := s.add(t, s.unionE, "陈调动", 41, "2018-05-01")
	base := s.srv.URL

	source := testkit.Browser(t, 1280, 900)
	source, cancel := context.WithTimeout(source, 90*time.Second)
	defer cancel()
	phone(t, source)
	browserLogin(t, source, base, "dashilan")
	if err := chromedp.Do(source,
		chromedp.Navigate(base+"/members/"+mid(m)),
		chromedp.WaitVisible(chromedp.CSS("#transfers")),
		chromedp.Click(chromedp.CSS("#transfers details summary")),
		chromedp.WaitVisible(chromedp.CSS("#f-to_org_other")),
		chromedp.SendKeys(chromedp.CSS("#f-to_org_other"), id(s.unionW)),
		chromedp.Click(chromedp.CSS(`form[action$="/transfer"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("request: %v", err)
	}
	testkit.Screenshot(t, source, "transfer-requested-390")
	if text := bodyText(t, source); !strings.Contains(text, "北京城建集团工会") {
		t.Fatalf("after the request: %s", text)
	}
	if err := chromedp.Do(source,
		chromedp.Navigate(base+"/transfers"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=action][value=release] ~ button`)),
		chromedp.Click(chromedp.CSS(`input[name=action][value=release] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("release: %v", err)
	}
	testkit.Screenshot(t, source, "transfer-released-390")

	target := testkit.Browser(t, 1280, 900)
	target, cancel2 := context.WithTimeout(target, 90*time.Second)
	defer cancel2()
	phone(t, target)
	browserLogin(t, target, base, "xichang")
	if err := chromedp.Do(target,
		chromedp.Navigate(base+"/transfers"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=action][value=accept] ~ button`)),
	); err != nil {
		t.Fatalf("target's list: %v", err)
	}
	testkit.Screenshot(t, target, "transfer-incoming-390")
	if err := chromedp.Do(target,
		chromedp.Click(chromedp.CSS(`input[name=action][value=accept] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.Navigate(base+"/members/"+mid(m)),
		chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
	); err != nil {
		t.Fatalf("accept: %v", err)
	}
	testkit.Screenshot(t, target, "transfer-member-after-390")
	text := bodyText(t, target)
	if !strings.Contains(text, "转入") || !strings.Contains(text, "转出") || !strings.Contains(text, "北京城建集团工会") {
		t.Fatalf("member after the transfer: %s", text)
	}
	got, err := s.members.Get(context.Background(), s.system, m.ID)
	if err != nil || got.OrgID != s.unionW.ID || got.JoinedOn != "2018-05-01" {
		t.Fatalf("member %+v %v", got, err)
	}
}
