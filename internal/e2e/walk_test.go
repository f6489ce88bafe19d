package e2e

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// What no user should read on a page: message keys, record IDs (long runs
// of digits that are not a resident ID number: a member's own page may show
// theirs), template and format leftovers, JSON.
var (
	walkKey    = regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\.[a-z_.]+\b`)
	walkDigits = regexp.MustCompile(`\d{16,}`)
	walkLeft   = []string{"<no value>", "%!", "ZgotmplZ", `{"`, "undefined", "NaN"}
	// Pages the crawl does not open: they leave, download, or change state on GET.
	walkSkip = regexp.MustCompile(`/logout|/lang|export|\.xlsx|\.csv|\.png|\.ics|\.json|download|/static/|/metrics|/api/|/healthz|/screen|/join-qr`)
	walkID   = regexp.MustCompile(`/\d+`)
)

// walkProblems lists what is wrong with a page's visible text and layout.
func walkProblems(text string, sideways bool) []string {
	var out []string
	if m := walkKey.FindAllString(text, 3); m != nil {
		out = append(out, "message keys "+strings.Join(m, ", "))
	}
	for _, d := range walkDigits.FindAllString(text, -1) {
		if _, err := cnid.ParseResidentID(d); err != nil {
			out = append(out, "record ID "+d)
		}
	}
	for _, s := range walkLeft {
		if strings.Contains(text, s) {
			out = append(out, "leftover "+s)
		}
	}
	if sideways {
		out = append(out, "wider than the window")
	}
	return out
}

// walkShape is a page's address with IDs and query values left out: the
// crawl opens one page of each shape.
func walkShape(u *url.URL) string {
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return walkID.ReplaceAllString(u.Path, "/{id}") + "?" + strings.Join(keys, "&")
}

// walkPages opens pages in the signed-in tab ctx, photographs each as
// prefix-N, checks it, and (when crawl) follows its links to pages of new
// shapes until max pages were seen. It returns the pages it opened.
func walkPages(t *testing.T, ctx context.Context, base, prefix string, pages []string, crawl bool, max int) []string {
	t.Helper()
	seen := map[string]bool{}
	shapes := map[string]bool{}
	var opened []string
	for len(pages) > 0 && len(opened) < max {
		p := pages[0]
		pages = pages[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		run(t, ctx, "open "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("footer")))
		opened = append(opened, p)
		body := text(t, ctx, "body")
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 2`))
		if err != nil {
			t.Fatal(err)
		}
		testkit.Screenshot(t, ctx, fmt.Sprintf("%s-%02d", prefix, len(opened)))
		if bad := walkProblems(body, wide); bad != nil {
			t.Errorf("%s (%s): %s", p, prefix, strings.Join(bad, "; "))
		}
		if !crawl {
			continue
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href]')).map(a => a.href)`))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || !strings.HasPrefix(l, base) || walkSkip.MatchString(u.Path) {
				continue
			}
			u.Fragment = ""
			if sh := walkShape(u); !shapes[sh] {
				shapes[sh] = true
				pages = append(pages, u.RequestURI())
			}
		}
	}
	return opened
}

// signIn opens the staff sign-in page in Chinese and signs in as user.
func signIn(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	run(t, ctx, "sign in as "+user,
		chromedp.Navigate(base+"/lang?to=zh-CN&back=/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-username")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), user),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demoPassword),
		chromedp.Click(chromedp.CSS("form[action='/login'] button[type=submit]")),
		// The sign-in page has a footer too: wait for the signed-in menu.
		chromedp.WaitReady(chromedp.CSS("form[action='/logout']")),
		chromedp.WaitVisible(chromedp.CSS("footer")),
	)
}

// walkTab is a browser tab emulating a 390 px phone, or a 1280 px desktop.
func walkTab(t *testing.T, phone bool) context.Context {
	t.Helper()
	if !phone {
		ctx := testkit.Browser(t, 1280, 900)
		run(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		return ctx
	}
	ctx := testkit.Browser(t, 390, 844)
	run(t, ctx, "viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	return ctx
}

// The demo as each of its people uses it, at desktop and phone width: two
// workers apply to join 大栅栏's community union on their phones; 大栅栏's
// officer finds them in the to-do list and approves both at once; one of
// them signs in and reads that she was accepted. Then each staff account
// crawls the pages its menus lead to (one of each kind). No page may show a
// message key, a record ID, a template leftover or JSON, or be wider than
// the window.
func TestBrowserDemoWalk(t *testing.T) {
	skipShort(t, "starts a server and browsers")
	dsn := testkit.NewDSN(t, db.SQLite)
	srv := testkit.StartServer(t, dsn, []string{"--demo"}, "GONGHUI_DEMO_PASSWORD="+demoPassword)
	d, err := db.Open(context.Background(), dsn, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var union int64
	if err := d.QueryRow(context.Background(), `SELECT id FROM orgs WHERE name = '大栅栏街道三井社区联合工会'`).Scan(&union); err != nil {
		t.Fatalf("demo union: %v", err)
	}

	workers := []struct{ name, id, mobile string }{
		{"郑晓梅", "110102199003074174", "13900004172"},
		{"冯建国", "11010219851122172X", "13700004172"},
	}
	for i, w := range workers {
		ctx := walkTab(t, true)
		run(t, ctx, "join form",
			chromedp.Navigate(fmt.Sprintf("%s/lang?to=zh-CN&back=/join/%d", srv.URL, union)),
			chromedp.WaitVisible(chromedp.CSS("#f-name")),
			chromedp.SendKeys(chromedp.CSS("#f-name"), w.name),
			chromedp.SendKeys(chromedp.CSS("#f-id_number"), w.id),
			chromedp.SendKeys(chromedp.CSS("#f-mobile"), w.mobile),
			chromedp.SendKeys(chromedp.CSS("#f-employer_name"), "北京大栅栏商业管理有限公司"),
			chromedp.Click(chromedp.CSS("#f-consent")),
			chromedp.Submit(chromedp.CSS("#f-name")),
			chromedp.WaitVisible(chromedp.CSS(".join-done")),
		)
		walkPages(t, ctx, srv.URL, fmt.Sprintf("walk-worker%d-applied-390", i+1), []string{"/join/" + fmt.Sprint(union) + "/done"}, false, 1)
	}

	for _, phone := range []bool{true, false} { // the phone only looks; the desktop approves
		width := map[bool]string{false: "1280", true: "390"}[phone]
		ctx := walkTab(t, phone)
		signIn(t, ctx, srv.URL, "dashilan")
		home := text(t, ctx, "main")
		if !strings.Contains(home, "入会申请待审核") || !strings.Contains(home, "郑晓梅") {
			t.Fatalf("the officer's to-do list does not show the applications (%s px):\n%s", width, home)
		}
		testkit.Screenshot(t, ctx, "walk-dashilan-todo-"+width)
		if phone {
			continue
		}
		clickJS(t, ctx, `main a[href^="/applications"]`)
		run(t, ctx, "applications", chromedp.WaitVisible(chromedp.CSS("#bulk-apps")))
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, "approve both",
			chromedp.Click(chromedp.CSS("#bulk-all")),
			chromedp.Click(chromedp.CSS(`#bulk-apps button[value=approve]`)),
			chromedp.WaitVisible(chromedp.CSS(".alert")),
		)
		if got := text(t, ctx, "main"); !strings.Contains(got, "已通过 2 条申请") {
			t.Fatalf("bulk approval did not say what it did:\n%s", got)
		}
		testkit.Screenshot(t, ctx, "walk-dashilan-approved-1280")
	}

	// The first worker signs in with a text-message code and reads the news.
	ctx := walkTab(t, true)
	run(t, ctx, "ask for a code",
		chromedp.Navigate(srv.URL+"/lang?to=zh-CN&back=/m/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), workers[0].mobile),
		chromedp.Click(chromedp.CSS("button.code-send")),
		chromedp.WaitVisible(chromedp.CSS(".alert-info")),
	)
	code := lastSMSCode(t, srv)
	run(t, ctx, "sign in with the code",
		chromedp.SendKeys(chromedp.CSS("#f-code"), code+"\r"),
		// The login page has a footer too: wait until it is gone.
		chromedp.WaitNotPresent(chromedp.CSS("#f-code")),
		chromedp.WaitVisible(chromedp.CSS("footer")),
	)
	if got := text(t, ctx, "main"); !strings.Contains(got, "申请已通过") {
		t.Fatalf("the member's home does not tell her she was accepted:\n%s", got)
	}
	walkPages(t, ctx, srv.URL, "walk-member-390", []string{"/m"}, true, 10)

	for _, user := range []string{"admin", "security", "auditor", "dashilan", "bit"} {
		desk := walkTab(t, false)
		signIn(t, desk, srv.URL, user)
		opened := walkPages(t, desk, srv.URL, "walk-"+user+"-1280", []string{"/"}, true, 10)
		phone := walkTab(t, true)
		signIn(t, phone, srv.URL, user)
		walkPages(t, phone, srv.URL, "walk-"+user+"-390", opened, false, len(opened))
	}
}

// lastSMSCode is the six-digit code in the newest text message the server
// logged (the demo has no SMS gateway).
func lastSMSCode(t *testing.T, srv *testkit.Server) string {
	t.Helper()
	codes := regexp.MustCompile(`sms \(log sender\)[^\n]*?(\d{6})`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if m := codes.FindAllStringSubmatch(srv.Logs(), -1); len(m) > 0 {
			return m[len(m)-1][1]
		}
	}
	t.Fatalf("no text message in the server's log:\n%s", srv.Logs())
	return ""
}

func TestWalkProblems(t *testing.T) {
	for _, c := range []struct {
		text     string
		sideways bool
		want     int
	}{
		{"张三 的身份证号 110102199003074174", false, 0}, // a valid resident ID: a member's own page
		{"对象 388205070314819621", false, 1},       // a record ID
		{"状态 mweb.field.status", false, 1},
		{"<no value> 与 %!d(string=x)", false, 2},
		{"数据 {\"a\":1}", true, 2},
		{"访问 127.0.0.1 于 2026-12-07", false, 0},
	} {
		if got := walkProblems(c.text, c.sideways); len(got) != c.want {
			t.Errorf("walkProblems(%q, %v) = %q, want %d problems", c.text, c.sideways, got, c.want)
		}
	}
}
