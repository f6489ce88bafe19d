package site

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserPortalContests is a member taking the city's contest on the
// phone on a bad connection: sign in, open 知识竞赛 from home, read the
// rules, start; answer two questions online, leave the page once, lose
// the connection and answer two more (they wait on the phone), close the
// tab; open the paper again online: it resumes with every answer (the
// waiting ones sent from the phone's storage) and less time; hand in
// after the confirmation and see the result. A second attempt runs out of
// time with the page open: at zero the page hands it in. Screenshots at
// 390 px (and the result at 1280) go to testkit.ScreenshotDir.
func TestBrowserPortalContests(t *testing.T) {
	skipBrowser(t)
	bg := context.Background()
	s := newPcSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker")
	in := s.input(s.root, "2026年全市职工工会法知识竞赛")
	in.Description = "为深入学习贯彻《中华人民共和国工会法》，市总工会面向全市职工举办本次知识竞赛。\n每人可答两次，取最好成绩。"
	c := s.publish(t, in)
	me := &auth.Principal{Kind: auth.KindMember, MemberID: zhang.ID}

	b := s.memberTab(t, "/m/login", 240*time.Second)
	s.codeLogin(b, "/m/login", mobileNumber(1), ".portal-hello")
	b.expect("home", "知识竞赛")
	b.do(
		chromedp.Click(chromedp.CSS(`a.portal-action[href="/m/contests"]`)),
		chromedp.WaitVisible(chromedp.CSS(".pc-item")),
	)
	b.shot("pc-list-390")
	b.do(
		chromedp.Click(chromedp.CSS(`a.pc-item[href="/m/contests/`+db.FormatID(c.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(".pc-start")),
	)
	b.shot("pc-contest-390")
	b.expect("contest", "共 5 题，满分 12 分", "限时 20 分钟", "6 分及格")
	b.do(
		chromedp.Click(chromedp.CSS(".pc-start")),
		chromedp.WaitVisible(chromedp.CSS(".pc-paper.is-live")),
	)
	paper, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	paper = strings.TrimPrefix(strings.SplitN(paper, "#", 2)[0], b.base)
	attemptID, ok := db.ParseID(strings.TrimPrefix(paper, "/m/papers/"))
	if !ok {
		t.Fatalf("the paper's address: %q", paper)
	}
	saved := func() map[int]bank.Answer {
		sh, _, err := s.cs.Paper(bg, me, attemptID)
		if err != nil {
			t.Fatal(err)
		}
		return sh.Answers
	}
	first := pcRemaining(t, b.ctx)

	// The paper in a tab of its own, to close later.
	ta, closeA := pcTab(t, b)
	ta.open(paper, ".pc-paper.is-live")
	ta.shot("pc-paper-390")
	pick := func(tb *tab, n int, label string) {
		tb.t.Helper()
		tb.do(chromedp.Click(chromedp.Search(`//section[@id='q-` + strconv.Itoa(n) + `']//label[contains(., '` + label + `')]`)))
	}
	// Question 1 (single) and 2 (multiple), online.
	pick(ta, 1, "指挥权")
	ta.do(chromedp.WaitVisible(chromedp.CSS("#q-1 .pc-state.is-saved")))
	ta.do(chromedp.Click(chromedp.CSS("[data-next]")), chromedp.WaitVisible(chromedp.CSS("#q-2")))
	pick(ta, 2, "维护职工权益")
	pick(ta, 2, "服务职工群众")
	pick(ta, 2, "组织职工建功立业")
	ta.do(chromedp.Poll[chromedp.Void](`(function(){var s=document.querySelector('#q-2 .pc-state');return s.classList.contains('is-saved')&&!localStorage.length;})()`))
	ta.shot("pc-paper-saved-390")
	if got := saved(); len(got) != 2 || len(got[1].Choices) != 3 {
		t.Fatalf("saved online: %+v", got)
	}

	// Leaving the page is reported once.
	if _, err := chromedp.Run(ta.ctx, chromedp.Evaluate[bool](`(Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true}),
		document.dispatchEvent(new Event('visibilitychange')), delete document.visibilityState, true)`)); err != nil {
		t.Fatal(err)
	}

	// Offline: questions 3 (true/false) and 4 (a blank) wait on the phone.
	pcNetwork(t, ta, true)
	ta.do(chromedp.Click(chromedp.CSS(`.pc-dot[data-dot="2"]`)), chromedp.WaitVisible(chromedp.CSS("#q-3")))
	pick(ta, 3, "对")
	ta.do(chromedp.Click(chromedp.CSS("[data-next]")), chromedp.WaitVisible(chromedp.CSS("#q-4")))
	ta.do(chromedp.SendKeys(chromedp.CSS(`#q-4 input[name="q3.blank"]`), "职工"))
	ta.do(chromedp.Poll[chromedp.Void](`document.querySelectorAll('.pc-state.is-waiting').length === 2 && document.querySelectorAll('.pc-dot.is-waiting').length === 2`))
	ta.expect("offline", "未联网", "已答 4 / 5 题")
	ta.shot("pc-paper-offline-390")
	if got := saved(); len(got) != 2 {
		t.Fatalf("saved while offline: %+v", got)
	}
	kept, err := chromedp.Run(ta.ctx, chromedp.Evaluate[string](`localStorage.getItem('gh-paper-`+db.FormatID(attemptID)+`')`))
	if err != nil || !strings.Contains(kept, "q2.tf") || !strings.Contains(kept, "职工") {
		t.Fatalf("kept on the phone: %q %v", kept, err)
	}
	var switches int
	if err := s.d.QueryRow(bg, "SELECT switches FROM attempts WHERE id = ?", attemptID).Scan(&switches); err != nil || switches != 1 {
		t.Fatalf("switches: %d %v", switches, err)
	}
	time.Sleep(1100 * time.Millisecond) // a second passes on the server's clock
	closeA()

	// A new tab, online: the same paper, every answer, less time.
	tc, _ := pcTab(t, b)
	tc.open(paper, ".pc-paper.is-live")
	tc.do(chromedp.Poll[chromedp.Void](`!localStorage.getItem('gh-paper-` + db.FormatID(attemptID) + `') && !document.querySelector('.pc-state.is-waiting, .pc-state.is-saving')`))
	got := saved()
	if len(got) != 4 || got[2].True == nil || !*got[2].True || len(got[3].Blanks) != 1 || got[3].Blanks[0] != "职工" {
		t.Fatalf("saved after reopening: %+v", got)
	}
	if again := pcRemaining(t, tc.ctx); again >= first || again < first-60 {
		t.Fatalf("remaining time %d after %d", again, first)
	}
	tc.do(chromedp.Click(chromedp.CSS(`.pc-dot[data-dot="3"]`)), chromedp.WaitVisible(chromedp.CSS("#q-4")))
	tc.expect("resumed", "已答 4 / 5 题")
	tc.shot("pc-paper-resumed-390")

	// The short answer, then hand in.
	tc.do(chromedp.Click(chromedp.CSS(`.pc-dot[data-dot="4"]`)), chromedp.WaitVisible(chromedp.CSS("#q-5 textarea")))
	tc.do(chromedp.SendKeys(chromedp.CSS("#q-5 textarea"), "维护职工合法权益，竭诚服务职工群众。"))
	tc.do(chromedp.Poll[chromedp.Void](`!localStorage.length && document.querySelector('#q-5 .pc-state').classList.contains('is-saved')`))
	tc.do(chromedp.Click(chromedp.CSS(".pc-hand-in")), chromedp.WaitVisible(chromedp.CSS(".pc-submit")))
	tc.expect("confirm", "确认交卷", "所有题目都已作答")
	tc.shot("pc-confirm-390")
	tc.do(chromedp.Click(chromedp.CSS(".pc-submit")), chromedp.WaitVisible(chromedp.CSS(".pc-result")))
	tc.expect("result", "已交卷", "第 1 名 / 共 1 人", "简答题待评分", "答案与解析", pcExplain)
	tc.shot("pc-result-390")
	if _, err := s.cs.GradeShort(bg, s.staff, attemptID, 4, 4); err != nil {
		t.Fatal(err)
	}
	tc.open(paper+"/result", ".pc-certificate")
	tc.shot("pc-result-passed-390")
	tc.do(chromedp.EmulateViewport(1280, 900))
	tc.open(paper+"/result", ".pc-certificate")
	tc.shot("pc-result-1280")
	tc.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))

	// The second attempt: three seconds before the deadline, the page is
	// open; at zero it hands the paper in by itself.
	tc.open("/m/contests/"+db.FormatID(c.ID), ".pc-start")
	tc.do(chromedp.Click(chromedp.CSS(".pc-start")), chromedp.WaitVisible(chromedp.CSS(".pc-paper.is-live")))
	s.shift.Store(int64(20*time.Minute - 4*time.Second))
	defer s.shift.Store(0)
	tc.do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".pc-paper.is-live")))
	pick(tc, 1, "指挥权")
	tc.do(chromedp.WaitVisible(chromedp.CSS("#q-1 .pc-state.is-saved")))
	tc.do(chromedp.WaitVisible(chromedp.CSS(".pc-result")))
	tc.expect("handed in at zero", "答题时间已到", "2")
	tc.shot("pc-result-time-up-390")
}

// pcTab opens another tab of b's browser (same profile: cookies and
// storage) at a phone's size, and the function that closes it.
func pcTab(t *testing.T, b *tab) (*tab, context.CancelFunc) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	nt := &tab{t: t, ctx: ctx, base: b.base}
	nt.phone()
	return nt, cancel
}

// pcRemaining is the seconds left the server rendered on the paper.
func pcRemaining(t *testing.T, ctx context.Context) int {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('pc-paper').getAttribute('data-remaining')`))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("data-remaining %q", v)
	}
	return n
}

// pcNetwork cuts the tab's connection (offline) or gives it back.
func pcNetwork(t *testing.T, b *tab, offline bool) {
	t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}
