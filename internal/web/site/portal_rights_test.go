package site

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

var rightsRawKeyRE = keyRE("rights")

// A member sees and downloads everything held about them, their numbers in
// full (audited); asks for a correction with field-level checks; staff of
// their union see and decide it, staff elsewhere do not; the member sees
// the outcome.
func TestPortalDataAndCorrections(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newPortalSite(t, d)
		zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker")
		c := s.memberLogin(t, mobileNumber(1))

		a := c.get("/m/data")
		wantStatus(t, "data page", a, http.StatusOK)
		wantBody(t, "data page", a, "我的信息", "张建华", idNumber(t, 1), mobileNumber(1), "北京排水集团工会", "会籍记录", `href="/m/data.xlsx"`, `href="/m/data.json"`, `action="/m/corrections"`)
		wantNoKeys(t, "data page", a, portalRawKeyRE, memberRawKeyRE, rawKeyRE, rightsRawKeyRE)
		if a.header.Get("Cache-Control") != "no-store" {
			t.Errorf("data page cache: %q", a.header.Get("Cache-Control"))
		}
		home := c.get("/m")
		wantBody(t, "home links the data page", home, `href="/m/data"`)

		j := c.get("/m/data.json")
		wantStatus(t, "json", j, http.StatusOK)
		wantBody(t, "json", j, `"id_number": "`+idNumber(t, 1)+`"`, `"consents"`)
		x := c.get("/m/data.xlsx")
		wantStatus(t, "xlsx", x, http.StatusOK)
		book, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := book.GetRows(book.GetSheetName(0))
		found := false
		for _, r := range rows {
			if len(r) == 3 && r[2] == idNumber(t, 1) {
				found = true
			}
		}
		if !found {
			t.Fatalf("the workbook lacks the member's ID number: %v", rows)
		}
		if n := s.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'pii.self_reveal' AND entity_id = '"+db.FormatID(zhang.ID)+"'"); n < 3 {
			t.Fatalf("%d self-reveal records, want one per view", n)
		}

		// Field-level checks; nothing stored.
		a = c.post("/m/corrections", url.Values{"field": {"mobile"}, "value": {"123"}}, "/m/data")
		wantStatus(t, "bad mobile", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad mobile", a, `id="f-value-error"`, `aria-invalid="true"`)
		a = c.post("/m/corrections", url.Values{"field": {"salary"}, "value": {"1"}}, "/m/data")
		wantStatus(t, "bad field", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad field", a, `id="f-field-error"`)
		if n := s.count(t, "SELECT COUNT(*) FROM correction_requests"); n != 0 {
			t.Fatalf("bad requests stored %d rows", n)
		}
		// A formula in a value is data, neutralised in the workbook.
		a = c.post("/m/corrections", url.Values{"field": {"job"}, "value": {"=HYPERLINK(\"http://x\")"}}, "/m/data")
		wantStatus(t, "job request", a, http.StatusSeeOther)
		x = c.get("/m/data.xlsx")
		book, _ = excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		for _, r := range mustRows(t, book) {
			for _, cell := range r {
				if len(cell) > 0 && cell[0] == '=' {
					t.Fatalf("a formula in the workbook: %q", cell)
				}
			}
		}
		a = c.post("/m/corrections", url.Values{"field": {"name"}, "value": {"张健华"}, "note": {"户口本上是健"}}, "/m/data")
		wantStatus(t, "name request", a, http.StatusSeeOther)
		a = c.get(a.location)
		wantBody(t, "after the request", a, "更正申请已提交", "张健华", "待处理")

		// Staff: the western street sees nothing, the eastern decides.
		west := s.login("xichang", "")
		a = west.get("/corrections")
		wantStatus(t, "west list", a, http.StatusOK)
		wantNoBody(t, "west list", a, "张建华")
		officer := s.login("dashilan", "")
		a = officer.get("/corrections")
		wantStatus(t, "east list", a, http.StatusOK)
		wantBody(t, "east list", a, "张建华", "张健华", "户口本上是健")
		ids := regexp.MustCompile(`action="/corrections/(\d+)/decide"`).FindAllStringSubmatch(a.body, -1)
		if len(ids) < 2 {
			t.Fatalf("decide forms: %v", ids)
		}
		var nameReq, jobReq string
		if err := d.QueryRow(context.Background(), "SELECT id FROM correction_requests WHERE field = 'name'").Scan(&nameReq); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(context.Background(), "SELECT id FROM correction_requests WHERE field = 'job'").Scan(&jobReq); err != nil {
			t.Fatal(err)
		}
		a = west.post("/corrections/"+nameReq+"/decide", url.Values{"decision": {"approve"}}, "/corrections")
		wantStatus(t, "west decides", a, http.StatusNotFound)
		a = officer.post("/corrections/"+jobReq+"/decide", url.Values{"decision": {"reject"}}, "/corrections")
		wantStatus(t, "reject without reason", a, http.StatusUnprocessableEntity)
		wantBody(t, "reject without reason", a, `id="f-reason-`+jobReq+`-error"`)
		a = officer.post("/corrections/"+jobReq+"/decide", url.Values{"decision": {"reject"}, "reason": {"岗位请找单位人事核实"}}, "/corrections")
		wantStatus(t, "reject", a, http.StatusSeeOther)
		a = officer.post("/corrections/"+nameReq+"/decide", url.Values{"decision": {"approve"}}, "/corrections")
		wantStatus(t, "approve", a, http.StatusSeeOther)
		m, err := s.members.Get(context.Background(), s.system, zhang.ID)
		if err != nil || m.Name != "张健华" {
			t.Fatalf("after approval: %+v %v", m, err)
		}
		a = c.get("/m/data")
		wantBody(t, "member sees the outcome", a, "已更正", "未通过", "岗位请找单位人事核实")
	})
}

func mustRows(t *testing.T, f *excelize.File) [][]string {
	t.Helper()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Staff entering members on site confirm consent was collected; without
// it nothing is entered, with it each member records who collected it.
func TestOnSiteEntryRecordsConsent(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newMemberSite(t, d)
		officer := s.login("dashilan", "")
		page := "/members/new?org=" + db.FormatID(s.unionE.ID)
		form := url.Values{"org_id": {db.FormatID(s.unionE.ID)}, "name.0": {"钱多多"}, "id_number.0": {idNumber(t, 40)}, "mobile.0": {mobileNumber(40)}}
		a := officer.post("/members/new", form, page)
		wantStatus(t, "without consent", a, http.StatusUnprocessableEntity)
		wantBody(t, "without consent", a, `id="f-consent-error"`, "钱多多")
		if n := s.count(t, "SELECT COUNT(*) FROM members WHERE name = '钱多多'"); n != 0 {
			t.Fatal("entered without consent")
		}
		form.Set("consent", "1")
		a = officer.post("/members/new", form, page)
		wantStatus(t, "with consent", a, http.StatusOK)
		if n := s.count(t, "SELECT COUNT(*) FROM consents c JOIN members m ON m.id = c.member_id WHERE m.name = '钱多多' AND c.path = 'onsite' AND c.collector <> '' AND c.collector_id IS NOT NULL"); n != 1 {
			t.Fatalf("%d on-site consents, want 1", n)
		}
	})
}
