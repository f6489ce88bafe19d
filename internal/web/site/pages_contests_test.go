package site

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// contestSite is the bank site with contests behind its pages: the city's
// bank holds true/false questions and a short answer; a membership
// officer of the eastern street reads contests without running them; a
// worker of the eastern street's union takes papers.
type contestSite struct {
	*bankSite
	contests *contest.Store
	short    *bank.Question
	worker   *member.Member
}

func newContestSite(t *testing.T, d *db.DB) *contestSite {
	t.Helper()
	ctx := context.Background()
	s := &contestSite{bankSite: newBankSite(t, d)}
	s.contests = contest.NewStore(d, s.banks, s.members)
	for i := range 5 {
		if _, err := s.banks.AddQuestion(ctx, s.staff, s.city.ID, bank.Question{Type: bank.TrueFalse, Stem: fmt.Sprintf("判断题第 %d 题：职工依法参加和组织工会。", i+1),
			Key: bank.Key{True: true}, Category: "工会法"}); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if s.short, err = s.banks.AddQuestion(ctx, s.staff, s.city.ID, bank.Question{Type: bank.Short, Stem: "简述工会的四项基本职能。",
		Key: bank.Key{Outline: "维护、建设、参与、教育"}, Category: "简答"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "huiji", Name: "王会籍", OrgID: s.east.ID, Password: testPassword}, auth.RoleMembershipOfficer); err != nil {
		t.Fatal(err)
	}
	s.worker = s.add(t, s.unionE, "李答题", 41, "2020-05-01")
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, Inbox: inbox.New(s.contests.InboxSource())},
		Banks: s.banks, Contest: s.contests}))
	return s
}

var contestRawKeyRE = keyRE("kweb|contest|bweb|bank|inbox|flash|list")

func wantNoContestKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, contestRawKeyRE, rawKeyRE)
}

var contestPathRE = regexp.MustCompile(`^/contests/(\d+)$`)

// localIn is a Beijing time from now, as the form's datetime-local takes it.
func localIn(d time.Duration) string {
	return time.Now().Add(d).In(beijing.Zone).Format("2006-01-02T15:04")
}

// take starts, answers and submits a paper as the worker: every question
// right, the short answer in words.
func (s *contestSite) take(t *testing.T, contestID int64) int64 {
	t.Helper()
	ctx := context.Background()
	me := &auth.Principal{Kind: auth.KindMember, MemberID: s.worker.ID, Username: s.worker.Name}
	sh, err := s.contests.Start(ctx, me, contestID)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	for pos, q := range sh.Questions {
		a := bank.Answer{True: &yes}
		if q.Type == bank.Short {
			a = bank.Answer{Text: "维护职工合法权益。"}
		}
		if _, err := s.contests.Save(ctx, me, sh.Attempt.ID, pos, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.contests.Submit(ctx, me, sh.Attempt.ID); err != nil {
		t.Fatal(err)
	}
	return sh.Attempt.ID
}

func TestContestPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newContestSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		reader := s.login("huiji", "")
		bankID := db.FormatID(s.city.ID)
		var url1 string
		var contestID int64

		t.Run("nav and empty list", func(t *testing.T) {
			a := officer.get("/contests")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, `href="/contests" aria-current="page"`, "还没有知识竞赛。", `href="/contests/new"`, "新建竞赛", `href="/banks"`)
			wantNoContestKeys(t, "list", a)
			wantStatus(t, "admin without contest roles", s.login("admin", "").get("/contests"), http.StatusForbidden)
		})

		form := func(title string) url.Values {
			return url.Values{"org_id": {id(s.east)}, "title": {title}, "description": {"请在规定时间内答题。"}, "opens_at": {localIn(-time.Hour)},
				"closes_at": {localIn(7 * 24 * time.Hour)}, "time_limit": {"30"}, "attempts": {"2"}, "counting": {"best"}, "pass_mark": {"6"},
				"shuffle_options": {"1"}, "show_corrections": {"1"},
				"sec_title.0": {"判断题"}, "sec_bank.0": {bankID}, "sec_mode.0": {"random"}, "sec_count.0": {"3"}, "sec_type.0": {"truefalse"}, "sec_points.0": {"2"},
				"sec_title.1": {"简答题"}, "sec_bank.1": {bankID}, "sec_mode.1": {"fixed"}, "sec_q.1": {db.FormatID(s.short.ID)}, "sec_points.1": {"10"},
				"sec_title.2": {""}}
		}

		t.Run("create with field errors, nothing created", func(t *testing.T) {
			a := officer.get("/contests/new")
			wantStatus(t, "form", a, 200)
			wantBody(t, "form", a, `name="org_id" value="`+id(s.east)+`"`, `name="sec_bank.0"`, `name="sec_bank.2"`, "全市工会知识题库", "随机抽题", "指定题目",
				`name="sec_refresh"`, "添加一部分")
			wantNoContestKeys(t, "form", a)

			bad := form("")
			bad.Set("closes_at", localIn(-2*time.Hour))
			bad.Set("sec_points.0", "0")
			a = officer.post("/contests/new", bad, "/contests/new")
			wantStatus(t, "bad", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad", a, `id="f-title-error"`, `id="f-closes_at-error"`, "结束时间必须晚于开始时间", `id="f-sec_points-0-error"`,
				"请在规定时间内答题。", `value="判断题"`, `value="`+db.FormatID(s.short.ID)+`" checked`)
			wantNoContestKeys(t, "bad", a)

			bad = form("知识竞赛")
			bad.Set("time_limit", "半小时")
			a = officer.post("/contests/new", bad, "/contests/new")
			wantStatus(t, "not a number", a, http.StatusUnprocessableEntity)
			wantBody(t, "not a number", a, `id="f-time_limit-error"`)

			bad = form("知识竞赛")
			bad.Set("sec_count.0", "40")
			a = officer.post("/contests/new", bad, "/contests/new")
			wantStatus(t, "too many", a, http.StatusUnprocessableEntity)
			wantBody(t, "too many", a, `id="f-sec_count-0-error"`, "符合条件的题目只有 6 道")
			wantNoContestKeys(t, "too many", a)

			// The bank's questions asked for without JavaScript: the form as typed.
			ask := form("知识竞赛")
			ask.Set("sec_refresh", "1")
			ask.Set("sec_bank.2", bankID)
			ask.Set("sec_mode.2", "fixed")
			a = officer.post("/contests/new", ask, "/contests/new")
			wantStatus(t, "refresh", a, 200)
			wantBody(t, "refresh", a, `name="sec_q.2"`, "简述工会的四项基本职能。")

			wantBody(t, "still none", officer.get("/contests"), "还没有知识竞赛。")
		})

		t.Run("create, edit, publish", func(t *testing.T) {
			a := officer.post("/contests/new", form("安全生产月知识竞赛"), "/contests/new")
			wantStatus(t, "create", a, http.StatusSeeOther)
			m := contestPathRE.FindStringSubmatch(a.location)
			if m == nil || flashSet(a) != "flash.kweb.created" {
				t.Fatalf("create goes to %q with flash %q", a.location, flashSet(a))
			}
			url1, contestID = a.location, web.ParseIDValue(m[1])
			a = officer.get(url1)
			wantStatus(t, "show", a, 200)
			wantBody(t, "show", a, "竞赛已创建", "安全生产月知识竞赛", "草稿", "每份试卷 4 道题，满分 16 分，6 分合格。", "每次限时 30 分钟",
				"每人可答 2 次，取最高分。", "随机抽取 3 道（判断题）", "指定 1 道题", url1+"/teams", "代表队", url1+"/board", url1+"/attempts",
				`action="`+url1+`/publish"`, `name="version" value="1"`, "data-confirm")
			wantNoContestKeys(t, "show", a)

			a = officer.get(url1 + "/edit")
			wantStatus(t, "edit form", a, 200)
			wantBody(t, "edit form", a, `value="安全生产月知识竞赛"`, `name="sec_q.1" value="`+db.FormatID(s.short.ID)+`" checked`, `name="version" value="1"`)
			wantNoContestKeys(t, "edit form", a)
			f := form("2026年安全生产月知识竞赛")
			f.Set("version", "1")
			a = officer.post(url1+"/edit", f, url1+"/edit")
			wantStatus(t, "save", a, http.StatusSeeOther)
			wantBody(t, "saved", officer.get(url1), "2026年安全生产月知识竞赛", `name="version" value="2"`)

			a = officer.post(url1+"/publish", url.Values{"version": {"1"}}, url1)
			wantStatus(t, "stale publish", a, http.StatusConflict)
			wantBody(t, "stale publish", a, "该竞赛已被他人修改")
			a = officer.post(url1+"/publish", url.Values{"version": {"2"}}, url1)
			wantStatus(t, "publish", a, http.StatusSeeOther)
			a = officer.get(url1)
			wantBody(t, "published", a, "竞赛已发布。", "已发布", `action="`+url1+`/cancel"`)
			wantNoBody(t, "published", a, `action="`+url1+`/publish"`)
		})

		t.Run("scope", func(t *testing.T) {
			wantStatus(t, "another street", west.get(url1), http.StatusNotFound)
			wantStatus(t, "another street's board", west.get(url1+"/board"), http.StatusNotFound)
			wantNoBody(t, "another street's list", west.get("/contests"), "安全生产月")
			a := reader.get(url1)
			wantStatus(t, "reader", a, 200)
			wantNoBody(t, "reader", a, url1+"/edit", `action="`+url1+`/cancel"`)
			wantNoBody(t, "reader's list", reader.get("/contests"), `href="/contests/new"`)
			wantStatus(t, "reader's form", reader.get("/contests/new"), http.StatusForbidden)
			wantStatus(t, "reader's edit", reader.get(url1+"/edit"), http.StatusForbidden)
			wantStatus(t, "reader cancels", reader.post(url1+"/cancel", url.Values{"version": {"3"}}, url1), http.StatusForbidden)
		})

		var attemptID int64
		t.Run("board, inbox and grading", func(t *testing.T) {
			attemptID = s.take(t, contestID)
			a := officer.get(url1 + "/board")
			wantStatus(t, "board", a, 200)
			wantBody(t, "board", a, "李答题", "北京排水集团工会", "未合格", "共 1 人", "按组织", url1+"/board.xlsx")
			wantNoContestKeys(t, "board", a)
			// An organisation the picker would not offer is not picked.
			wantStatus(t, "board outside", officer.get(url1+"/board?org="+id(s.west)), 200)
			wantBody(t, "board of the union", officer.get(url1+"/board?org="+id(s.unionE)), "李答题")
			if err := stats.NewStore(d).FoldAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			a = officer.get(url1 + "/board?by=org")
			wantStatus(t, "board by org", a, 200)
			wantBody(t, "board by org", a, "大栅栏街道总工会", "（合计）", "北京排水集团工会", "参与率", "按平均分", "共 1 个下级组织")
			wantNoContestKeys(t, "board by org", a)
			wantStatus(t, "board by org, bad order", officer.get(url1+"/board?by=org&sort=nope"), http.StatusUnprocessableEntity)
			wantStatus(t, "board by org, another street", officer.get(url1+"/board?by=org&org="+id(s.west)), http.StatusUnprocessableEntity)

			x := officer.get(url1 + "/board.xlsx")
			wantStatus(t, "export", x, 200)
			f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(f.GetSheetName(0))
			if len(rows) != 2 || rows[0][1] != "姓名" || rows[1][1] != "李答题" || rows[1][0] != "1" {
				t.Fatalf("export rows: %q", rows)
			}

			wantBody(t, "inbox", officer.get("/"), "竞赛简答题待评分")
			a = officer.get(url1 + "/attempts?pending=1")
			wantStatus(t, "pending", a, 200)
			wantBody(t, "pending", a, "李答题", "1 道待评", "待评分")
			wantNoContestKeys(t, "pending", a)
			at := url1 + "/attempts/" + db.FormatID(attemptID)
			a = officer.get(at)
			wantStatus(t, "attempt", a, 200)
			wantBody(t, "attempt", a, "简述工会的四项基本职能。", "维护职工合法权益。", "维护、建设、参与、教育", `action="`+at+`/grade"`)
			wantNoContestKeys(t, "attempt", a)
			pos := regexp.MustCompile(`name="position" value="(\d+)"`).FindStringSubmatch(a.body)
			if pos == nil {
				t.Fatal("no grading form")
			}
			field := "points_" + pos[1]
			wantBody(t, "reader's attempt", reader.get(at), "简答题由主办单位评分。")
			wantNoBody(t, "reader's attempt", reader.get(at), `action="`+at+`/grade"`)
			a = officer.post(at+"/grade", url.Values{"position": {pos[1]}, field: {"11"}}, at)
			wantStatus(t, "too many points", a, http.StatusUnprocessableEntity)
			wantBody(t, "too many points", a, `id="f-`+field+`-error"`, "0")
			wantNoContestKeys(t, "too many points", a)
			a = officer.post(at+"/grade", url.Values{"position": {pos[1]}, field: {"七"}}, at)
			wantStatus(t, "not a number", a, http.StatusUnprocessableEntity)
			a = officer.post(at+"/grade", url.Values{"position": {pos[1]}, field: {"7"}}, at)
			wantStatus(t, "grade", a, http.StatusSeeOther)
			wantBody(t, "graded", officer.get(at), "已评分", "13 / 16")
			wantBody(t, "none pending", officer.get(url1+"/attempts?pending=1"), "没有待评分的简答题。")
			wantBody(t, "board after grading", officer.get(url1+"/board"), "13", "合格")
			wantNoBody(t, "inbox after grading", officer.get("/"), "竞赛简答题待评分")
			wantStatus(t, "another street's attempt", west.get(at), http.StatusNotFound)
		})

		t.Run("rules frozen once taken", func(t *testing.T) {
			a := officer.get(url1 + "/edit")
			wantBody(t, "frozen note", a, "已有 1 份答卷")
			f := form("2026年安全生产月知识竞赛")
			f.Set("version", "3")
			f.Set("sec_points.0", "5")
			a = officer.post(url1+"/edit", f, url1+"/edit")
			wantStatus(t, "frozen", a, http.StatusUnprocessableEntity)
			wantBody(t, "frozen", a, "已有人开始答题，组卷规则、计分方式和限时不能再修改。")
			wantNoContestKeys(t, "frozen", a)
		})

		t.Run("in English", func(t *testing.T) {
			en := s.login("dashilan", "")
			en.get("/lang?to=en&back=/contests")
			at := url1 + "/attempts/" + db.FormatID(attemptID)
			for _, p := range []struct{ path, want string }{
				{"/contests", "Knowledge contests"}, {url1, "Each paper holds 4 questions, out of 16 points; 6 points pass."},
				{url1 + "/edit", "Drawn at random"}, {url1 + "/board", "1 taker in all"}, {url1 + "/board?by=org", "1 organisation below"}, {url1 + "/attempts", "1 paper in all"},
				{at, "Reference answer"}, {"/contests/new", "Show the chosen banks"},
			} {
				a := en.get(p.path)
				wantStatus(t, p.path, a, 200)
				wantBody(t, p.path, a, p.want)
				wantNoContestKeys(t, p.path, a)
			}
		})

		t.Run("list: filter, sort, pages", func(t *testing.T) {
			ctx := context.Background()
			pr := &auth.Principal{Kind: "staff", Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.east.ID, OrgPath: s.east.Path}}}
			for i := range 52 {
				in := contest.Input{OrgID: s.east.ID, Title: fmt.Sprintf("练习赛 %02d", i), OpensAt: localIn(time.Duration(i) * time.Hour),
					ClosesAt: localIn(time.Duration(i+48) * time.Hour), Practice: true,
					Sections: []contest.Section{{BankID: s.city.ID, Count: 1, Points: 1}}}
				if _, err := s.contests.Create(ctx, pr, in); err != nil {
					t.Fatal(err)
				}
			}
			a := officer.get("/contests")
			wantBody(t, "page 1", a, "共 53 场", `href="/contests?page=2"`)
			wantNoContestKeys(t, "page 1", a)
			wantBody(t, "page 2", officer.get("/contests?page=2"), "第 51–53 条")
			a = officer.get("/contests?status=published")
			wantBody(t, "published", a, "2026年安全生产月知识竞赛", "共 1 场")
			wantNoBody(t, "published", a, "练习赛")
			a = officer.get("/contests?q=" + url.QueryEscape("练习赛 07"))
			wantBody(t, "search", a, "练习赛 07", "共 1 场")
			a = officer.get("/contests?sort=title")
			if i, j := strings.Index(a.body, "2026年安全生产月"), strings.Index(a.body, "练习赛 00"); i < 0 || j < 0 || i > j {
				t.Fatalf("sorted by title: %d %d", i, j)
			}
			wantStatus(t, "bad status", officer.get("/contests?status=nope"), http.StatusUnprocessableEntity)
		})
	})
}
