package site

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/congress"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// congressSite is the portal site with the congress behind its pages: the
// eastern street's officer (dashilan) runs the congress of 北京排水集团
// (organised by unionE); five members of unionE are delegates-to-be, one
// of unionW is not eligible; the western officer (xichang) sees nothing.
type congressSite struct {
	*portalSite
	store   *congress.Store
	workers []*member.Member
	outside *member.Member
}

func newCongressSite(t *testing.T, d *db.DB) *congressSite {
	t.Helper()
	s := &congressSite{portalSite: newPortalSite(t, d), store: congress.NewStore(d)}
	for i, name := range []string{"王一线", "李技术", "赵二线", "孙领导", "周三线"} {
		s.workers = append(s.workers, s.add(t, s.unionE, name, 71+i, "2019-05-01"))
	}
	s.outside = s.add(t, s.unionW, "钱外单位", 79, "2019-05-01")
	reg := inbox.New(s.store.InboxSources()...).WithMembers(s.store.MemberInboxSource())
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, Inbox: reg}, Congress: s.store}))
	return s
}

var congressRawKeyRE = keyRE("congress|flash|inbox|activity")

func wantNoCongressKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, congressRawKeyRE, rawKeyRE)
}

var (
	sessionLocRE = regexp.MustCompile(`^/congress/sessions/(\d+)$`)
	motionLocRE  = regexp.MustCompile(`^/m/congress/motions/(\d+)$`)
)

func TestCongressPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newCongressSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")

		a := officer.get("/congress")
		wantPage(t, "empty list", a, congressRawKeyRE)
		wantBody(t, "empty list", a, "还没有职代会会议。", `href="/congress/new"`)
		wantStatus(t, "admin without congress roles", s.login("admin", "").get("/congress"), http.StatusForbidden)

		// The form: bad input comes back with its messages, nothing stored.
		a = officer.get("/congress/new")
		wantPage(t, "form", a, congressRawKeyRE)
		wantBody(t, "form", a, "北京排水集团 · 北京排水集团工会")
		a = officer.post("/congress/new", url.Values{"employer_id": {db.FormatID(s.empE.ID)}, "term": {"x"}, "meeting": {"0"}, "held_on": {"2026-02-30"}}, "/congress/new")
		wantStatus(t, "bad session", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad session", a, "应为整数。")
		wantNoCongressKeys(t, "bad session", a)
		a = officer.post("/congress/new", url.Values{"employer_id": {db.FormatID(s.empE.ID)}, "term": {"4"}, "meeting": {"0"}, "held_on": {"2026-02-30"}}, "/congress/new")
		wantStatus(t, "bad session", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad session", a, "应在 1 到 99 之间。", "日期格式应为 YYYY-MM-DD。")
		a = officer.post("/congress/new", url.Values{"employer_id": {db.FormatID(s.empE.ID)}, "term": {"4"}, "meeting": {"1"}, "held_on": {"2026-12-10"},
			"place": {"集团职工之家"}, "seconds_needed": {"2"}}, "/congress/new")
		wantStatus(t, "create", a, http.StatusSeeOther)
		m := sessionLocRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("after creating: %q", a.location)
		}
		page := a.location
		a = officer.get(page)
		wantPage(t, "session", a, congressRawKeyRE)
		wantBody(t, "session", a, "会议已创建。", "第4届第1次会议", "筹备中", "还没有代表。")

		// Scope: the neighbour gets 404 and an empty list.
		wantStatus(t, "the neighbour's view", west.get(page), http.StatusNotFound)
		wantBody(t, "the neighbour's list", west.get("/congress"), "还没有职代会会议。")

		// Delegates: the search finds only the union's members (masked).
		a = officer.post(page+"/delegate", url.Values{"find": {"1"}, "mq": {"钱外单位"}}, page)
		wantBody(t, "search outside", a, "本单位工会没有符合的会员。")
		a = officer.post(page+"/delegate", url.Values{"find": {"1"}, "mq": {"王一线"}}, page)
		wantBody(t, "search", a, "王一线", `name="member_id" value="`+mid(s.workers[0])+`"`)
		if strings.Contains(a.body, idNumber(t, 71)) {
			t.Fatal("the search shows a full ID number")
		}
		a = officer.post(page+"/delegate", url.Values{"member_id": {mid(s.outside)}, "category": {"frontline"}, "gender": {"male"}, "elected_on": {"2026-11-20"}}, page)
		wantStatus(t, "outsider as delegate", a, http.StatusUnprocessableEntity)
		wantBody(t, "outsider as delegate", a, "只能选择本单位工会的在册会员。")
		cats := []string{"frontline", "technician", "frontline", "leader", "manager"}
		genders := []string{"male", "female", "female", "male", "male"}
		for i, w := range s.workers {
			wantStatus(t, "add delegate", officer.post(page+"/delegate", url.Values{"member_id": {mid(w)}, "category": {cats[i]}, "gender": {genders[i]},
				"elected_on": {"2026-11-20"}}, page), http.StatusSeeOther)
		}
		a = officer.get(page)
		wantBody(t, "composition", a, "代表（5 人）", "一线职工占 40%", "女性占 40%", "一线职工代表占 40%，低于通行的 50%。", "按通行做法")

		// Attendance: 3 of 5 is short of the quorum, 4 meets it.
		a = officer.post(page+"/attendance", url.Values{"present": {mid(s.workers[0]), mid(s.workers[1]), mid(s.workers[2])}}, page)
		wantStatus(t, "attendance", a, http.StatusSeeOther)
		wantBody(t, "short of quorum", officer.get(page), "未达法定人数", "出席 3 人，代表 5 人，须至少 4 人出席")
		wantStatus(t, "attendance", officer.post(page+"/attendance", url.Values{"present": {mid(s.workers[0]), mid(s.workers[1]), mid(s.workers[2]), mid(s.workers[3])}}, page), http.StatusSeeOther)
		wantBody(t, "quorate", officer.get(page), "会议有效")

		// Agenda and a vote: the counts are checked against those present.
		wantStatus(t, "agenda", officer.post(page+"/agenda", url.Values{"title": {"审议《集体合同（草案）》"}}, page), http.StatusSeeOther)
		wantStatus(t, "held", officer.post(page+"/status", url.Values{"status": {"held"}}, page), http.StatusSeeOther)
		im := regexp.MustCompile(`name="item" value="(\d+)"`).FindStringSubmatch(officer.get(page).body)
		if im == nil {
			t.Fatal("no vote form on the held session's page")
		}
		item := im[1]
		a = officer.post(page+"/vote", url.Values{"item": {item}, "for": {"4"}, "against": {"1"}, "abstain": {"0"}}, page)
		wantStatus(t, "too many votes", a, http.StatusUnprocessableEntity)
		wantBody(t, "too many votes", a, "票数合计 5，超过出席代表 4 人。")
		wantNoCongressKeys(t, "too many votes", a)
		wantStatus(t, "vote", officer.post(page+"/vote", url.Values{"item": {item}, "for": {"3"}, "against": {"1"}, "abstain": {"0"}}, page), http.StatusSeeOther)
		wantBody(t, "voted", officer.get(page), "赞成 3 票，超过全体 5 名代表的半数，通过")

		// The agenda's order: items move and go until voted on; a voted
		// one stays. Each change is in the session's history.
		for _, title := range []string{"审议财务报告", "选举提案审查委员会"} {
			wantStatus(t, "agenda", officer.post(page+"/agenda", url.Values{"title": {title}}, page), http.StatusSeeOther)
		}
		items := regexp.MustCompile(`action="`+page+`/agenda_delete"><input type="hidden" name="csrf_token" value="[^"]*"><input type="hidden" name="item" value="(\d+)"`).FindAllStringSubmatch(officer.get(page).body, -1)
		if len(items) != 2 {
			t.Fatalf("delete buttons: %d, want 2 (the voted item has none)", len(items))
		}
		a = officer.post(page+"/agenda_move", url.Values{"item": {items[1][1]}, "by": {"sideways"}}, page)
		wantStatus(t, "bad direction", a, http.StatusUnprocessableEntity)
		wantStatus(t, "move up", officer.post(page+"/agenda_move", url.Values{"item": {items[1][1]}, "by": {"up"}}, page), http.StatusSeeOther)
		a = officer.get(page)
		if i, j := strings.Index(a.body, "选举提案审查委员会"), strings.Index(a.body, "审议财务报告"); i < 0 || j < 0 || i > j {
			t.Fatal("the moved item is not above the other")
		}
		a = officer.post(page+"/agenda_move", url.Values{"item": {item}, "by": {"down"}}, page)
		wantStatus(t, "move the voted", a, http.StatusConflict)
		wantBody(t, "move the voted", a, "这项议题已经表决，不能再移动或删除。")
		wantStatus(t, "delete", officer.post(page+"/agenda_delete", url.Values{"item": {items[0][1]}}, page), http.StatusSeeOther)
		wantStatus(t, "neighbour deletes", west.post(page+"/agenda_delete", url.Values{"item": {items[1][1]}}, "/congress"), http.StatusNotFound)

		// The session's date, place and title: bad input named, nothing kept.
		vm := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(officer.get(page).body)
		a = officer.post(page+"/edit", url.Values{"version": {vm[1]}, "session_title": {strings.Repeat("长", 81)}, "held_on": {"2026-02-30"}, "place": {"礼堂"}}, page)
		wantStatus(t, "bad edit", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad edit", a, `id="f-session_title-error"`, `id="f-held_on-error"`)
		wantNoCongressKeys(t, "bad edit", a)
		a = officer.post(page+"/edit", url.Values{"version": {vm[1]}, "session_title": {"第四届职代会第一次会议暨集体协商会议"}, "held_on": {"2026-12-12"}, "place": {"职工活动中心礼堂"}}, page)
		wantStatus(t, "edit", a, http.StatusSeeOther)
		a = officer.get(page)
		wantBody(t, "edited", a, `name="session_title" value="第四届职代会第一次会议暨集体协商会议"`, "2026-12-12", "职工活动中心礼堂", "变更记录", "修改了会议名称、日期、地点",
			"调整了议题“选举提案审查委员会”的顺序", "删除了议题“审议财务报告”")
		wantNoCongressKeys(t, "edited", a)
		stale := officer.post(page+"/edit", url.Values{"version": {vm[1]}, "session_title": {"旧页面"}, "held_on": {"2026-12-13"}}, page)
		wantStatus(t, "stale edit", stale, http.StatusConflict)

		// A delegate files a motion on the phone; two others second it.
		filer := s.memberLogin(t, mobileNumber(71))
		wantBody(t, "portal", filer.get("/m/congress"), "我参加的职代会", "北京排水集团 第4届第1次会议")
		msess := "/m/congress/sessions/" + m[1]
		wantPage(t, "delegate's session", filer.get(msess), congressRawKeyRE)
		a = filer.post(msess+"/motion", url.Values{"title": {""}, "reason": {"太短"}, "proposal": {""}}, msess+"/motion")
		wantStatus(t, "bad motion", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad motion", a, "必填。", "至少 10 个字符。", "太短")
		wantNoCongressKeys(t, "bad motion", a)
		a = filer.post(msess+"/motion", url.Values{"title": {"夜班职工增加餐补"}, "reason": {"夜班职工晚餐只能吃泡面，影响身体健康。"},
			"proposal": {"食堂开设夜宵窗口，每餐补贴八元。"}}, msess+"/motion")
		wantStatus(t, "file", a, http.StatusSeeOther)
		mm := motionLocRE.FindStringSubmatch(a.location)
		if mm == nil {
			t.Fatalf("after filing: %q", a.location)
		}
		wantBody(t, "filed", filer.get(a.location), "提案已提交", "待附议")
		wantStatus(t, "outsider's view", s.memberLogin(t, mobileNumber(79)).get(a.location), http.StatusNotFound)
		for _, n := range []int{72, 73} {
			c := s.memberLogin(t, mobileNumber(n))
			wantBody(t, "to second", c.get("/m"), "等待您附议")
			wantStatus(t, "second", c.post(a.location+"/second", url.Values{}, a.location), http.StatusSeeOther)
			again := c.post(a.location+"/second", url.Values{}, msess+"/motion")
			wantStatus(t, "a second second", again, http.StatusConflict)
			wantBody(t, "a second second", again, "您已附议过这件提案。")
		}
		own := filer.post(a.location+"/second", url.Values{}, msess+"/motion")
		wantStatus(t, "one's own second", own, http.StatusConflict)
		wantBody(t, "one's own second", own, "不能附议自己的提案。")

		// Staff: the inbox, the list, the review, assignment and answer.
		wantBody(t, "workbench", officer.get("/"), "职代会提案待审查")
		wantBody(t, "motions", officer.get("/congress/motions?status=review"), "夜班职工增加餐补", "共 1 件提案")
		wantBody(t, "neighbour's motions", west.get("/congress/motions"), "还没有提案。")
		mp := "/congress/motions/" + mm[1]
		wantStatus(t, "neighbour's motion", west.get(mp), http.StatusNotFound)
		a = officer.post(mp+"/review", url.Values{"outcome": {"reject"}}, mp)
		wantStatus(t, "reject without reason", a, http.StatusUnprocessableEntity)
		wantBody(t, "reject without reason", a, "必填。")
		wantStatus(t, "accept", officer.post(mp+"/review", url.Values{"outcome": {"accept"}}, mp), http.StatusSeeOther)
		wantStatus(t, "assign", officer.post(mp+"/assign", url.Values{"handler": {"后勤保障部"}, "due_on": {"2099-12-31"}}, mp), http.StatusSeeOther)
		wantStatus(t, "answer", officer.post(mp+"/answer", url.Values{"text": {"下月起开设夜宵窗口，一线职工每餐补贴八元。"}}, mp), http.StatusSeeOther)
		wantBody(t, "answered", officer.get(mp), "已答复", "后勤保障部", "王一线", "李技术")

		// The delegate is told, reads the answer and rates it once.
		wantBody(t, "notices", filer.get("/m"), "您的提案“夜班职工增加餐补”已答复")
		a = filer.get(mm[0])
		wantBody(t, "the answer", a, "下月起开设夜宵窗口", "您对答复满意吗？")
		wantStatus(t, "rate", filer.post(mm[0]+"/rating", url.Values{"rating": {"satisfied"}}, mm[0]), http.StatusSeeOther)
		wantBody(t, "rated", filer.get(mm[0]), "您的评价：满意")

		// A delegate withdraws their own motion before review; once.
		a = filer.post(msess+"/motion", url.Values{"title": {"更换车间老旧风扇"}, "reason": {"车间风扇噪音大，夏季降温效果差。"},
			"proposal": {"分批更换为工业冷风机，先换一线车间。"}}, msess+"/motion")
		wantStatus(t, "file again", a, http.StatusSeeOther)
		wantBody(t, "withdrawable", filer.get(a.location), "撤回提案")
		wantStatus(t, "another withdraws", s.memberLogin(t, mobileNumber(72)).post(a.location+"/withdraw", url.Values{}, msess+"/motion"), http.StatusNotFound)
		wantStatus(t, "withdraw", filer.post(a.location+"/withdraw", url.Values{}, a.location), http.StatusSeeOther)
		wantBody(t, "withdrawn", filer.get(a.location), "已撤回")
		again := filer.post(a.location+"/withdraw", url.Values{}, msess+"/motion")
		wantStatus(t, "withdraw twice", again, http.StatusConflict)
		wantBody(t, "withdraw twice", again, "提案已经审查，不能再撤回。")
		wantBody(t, "withdrawal in the history", officer.get(page), "撤回了提案“更换车间老旧风扇”")

		// The export.
		x := officer.get("/congress/motions/export?status=answered")
		if x.status != 200 || !strings.HasPrefix(x.body, "PK") {
			t.Fatalf("export: %d %q", x.status, x.header.Get("Content-Type"))
		}

		// Open affairs: published to the employer's members only.
		a = officer.post("/congress/affairs", url.Values{"employer_id": {db.FormatID(s.empE.ID)}, "category": {"wages"}, "title": {""}, "body": {"x"}}, "/congress/affairs")
		wantStatus(t, "bad item", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad item", a, "必填。")
		wantStatus(t, "publish", officer.post("/congress/affairs", url.Values{"employer_id": {db.FormatID(s.empE.ID)}, "category": {"wages"},
			"title": {"2027年工资调整方案"}, "body": {"全员基本工资上调百分之三，一线岗位另加岗位津贴。"}}, "/congress/affairs"), http.StatusSeeOther)
		a = filer.get("/m/congress")
		wantBody(t, "member's items", a, "2027年工资调整方案", "未读")
		link := regexp.MustCompile(`href="(/m/congress/affairs/\d+)"`).FindStringSubmatch(a.body)
		wantBody(t, "item", filer.get(link[1]), "全员基本工资上调", "1 人已读")
		wantStatus(t, "outsider's item", s.memberLogin(t, mobileNumber(79)).get(link[1]), http.StatusNotFound)
		wantBody(t, "read count", officer.get("/congress/affairs"), "1 人已读")
	})
}
