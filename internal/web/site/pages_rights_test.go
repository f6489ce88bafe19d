package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
	"gonghui/internal/rights"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// casesSite is the portal site with rights cases behind its pages: the
// eastern street's officers (dashilan, lawyer) handle cases, its leader
// (chief) supervises them, the western street's officer (xichang) may see
// none of them; a worker of the eastern union files from the phone.
type casesSite struct {
	*portalSite
	cases  *rights.Store
	worker *member.Member
	other  *member.Member
}

func newCasesSite(t *testing.T, d *db.DB) *casesSite {
	t.Helper()
	s := &casesSite{portalSite: newPortalSite(t, d)}
	// The registry's keys: a worker is linked to a member by the same keyed hash.
	s.cases = rights.NewStore(d, s.members.Keys)
	s.worker = s.add(t, s.unionE, "刘维权", 71, "2020-05-01")
	s.other = s.add(t, s.unionE, "孙旁人", 72, "2021-05-01")
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"lawyer", auth.RoleOfficer}, {"chief", auth.RoleLeader}} {
		if _, err := s.auth.Bootstrap(context.Background(), auth.NewUser{Username: u.name, Name: "测试" + u.name, OrgID: s.east.ID, Password: testPassword}, u.role); err != nil {
			t.Fatal(err)
		}
	}
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, Inbox: inbox.New(s.cases.InboxSources()...)},
		Cases: s.cases}))
	return s
}

var casesRawKeyRE = keyRE("case|flash|list|portal|page|web|field")

var caseURLRE = regexp.MustCompile(`^/cases/(\d+)$`)
var memberCaseRE = regexp.MustCompile(`^/m/cases/(\d+)$`)

func TestRightsPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newCasesSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		chief := s.login("chief", "")

		a := officer.get("/cases")
		wantPage(t, "empty list", a, casesRawKeyRE)
		wantBody(t, "empty list", a, `href="/cases" aria-current="page"`, "还没有维权案件。", `href="/cases/new"`)
		wantStatus(t, "admin without case roles", s.login("admin", "").get("/cases"), http.StatusForbidden)
		wantPage(t, "intake form", officer.get("/cases/new"), casesRawKeyRE)

		// Bad input: the messages beside the fields, nothing stored.
		bad := url.Values{"org_id": {id(s.east)}, "channel": {"hotline"}, "kind": {"mediation"}, "title": {"欠薪"}, "facts": {"短"},
			"rows": {"3"}, "workers.1.name": {"王五"}, "workers.1.id_number": {"12345"}, "claims.2.kind": {"wages"}, "claims.2.amount": {"-1,000"}}
		a = officer.upload("/cases/new", bad, "file", "a.exe", []byte("MZ\x90"), "/cases/new")
		wantStatus(t, "bad intake", a, http.StatusUnprocessableEntity)
		wantNoKeys(t, "bad intake", a, casesRawKeyRE)
		wantBody(t, "bad intake", a, "金额不能为负数。", "身份证号码不正确。", "只能上传 JPEG、PNG、WebP 图片或 PDF 文件。", "请填写用人单位名称或统一社会信用代码。", `value="王五"`)
		if !strings.Contains(a.body, `id="f-claims.2.amount-error"`) && !strings.Contains(a.body, `claims.2.amount`) {
			t.Error("the amount's error is not beside its row")
		}
		var n int
		if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM cases").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d cases after a refusal", n)
		}

		// A collective case: the worker named by their ID number is linked.
		good := url.Values{"org_id": {id(s.east)}, "channel": {"hotline"}, "kind": {"mediation"}, "title": {"排水集团拖欠外包工工资"},
			"facts": {"外包工两人自八月起未领到工资，多次讨要无果。"}, "employer_name": {"北京某劳务公司"}, "rows": {"3"},
			"workers.0.name": {"刘维权"}, "workers.0.id_number": {idNumber(t, 71)}, "workers.2.name": {"赵外包"}, "workers.2.mobile": {"13700001111"},
			"claims.0.kind": {"wages"}, "claims.0.amount": {"12,000.50"}}
		a = officer.upload("/cases/new", good, "file", "工资条.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "/cases/new")
		wantStatus(t, "intake", a, http.StatusSeeOther)
		m := caseURLRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("after intake: %q", a.location)
		}
		caseID := m[1]
		a = officer.get(a.location)
		wantPage(t, "case", a, casesRawKeyRE)
		wantBody(t, "case", a, "案件已登记。", "刘*权", "137****1111", "12,000.50", "待受理", "工资条.pdf", "本阶段期限 3 个工作日")
		wantNoBody(t, "case", a, "13700001111", "赵外包")
		wantStatus(t, "neighbour", west.get("/cases/"+caseID), http.StatusNotFound)
		if a = west.get("/cases"); strings.Contains(a.body, "排水集团") {
			t.Fatal("the neighbour's list shows the case")
		}

		// Accept (the caller handles it), a confidential note, reading it.
		a = officer.post("/cases/"+caseID+"/accept", url.Values{"handler_id": {""}, "version": {"1"}}, "/cases/"+caseID)
		wantStatus(t, "accept", a, http.StatusSeeOther)
		a = officer.post("/cases/"+caseID+"/notes", url.Values{"body": {"当事人担心被报复，勿向单位透露姓名。"}, "confidential": {"1"}}, "/cases/"+caseID)
		wantStatus(t, "note", a, http.StatusSeeOther)
		a = officer.get("/cases/" + caseID)
		wantBody(t, "noted", a, "保密记录", "查看内容（将记入审计日志）", "办理中")
		wantNoBody(t, "noted", a, "勿向单位透露")
		noteRE := regexp.MustCompile(`href="(/cases/\d+/notes/\d+)"`)
		nm := noteRE.FindStringSubmatch(a.body)
		if nm == nil {
			t.Fatal("no link to the confidential note")
		}
		wantBody(t, "note read", officer.get(nm[1]), "勿向单位透露")
		wantBody(t, "supervisor reads", chief.get(nm[1]), "勿向单位透露")
		lawyer := s.login("lawyer", "")
		wantStatus(t, "another officer", lawyer.get(nm[1]), http.StatusForbidden)
		wantStatus(t, "neighbour", west.get(nm[1]), http.StatusNotFound)
		a = lawyer.get("/cases/" + caseID)
		wantBody(t, "another officer's view", a, "仅承办人及主管领导可见")

		// Reveal: in full, audited.
		a = officer.post("/cases/"+caseID+"/reveal", url.Values{"reason": {"电话联系"}}, "/cases/"+caseID)
		wantStatus(t, "reveal", a, http.StatusOK)
		wantBody(t, "revealed", a, "13700001111", "赵外包", "已显示完整信息")

		// Close: a negative amount refused beside its field; then an agreement.
		a = officer.post("/cases/"+caseID+"/close", url.Values{"outcome": {"agreement"}, "recovered": {"-5"}}, "/cases/"+caseID)
		wantStatus(t, "bad close", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad close", a, "金额不能为负数。")
		a = officer.post("/cases/"+caseID+"/close", url.Values{"outcome": {"agreement"}, "recovered": {"12,000.50"}, "close_note": {"达成调解协议。"}}, "/cases/"+caseID)
		wantStatus(t, "close", a, http.StatusSeeOther)
		a = officer.get("/cases?status=closed")
		wantPage(t, "closed list", a, casesRawKeyRE)
		wantBody(t, "closed list", a, "排水集团拖欠外包工工资", "按期办结率 100%", "12,000.50")

		// The worker named in it sees it on the phone, without staff notes.
		me := s.memberLogin(t, mobileNumber(71))
		wantBody(t, "portal home", me.get("/m"), `href="/m/cases"`, "维权服务")
		a = me.get("/m/cases/" + caseID)
		wantPage(t, "my case", a, casesRawKeyRE)
		wantBody(t, "my case", a, "已结案", "达成调解协议", "12,000.50")
		wantNoBody(t, "my case", a, "勿向单位透露", "测试dashilan", "赵外包")
		other := s.memberLogin(t, mobileNumber(72))
		wantStatus(t, "another member", other.get("/m/cases/"+caseID), http.StatusNotFound)

		// Filing from the phone: errors beside the fields, then sent.
		a = me.upload("/m/cases/new", url.Values{"org_id": {id(s.unionW)}, "kind": {"complaint"}, "title": {""}, "facts": {"短"},
			"claims.0.kind": {"overtime"}, "claims.0.amount": {"-300"}}, "file", "", []byte{}, "/m/cases/new")
		wantStatus(t, "bad filing", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad filing", a, "必填。", "只能向本单位工会或其上级工会申请。", "金额不能为负数。")
		a = me.upload("/m/cases/new", url.Values{"org_id": {id(s.east)}, "kind": {"complaint"}, "title": {"加班不给加班费"},
			"facts": {"每天加班到晚上九点，单位不付加班费。"}, "employer_name": {"北京排水集团"}, "claims.0.kind": {"overtime"}, "claims.0.amount": {"2,400"}},
			"file", "", []byte{}, "/m/cases/new")
		wantStatus(t, "filing", a, http.StatusSeeOther)
		if memberCaseRE.FindStringSubmatch(a.location) == nil {
			t.Fatalf("after filing: %q", a.location)
		}
		a = me.get(a.location)
		wantBody(t, "filed", a, "申请已提交", "加班不给加班费", "待受理", "2,400.00")
		a = me.get("/m/cases")
		wantPage(t, "my cases", a, casesRawKeyRE)
		wantBody(t, "my cases", a, "加班不给加班费", "排水集团拖欠外包工工资")
		if a = other.get("/m/cases"); strings.Contains(a.body, "加班不给加班费") {
			t.Fatal("another member lists the case")
		}
		// Export: the workbook, audited.
		a = officer.get("/cases/export")
		wantStatus(t, "export", a, http.StatusOK)
		if !strings.Contains(a.header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export type %q", a.header.Get("Content-Type"))
		}
	})
}
