package site

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// sortedListSite is a site with transfers (n of them out of the east
// union), two applications, an employer, activities and courses: one of
// each of the sorted, counted lists.
func sortedListSite(t *testing.T, d *db.DB, n int) *signupSite {
	t.Helper()
	ctx := context.Background()
	s := newSignupSite(t, d, true)
	given := []rune("建华明亮德秀英国强伟芳军")
	for i := 1; i <= n; i++ {
		m := s.add(t, s.unionE, "周"+string(given[i%12])+string(given[i/12%12]), 100+i, "2020-01-01")
		if _, err := s.members.RequestTransfer(ctx, s.system, member.TransferRequest{MemberID: m.ID, ToOrgID: s.unionW.ID}); err != nil {
			t.Fatal(err)
		}
	}
	s.apply(s.unionE, "刘小燕", 5)
	s.apply(s.unionE, "陈东", 6)
	for i, title := range []string{"职工书屋读书会", "参观展览馆"} {
		if _, err := s.acts.Create(ctx, s.staff, pactInput(s.east, title, time.Duration(24+i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []course.CourseInput{{OrgID: s.unionE.ID, Title: "职工瑜伽", Category: "yoga"}, {OrgID: s.east.ID, Title: "太极拳", Category: "taiji"}} {
		if _, err := s.crs.CreateCourse(ctx, s.staff, c); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

var listKeys = keyRE("list|mweb|aweb|cweb|page|field|error")

// TestSortedListTotals: each staff list says how many rows its filter
// has and which are shown, links its sortable headings (the current one
// marked and turned round), numbers its pages, and sends its rows' pages
// back to it with the filter and order kept.
func TestSortedListTotals(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		n := web.PageSize + 5
		s := sortedListSite(t, d, n)
		officer := s.login("dashilan", "")

		// Transfers: the total, the range, page numbers, the sort links.
		a := officer.get("/transfers")
		wantPage(t, "/transfers", a, listKeys)
		wantBody(t, "/transfers", a, fmt.Sprintf("第 1–50 条 · 共 %d 条", n), `aria-sort="descending"`, `href="/transfers?sort=member"`,
			`href="/transfers?sort=requested"`, `aria-current="page"`, `href="/transfers?page=2"`, `class="sort-bar"`)
		a = officer.get("/transfers?page=2")
		wantPage(t, "page 2", a, listKeys)
		wantBody(t, "page 2", a, fmt.Sprintf("第 51–%d 条 · 共 %d 条", n, n), "第一页")
		// Sorted by name: the heading says so, its link turns the order
		// round, and the next page and the rows keep the order.
		a = officer.get("/transfers?direction=out&sort=member")
		wantPage(t, "by member", a, listKeys)
		wantBody(t, "by member", a, `aria-sort="ascending"`, `href="/transfers?direction=out&amp;sort=-member"`)
		m := nextLinkRE.FindStringSubmatch(a.body)
		if m == nil || !strings.Contains(html.UnescapeString(m[1]), "sort=member") || !strings.Contains(m[1], "start=51") {
			t.Fatalf("next link %v", m)
		}
		next := officer.get(html.UnescapeString(m[1]))
		wantBody(t, "by member, next", next, fmt.Sprintf("第 51–%d 条", n))
		names := regexp.MustCompile(`<th scope="row"><a href="/members/\d+">([^<]+)</a>`).FindAllStringSubmatch(a.body, -1)
		for i := 1; i < len(names); i++ {
			if names[i-1][1] > names[i][1] {
				t.Fatalf("by member: %s before %s", names[i-1][1], names[i][1])
			}
		}
		row := regexp.MustCompile(`href="(/transfers/\d+\?back=[^"]+)"`).FindStringSubmatch(a.body)
		if row == nil {
			t.Fatal("no transfer link with its way back")
		}
		a = officer.get(html.UnescapeString(row[1]))
		wantPage(t, "transfer", a, listKeys)
		wantBody(t, "transfer", a, `href="/transfers?direction=out&amp;sort=member"`)
		// An order not offered is refused in words.
		a = officer.get("/transfers?sort=id_number")
		wantStatus(t, "bad sort", a, 422)
		wantNoKeys(t, "bad sort", a, listKeys)
		// Past the cap of the count: "more than", marked as such.
		s.members.CountCapForTest(10)
		a = officer.get("/transfers")
		wantBody(t, "capped", a, "第 1–50 条 · 超过 10 条")
		wantNoBody(t, "capped", a, `href="/transfers?page=2"`)
		a = s.login("dashilan", "en").get("/transfers")
		wantBody(t, "capped, English", a, "more than 10 rows")
		s.members.CountCapForTest(0)

		// The queue of applications, sorted by name, bulk form kept.
		a = officer.get("/applications?sort=-name")
		wantPage(t, "/applications", a, listKeys)
		wantBody(t, "/applications", a, "共 2 条", `aria-sort="descending"`, `action="/applications/bulk?sort=-name"`)
		if i, j := strings.Index(a.body, "陈东"), strings.Index(a.body, "刘小燕"); i < 0 || j < 0 || (i < j) != ("陈东" > "刘小燕") {
			t.Fatal("applications not in descending name order")
		}
		// Employers, activities, courses.
		for path, wants := range map[string][]string{
			"/employers?sort=-employees": {"共 1 条", `aria-sort="descending"`, `href="/employers?sort=name"`},
			"/activities?sort=title":     {"共 2 条", `aria-sort="ascending"`, `href="/activities?sort=-title"`},
			"/courses":                   {"共 2 条", `aria-sort="descending"`, `href="/courses?sort=title"`},
		} {
			a = officer.get(path)
			wantPage(t, path, a, listKeys)
			wantBody(t, path, a, wants...)
			link := regexp.MustCompile(`href="(/(?:employers|activities|courses)/\d+\?back=[^"]+)"`).FindStringSubmatch(a.body)
			if link == nil {
				t.Fatalf("%s: no row link with its way back", path)
			}
			b := officer.get(html.UnescapeString(link[1]))
			wantStatus(t, path+" row", b, 200)
			wantBody(t, path+" row", b, `href="`+html.EscapeString(path)+`"`)
		}
		a = officer.get("/activities?sort=title&lang=en")
		wantBody(t, "English", a, "2 rows in all")
		// A back link elsewhere is not followed.
		a = officer.get(strings.SplitN(html.UnescapeString(row[1]), "?", 2)[0] + "?back=" + url.QueryEscape("//evil.example/"))
		wantNoBody(t, "foreign back", a, `href="//evil.example/"`)
	})
}
