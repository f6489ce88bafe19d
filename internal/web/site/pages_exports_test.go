package site

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// birthDate is the birth date idNumber(t, n) encodes.
func birthDate(n int) string {
	return time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
}

var exportIDRE = regexp.MustCompile(`/exports/(\d+)/decide`)

// The member's page shows birth date and sex only on reveal; full numbers
// leave through a request another officer approves on the approvals page,
// downloaded once.
func TestExportPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newMemberSite(t, d)
		s.members.Policy.ApprovalRows = 2
		if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "dashilan2", Name: "测试审批人", OrgID: s.east.ID, Password: testPassword}, auth.RoleMembershipOfficer); err != nil {
			t.Fatal(err)
		}
		m := s.add(t, s.unionE, "王出生", 61, "2019-03-01")
		s.add(t, s.unionE, "李出生", 62, "2019-03-01")
		s.add(t, s.unionE, "赵出生", 63, "2019-03-01")
		officer, approver, west := s.login("dashilan", ""), s.login("dashilan2", ""), s.login("xichang", "")

		// Point 7: masked page, revealed page.
		u := "/members/" + mid(m)
		a := officer.get(u)
		wantStatus(t, "member", a, 200)
		wantNoBody(t, "member", a, birthDate(61), idNumber(t, 61))
		wantBody(t, "member", a, "****-**-**", "已隐藏")
		a = officer.post(u+"/reveal", url.Values{"reason": {"核对"}}, u)
		wantStatus(t, "reveal", a, 200)
		wantBody(t, "reveal", a, birthDate(61), idNumber(t, 61))
		a = officer.get("/members/export?org=" + id(s.unionE))
		if a.status != 200 || strings.Contains(a.body, birthDate(61)) {
			t.Fatalf("masked export: %d", a.status)
		}

		// Point 8: the request form, from the registry's link.
		a = officer.get("/members?org=" + id(s.unionE))
		wantBody(t, "registry", a, `href="/exports/new?org=`+id(s.unionE)+`"`, "导出完整号码")
		form := "/exports/new?org=" + id(s.unionE)
		wantStatus(t, "form", officer.get(form), 200)
		a = officer.post("/exports", url.Values{"org": {id(s.unionE)}, "reason": {""}}, form)
		wantStatus(t, "no reason", a, http.StatusUnprocessableEntity)
		wantBody(t, "no reason", a, "必填")
		a = officer.post("/exports", url.Values{"org": {id(s.unionE)}, "reason": {"年度会籍核查"}}, form)
		wantStatus(t, "request", a, http.StatusSeeOther)
		a = officer.get("/exports")
		wantBody(t, "my requests", a, "年度会籍核查", "待审批")
		wantNoBody(t, "my requests", a, `value="approve"`)
		if a := west.get("/exports"); strings.Contains(a.body, "年度会籍核查") {
			t.Fatal("another street sees the request")
		}
		a = approver.get("/exports")
		wantBody(t, "approver", a, "待我审批", "年度会籍核查", ">dashilan<", `value="approve"`)
		mm := exportIDRE.FindStringSubmatch(a.body)
		if mm == nil {
			t.Fatalf("no decide form:\n%s", a.body)
		}
		ex := "/exports/" + mm[1]
		wantStatus(t, "self approval", officer.post(ex+"/decide", url.Values{"action": {"approve"}}, "/exports"), http.StatusForbidden)
		a = approver.post(ex+"/decide", url.Values{"action": {"reject"}, "note": {""}}, "/exports")
		wantStatus(t, "reject without a note", a, http.StatusUnprocessableEntity)
		a = approver.post(ex+"/decide", url.Values{"action": {"approve"}}, "/exports")
		wantStatus(t, "approve", a, http.StatusSeeOther)
		a = officer.get("/exports")
		wantBody(t, "approved", a, "已批准", ex+"/download", "dashilan2")
		wantStatus(t, "download by the approver", approver.get(ex+"/download"), http.StatusNotFound)
		a = officer.get(ex + "/download")
		if a.status != 200 || !strings.HasPrefix(a.body, "PK") {
			t.Fatalf("download: %d", a.status)
		}
		wantStatus(t, "second download", officer.get(ex+"/download"), http.StatusConflict)
		wantBody(t, "downloaded", officer.get("/exports"), "已下载")
		for _, lang := range []string{"en"} {
			c := s.login("dashilan2", lang)
			wantBody(t, "approvals in English", c.get("/exports"), "Waiting for my approval", "My export requests")
		}
	})
}
