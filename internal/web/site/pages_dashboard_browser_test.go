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
	if testing.Short() {
		t.Skip("browser test")
	}
	d := testkit.NewDB(t, db.SQLite)
	s := dashSite(t, d)
	mux := http.NewServeMux()
	if err := Mount(context.Background(), mux, web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, Acts: s.acts}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	base := srv.URL
	page := "/orgs/" + id(s.root) + "/dashboard?from=2024-01-01&to=2024-12-31"
	drawn := chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-chart][data-drawn] canvas').length === 3`)

	ctx := testkit.Browser(t, 1280, 900)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	browserLogin(t, ctx, base, "admin")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+page), drawn); err != nil {
		t.Fatalf("charts not drawn: %v", err)
	}
	testkit.Screenshot(t, ctx, "dashboard-1280")
	text := bodyText(t, ctx)
	for _, want := range []string{"在册会员", "下级组织对比", "大栅栏街道总工会", "数据更新于"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}

	// Drill into the first street of the comparison, then open its members.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.dash-kids tbody tr:first-child th a`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, ctx, "/orgs/"+id(s.east)+"/dashboard?from=2024-01-01&to=2024-12-31")
	if err := chromedp.Do(ctx, drawn); err != nil {
		t.Fatalf("the street's charts: %v", err)
	}
	if h1, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, "大栅栏街道总工会") {
		t.Fatalf("drilled into %q", h1)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-fig="active"] a`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(t, ctx, "/members?org="+id(s.east)+"&status=active")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	text = bodyText(t, ctx)
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

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/orgs/"+id(s.root)+"/report?from=2024-01-01&to=2024-12-31"),
		chromedp.WaitVisible(chromedp.CSS(".dash-sentences"))); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "dashboard-report-1280")

	phone(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+page), drawn); err != nil {
		t.Fatalf("charts on a phone: %v", err)
	}
	testkit.Screenshot(t, ctx, "dashboard-390")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+page+"&lang=en"), drawn); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "dashboard-en-390")
}

// waitLocation waits until the page (after a click) is at want, a path
// with its query.
func waitLocation(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	var got string
	for range 100 {
		// Evaluating may fail while the old page goes away: try again.
		if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname + location.search : ''`)); err == nil {
			if got = v; got == want {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("at %q, want %q", got, want)
}
