package site

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/sheet"
	"gonghui/internal/testkit"
)

// auditSite is the member site with a log worth reading: a membership
// officer of the eastern street revealed a member's numbers with a reason,
// and an account of the city level was granted a role at the eastern
// street (its name is outside the street's auditor's scope).
type auditSite struct {
	*memberSite
	zhang        *member.Member
	officerID    int64
	cityLeaderID int64
}

func newAuditSite(t *testing.T, d *db.DB) *auditSite {
	t.Helper()
	ctx := context.Background()
	s := &auditSite{memberSite: newMemberSite(t, d)}
	s.zhang = s.add(t, s.unionE, "张三", 1, "2020-05-01")
	var err error
	if s.officerID, err = s.auth.Bootstrap(ctx, auth.NewUser{Username: "huiji", Name: "王会籍", OrgID: s.east.ID, Password: testPassword}, auth.RoleMembershipOfficer); err != nil {
		t.Fatal(err)
	}
	eastAuditor, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "east_auditor", Name: "东审计", OrgID: s.east.ID, Password: testPassword}, auth.RoleAuditor)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.auth.MarkDemoAccount(ctx, eastAuditor); err != nil {
		t.Fatal(err)
	}
	officer := &auth.Principal{UserID: s.officerID, Username: "huiji", Grants: []auth.Grant{{Role: auth.RoleMembershipOfficer, OrgID: s.east.ID, OrgPath: s.east.Path}}}
	octx := audit.WithActor(ctx, audit.Actor{UserID: s.officerID, Name: "huiji", IP: "10.0.0.7"})
	if _, err := s.members.Reveal(octx, officer, s.zhang.ID, "核对入会信息"); err != nil {
		t.Fatal(err)
	}
	if s.cityLeaderID, err = s.auth.Bootstrap(ctx, auth.NewUser{Username: "city_leader", Name: "市领导甲", OrgID: s.root.ID, Password: testPassword}, auth.RoleLeader); err != nil {
		t.Fatal(err)
	}
	security := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleSecurity, OrgID: s.root.ID, OrgPath: s.root.Path}}}
	if _, err := s.auth.Grant(ctx, security, s.cityLeaderID, auth.RoleLeader, s.east.ID); err != nil {
		t.Fatal(err)
	}
	return s
}

// codeRE finds an action code or a record's JSON shown as text.
var codeRE = regexp.MustCompile(`\b(?:pii|member|org|user|auth|audit|employer|officer)\.[a-z_]+\b|\{"`)

// visible is a page's text without tags, scripts, styles and attributes.
func visible(body string) string {
	body = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(body, "")
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")
}

func TestAuditPage(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newAuditSite(t, d)
		east := s.login("east_auditor", "")
		officer := db.FormatID(s.officerID)

		t.Run("entries read as sentences", func(t *testing.T) {
			a := east.get("/audit")
			// The kind picker's values are action codes (in attributes, not
			// shown), so the page is checked for codes in its visible text.
			wantStatus(t, "/audit", a, 200)
			wantBody(t, "reveal", a, "王会籍", "大栅栏街道总工会会籍管理员", "查看了", "张三", "的身份证号和手机号", "（理由：核对入会信息）")
			wantBody(t, "grant outside the scope", a, "为账号", "您范围之外的账号")
			wantBody(t, "total", a, "共 ")
			if strings.Contains(a.body, "市领导甲") {
				t.Error("the street's auditor sees the name of an account of the city level")
			}
			if c := codeRE.FindString(visible(a.body)); c != "" {
				t.Errorf("a code on the page: %q", c)
			}
			// The change tables label fields in words, personal numbers masked.
			wantBody(t, "changes", a, "查看的字段", "身份证号、手机号")
			wantNoBody(t, "no full numbers", a, idNumber(t, 1), mobileNumber(1))
			root := s.login("auditor", "")
			wantBody(t, "the city's auditor sees the name", root.get("/audit"), "市领导甲")
			wantBody(t, "in English", s.login("east_auditor", "en").get("/audit"), "viewed the ID and mobile numbers of", "(reason: 核对入会信息)")
		})

		t.Run("filters", func(t *testing.T) {
			a := east.get("/audit?kind=pii.reveal")
			wantBody(t, "kind", a, "共 1 条", "张三")
			wantNoBody(t, "kind", a, "您范围之外的账号")
			a = east.get("/audit?kind=area:user")
			wantBody(t, "area", a, "您范围之外的账号")
			wantNoBody(t, "area", a, "核对入会信息")
			wantBody(t, "actor", east.get("/audit?actor="+officer), "共 1 条", "王会籍")
			a = east.get("/audit?entity=member&object=" + db.FormatID(s.zhang.ID))
			wantBody(t, "object", a, "只看对象：张三", "共 2 条", "新增了会员")
			today := beijing.Today()
			wantBody(t, "today", east.get("/audit?kind=pii.reveal&from="+today+"&to="+today), "共 1 条")
			wantBody(t, "before today", east.get("/audit?kind=pii.reveal&to=2020-01-01"), "共 0 条")
			// The picker lists kinds in words, grouped by area.
			wantBody(t, "picker", a, `<optgroup label="个人信息">`, ">查看了 … 的身份证号和手机号<")
		})

		t.Run("bad filters are field errors", func(t *testing.T) {
			a := east.get("/audit?from=2026-13-01")
			wantStatus(t, "bad date", a, 422)
			wantBody(t, "bad date", a, `id="f-from-error"`, "日期格式应为")
			a = east.get("/audit?from=2026-12-07&to=2026-12-01")
			wantStatus(t, "from after to", a, 422)
			wantBody(t, "from after to", a, `id="f-to-error"`, "结束日期不能早于开始日期")
			wantBody(t, "bad kind", east.get("/audit?kind=nope"), `id="f-kind-error"`)
		})

		t.Run("links carry no personal data", func(t *testing.T) {
			a := east.get("/audit")
			wantBody(t, "actor link", a, `href="/audit?actor=`+officer+`"`)
			wantBody(t, "object link", a, `href="/audit?entity=member&amp;object=`+db.FormatID(s.zhang.ID)+`"`)
			for _, m := range regexp.MustCompile(`href="(/audit[^"]*)"`).FindAllStringSubmatch(a.body, -1) {
				u, _ := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
				for _, r := range u {
					if r > 127 {
						t.Errorf("a link of the log carries text: %s", u)
						break
					}
				}
			}
		})

		t.Run("export", func(t *testing.T) {
			a := east.get("/audit/export?kind=pii.reveal")
			wantStatus(t, "export", a, 200)
			if cd := a.header.Get("Content-Disposition"); !strings.Contains(cd, url.PathEscape("审计日志-"+beijing.Today()+".xlsx")) {
				t.Errorf("file name: %s", cd)
			}
			rd, err := sheet.Open(bytes.NewReader([]byte(a.body)), int64(len(a.body)), sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if h := strings.Join(rd.Header(), "|"); !strings.Contains(h, "操作人|角色与组织|类别|操作|对象|理由") {
				t.Errorf("header: %s", h)
			}
			var rows [][]string
			for {
				r, err := rd.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, append([]string(nil), r.Cells...))
			}
			if len(rows) != 1 || !strings.Contains(strings.Join(rows[0], "|"), "王会籍|大栅栏街道总工会会籍管理员|个人信息|查看了 张三 的身份证号和手机号|张三|核对入会信息") {
				t.Errorf("rows: %q", rows)
			}
			wantBody(t, "the export is on the log", east.get("/audit?kind=audit.export"), "共 1 条", "东审计", "导出了审计日志", "操作类型", "查看了 … 的身份证号和手机号")
			wantStatus(t, "bad filter", east.get("/audit/export?from=x"), 422)
			wantStatus(t, "not for the administrator", s.login("admin", "").get("/audit/export"), 403)
		})
	})
}
