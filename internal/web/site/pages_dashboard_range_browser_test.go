package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// TestBrowserDashboardRanges: a range centuries wide is refused by its
// field, a range past today is counted to today with a note, and one period
// shortcut at most is highlighted. Screenshots at 1280 and 390.
func TestBrowserDashboardRanges(t *testing.T) {
	skipBrowser(t)
	d := testkit.NewDB(t, db.SQLite)
	s := dashSite(t, d)
	mux := http.NewServeMux()
	if err := Mount(context.Background(), mux, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Acts: s.acts}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	base := "/orgs/" + id(s.root) + "/dashboard"
	b := newTab(t, srv.URL, 90*time.Second, false)
	b.login("admin")
	for _, phone := range []bool{false, true} {
		size := "1280"
		if phone {
			b.phone()
			size = "390"
		}
		b.open(base+"?from=1900-01-01&to=2100-01-01", "#f-from-error")
		b.expect("centuries", "起止日期最多相隔 10 年")
		// The refused field's input stays in line with its neighbour's, and
		// on a desktop its message takes one line.
		aligned, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => {
			const a = document.querySelector('#f-from').getBoundingClientRect(), b = document.querySelector('#f-to').getBoundingClientRect();
			const e = document.querySelector('#f-from-error').getBoundingClientRect();
			return (a.top === b.top || innerWidth < 761) && (e.height < 30 || innerWidth < 761);
		})()`))
		if err != nil || !aligned {
			t.Fatalf("the refused range's fields are out of line or its message wraps at %s px (%v)", size, err)
		}
		b.shot("dashboard-range-refused-" + size)
		b.open(base+"?from="+strconv.Itoa(time.Now().Year())+"-01-01&to="+strconv.Itoa(time.Now().Year()+5)+"-12-31", ".dash-clamped")
		b.expect("past today", "结束日期晚于今天")
		b.do(chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-chart][data-drawn] canvas').length === 3`))
		b.shot("dashboard-range-clamped-" + size)
		b.open(base, ".dash-presets")
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('.dash-presets .is-current').length`))
		if err != nil || n != 1 {
			t.Fatalf("%d shortcuts highlighted (%v)", n, err)
		}
	}
}
