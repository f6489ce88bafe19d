package site

import (
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// A union's page says how many members it has and leads to them, for
// those who may see members; an auditor sees the count without the link.
func TestOrgPageMembers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		page := "/orgs/" + id(s.east)
		link := `href="/members?org=` + id(s.east) + `"`
		a := s.login("dashilan", "zh-CN").get(page)
		wantStatus(t, "officer", a, 200)
		wantBody(t, "officer", a, "<span class=\"stat-label\">会员</span>", link, "查看本组织及下级的会员")
		a = s.login("auditor", "zh-CN").get(page)
		wantStatus(t, "auditor", a, 200)
		wantBody(t, "auditor", a, "<span class=\"stat-label\">会员</span>")
		if strings.Contains(a.body, link) {
			t.Error("the auditor is led to the member list")
		}
	})
}
