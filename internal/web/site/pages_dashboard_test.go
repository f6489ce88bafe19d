package site

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/activity"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
	"gonghui/internal/web/dashboard"
)

// dashSite is the activity site with members whose figures are known:
//
//	east (大栅栏): 张 2024 (劳模, 新就业形态), 李 2024 then retired, 赵 2023 (新就业形态), 钱 2022
//	west (西长安街): 王 2024, 孙 2024, 周 2024 then left
//
// so that in 2024 the city has 5 active, 5 joined, 2 left; east leads by
// active members (3 to 2), west by joinings (3 to 2).
func dashSite(t *testing.T, d *db.DB) *actSite {
	t.Helper()
	ctx := context.Background()
	s := newActSite(t, d)
	s.add(t, s.unionE, "张建华", 1, "2024-03-01", "model_worker", "platform_worker")
	li := s.add(t, s.unionE, "李秀英", 2, "2024-05-10")
	s.add(t, s.unionE, "赵卫东", 3, "2023-01-01", "platform_worker")
	s.add(t, s.unionE, "钱文华", 4, "2022-01-01")
	s.add(t, s.unionW, "王德明", 5, "2024-02-01")
	s.add(t, s.unionW, "孙丽", 6, "2024-04-01")
	zhou := s.add(t, s.unionW, "周强", 7, "2024-08-01")
	if _, err := s.members.SetStatus(ctx, s.system, li.ID, member.StatusChange{Status: member.StatusRetired, On: "2024-06-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.members.SetStatus(ctx, s.system, zhou.ID, member.StatusChange{Status: member.StatusLeft, On: "2024-09-01"}); err != nil {
		t.Fatal(err)
	}
	if err := stats.NewStore(d).FoldAll(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDashboardPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := dashSite(t, d)
		admin := s.login("admin", "")
		officer := s.login("dashilan", "")
		root, east, west := id(s.root), id(s.east), id(s.west)
		y2024 := "from=2024-01-01&to=2024-12-31"

		t.Run("figures link to their lists", func(t *testing.T) {
			a := admin.get("/orgs/" + root + "/dashboard?" + y2024)
			wantStatus(t, "dashboard", a, 200)
			wantNoKeys(t, "dashboard", a, actRawKeyRE, rawKeyRE, dashRawKeyRE)
			wantBody(t, "dashboard", a,
				"北京市总工会 · 数据看板", `href="/dashboard" aria-current="page"`,
				`<a class="dash-fig-value" href="/members?org=`+root+`&amp;status=active">5</a>`,
				`<a class="dash-fig-value" href="/members?joined_from=2024-01-01&amp;joined_to=2024-12-31&amp;org=`+root+`">5</a>`,
				`data-fig="left">`, `<span class="dash-fig-value">2</span>`,
				`href="/members?org=`+root+`&amp;status=active&amp;tag=platform_worker">2</a>`,
				`href="/members?org=`+root+`&amp;status=retired">1</a>`,
				`href="/applications?org=`+root+`">0</a>`,
				`href="/employers?within=`+root+`&amp;organised=yes">1</a>`,
				`<th scope="col" class="num">09</th>`,
				`type="application/json" id="dash-chart-data" data-echarts="`+asset(t, "vendor/echarts/echarts.min.js")+`">`, `"months":["2024-01",`,
				asset(t, "vendor/echarts/echarts.min.js"), asset(t, "dashboard.js"),
				`value="2024-01-01"`, "数据更新于 ",
				`href="/orgs/`+root+`/report?`+strings.ReplaceAll(y2024, "&", "&amp;")+`"`)
			wantNoBody(t, "dashboard", a, "另有 ", "<script>", "style=")
			// The admin holds no activity role: the activity figures are plain.
			wantNoBody(t, "dashboard", a, `href="/activities?`)
		})

		t.Run("children sorted, each a drill-down", func(t *testing.T) {
			a := admin.get("/orgs/" + root + "/dashboard?" + y2024)
			if i, j := strings.Index(a.body, ">大栅栏街道总工会</a>"), strings.Index(a.body, ">西长安街街道总工会</a>"); i < 0 || j < 0 || i > j {
				t.Fatalf("by active: east %d, west %d", i, j)
			}
			wantBody(t, "default sort", a, `aria-sort="descending"><a href="/orgs/`+root+`/dashboard?from=2024-01-01&amp;sort=active&amp;to=2024-12-31#children" data-sort="active"`)
			a = admin.get("/orgs/" + root + "/dashboard?" + y2024 + "&sort=joined")
			wantStatus(t, "sorted", a, 200)
			if i, j := strings.Index(a.body, ">大栅栏街道总工会</a>"), strings.Index(a.body, ">西长安街街道总工会</a>"); i < 0 || j < 0 || j > i {
				t.Fatalf("by joinings: east %d, west %d", i, j)
			}
			wantBody(t, "sorted", a, `aria-sort="descending"><a href="/orgs/`+root+`/dashboard?from=2024-01-01&amp;sort=joined&amp;to=2024-12-31#children" data-sort="joined"`,
				`<a href="/orgs/`+west+`/dashboard?from=2024-01-01&amp;sort=joined&amp;to=2024-12-31">西长安街街道总工会</a>`,
				`<input type="hidden" name="sort" value="joined">`)
			if n := strings.Count(a.body, `aria-sort=`); n != 1 {
				t.Errorf("%d sorted columns", n)
			}
			// Past KidsShown children the page lists the first and links to all.
			shown := dashboard.KidsShown
			dashboard.KidsShown = 1
			a = admin.get("/orgs/" + root + "/dashboard?" + y2024 + "&sort=joined")
			dashboard.KidsShown = shown
			wantBody(t, "cut", a, "按当前排序显示前 1 个，共 2 个下级组织。", `&amp;kids=all&amp;sort=joined&amp;to=2024-12-31#children">显示全部 2 个</a>`)
			wantNoBody(t, "cut", a, ">大栅栏街道总工会</a>")
			a = admin.get("/orgs/" + root + "/dashboard?" + y2024 + "&sort=joined&kids=all")
			wantBody(t, "all", a, ">大栅栏街道总工会</a>", ">西长安街街道总工会</a>")
			wantNoBody(t, "all", a, "显示全部")
			a = admin.get("/orgs/" + west + "/dashboard?" + y2024 + "&sort=joined")
			wantBody(t, "drilled", a, "西长安街街道总工会 · 数据看板", `href="/members?org=`+west+`&amp;status=active">2</a>`, "北京城建集团工会")
		})

		t.Run("a period that is not one", func(t *testing.T) {
			a := admin.get("/orgs/" + root + "/dashboard?from=2024-13-01&to=2024-12-31")
			wantStatus(t, "bad day", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad day", a, `id="f-from-error"`, `aria-invalid="true"`, "北京市总工会 · 数据看板")
			wantNoBody(t, "bad day", a, "dash-chart-data", `id="children"`)
			a = admin.get("/orgs/" + root + "/dashboard?from=2024-12-01&to=2024-01-01")
			wantStatus(t, "backwards", a, http.StatusUnprocessableEntity)
			wantBody(t, "backwards", a, `id="f-to-error"`)
			a = admin.get("/orgs/" + root + "/dashboard?from=1900-01-01&to=2100-01-01")
			wantStatus(t, "centuries", a, http.StatusUnprocessableEntity)
			wantBody(t, "centuries", a, `id="f-from-error"`, "起止日期最多相隔 10 年")
			wantNoBody(t, "centuries", a, "dash-chart-data", "2099")
			a = admin.get("/orgs/" + root + "/report?from=" + strconv.Itoa(time.Now().Year()) + "-01-01&to=" + strconv.Itoa(time.Now().Year()+5) + "-12-31")
			wantStatus(t, "past today", a, http.StatusOK)
			wantBody(t, "past today", a, `class="dash-clamped"`, "结束日期晚于今天")
			wantStatus(t, "bad report", admin.get("/orgs/"+root+"/report?from=x"), http.StatusUnprocessableEntity)
			wantStatus(t, "bad workbook", admin.get("/orgs/"+root+"/report.xlsx?from=x"), http.StatusUnprocessableEntity)
		})

		t.Run("only the caller's subtree", func(t *testing.T) {
			a := officer.get("/dashboard")
			wantStatus(t, "home", a, http.StatusSeeOther)
			if a.location != "/orgs/"+east+"/dashboard" {
				t.Fatalf("home dashboard: %s", a.location)
			}
			wantStatus(t, "own", officer.get("/orgs/"+east+"/dashboard"), 200)
			for _, u := range []string{"/orgs/" + west + "/dashboard", "/orgs/" + west + "/report", "/orgs/" + west + "/report.xlsx", "/orgs/" + root + "/dashboard", "/orgs/x/dashboard"} {
				wantStatus(t, u, officer.get(u), http.StatusNotFound)
			}
			wantStatus(t, "signed out", s.client("").get("/orgs/"+east+"/dashboard"), http.StatusSeeOther)
			wantBody(t, "org page", officer.get("/orgs/"+east), `href="/orgs/`+east+`/dashboard">数据看板</a>`)
		})

		t.Run("activities of the period", func(t *testing.T) {
			walk := s.running(t, "前门大街健步走", activity.Input{Capacity: 30})
			ms, _, err := s.members.List(ctx, s.system, member.Query{Org: s.unionE.ID, Status: member.StatusActive, Limit: 10})
			if err != nil || len(ms) < 2 {
				t.Fatalf("members: %v %v", ms, err)
			}
			for _, m := range ms[:2] {
				if _, _, err := s.acts.Register(ctx, s.officer, walk.ID, m.ID); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := s.acts.CheckIn(ctx, s.officer, walk.ID, activity.CheckInInput{MemberID: ms[0].ID}); err != nil {
				t.Fatal(err)
			}
			if err := stats.NewStore(d).FoldAll(ctx); err != nil {
				t.Fatal(err)
			}
			a := officer.get("/orgs/" + east + "/dashboard")
			wantStatus(t, "this year", a, 200)
			wantBody(t, "this year", a, `aria-current="true">今年</a>`, `data-fig="held">`, `data-fig="registrations">`,
				`id="dash-courses-title">本期课程</h2>`, `data-fig="terms">`, `data-fig="attendance">`,
				`href="/orgs?kind=grassroots_union&amp;within=`+east+`"`)
			for _, f := range []string{"held", "registrations", "attended"} {
				want := map[string]string{"held": "1", "registrations": "2", "attended": "1"}[f]
				i := strings.Index(a.body, `data-fig="`+f+`">`)
				if i < 0 || !strings.Contains(a.body[i:i+400], `href="/activities?from=`) || !strings.Contains(a.body[i:i+400], `&amp;org=`+east+`&amp;to=`) ||
					!strings.Contains(a.body[i:i+400], `">`+want+`</a>`) {
					t.Errorf("%s: %s", f, a.body[max(i, 0):max(i, 0)+400])
				}
			}
		})

		t.Run("period report and workbook", func(t *testing.T) {
			a := admin.get("/orgs/" + root + "/report?" + y2024)
			wantStatus(t, "report", a, 200)
			wantNoKeys(t, "report", a, dashRawKeyRE)
			wantBody(t, "report", a, "北京市总工会 · 期间报告", "统计期间：2024年1月1日至2024年12月31日。",
				"北京市总工会在册会员 5 名。", "本期新入会 5 名，离会 2 名。", "在册会员中有劳模 1 名、新就业形态劳动者 2 名。",
				"下属 2 个组织中，在册会员最多的是大栅栏街道总工会（3 名）。", "本期新入会最多的是西长安街街道总工会（3 名）。",
				`data-print`, `href="/orgs/`+root+`/report.xlsx?from=2024-01-01&amp;to=2024-12-31"`)
			en := s.login("admin", "en").get("/orgs/" + root + "/report?" + y2024)
			wantBody(t, "English report", en, "has 5 active members.", "Period report")

			a = admin.get("/orgs/" + root + "/report.xlsx?" + y2024)
			wantStatus(t, "workbook", a, 200)
			if ct := a.header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") || !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("workbook headers: %v", a.header)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(a.body)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(f.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			var text []string
			for _, r := range rows {
				if len(r) >= 2 {
					got[r[0]] = r[1]
				}
				text = append(text, strings.Join(r, "|"))
			}
			all := strings.Join(text, "\n")
			for k, v := range map[string]string{"在册会员": "5", "本期新入会": "5", "本期离会": "2", "会员状态：退休": "1", "单位数": "1", "建会率": "100.0%"} {
				if got[k] != v {
					t.Errorf("%s = %q, want %q\n%s", k, got[k], v, all)
				}
			}
			for _, want := range []string{"北京市总工会在册会员 5 名。", "大栅栏街道总工会|3|2|1|"} {
				if !strings.Contains(all, want) {
					t.Errorf("workbook lacks %q\n%s", want, all)
				}
			}
		})
	})
}

// dashRawKeyRE finds a key of the dashboard catalogues shown as text.
var dashRawKeyRE = keyRE("dash|report|member")

// asset is the URL of a static file, failing the test when it is unknown.
func asset(t *testing.T, name string) string {
	t.Helper()
	u, err := web.Asset(name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
