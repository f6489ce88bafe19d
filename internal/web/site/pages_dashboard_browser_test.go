package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// pageCSP is the Content-Security-Policy the server sends with every page
// (internal/app): the charts must draw under it.
const pageCSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// TestBrowserDashboard: the city's officer opens the city's dashboard, sees
// the charts drawn (under the server's CSP), drills into a street from the
// comparison table, then follows its number of active members into the
// registry, filtered to that street. Screenshots at 1280 and 390 go to
// testkit.ScreenshotDir.
func TestBrowserDashboard(t *testing.T) {
	skipBrowser(t)
	d := testkit.NewDB(t, db.SQLite)
	s := dashSite(t, d)
	mux := http.NewServeMux()
	if err := Mount(context.Background(), mux, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Acts: s.acts}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	page := "/orgs/" + id(s.root) + "/dashboard?from=2024-01-01&to=2024-12-31"
	drawn := chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-chart][data-drawn] canvas').length === 3`)

	b := newTab(t, srv.URL, 90*time.Second, false)
	b.login("admin")
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+page), drawn); err != nil {
		t.Fatalf("charts not drawn: %v", err)
	}
	b.shot("dashboard-1280")
	firstPaintBytes(t, b)
	text := b.text()
	for _, want := range []string{"在册会员", "下级组织对比", "大栅栏街道总工会", "数据更新于"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}

	// Drill into the first street of the comparison, then open its members.
	b.do(chromedp.Click(chromedp.CSS(`.dash-kids tbody tr:first-child th a`)))
	b.waitLocation("/orgs/" + id(s.east) + "/dashboard?from=2024-01-01&to=2024-12-31")
	if err := chromedp.Do(b.ctx, drawn); err != nil {
		t.Fatalf("the street's charts: %v", err)
	}
	if h1, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, "大栅栏街道总工会") {
		t.Fatalf("drilled into %q", h1)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-fig="active"] a`)))
	b.waitLocation("/members?org=" + id(s.east) + "&status=active")
	b.do(chromedp.WaitVisible(chromedp.CSS("footer")))
	text = b.text()
	for _, want := range []string{"张建华", "赵卫东", "钱文华"} {
		if !strings.Contains(text, want) {
			t.Errorf("the registry lacks %s", want)
		}
	}
	for _, unwanted := range []string{"王德明", "李秀英"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the registry shows %s", unwanted)
		}
	}

	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+"/orgs/"+id(s.root)+"/report?from=2024-01-01&to=2024-12-31"),
		chromedp.WaitVisible(chromedp.CSS(".dash-sentences"))); err != nil {
		t.Fatal(err)
	}
	b.shot("dashboard-report-1280")

	b.phone()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+page), drawn); err != nil {
		t.Fatalf("charts on a phone: %v", err)
	}
	b.shot("dashboard-390")
	b.do(chromedp.Navigate(b.base+page+"&lang=en"), drawn)
	b.shot("dashboard-en-390")
}

// firstPaintBytes logs what the dashboard fetched before its load event
// (the page, its styles and scripts; compressed as sent, and unpacked) and
// fails when ECharts was among them: the charts' library (1.1 MB) loads
// only once the page is up and a chart is in view.
func firstPaintBytes(t *testing.T, b *tab) {
	t.Helper()
	type fetched struct {
		Encoded, Decoded int64
		Names            []string
	}
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[fetched](`(() => {
	  const nav = performance.getEntriesByType('navigation')[0];
	  const before = performance.getEntriesByType('resource').filter(r => r.responseEnd <= nav.loadEventStart);
	  const all = [nav].concat(before);
	  return {Encoded: all.reduce((n, r) => n + r.encodedBodySize, 0), Decoded: all.reduce((n, r) => n + r.decodedBodySize, 0),
	    Names: before.map(r => new URL(r.name).pathname)};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dashboard before its load event: %d bytes sent, %d unpacked, %v", got.Encoded, got.Decoded, got.Names)
	for _, n := range got.Names {
		if strings.Contains(n, "echarts") {
			t.Errorf("ECharts fetched before the page's load event: %s", n)
		}
	}
}

// waitLocation waits until the page (after a click) is at want, a path
// with its query.
func (b *tab) waitLocation(want string) {
	b.t.Helper()
	var got string
	for range 100 {
		// Evaluating may fail while the old page goes away: try again.
		if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname + location.search : ''`)); err == nil {
			if got = v; got == want {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("at %q, want %q", got, want)
}
