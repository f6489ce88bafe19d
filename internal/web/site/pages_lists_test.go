package site

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

var nextLinkRE = regexp.MustCompile(`href="([^"]+)" rel="next"`)

// TestMemberListTotals: the registry says how many match and which rows
// are shown, keeps "start" on its next link, and a record's page links
// back to the list it came from.
func TestMemberListTotals(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newMemberSite(t, d)
		n := web.PageSize + 5
		given := []rune("建华明亮德秀英国强伟芳军")
		for i := 1; i <= n; i++ {
			s.add(t, s.unionE, "周"+string(given[i%12])+string(given[i/12]), i, "2020-01-01")
		}
		s.add(t, s.unionW, "王德明", n+1, "2020-01-01")
		if err := stats.NewStore(d).FoldAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		officer := s.login("dashilan", "")
		total := fmt.Sprintf("共 %d 人", n)
		for _, path := range []string{"/members", "/members?joined_from=2019-01-01"} { // figures; a bounded count
			a := officer.get(path)
			wantStatus(t, path, a, 200)
			wantBody(t, path, a, "第 1–50 条", total)
			m := nextLinkRE.FindStringSubmatch(a.body)
			if m == nil {
				t.Fatalf("%s: no next link", path)
			}
			next := html.UnescapeString(m[1])
			if !strings.Contains(next, "start=51") || (strings.Contains(path, "joined_from") && !strings.Contains(next, "joined_from=2019-01-01")) {
				t.Fatalf("%s: next link %s", path, next)
			}
			a = officer.get(next)
			wantStatus(t, next, a, 200)
			wantBody(t, next, a, fmt.Sprintf("第 51–%d 条", n), total, "第一页")
			wantNoBody(t, next, a, "王德明")
		}
		// Past the cap of a bounded count: "more than".
		s.members.CountCapForTest(10)
		a := officer.get("/members?joined_from=2019-01-01")
		wantBody(t, "capped", a, "超过 10 人")
		a = s.login("dashilan", "en").get("/members?joined_from=2019-01-01")
		wantBody(t, "capped, English", a, "more than 10 people")

		// The record's page returns to the filtered list.
		a = officer.get("/members?joined_from=2019-01-01")
		m := regexp.MustCompile(`href="(/members/\d+\?back=[^"]+)"`).FindStringSubmatch(a.body)
		if m == nil {
			t.Fatal("no record link with its way back")
		}
		a = officer.get(html.UnescapeString(m[1]))
		wantStatus(t, "record", a, 200)
		wantBody(t, "record", a, `href="/members?joined_from=2019-01-01"`)
		// A back link elsewhere is not followed.
		a = officer.get(strings.SplitN(html.UnescapeString(m[1]), "?", 2)[0] + "?back=" + url.QueryEscape("//evil.example/"))
		wantNoBody(t, "foreign back", a, `href="//evil.example/"`)
		wantBody(t, "foreign back", a, `href="/members"`)
	})
}

// TestApplicationsBulk: ticked applications are decided in one POST, each
// on its own; one outside the officer's subtree is refused and named, the
// others go through.
func TestApplicationsBulk(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newMemberSite(t, d)
		s.apply(s.unionE, "刘小燕", 5)
		s.apply(s.unionE, "陈东", 6)
		s.apply(s.unionW, "赵西", 7)
		ctx := context.Background()
		all, _, err := s.members.ListApplications(ctx, s.system, member.ApplicationQuery{Status: member.AppPending})
		if err != nil || len(all) != 3 {
			t.Fatalf("applications %d %v", len(all), err)
		}
		ids := map[string]string{}
		for _, a := range all {
			ids[a.Name] = db.FormatID(a.ID)
		}
		officer := s.login("dashilan", "")
		a := officer.get("/applications")
		wantPage(t, "/applications", a, keyRE("bulk|list|mweb"))
		wantBody(t, "queue", a, `form="bulk-apps" name="id" value="`+ids["刘小燕"]+`"`, "通过所选", "不通过所选")
		wantNoBody(t, "queue", a, "赵西")

		// No tick, or a rejection without a reason: nothing happens.
		a = officer.post("/applications/bulk", url.Values{"decision": {"approve"}}, "/applications")
		wantStatus(t, "none ticked", a, http.StatusUnprocessableEntity)
		wantBody(t, "none ticked", a, "请先勾选要处理的申请")
		a = officer.post("/applications/bulk", url.Values{"decision": {"reject"}, "id": {ids["刘小燕"]}}, "/applications")
		wantStatus(t, "no reason", a, http.StatusUnprocessableEntity)
		wantBody(t, "no reason", a, "必填")

		a = officer.post("/applications/bulk?status=", url.Values{"decision": {"approve"}, "id": {ids["刘小燕"], ids["赵西"], ids["陈东"]}}, "/applications")
		wantStatus(t, "bulk approve", a, 200)
		wantPage(t, "bulk approve", a, keyRE("bulk|list|mweb"))
		wantBody(t, "bulk approve", a, "已通过 2 条申请", "1 条未能处理", "申请 "+ids["赵西"])
		wantNoBody(t, "bulk approve", a, "赵西")
		for name, want := range map[string]member.ApplicationStatus{"刘小燕": member.AppApproved, "陈东": member.AppApproved, "赵西": member.AppPending} {
			got, err := s.members.GetApplication(ctx, s.system, web.ParseIDValue(ids[name]))
			if err != nil || got.Status != want {
				t.Fatalf("%s: %+v %v", name, got, err)
			}
		}
		// The west's officer rejects theirs with one reason.
		west := s.login("xichang", "en")
		a = west.post("/applications/bulk", url.Values{"decision": {"reject"}, "reason": {"不是本单位职工"}, "id": {ids["赵西"]}}, "/applications")
		wantStatus(t, "bulk reject", a, 200)
		wantBody(t, "bulk reject", a, "1 applications rejected.")
		if got, _ := s.members.GetApplication(ctx, s.system, web.ParseIDValue(ids["赵西"])); got.Status != member.AppRejected || got.Reason != "不是本单位职工" {
			t.Fatalf("rejected: %+v", got)
		}
	})
}
