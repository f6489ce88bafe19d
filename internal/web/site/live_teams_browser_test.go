package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserLiveTeams is a live contest in team mode with a host screen
// and two phones, each in its own browser: two members of one 代表队 join
// as the team; one taps an answer, the other's phone shows the teammate's
// answer and offers no second one; after the reveal both phones and the
// host's board name the team, not the members.
func TestBrowserLiveTeams(t *testing.T) {
	skipBrowser(t)
	ctx := context.Background()
	s := newPcSite(t, testkit.NewDB(t, db.SQLite))
	s.cs.LiveHub().SetEvery(100 * time.Millisecond)
	t.Cleanup(s.cs.LiveHub().Close)
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01")
	li := s.add(t, s.unionE, "李秀英", 2, "2020-05-01")
	if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "city", Name: "王主持", OrgID: s.root.ID, Password: testPassword},
		auth.RoleOfficer); err != nil {
		t.Fatal(err)
	}
	c := s.publish(t, s.input(s.root, "2026年全市职工工会法知识竞赛"))
	team, err := s.cs.CreateTeam(ctx, s.staff, c.ID, contest.TeamInput{OrgID: s.east.ID, Name: "东城代表队"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []int64{zhang.ID, li.ID} {
		if _, err := s.cs.AddTeamMember(ctx, s.staff, team.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	cPath := "/contests/" + db.FormatID(c.ID)

	host := newTab(t, s.srv.URL, 240*time.Second, false)
	host.login("city")
	host.open(cPath+"/live", ".live-start-form",
		chromedp.SetValue(chromedp.CSS("#f-mode"), string(contest.LiveTeams)),
		chromedp.SetValue(chromedp.CSS("#f-seconds"), "60"),
		chromedp.Click(chromedp.CSS(".live-start-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".live-code-big")))
	code, err := chromedp.Run(host.ctx, chromedp.Text(chromedp.CSS(".live-code-big")))
	if err != nil || len(code) != 6 {
		t.Fatalf("code %q %v", code, err)
	}

	join := func(n int, name string) *tab {
		phone := s.memberTab(t, "/m/login", 240*time.Second)
		s.codeLogin(phone, "/m/login", mobileNumber(n), ".portal-hello")
		phone.open("/m/live", "#live-code-in", chromedp.SendKeys(chromedp.CSS("#live-code-in"), code+"\r"))
		phone.do(chromedp.WaitVisible(chromedp.CSS(".live-joincard button")))
		phone.do(chromedp.Click(chromedp.CSS(".live-joincard button")), chromedp.WaitVisible(chromedp.CSS(".live-me")))
		phone.expect("joined "+name, "答题身份：东城代表队")
		return phone
	}
	p1 := join(1, "张建华")
	p2 := join(2, "李秀英")
	p2.shot("live-team-phone-join-390")

	// The team counts once on the host screen, however many phones joined.
	host.waitJS("team joined", `document.querySelector('[data-names]').textContent.includes('东城代表队') && document.querySelector('[data-joined]').textContent === '1'`)
	host.do(chromedp.Click(chromedp.CSS(`[data-stepform="next"] button`)), chromedp.WaitVisible(chromedp.CSS(".live-stem")))

	p1.waitJS("question on phone 1", `!!document.querySelector('form.live-answer')`)
	p2.waitJS("question on phone 2", `!!document.querySelector('form.live-answer')`)
	if _, err := chromedp.Run(p1.ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('.live-choice')].find(l => l.textContent.includes('指挥权')).click(), true`)); err != nil {
		t.Fatal(err)
	}
	p1.waitJS("sent", `document.querySelector('.live-mine') && document.querySelector('.live-mine').textContent.includes('您的答案')`)

	// The teammate's phone shows the team's answer and takes no other.
	p2.waitJS("teammate's answer", `!document.querySelector('form.live-answer') && document.querySelector('.live-mine') && document.querySelector('.live-mine').textContent.includes('队友作答')`)
	p2.shot("live-team-phone-teammate-390")
	host.waitJS("one answer counted", `document.querySelector('[data-answers]').textContent === '已答 1'`)

	host.do(chromedp.Click(chromedp.CSS(`[data-stepform="close"] button`)))
	host.waitJS("closed", `!document.querySelector('[data-stepform="reveal"] button').disabled`)
	host.do(chromedp.Click(chromedp.CSS(`[data-stepform="reveal"] button`)))
	host.waitJS("board names the team", `document.querySelector('[data-board]').textContent.includes('东城代表队')`)
	host.shot("live-team-host-revealed-1280")
	for i, p := range []*tab{p1, p2} {
		p.waitJS("verdict on phone "+string(rune('1'+i)), `document.body.textContent.includes('答对了')`)
	}
	board, err := chromedp.Run(host.ctx, chromedp.Text(chromedp.CSS("[data-board]")))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"张建华", "李秀英"} {
		if strings.Contains(board, name) {
			t.Errorf("the team board names a member: %q", board)
		}
	}
}
