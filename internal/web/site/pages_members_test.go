package site

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// memberSite adds to the test site a union under each street with an
// employer, and an officer of the western street.
type memberSite struct {
	*site
	unionE, unionW *org.Org
	empE           *org.Employer
}

func newMemberSite(t *testing.T, d *db.DB) *memberSite {
	t.Helper()
	ctx := context.Background()
	s := &memberSite{site: newSite(t, d)}
	var err error
	if s.unionE, err = s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.east.ID, Name: "北京排水集团工会", Kind: org.KindGrassroots}); err != nil {
		t.Fatal(err)
	}
	if s.unionW, err = s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.west.ID, Name: "北京城建集团工会", Kind: org.KindGrassroots}); err != nil {
		t.Fatal(err)
	}
	if s.empE, err = s.orgs.CreateEmployer(ctx, s.system, org.EmployerInput{OwnerOrgID: s.east.ID, Name: "北京排水集团", Category: "110", Employees: 300}); err != nil {
		t.Fatal(err)
	}
	if err := s.orgs.LinkEmployer(ctx, s.system, s.unionE.ID, s.empE.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "xichang", Name: "测试xichang", OrgID: s.west.ID, Password: testPassword}, auth.RoleOfficer); err != nil {
		t.Fatal(err)
	}
	return s
}

// idNumber is a valid resident ID number: born 1985-01-01 plus n days.
func idNumber(t testing.TB, n int) string {
	t.Helper()
	id, err := cnid.MakeResidentID("110102", time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), n%900)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mobileNumber(n int) string {
	s := "00000000" + db.FormatID(int64(n))
	return "139" + s[len(s)-8:]
}

func (s *memberSite) add(t *testing.T, u *org.Org, name string, n int, joined string, tags ...string) *member.Member {
	t.Helper()
	m, err := s.members.Create(context.Background(), s.system, u.ID, member.Person{Name: name, IDNumber: idNumber(t, n), Mobile: mobileNumber(n),
		JoinedOn: joined, Tags: tags})
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return m
}

// memberRawKeyRE finds a key of the member catalogues shown as text.
var memberRawKeyRE = keyRE("mweb|member|flash")

func wantNoBody(t *testing.T, what string, a answer, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(a.body, u) {
			t.Errorf("%s: body has %q", what, u)
		}
	}
}

func mid(m *member.Member) string { return db.FormatID(m.ID) }

// addTrio adds the three members the page tests share: 张建华 (a model
// worker) and 李秀英 of the east union, 王德明 of the west one; mobile
// numbers 1 to 3.
func (s *memberSite) addTrio(t *testing.T) (zhang, li, wang *member.Member) {
	t.Helper()
	return s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker"), s.add(t, s.unionE, "李秀英", 2, "2021-06-15"),
		s.add(t, s.unionW, "王德明", 3, "2020-01-10")
}

func TestMemberPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newMemberSite(t, d)
		zhang, li, wang := s.addTrio(t)
		if _, err := s.members.SetStatus(ctx, s.system, li.ID, member.StatusChange{Status: member.StatusRetired, On: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		admin := s.login("admin", "")

		t.Run("registry search, filters and scope", func(t *testing.T) {
			a := officer.get("/members")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, "张建华", "李秀英", cnid.MaskResidentID(idNumber(t, 1)), cnid.MaskMobile(mobileNumber(1)),
				"北京排水集团工会", "2019-03-01", "劳模", "退休", "姓名、拼音首字母、身份证号或手机号")
			wantNoBody(t, "list", a, "王德明", idNumber(t, 1), mobileNumber(1))

			for _, q := range []string{"张建华", "建华", "zjh", idNumber(t, 1), mobileNumber(1)} {
				// The search form posts and lands on the list's address.
				a = officer.post("/members/search", url.Values{"q": {q}}, "/members")
				wantStatus(t, "search "+q, a, http.StatusSeeOther)
				if q == idNumber(t, 1) || q == mobileNumber(1) {
					if strings.Contains(a.location, q) {
						t.Fatalf("a number in the address: %s", a.location)
					}
				}
				a = officer.get(a.location)
				wantStatus(t, "search "+q, a, 200)
				wantBody(t, "search "+q, a, "张建华")
				wantNoBody(t, "search "+q, a, "李秀英", idNumber(t, 1), mobileNumber(1))
			}
			// A number typed into the address is moved out of it.
			a = officer.get("/members?q=" + url.QueryEscape(idNumber(t, 1)))
			wantStatus(t, "number in the address", a, http.StatusSeeOther)
			if strings.Contains(a.location, idNumber(t, 1)) || !strings.Contains(a.location, "id_number%3A") {
				t.Fatalf("redirected to %s", a.location)
			}
			wantBody(t, "number search page", officer.get(a.location), "正在按身份证号精确查找")
			a = officer.post("/members/search", url.Values{"q": {idNumber(t, 3)}}, "/members")
			wantNoBody(t, "another street's member by ID", officer.get(a.location), "王德明")

			a = officer.get("/members?status=retired")
			wantBody(t, "status", a, "李秀英")
			wantNoBody(t, "status", a, "张建华")
			a = officer.get("/members?tag=model_worker")
			wantBody(t, "tag", a, "张建华")
			wantNoBody(t, "tag", a, "李秀英")
			a = officer.get("/members?joined_from=2020-01-01&joined_to=2022-12-31")
			wantBody(t, "joined", a, "李秀英")
			wantNoBody(t, "joined", a, "张建华")
			a = officer.get("/members?org=" + id(s.unionE) + "&org_only=1&status=active")
			wantStatus(t, "org only", a, 200)
			wantBody(t, "org only", a, "张建华", `href="/members/export?org=`+id(s.unionE)+`&amp;org_only=1&amp;status=active"`)
			a = officer.get("/members?org=" + id(s.east) + "&org_only=1")
			wantNoBody(t, "street only", a, "张建华")

			a = officer.get("/members?joined_from=2020-13-45")
			wantStatus(t, "bad date", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad date", a, "日期格式应为 YYYY-MM-DD", `aria-invalid="true"`)
			a = officer.get("/members?org=" + id(s.west))
			wantStatus(t, "neighbour's union as filter", a, http.StatusUnprocessableEntity)
			wantNoBody(t, "neighbour's union as filter", a, "王德明")

			wantStatus(t, "own member", officer.get("/members/"+mid(zhang)), 200)
			a = officer.get("/members/" + mid(wang))
			wantStatus(t, "another street's member", a, 404)
			wantNoBody(t, "another street's member", a, "王德明")
			wantStatus(t, "another street's member edit", officer.get("/members/"+mid(wang)+"/edit"), 404)

			a = officer.get("/members/" + mid(zhang))
			wantBody(t, "record", a, "张建华", cnid.MaskResidentID(idNumber(t, 1)), "入会", "现场入会", "/members/"+mid(zhang)+"/card")
			wantNoBody(t, "record", a, idNumber(t, 1))
		})

		t.Run("on-site entry with a bad row", func(t *testing.T) {
			page := "/members/new?org=" + id(s.unionE)
			a := officer.get(page)
			wantStatus(t, "form", a, 200)
			wantBody(t, "form", a, `name="name.0"`, `name="name.4"`, `id="f-id_number-2"`, "北京排水集团", "第 5 人")

			form := url.Values{"org_id": {id(s.unionE)}, "consent": {"1"},
				"name.0": {"赵一"}, "id_number.0": {idNumber(t, 10)}, "mobile.0": {mobileNumber(10)}, "joined_on.0": {"2024-05-01"}, "employer_id.0": {db.FormatID(s.empE.ID)},
				"name.1": {"钱二"}, "id_number.1": {"110102198501019999"}, "mobile.1": {mobileNumber(11)}, "job.1": {"焊工"},
				"name.2": {"孙三"}, "id_number.2": {idNumber(t, 12)}, "mobile.2": {""}, "job.2": {"司机"},
				"name.3": {""}, "id_number.3": {""}, "joined_on.3": {"2024-05-01"},
			}
			a = officer.post(page, form, page)
			wantStatus(t, "one bad row", a, http.StatusUnprocessableEntity)
			wantBody(t, "one bad row", a, "已录入 2 人", "赵一", "孙三", "有 1 人未能录入", `value="钱二"`, `value="焊工"`,
				`value="110102198501019999"`, "身份证号校验位不正确")
			for n, want := range map[int]int{10: 1, 12: 1} {
				items, _, err := s.members.List(ctx, s.system, member.Query{Q: idNumber(t, n)})
				if err != nil || len(items) != want {
					t.Errorf("row %d: %d members, %v", n, len(items), err)
				}
			}
			items, _, err := s.members.List(ctx, s.system, member.Query{Q: "钱二"})
			if err != nil || len(items) != 0 {
				t.Errorf("the bad row was entered: %v %v", items, err)
			}
			items, _, _ = s.members.List(ctx, s.system, member.Query{Q: idNumber(t, 10)})
			if len(items) == 1 && (items[0].EmployerName != "北京排水集团" || items[0].JoinedOn != "2024-05-01") {
				t.Errorf("row 0 entered as %+v", items[0])
			}

			// The same person again: a conflict on the row, nothing entered.
			a = officer.post(page, url.Values{"org_id": {id(s.unionE)}, "consent": {"1"}, "name.0": {"赵一"}, "id_number.0": {idNumber(t, 10)}}, page)
			wantStatus(t, "already a member", a, http.StatusUnprocessableEntity)
			wantBody(t, "already a member", a, "此人已是本工会会员")

			// Without JavaScript "add a row" posts and enters nobody.
			a = officer.post(page, url.Values{"org_id": {id(s.unionE)}, "name.0": {"周五"}, "id_number.0": {idNumber(t, 15)}, "more": {"1"}}, page)
			wantStatus(t, "add row", a, 200)
			wantBody(t, "add row", a, `value="周五"`, `name="name.1"`)
			if items, _, _ := s.members.List(ctx, s.system, member.Query{Q: idNumber(t, 15)}); len(items) != 0 {
				t.Error("add row entered someone")
			}
			a = officer.post(page, url.Values{"org_id": {id(s.unionE)}}, page)
			wantStatus(t, "nobody", a, http.StatusUnprocessableEntity)
			wantBody(t, "nobody", a, "请至少填写一人")

			wantStatus(t, "neighbour's union", officer.get("/members/new?org="+id(s.unionW)), 404)
			a = officer.get("/members/new?org=" + id(s.root))
			wantStatus(t, "city federation", a, 404)
			a = officer.get("/members/new")
			wantStatus(t, "picker", a, 200)
			wantBody(t, "picker", a, `name="org" value="`+id(s.unionE)+`"`)
			wantNoBody(t, "picker", a, `name="org" value="`+id(s.unionW)+`"`)
		})

		t.Run("apply, approve, member", func(t *testing.T) {
			worker := s.client("")
			page := "/join/" + id(s.unionE)
			a := worker.get(page)
			wantStatus(t, "joining page", a, 200)
			wantBody(t, "joining page", a, "北京排水集团工会", "申请加入工会", "个人信息保护说明", `name="consent"`, "北京排水集团")
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("joining page cache: %q", a.header.Get("Cache-Control"))
			}
			form := url.Values{"name": {"吴六"}, "id_number": {idNumber(t, 20)}, "mobile": {mobileNumber(20)}, "employer_id": {db.FormatID(s.empE.ID)}, "job": {"管道工"}}
			a = worker.post(page, form, page)
			wantStatus(t, "no consent", a, http.StatusUnprocessableEntity)
			wantBody(t, "no consent", a, "请阅读并同意个人信息保护说明", `value="吴六"`)
			form.Set("consent", "1")
			a = worker.post(page, form, page)
			wantStatus(t, "apply", a, http.StatusSeeOther)
			if a.location != page+"/done" {
				t.Fatalf("after applying: %q", a.location)
			}
			wantBody(t, "thanks", worker.get(a.location), "申请已提交", "正在等待审核", "/join/status")

			a = worker.post("/join/status", url.Values{"mobile": {mobileNumber(20)}, "id_number": {idNumber(t, 20)}}, "/join/status")
			wantStatus(t, "track", a, 200)
			wantBody(t, "track", a, "北京排水集团工会", "待审核")

			apps, _, err := s.members.ListApplications(ctx, s.system, member.ApplicationQuery{})
			if err != nil || len(apps) != 1 {
				t.Fatalf("applications: %v %v", apps, err)
			}
			app := db.FormatID(apps[0].ID)
			wantNoBody(t, "queue of the other street", west.get("/applications"), "吴六")
			a = officer.get("/applications")
			wantStatus(t, "queue", a, 200)
			wantBody(t, "queue", a, "吴六", "待审核", `action="/applications/`+app+`/decide"`)
			a = officer.post("/applications/"+app+"/decide", url.Values{"decision": {"reject"}, "reason": {""}, "back": {"/applications"}}, "/applications")
			wantStatus(t, "reject without reason", a, http.StatusUnprocessableEntity)
			wantBody(t, "reject without reason", a, "必填")
			a = officer.post("/applications/"+app+"/decide", url.Values{"decision": {"approve"}, "back": {"/applications"}}, "/applications")
			wantStatus(t, "approve", a, http.StatusSeeOther)
			if a.location != "/applications" || flashSet(a) == "" {
				t.Errorf("after approving: %q", a.location)
			}
			items, _, err := s.members.List(ctx, s.system, member.Query{Q: idNumber(t, 20)})
			if err != nil || len(items) != 1 || items[0].OrgID != s.unionE.ID || items[0].Source != member.SourceOnline {
				t.Fatalf("approved applicant: %+v %v", items, err)
			}
			wantBody(t, "registry", officer.get("/members?q="+url.QueryEscape("吴六")), "吴六")
			a = officer.get("/applications/" + app)
			wantBody(t, "decided application", a, "已通过", "/members/"+db.FormatID(items[0].ID))
			a = worker.post("/join/status", url.Values{"mobile": {mobileNumber(20)}, "id_number": {idNumber(t, 20)}}, "/join/status")
			wantBody(t, "track after", a, "已通过")
		})

		t.Run("csrf on public forms", func(t *testing.T) {
			before, _, _ := s.members.ListApplications(ctx, s.system, member.ApplicationQuery{Status: member.AppPending})
			worker := s.client("")
			page := "/join/" + id(s.unionE)
			form := url.Values{"name": {"郑七"}, "id_number": {idNumber(t, 30)}, "mobile": {mobileNumber(30)}, "employer_name": {"某单位"}, "consent": {"1"}}
			a := worker.post(page, form, "")
			wantStatus(t, "no token", a, http.StatusForbidden)
			wantBody(t, "no token", a, "表单已失效")
			form.Set("csrf_token", "forged")
			wantStatus(t, "forged token", worker.post(page, form, ""), http.StatusForbidden)
			// A token of another visitor does not do either.
			other := s.client("")
			m := csrfRE.FindStringSubmatch(other.get(page).body)
			if m == nil {
				t.Fatal("no token")
			}
			worker.get(page)
			form.Set("csrf_token", m[1])
			wantStatus(t, "another visitor's token", worker.post(page, form, ""), http.StatusForbidden)
			after, _, _ := s.members.ListApplications(ctx, s.system, member.ApplicationQuery{Status: member.AppPending})
			if len(after) != len(before) {
				t.Errorf("a POST without a valid token filed an application")
			}
			wantStatus(t, "track without token", worker.post("/join/status", url.Values{"mobile": {mobileNumber(20)}, "id_number": {idNumber(t, 20)}}, ""), http.StatusForbidden)
			wantStatus(t, "federation has no joining page", worker.get("/join/"+id(s.root)), 404)
			wantStatus(t, "no such union", worker.get("/join/123456789"), 404)
		})

		t.Run("transfer: request, release, accept", func(t *testing.T) {
			m := s.add(t, s.unionE, "冯八", 40, "2018-09-01")
			u := "/members/" + mid(m)
			a := officer.post(u+"/transfer", url.Values{"to_org_other": {"abc"}}, u)
			wantStatus(t, "bad target", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad target", a, "编号无效")
			a = officer.post(u+"/transfer", url.Values{"to_org_id": {id(s.unionE)}}, u)
			wantStatus(t, "same union", a, http.StatusUnprocessableEntity)
			wantBody(t, "same union", a, "转入工会不能是该会员现在所在的工会")
			a = officer.post(u+"/transfer", url.Values{"to_org_other": {id(s.unionW)}, "note": {"调往城建集团"}}, u)
			wantStatus(t, "request", a, http.StatusSeeOther)
			ts, _, err := s.members.ListTransfers(ctx, s.system, member.TransferQuery{Member: m.ID})
			if err != nil || len(ts) != 1 {
				t.Fatalf("transfers: %v %v", ts, err)
			}
			tr := "/transfers/" + db.FormatID(ts[0].ID)
			wantBody(t, "member page", officer.get(u), "北京城建集团工会", "待转出工会同意")

			a = west.get("/transfers?direction=in")
			wantStatus(t, "incoming", a, 200)
			wantBody(t, "incoming", a, "冯八", "待转出工会同意")
			wantNoBody(t, "incoming before release", a, `name="action" value="accept"`)
			a = west.post(tr+"/decide", url.Values{"action": {"accept"}}, "/transfers")
			wantStatus(t, "accept before release", a, http.StatusConflict)
			wantBody(t, "accept before release", a, "需先由转出工会同意转出")

			a = officer.get("/transfers?direction=out")
			wantBody(t, "outgoing", a, "冯八", `name="action" value="release"`)
			a = officer.post(tr+"/decide", url.Values{"action": {"release"}, "back": {"/transfers?direction=out"}}, "/transfers?direction=out")
			wantStatus(t, "release", a, http.StatusSeeOther)
			if a.location != "/transfers?direction=out" || flashSet(a) == "" {
				t.Errorf("after release: %q", a.location)
			}
			a = west.get("/transfers?direction=in")
			wantBody(t, "incoming after release", a, "待转入工会接收", `name="action" value="accept"`)
			a = west.post(tr+"/decide", url.Values{"action": {"accept"}, "back": {"/transfers"}}, "/transfers")
			wantStatus(t, "accept", a, http.StatusSeeOther)
			got, err := s.members.Get(ctx, s.system, m.ID)
			if err != nil || got.OrgID != s.unionW.ID || got.JoinedOn != "2018-09-01" {
				t.Fatalf("after accept: %+v %v", got, err)
			}
			a = west.get(u)
			wantStatus(t, "member at the new union", a, 200)
			wantBody(t, "member at the new union", a, "转入", "转出", "北京城建集团工会")
			wantStatus(t, "member gone from the old union", officer.get(u), 404)
			a = officer.get(tr)
			wantStatus(t, "transfer still visible to the source", a, 200)
			wantBody(t, "transfer still visible to the source", a, "已完成")

			// The target side cannot learn by ID number which union holds
			// someone outside its charge: the answer is the unknown
			// person's, and the person applies through the joining page.
			n := s.add(t, s.unionE, "陈九", 41, "2017-01-01")
			a = west.post("/transfers/new", url.Values{"id_number": {idNumber(t, 41)}, "to_org_id": {id(s.unionW)}}, "/transfers")
			wantStatus(t, "request in", a, http.StatusUnprocessableEntity)
			wantBody(t, "request in", a, "在您管理的工会中没有找到")
			unknown := west.post("/transfers/new", url.Values{"id_number": {idNumber(t, 49)}, "to_org_id": {id(s.unionW)}}, "/transfers")
			wantStatus(t, "request in, unknown person", unknown, http.StatusUnprocessableEntity)
			wantBody(t, "request in, unknown person", unknown, "在您管理的工会中没有找到")
			if _, err := s.members.Apply(ctx, s.unionW.ID, member.ApplyInput{Name: "陈九", IDNumber: idNumber(t, 41), Mobile: mobileNumber(41), EmployerName: "城建", Consent: true}); err != nil {
				t.Fatal(err)
			}
			ts, _, _ = s.members.ListTransfers(ctx, s.system, member.TransferQuery{Member: n.ID})
			if len(ts) != 1 || ts[0].ToOrgID != s.unionW.ID {
				t.Fatalf("request in: %+v", ts)
			}
			tr = "/transfers/" + db.FormatID(ts[0].ID)
			a = officer.post(tr+"/decide", url.Values{"action": {"reject"}, "reason": {""}}, tr)
			wantStatus(t, "reject without reason", a, http.StatusUnprocessableEntity)
			wantBody(t, "reject without reason", a, "必填")
			a = officer.post(tr+"/decide", url.Values{"action": {"reject"}, "reason": {"尚在试用期"}}, tr)
			wantStatus(t, "reject", a, http.StatusSeeOther)
			wantBody(t, "rejected", officer.get(tr), "已驳回", "尚在试用期")
		})

		t.Run("reveal needs the permission and is audited", func(t *testing.T) {
			u := "/members/" + mid(zhang)
			a := admin.get(u)
			wantStatus(t, "admin sees the record", a, 200)
			wantNoBody(t, "admin sees the record", a, `action="`+u+`/reveal"`, idNumber(t, 1))
			wantStatus(t, "admin reveals", admin.post(u+"/reveal", url.Values{"reason": {"核对"}}, u), http.StatusForbidden)

			count := func() int {
				var n int
				if err := d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE action = 'pii.reveal' AND entity_id = ?", mid(zhang)).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := count()
			a = officer.get(u)
			wantBody(t, "officer's record", a, `action="`+u+`/reveal"`, "显示完整号码")
			a = officer.post(u+"/reveal", url.Values{"reason": {""}}, u)
			wantStatus(t, "no reason", a, http.StatusUnprocessableEntity)
			wantNoBody(t, "no reason", a, idNumber(t, 1))
			a = officer.post(u+"/reveal", url.Values{"reason": {"办理困难帮扶核对身份"}}, u)
			wantStatus(t, "reveal", a, 200)
			wantBody(t, "reveal", a, idNumber(t, 1), mobileNumber(1), "已记入审计日志")
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("revealed page cache: %q", a.header.Get("Cache-Control"))
			}
			if after := count(); after != before+1 {
				t.Errorf("audit records of reveals: %d -> %d", before, after)
			}
			var reason string
			if err := d.QueryRow(ctx, "SELECT after_json FROM audit_log WHERE action = 'pii.reveal' AND entity_id = ? ORDER BY seq DESC LIMIT 1", mid(zhang)).Scan(&reason); err != nil || !strings.Contains(reason, "办理困难帮扶核对身份") {
				t.Errorf("audit record: %q %v", reason, err)
			}
			wantNoBody(t, "next visit", officer.get(u), idNumber(t, 1))
			wantStatus(t, "reveal another street's member", officer.post("/members/"+mid(wang)+"/reveal", url.Values{"reason": {"x"}}, u), 404)
		})

		t.Run("edit and status", func(t *testing.T) {
			u := "/members/" + mid(zhang)
			cur, _ := s.members.Get(ctx, s.system, zhang.ID)
			a := officer.get(u + "/edit")
			wantStatus(t, "edit form", a, 200)
			wantBody(t, "edit form", a, `value="张建华"`, `name="version" value="`+db.FormatID(int64(cur.Version))+`"`, "留空表示不修改", `value="model_worker" checked`)
			wantNoBody(t, "edit form", a, idNumber(t, 1))
			form := url.Values{"name": {"张建华"}, "job": {"班组长"}, "joined_on": {"2019-03-01"}, "tag": {"model_worker", "craftsman"},
				"employer_id": {db.FormatID(s.empE.ID)}, "version": {db.FormatID(int64(cur.Version))}}
			a = officer.post(u+"/edit", form, u+"/edit")
			wantStatus(t, "save", a, http.StatusSeeOther)
			got, _ := s.members.Get(ctx, s.system, zhang.ID)
			if got.Job != "班组长" || len(got.Tags) != 2 || got.EmployerName != "北京排水集团" || got.IDNumber != cur.IDNumber || got.Mobile != cur.Mobile {
				t.Errorf("after edit: %+v", got)
			}
			a = officer.post(u+"/edit", form, u+"/edit")
			wantStatus(t, "stale", a, http.StatusConflict)
			wantBody(t, "stale", a, "已被他人修改")
			form.Set("version", db.FormatID(int64(got.Version)))
			form.Set("mobile", "12345")
			a = officer.post(u+"/edit", form, u+"/edit")
			wantStatus(t, "bad mobile", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad mobile", a, "手机号应为 11 位", `value="12345"`)

			// Blank numbers keep those on file, even for an editor who may
			// not see them: the store opens them, nobody is shown them.
			form.Del("mobile")
			form.Del("id_number")
			a = admin.post(u+"/edit", form, u+"/edit")
			wantStatus(t, "admin without numbers", a, http.StatusSeeOther)
			again, _ := s.members.Get(ctx, s.system, zhang.ID)
			if again.IDNumber != cur.IDNumber || again.Mobile != cur.Mobile {
				t.Errorf("blank numbers changed them: %+v", again)
			}

			a = officer.post(u+"/status", url.Values{"status": {"retired"}, "on": {"2999-01-01"}}, u)
			wantStatus(t, "future date", a, http.StatusUnprocessableEntity)
			wantBody(t, "future date", a, "日期不能晚于今天")
			a = officer.post(u+"/status", url.Values{"status": {"retired"}, "on": {"2025-06-30"}, "note": {"到龄退休"}}, u)
			wantStatus(t, "retire", a, http.StatusSeeOther)
			a = officer.get(u)
			wantBody(t, "retired", a, "退休", "2025-06-30", "到龄退休", "修改了")
		})

		t.Run("poster", func(t *testing.T) {
			a := officer.get("/orgs/" + id(s.unionE) + "/join-qr")
			wantStatus(t, "poster", a, 200)
			wantBody(t, "poster", a, "北京排水集团工会", s.srv.URL+"/join/"+id(s.unionE), "/orgs/"+id(s.unionE)+"/join-qr.png")
			a = officer.get("/orgs/" + id(s.unionE) + "/join-qr.png")
			wantStatus(t, "qr image", a, 200)
			if a.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(a.body, "\x89PNG") {
				t.Errorf("qr image: %q", a.header.Get("Content-Type"))
			}
			wantBody(t, "org page", officer.get("/orgs/"+id(s.unionE)), "/orgs/"+id(s.unionE)+"/join-qr")
			wantNoBody(t, "city page", admin.get("/orgs/"+id(s.root)), "/join-qr")
			wantStatus(t, "city poster", admin.get("/orgs/"+id(s.root)+"/join-qr"), 404)
			wantStatus(t, "neighbour's poster", officer.get("/orgs/"+id(s.unionW)+"/join-qr"), 404)
		})

		t.Run("every member page renders", func(t *testing.T) {
			ts, _, _ := s.members.ListTransfers(ctx, s.system, member.TransferQuery{})
			apps, _, _ := s.members.ListApplications(ctx, s.system, member.ApplicationQuery{})
			if len(ts) == 0 || len(apps) == 0 {
				t.Fatal("no transfers or applications to show")
			}
			zh, en := s.login("dashilan", ""), s.login("dashilan", "en")
			u := "/members/" + mid(li)
			paths := []string{"/members", "/members?q=zjh&status=active&tag=model_worker&joined_from=2019-01-01", u, u + "/edit",
				"/members/new", "/members/new?org=" + id(s.unionE), "/applications", "/applications?status=all",
				"/applications/" + db.FormatID(apps[0].ID), "/transfers", "/transfers?direction=in&status=accepted",
				"/transfers/" + db.FormatID(ts[0].ID), "/orgs/" + id(s.unionE) + "/join-qr"}
			for _, path := range paths {
				for _, c := range []*client{zh, en} {
					wantPage(t, path, c.get(path), rawKeyRE, memberRawKeyRE)
				}
			}
			wantBody(t, "english registry", en.get("/members"), "Member registry", "Name, pinyin initials, ID number or mobile")
			worker := s.client("")
			for _, path := range []string{"/join/" + id(s.unionE), "/join/" + id(s.unionE) + "?lang=en", "/join/status", "/join/status?lang=en",
				"/join/" + id(s.unionE) + "/done", "/join/" + id(s.unionE) + "/done?lang=en"} {
				a := worker.get(path)
				wantStatus(t, path, a, 200)
				wantNoKeys(t, path, a, memberRawKeyRE)
			}
			wantBody(t, "english joining page", worker.get("/join/"+id(s.unionE)+"?lang=en"), "Apply to join the union", `action="/join/`+id(s.unionE)+`?lang=en"`)
			wantBody(t, "nav", zh.get("/"), `href="/members"`, ">会员<")
		})
	})
}
