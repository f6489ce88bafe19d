package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/contract"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// contractSite is the members' site with collective contracts behind its
// pages, on a clock the test moves: the eastern street (dashilan) has two
// employers; the western street's officer (xichang) sees none of it.
type contractSite struct {
	*memberSite
	contracts *contract.Store
	shop      *org.Employer
	now       time.Time
}

func newContractSite(t *testing.T, d *db.DB, day string) *contractSite {
	t.Helper()
	s := &contractSite{memberSite: newMemberSite(t, d), contracts: contract.NewStore(d, testkit.Keys(t))}
	start, _ := beijing.ParseDay(day)
	s.now = start.Add(9 * time.Hour)
	s.contracts.SetClock(func() time.Time { return s.now })
	var err error
	if s.shop, err = s.orgs.CreateEmployer(context.Background(), s.system, org.EmployerInput{OwnerOrgID: s.east.ID, Name: "大栅栏瑞蚨祥绸布店", Category: "170", Employees: 40}); err != nil {
		t.Fatal(err)
	}
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, Inbox: inbox.New(s.contracts.InboxSource())},
		Contracts: s.contracts}))
	return s
}

var contractRawKeyRE = keyRE("contract|flash|list")

var contractURLRE = regexp.MustCompile(`^/contracts/(\d+)(/edit)?$`)

// draftForm is a regional contract of the eastern street over both its
// employers.
func (s *contractSite) draftForm(start, end string) url.Values {
	return url.Values{"org_id": {db.FormatID(s.east.ID)}, "title": {"大栅栏街道区域性集体合同"}, "kind": {"comprehensive"}, "coverage": {"regional"},
		"union_rep": {"张建国"}, "employer_rep": {"王经理"}, "signed_on": {start}, "starts_on": {start}, "ends_on": {end},
		"wage_increase": {"3.5"}, "min_wage": {"2,540"},
		"employers.0.employer_id": {db.FormatID(s.empE.ID)}, "employers.0.workers": {"260"},
		"employers.1.employer_id": {db.FormatID(s.shop.ID)}, "employers.1.workers": {"35"}}
}

func TestContractPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newContractSite(t, d, "2026-03-10")
		officer, west := s.login("dashilan", ""), s.login("xichang", "")

		a := officer.get("/contracts")
		wantPage(t, "empty list", a, contractRawKeyRE)
		wantBody(t, "empty list", a, `href="/contracts" aria-current="page"`, "还没有集体合同。", "0 / 2")
		wantStatus(t, "admin without contract roles", s.login("admin", "").get("/contracts"), http.StatusForbidden)
		a = officer.get("/contracts/new")
		wantPage(t, "form", a, contractRawKeyRE)
		wantBody(t, "form", a, "区域性", `data-endpoint="/contracts/pick/employers?row=0"`, "再加一家单位")
		if strings.Contains(a.body, "大栅栏瑞蚨祥绸布店") {
			t.Fatal("the form lists employers before any search")
		}

		// The employer picker: its JSON search within the caller's subtree,
		// by pinyin initials; the western street finds nothing of it.
		wantBody(t, "pick by initials", officer.get("/contracts/pick/employers?q=bjps"), "北京排水集团", `"kind":"大栅栏`)
		wantBody(t, "pick by name", officer.get("/contracts/pick/employers?q=%E7%91%9E%E8%9A%A8%E7%A5%A5"), "大栅栏瑞蚨祥绸布店")
		wantBody(t, "pick from the west", west.get("/contracts/pick/employers?q=bjps"), `"items":[]`)
		// Without JavaScript: the row's search button sends the form back
		// with the matches as radio buttons and everything typed, saving
		// nothing; "add a row" shows one more.
		search := s.draftForm("2026-03-01", "2029-02-28")
		search.Del("employers.1.employer_id")
		search.Set("employers.1.q", "瑞蚨祥")
		search.Set(web.PickerSearchButton, "employers.1.q")
		a = officer.post("/contracts/new", search, "/contracts/new")
		wantStatus(t, "picker search", a, http.StatusOK)
		wantBody(t, "picker search", a, `type="radio" id="f-employers.1.employer_id-m1" name="employers.1.employer_id" value="`+db.FormatID(s.shop.ID)+`"`,
			`value="大栅栏街道区域性集体合同"`, "已选：</span> <strong class=\"picker-name\" data-picker-name>北京排水集团")
		more := s.draftForm("2026-03-01", "2029-02-28")
		more.Set("add_row", "1")
		more.Set("rows", "2")
		a = officer.post("/contracts/new", more, "/contracts/new")
		wantStatus(t, "add a row", a, http.StatusOK)
		wantBody(t, "add a row", a, `name="employers.2.employer_id"`, `name="rows" value="3"`)
		if n := countRows(t, d, "contracts"); n != 0 {
			t.Fatalf("a search stored %d rows", n)
		}
		// An employer the picker would not offer (the western street's),
		// or no id at all, is refused on its row.
		far, err := s.orgs.CreateEmployer(context.Background(), s.system, org.EmployerInput{OwnerOrgID: s.west.ID, Name: "北京城建集团", Category: "110", Employees: 900})
		if err != nil {
			t.Fatal(err)
		}
		outside := s.draftForm("2026-03-01", "2029-02-28")
		outside.Set("employers.1.employer_id", db.FormatID(far.ID))
		a = officer.post("/contracts/new", outside, "/contracts/new")
		wantStatus(t, "outside employer", a, http.StatusUnprocessableEntity)
		wantBody(t, "outside employer", a, `id="f-employers.1.employer_id-error"`)
		outside.Set("employers.1.employer_id", "abc")
		wantStatus(t, "not an id", officer.post("/contracts/new", outside, "/contracts/new"), http.StatusUnprocessableEntity)
		if n := countRows(t, d, "contracts"); n != 0 {
			t.Fatalf("a refused employer stored %d rows", n)
		}

		// Bad input: each field named, nothing stored.
		bad := s.draftForm("2026-03-01", "2026-02-01")
		bad.Set("wage_increase", "3.555")
		bad.Set("employers.1.employer_id", db.FormatID(s.empE.ID))
		a = officer.post("/contracts/new", bad, "/contracts/new")
		wantStatus(t, "bad draft", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad draft", a, "期限届满日不能早于起始日。", "请填写百分数", "同一企业选了两次。", `value="大栅栏街道区域性集体合同"`)
		if n := countRows(t, d, "contracts"); n != 0 {
			t.Fatalf("a bad draft stored %d rows", n)
		}

		a = officer.post("/contracts/new", s.draftForm("2026-03-01", "2029-02-28"), "/contracts/new")
		wantStatus(t, "draft", a, http.StatusSeeOther)
		// A second one of the kind over the same term: refused on the row
		// of the employer that already has one, shown on the form.
		second := s.draftForm("2027-01-01", "2028-12-31")
		second.Del("employers.0.employer_id")
		second.Del("employers.0.workers")
		second.Set("coverage", "employer")
		overlap := officer.post("/contracts/new", second, "/contracts/new")
		wantStatus(t, "overlap", overlap, http.StatusUnprocessableEntity)
		wantBody(t, "overlap", overlap, `name="employers.1.workers" value="35"`, "期限不能重叠", `id="f-employers.1.employer_id-error"`)
		m := contractURLRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("after drafting: %q", a.location)
		}
		page := "/contracts/" + m[1]
		a = officer.get(page)
		wantPage(t, "draft page", a, contractRawKeyRE)
		wantBody(t, "draft page", a, "草案", "3.5%", "2540 元/月", "295", "报送审查", "北京排水集团")
		wantStatus(t, "the western street", west.get(page), http.StatusNotFound)
		wantStatus(t, "the western street submits", west.post(page+"/submit", url.Values{}, "/contracts"), http.StatusNotFound)

		// Submitted on 1 March: under review to the 16th, in force from the 17th.
		a = officer.post(page+"/submit", url.Values{"submitted_on": {"2026-03-11"}}, page)
		wantStatus(t, "submitted tomorrow", a, http.StatusUnprocessableEntity)
		wantBody(t, "submitted tomorrow", a, "日期不能晚于今天。")
		wantStatus(t, "submit", officer.post(page+"/submit", url.Values{"submitted_on": {"2026-03-01"}}, page), http.StatusSeeOther)
		wantBody(t, "under review", officer.get(page), "审查中", "2026-03-16", "2026-03-17", "登记审查异议")
		s.now = time.Date(2026, 3, 17, 0, 5, 0, 0, beijing.Zone)
		a = officer.get("/contracts?status=in_force")
		wantPage(t, "in force", a, contractRawKeyRE)
		wantBody(t, "in force", a, "大栅栏街道区域性集体合同", "2 / 2", "覆盖率 100.0%", "295")
		wantBody(t, "west sees none", west.get("/contracts"), "还没有集体合同。")

		// The export and the printable summary.
		x := officer.get("/contracts/export.xlsx?status=in_force")
		wantStatus(t, "export", x, http.StatusOK)
		if !strings.HasPrefix(x.body, "PK") {
			t.Fatal("the export is no workbook")
		}
		a = officer.get(page + "/print")
		wantPage(t, "print", a, contractRawKeyRE)
		wantBody(t, "print", a, "data-print", "状态截至 2026-03-17")

		// The text, sealed; then the renewal, whose page shows the chain.
		a = officer.upload(page+"/file", nil, "file", "合同.pdf", []byte("%PDF-1.4\n%%EOF"), page)
		wantStatus(t, "upload", a, http.StatusSeeOther)
		wantBody(t, "uploaded", officer.get(page), "合同.pdf")
		a = officer.upload(page+"/file", nil, "file", "x.pdf", []byte("<html>"), page)
		wantStatus(t, "not a text", a, http.StatusUnprocessableEntity)
		wantBody(t, "not a text", a, "只接受 PDF 或 Word 文件。")

		a = officer.post(page+"/renew", url.Values{}, page)
		wantStatus(t, "renew", a, http.StatusSeeOther)
		m = contractURLRE.FindStringSubmatch(a.location)
		if m == nil || m[2] != "/edit" {
			t.Fatalf("after renewing: %q", a.location)
		}
		a = officer.get(a.location)
		wantPage(t, "renewal form", a, contractRawKeyRE)
		wantBody(t, "renewal form", a, `value="2029-03-01"`, `value="2032-02-29"`)
		a = officer.get("/contracts/" + m[1])
		wantBody(t, "renewal page", a, "续订记录", `href="`+page+`"`)
	})
}
