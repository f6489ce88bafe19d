package site

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// pcSite is the member site with question banks and contests behind its
// pages: a city bank with one question of each type, and a clock the
// contest store reads that a test can move forward.
type pcSite struct {
	*portalSite
	banks *bank.Store
	cs    *contest.Store
	staff *auth.Principal
	bank  *bank.Bank
	qs    []int64 // single, multiple, truefalse, blank, short
	shift atomic.Int64
}

// The paper's questions and what must never reach the phone before it is
// handed in.
const (
	pcExplain = "《工会法》第三条：劳动者依法参加和组织工会的权利，任何组织和个人不得阻挠和限制。"
	pcOutline = "维护职工合法权益、竭诚服务职工群众"
	pcBlankB  = "全体职工"
)

func newPcSite(t *testing.T, d *db.DB) *pcSite {
	t.Helper()
	ctx := context.Background()
	ps := newPortalSite(t, d)
	s := &pcSite{portalSite: ps, banks: bank.NewStore(d)}
	s.cs = contest.NewStore(d, s.banks, ps.members)
	s.cs.SetClock(func() time.Time { return time.Now().Add(time.Duration(s.shift.Load())) })
	s.staff = &auth.Principal{Kind: "staff", Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: ps.root.ID, OrgPath: ps.root.Path, OrgName: ps.root.Name}}}
	var err error
	if s.bank, err = s.banks.CreateBank(ctx, s.staff, bank.BankInput{OrgID: s.root.ID, Name: "全市工会知识题库"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []bank.Question{
		{Type: bank.Single, Stem: "工会会员的权利不包括以下哪项？", Options: []string{"选举权", "被选举权", "表决权", "指挥权"}, Key: bank.Key{Choices: []int{3}}},
		{Type: bank.Multiple, Stem: "工会的基本职责包括哪些？", Options: []string{"维护职工权益", "服务职工群众", "经营企业", "组织职工建功立业"}, Key: bank.Key{Choices: []int{0, 1, 3}}},
		{Type: bank.TrueFalse, Stem: "职工有依法参加和组织工会的权利。", Key: bank.Key{True: true}, Explanation: pcExplain},
		{Type: bank.Blank, Stem: "职工代表大会的代表由（ ）选举产生。", Key: bank.Key{Blanks: [][]string{{"职工", pcBlankB}}}},
		{Type: bank.Short, Stem: "简述新时代工会的基本职责。", Key: bank.Key{Outline: pcOutline}},
	} {
		q.Category = "工会法"
		added, err := s.banks.AddQuestion(ctx, s.staff, s.bank.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		s.qs = append(s.qs, added.ID)
	}
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Banks: s.banks, Contest: s.cs}))
	return s
}

// input is a contest of org o for its subtree: the bank's five questions
// (2 points each, the short answer 4), open from an hour ago for a week,
// 20 minutes, pass mark 6, two attempts, corrections shown.
func (s *pcSite) input(o *org.Org, title string) contest.Input {
	now := time.Now()
	return contest.Input{OrgID: o.ID, Title: title, Description: "本次竞赛面向全市职工。", OpensAt: now.Add(-time.Hour).Format(time.RFC3339),
		ClosesAt: now.Add(7 * 24 * time.Hour).Format(time.RFC3339), TimeLimit: 1200, PassMark: 6, Attempts: 2, ShuffleOptions: true, ShowCorrections: true,
		Sections: []contest.Section{
			{Title: "客观题", BankID: s.bank.ID, Questions: s.qs[:4], Points: 2},
			{Title: "简答题", BankID: s.bank.ID, Questions: s.qs[4:], Points: 4},
		}}
}

func (s *pcSite) publish(t *testing.T, in contest.Input) *contest.Contest {
	t.Helper()
	ctx := context.Background()
	c, err := s.cs.Create(ctx, s.staff, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Title, err)
	}
	if c, err = s.cs.Publish(ctx, s.staff, c.ID, c.Version); err != nil {
		t.Fatalf("publish %s: %v", in.Title, err)
	}
	return c
}

// postAccept sends a form with the token of tokenFrom, asking for JSON.
func (c *client) postAccept(path string, form url.Values, tokenFrom string) answer {
	c.t.Helper()
	page := c.get(tokenFrom)
	m := csrfRE.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("no csrf token on %s (status %d)", tokenFrom, page.status)
	}
	form.Set("csrf_token", m[1])
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return c.do(req)
}

// pcJSON decodes a JSON answer.
func pcJSON(t *testing.T, what string, a answer) map[string]any {
	t.Helper()
	if !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s: not JSON (%d): %.300s", what, a.status, a.body)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// pcOptionValue is the value of the option labelled label on the paper
// (the options are shuffled per taker).
func pcOptionValue(t *testing.T, body string, pos int, label string) string {
	t.Helper()
	re := regexp.MustCompile(`name="q` + strconv.Itoa(pos) + `\.choice" value="(\d+)"[^>]*><span class="pc-letter"[^>]*>[A-Z]</span><span class="pc-opt-text">` + regexp.QuoteMeta(label) + `<`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no option %q of question %d on the paper", label, pos)
	}
	return m[1]
}

var (
	pcRawKeyRE   = keyRE("portal|contest|bank|bweb")
	pcPaperURLRE = regexp.MustCompile(`^/m/papers/(\d+)$`)
)

func wantNoPcKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
}

// pcStart presses the contest page's button and answers the paper's path.
func pcStart(t *testing.T, c *client, contestPath string) string {
	t.Helper()
	a := c.post(contestPath+"/start", url.Values{}, contestPath)
	wantStatus(t, "start", a, http.StatusSeeOther)
	if !pcPaperURLRE.MatchString(a.location) {
		t.Fatalf("start goes to %q", a.location)
	}
	return a.location
}

func TestPortalContests(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newPcSite(t, d)
		zhang, _, _ := s.addTrio(t)
		c := s.publish(t, s.input(s.root, "2026年全市职工工会法知识竞赛"))
		cPath := "/m/contests/" + db.FormatID(c.ID)
		soonIn := s.input(s.root, "安全生产月知识竞赛")
		soonIn.OpensAt, soonIn.ClosesAt = time.Now().Add(24*time.Hour).Format(time.RFC3339), time.Now().Add(48*time.Hour).Format(time.RFC3339)
		soon := s.publish(t, soonIn)
		westOnly := s.publish(t, s.input(s.west, "西长安街职工读书知识赛"))
		mZhang, mLi, mWang := s.memberLogin(t, mobileNumber(1)), s.memberLogin(t, mobileNumber(2)), s.memberLogin(t, mobileNumber(3))

		t.Run("the list and a contest's page", func(t *testing.T) {
			home := mZhang.get("/m")
			wantBody(t, "home", home, `href="/m/contests"`, "知识竞赛")
			a := mZhang.get("/m/contests")
			wantPage(t, "list", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "list", a, c.Title, soon.Title, "正在进行", "即将开始", "5 题 · 限时 20 分钟 · 可答 2 次", `href="`+cPath+`"`)
			wantNoBody(t, "list", a, westOnly.Title)
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("list cache: %q", a.header.Get("Cache-Control"))
			}
			wantBody(t, "wang's list", mWang.get("/m/contests"), westOnly.Title, c.Title)
			a = mZhang.get("/m/contests?lang=en")
			wantPage(t, "list in English", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "list in English", a, "Open now", "Coming soon", "5 questions · 20 minutes limit · 2 attempts")

			a = mZhang.get(cPath)
			wantPage(t, "contest", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "contest", a, "共 5 题，满分 12 分", "限时 20 分钟", "6 分及格", "可答 2 次，还剩 2 次，取最好的一次成绩",
				"交卷后可查看每道题的正确答案和解析", "开始答题", `action="`+cPath+`/start"`, "本次竞赛面向全市职工。")
			wantBody(t, "coming contest", mZhang.get("/m/contests/"+db.FormatID(soon.ID)), "开始答题。", "未开始")
			wantNoBody(t, "coming contest", mZhang.get("/m/contests/"+db.FormatID(soon.ID)), `/start"`)
			wantStatus(t, "another street's contest", mZhang.get("/m/contests/"+db.FormatID(westOnly.ID)), 404)
			wantStatus(t, "malformed id", mZhang.get("/m/contests/abc"), 404)
			a = mZhang.post("/m/contests/"+db.FormatID(soon.ID)+"/start", url.Values{}, cPath)
			wantStatus(t, "start before it opens", a, http.StatusConflict)
			wantBody(t, "start before it opens", a, "竞赛不在开放时间内。")
			wantStatus(t, "start without a token", mZhang.post(cPath+"/start", url.Values{}, ""), http.StatusForbidden)
			wantLoginFirst(t, s.client("").get(cPath), cPath)
		})

		paper := pcStart(t, mZhang, cPath)
		attemptID, _ := db.ParseID(pcPaperURLRE.FindStringSubmatch(paper)[1])
		save := func(cl *client, pos int, form url.Values) answer {
			return cl.postAccept(paper+"/answers/"+strconv.Itoa(pos), form, cPath)
		}
		saved := func() map[int]bank.Answer {
			sh, _, err := s.cs.Paper(ctx, &auth.Principal{Kind: auth.KindMember, MemberID: zhang.ID}, attemptID)
			if err != nil {
				t.Fatal(err)
			}
			return sh.Answers
		}

		t.Run("the paper carries no key", func(t *testing.T) {
			a := mZhang.get(paper)
			wantPage(t, "paper", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "paper", a, c.Title, "第 1 题 / 共 5 题", "第 5 题 / 共 5 题", "客观题", "简答题", "指挥权", "第 1 空",
				`name="q0.choice"`, `type="checkbox" name="q1.choice"`, `name="q2.tf" value="true"`, `name="q3.blank"`, `name="q4.text"`,
				`data-remaining="`, "已答 0 / 5 题", `href="#q-3"`, "take.js")
			wantNoBody(t, "paper", a, pcExplain, pcOutline, pcBlankB, "is-key", "right", "correct", `"key"`, "正确答案")
			en := mZhang.get(paper + "?lang=en")
			wantPage(t, "paper in English", en, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "paper in English", en, "Question 1 of 5", "0 of 5 answered", "Hand in", "Single choice")
			m := regexp.MustCompile(`data-remaining="(\d+)"`).FindStringSubmatch(a.body)
			if n, _ := strconv.Atoi(append(m, "", "")[1]); n < 1190 || n > 1200 {
				t.Errorf("remaining time rendered: %v", m)
			}
		})

		t.Run("saving through the script's endpoint", func(t *testing.T) {
			body := mZhang.get(paper).body
			a := save(mZhang, 0, url.Values{"q0.choice": {pcOptionValue(t, body, 0, "指挥权")}})
			wantStatus(t, "save", a, 200)
			if v := pcJSON(t, "save", a); v["answered"] != true || v["position"] != float64(0) || v["feedback"] != nil {
				t.Errorf("save answered %v", v)
			}
			multi := url.Values{}
			for _, l := range []string{"维护职工权益", "服务职工群众"} {
				multi.Add("q1.choice", pcOptionValue(t, body, 1, l))
			}
			wantStatus(t, "save multiple", save(mZhang, 1, multi), 200)

			// Out of range, a wrong option, a malformed one: the field's
			// message, nothing saved.
			a = save(mZhang, 99, url.Values{"q99.choice": {"0"}})
			wantStatus(t, "position out of range", a, http.StatusUnprocessableEntity)
			if v := pcJSON(t, "position out of range", a); v["fields"].(map[string]any)["position"] != "这道题不在您的试卷上。" {
				t.Errorf("position out of range: %v", v)
			}
			a = save(mZhang, 0, url.Values{"q0.choice": {"7"}})
			wantStatus(t, "wrong option", a, http.StatusUnprocessableEntity)
			if v := pcJSON(t, "wrong option", a); v["fields"].(map[string]any)["answer"] != "所选的选项不在这道题上。" || v["message"] != "所选的选项不在这道题上。" {
				t.Errorf("wrong option: %v", v)
			}
			wantStatus(t, "not a number", save(mZhang, 0, url.Values{"q0.choice": {"D"}}), http.StatusUnprocessableEntity)
			wantStatus(t, "two on a single", save(mZhang, 0, url.Values{"q0.choice": {"0", "1"}}), http.StatusUnprocessableEntity)
			wantStatus(t, "not a position", save(mZhang, -1, url.Values{}), http.StatusUnprocessableEntity)
			if got := saved(); len(got) != 2 || len(got[0].Choices) != 1 || len(got[1].Choices) != 2 {
				t.Errorf("saved after refusals: %+v", got)
			}
			// The form token is required.
			req, _ := http.NewRequest("POST", mZhang.base+paper+"/answers/0", strings.NewReader("q0.choice=1"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			wantStatus(t, "no token", mZhang.do(req), http.StatusForbidden)
		})

		t.Run("saving through the form without the script", func(t *testing.T) {
			form := url.Values{"action": {"save"}, "q2.shown": {"1"}, "q2.tf": {"true"}, "q3.shown": {"1"}, "q3.blank": {" 职工 "}, "q4.shown": {"1"}, "q4.text": {"维护职工合法权益。"}}
			a := mZhang.post(paper, form, paper)
			wantFlashBack(t, "form save", a, paper, "portal.flash.contest_saved")
			got := saved()
			if len(got) != 5 || got[2].True == nil || !*got[2].True || got[3].Blanks[0] != "职工" || got[4].Text != "维护职工合法权益。" {
				t.Fatalf("saved by the form: %+v", got)
			}
			a = mZhang.get(paper)
			wantBody(t, "paper after saving", a, `value="true" checked`, `value="职工"`, "维护职工合法权益。</textarea>", "已答 5 / 5 题", "答案已保存。")

			// A wrong option on the form: its question says so, the rest is kept.
			a = mZhang.post(paper, url.Values{"action": {"save"}, "q0.shown": {"1"}, "q0.choice": {"9"}, "q4.shown": {"1"}, "q4.text": {"维护职工合法权益，服务职工。"}}, paper)
			wantStatus(t, "form with a wrong option", a, http.StatusUnprocessableEntity)
			wantBody(t, "form with a wrong option", a, "所选的选项不在这道题上。", "有的答案没有保存")
			wantNoPcKeys(t, "form with a wrong option", a)
			got = saved()
			if len(got[0].Choices) != 1 || got[0].Choices[0] == 9 || got[4].Text != "维护职工合法权益，服务职工。" {
				t.Errorf("after the refused form: %+v", got)
			}
		})

		t.Run("resuming gives the same paper", func(t *testing.T) {
			if again := pcStart(t, mZhang, cPath); again != paper {
				t.Fatalf("resumed %s, want %s", again, paper)
			}
			a := mZhang.get(cPath)
			wantBody(t, "contest with an open paper", a, "继续答题", "未交卷", `href="`+paper+`"`)
			a = mZhang.get(paper)
			wantBody(t, "resumed paper", a, "已答 5 / 5 题", `value="true" checked`)
		})

		t.Run("another member's paper is not found", func(t *testing.T) {
			wantStatus(t, "li opens zhang's paper", mLi.get(paper), 404)
			wantStatus(t, "li's result of zhang's paper", mLi.get(paper+"/result"), 404)
			a := mLi.postAccept(paper+"/answers/0", url.Values{"q0.choice": {"0"}}, cPath)
			wantStatus(t, "li answers on zhang's paper", a, 404)
			wantStatus(t, "li hands zhang's paper in", mLi.post(paper+"/submit", url.Values{}, cPath), 404)
			wantStatus(t, "li's switch on zhang's paper", mLi.post(paper+"/switches", url.Values{}, cPath), 404)
			wantStatus(t, "malformed attempt", mLi.get("/m/papers/x1"), 404)
		})

		t.Run("switches are counted", func(t *testing.T) {
			wantStatus(t, "switch", mZhang.post(paper+"/switches", url.Values{}, paper), http.StatusNoContent)
			wantStatus(t, "switch", mZhang.post(paper+"/switches", url.Values{}, paper), http.StatusNoContent)
			st, err := s.cs.ForMemberOne(ctx, &auth.Principal{Kind: auth.KindMember, MemberID: zhang.ID}, c.ID)
			if err != nil || len(st.Attempts) != 1 || st.Attempts[0].Switches != 2 {
				t.Fatalf("switches: %+v %v", st, err)
			}
		})

		t.Run("confirm, hand in twice, one result", func(t *testing.T) {
			// Clear the blank: the confirmation lists it.
			a := mZhang.post(paper, url.Values{"action": {"review"}, "q3.shown": {"1"}, "q3.blank": {""}}, paper)
			wantStatus(t, "review", a, http.StatusSeeOther)
			if a.location != paper+"/submit" {
				t.Fatalf("review goes to %q", a.location)
			}
			a = mZhang.get(paper + "/submit")
			wantPage(t, "confirm", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "confirm", a, "确认交卷", "已答 4 / 5 题", "还有 1 道题没有作答", "职工代表大会的代表由（ ）选举产生。", `href="`+paper+`#q-4"`,
				`action="`+paper+`/submit"`)
			for i := range 2 {
				from := paper + "/submit"
				if i == 1 {
					from = cPath // the second press comes from a page that is no longer there
				}
				a = mZhang.post(paper+"/submit", url.Values{}, from)
				wantFlashBack(t, "submit", a, paper+"/result", "portal.flash.contest_submitted")
			}
			var results, submitted int
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM contest_results WHERE contest_id = ?", c.ID).Scan(&results); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM attempts WHERE contest_id = ? AND status = ?", c.ID, contest.AttemptSubmitted).Scan(&submitted); err != nil {
				t.Fatal(err)
			}
			if results != 1 || submitted != 1 {
				t.Fatalf("after two presses: %d results, %d submitted", results, submitted)
			}
			// The short answer waits for the organisers.
			a = mZhang.get(paper + "/result")
			wantPage(t, "result", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "result", a, `<b data-score>4</b>`, "满分 12 分", "简答题待评分", "还有 1 道简答题等待主办单位评分", "第 1 名 / 共 1 人", "用时",
				"答案与解析", pcExplain, "第1空：职工 或 全体职工", pcOutline, "您的答案", "正确答案", "参考答案", "待评分")
			wantNoBody(t, "result before grading", a, "/certificate")
			if _, err := s.cs.GradeShort(ctx, s.staff, attemptID, 4, 4); err != nil {
				t.Fatal(err)
			}
			a = mZhang.get(paper + "/result")
			wantBody(t, "result after grading", a, `<b data-score>8</b>`, "6 分及格", "及格", "已评分", "得 4 / 4 分", `href="`+paper+`/certificate"`, "查看我的证书", "再答一次")
			a = mZhang.get(paper + "/result?lang=en")
			wantPage(t, "result in English", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "result in English", a, "No. 1 of 1", "Answers and explanations", "See my certificate")
			// The paper now shows its result; answers are refused.
			a = mZhang.get(paper)
			wantStatus(t, "paper after handing in", a, http.StatusSeeOther)
			a = save(mZhang, 0, url.Values{"q0.choice": {"0"}})
			wantStatus(t, "answer after handing in", a, http.StatusConflict)
			if v := pcJSON(t, "answer after handing in", a); v["message"] != "这份答卷已经交卷，不能再修改。" || v["result"] != paper+"/result" {
				t.Errorf("answer after handing in: %v", v)
			}
			a = mZhang.get("/m/contests")
			wantBody(t, "list after handing in", a, "已答 1 / 2 次 · 成绩 8 分", "及格")
			a = mZhang.get(cPath)
			wantBody(t, "contest after handing in", a, "还剩 1 次", "再答一次", "8 / 12 分")
		})

		t.Run("time up", func(t *testing.T) {
			wPaper := pcStart(t, mWang, cPath)
			body := mWang.get(wPaper).body
			a := mWang.postAccept(wPaper+"/answers/0", url.Values{"q0.choice": {pcOptionValue(t, body, 0, "指挥权")}}, wPaper)
			wantStatus(t, "in time", a, 200)
			s.shift.Store(int64(21 * time.Minute))
			defer s.shift.Store(0)
			a = mWang.postAccept(wPaper+"/answers/2", url.Values{"q2.tf": {"true"}}, cPath)
			wantStatus(t, "after the deadline", a, http.StatusConflict)
			if v := pcJSON(t, "after the deadline", a); v["code"] != "time_up" || v["message"] != "答题时间已到，这道题的答案没有保存。" || v["result"] != wPaper+"/result" {
				t.Errorf("after the deadline: %v", v)
			}
			// The form too: the paper is handed in with what was saved in time.
			a = mWang.post(wPaper, url.Values{"action": {"save"}, "q2.shown": {"1"}, "q2.tf": {"true"}}, cPath)
			wantFlashBack(t, "form after the deadline", a, wPaper+"/result", "portal.flash.contest_time_up")
			a = mWang.get(wPaper + "/result")
			wantPage(t, "result after time up", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "result after time up", a, `<b data-score>2</b>`, "未及格", "答题时间已到", "未作答")
			wantNoBody(t, "result after time up", a, "/certificate")
		})

		t.Run("practice shows feedback at once", func(t *testing.T) {
			pin := s.input(s.root, "工会知识每日一练")
			pin.Practice, pin.TimeLimit, pin.PassMark = true, 0, 0
			pc := s.publish(t, pin)
			pPath := "/m/contests/" + db.FormatID(pc.ID)
			wantBody(t, "practice page", mZhang.get(pPath), "练习模式：每答一题即显示对错和解析", "不限时")
			pPaper := pcStart(t, mZhang, pPath)
			a := mZhang.get(pPaper)
			wantNoBody(t, "practice paper before answering", a, pcExplain, "正确答案")
			a = mZhang.postAccept(pPaper+"/answers/2", url.Values{"q2.tf": {"false"}}, pPath)
			wantStatus(t, "practice answer", a, 200)
			fb, _ := pcJSON(t, "practice answer", a)["feedback"].(map[string]any)
			if fb == nil || fb["verdict"] != "错误" || fb["right"] != "正确答案：对" || fb["explanation"] != pcExplain || fb["variant"] != "danger" {
				t.Fatalf("practice feedback: %v", fb)
			}
			a = mZhang.get(pPaper)
			wantBody(t, "practice paper after answering", a, "错误", "正确答案：对", pcExplain)
			wantNoBody(t, "practice paper after answering", a, pcOutline, pcBlankB)
			a = mZhang.post(pPaper+"/submit", url.Values{}, pPaper)
			wantFlashBack(t, "practice hand-in", a, pPaper+"/result", "portal.flash.contest_submitted")
			a = mZhang.get(pPaper + "/result")
			wantPage(t, "practice result", a, pcRawKeyRE, portalRawKeyRE, rawKeyRE)
			wantBody(t, "practice result", a, "答案与解析", pcExplain)
			wantNoBody(t, "practice result", a, "名 / 共", "/certificate", "及格")
		})

		t.Run("time up with nobody pressing", func(t *testing.T) {
			lPaper := pcStart(t, mLi, cPath)
			s.shift.Store(int64(25 * time.Minute))
			defer s.shift.Store(0)
			a := mLi.get(lPaper)
			wantFlashBack(t, "paper after the deadline", a, lPaper+"/result", "portal.flash.contest_time_up")
			a = mLi.get(lPaper + "/result")
			wantBody(t, "result", a, `<b data-score>0</b>`, "第 3 名 / 共 3 人")
		})
	})
}
