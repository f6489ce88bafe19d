package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/cnid"
	"gonghui/internal/testkit"
)

const demoPassword = "Demo-Password-2026"

func postJSON(t *testing.T, url, token string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

func getJSON(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if m == nil {
		m = map[string]any{"_raw": string(raw)}
	}
	return resp.StatusCode, m
}

// Two server processes on one database behave as one site: a token made on
// one works on the other, and failed logins counted on one lock the account
// on the other.
func TestTwoProcessesOneSite(t *testing.T) {
	skipShort(t, "starts server processes")
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		const metricsToken = "e2e-metrics-token-0123456789"
		env := []string{"GONGHUI_DEMO_PASSWORD=" + demoPassword, "GONGHUI_METRICS_TOKEN=" + metricsToken}
		a := testkit.StartServer(t, dsn, []string{"--demo"}, env...)
		b := testkit.StartServer(t, dsn, []string{"--demo"}, env...)

		code, body := postJSON(t, a.URL+"/api/v1/auth/token", "", map[string]string{"username": "admin", "password": demoPassword})
		if code != 200 {
			t.Fatalf("token on A: %d %v", code, body)
		}
		token, _ := body["token"].(string)
		if code, body := getJSON(t, b.URL+"/api/v1/orgs?q="+"人文学院", token); code != 200 || !strings.Contains(jsonString(body), "人文学院") {
			t.Fatalf("token from A on B: %d %v", code, body)
		}
		// One demo world, not two: the second --demo start found it loaded.
		_, roots := getJSON(t, b.URL+"/api/v1/orgs?q="+"北京市总工会", token)
		if n := countName(roots, "北京市总工会"); n != 1 {
			t.Fatalf("root appears %d times", n)
		}
		checkMembersAcrossProcesses(t, a, b, token)

		// Logging out on B ends the token on A.
		if code, _ := postJSON(t, b.URL+"/api/v1/auth/logout", token, map[string]any{}); code/100 != 2 {
			t.Fatalf("logout on B: %d", code)
		}
		if code, _ := getJSON(t, a.URL+"/api/v1/me", token); code != 401 {
			t.Fatalf("token still works on A after logout on B: %d", code)
		}
		// A browser signs in on A (form token and all) and is signed in on B;
		// a page's form from B posts fine to A.
		browser := newBrowserClient(t)
		signInForm(t, browser, a.URL, "admin", demoPassword)
		resp, err := browser.Get(b.URL + "/orgs")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("web session from A on B: %d", resp.StatusCode)
		}

		// A form posted from another site is refused before any handler runs.
		req, _ := http.NewRequest("POST", a.URL+"/login", strings.NewReader("username=admin&password="+demoPassword))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		if code, _ := do(t, req); code != http.StatusForbidden {
			t.Fatalf("cross-site form post answered %d, want 403", code)
		}

		// Each process exposes its own metrics, labelled by route, to the
		// bearer of the metrics token.
		req, _ = http.NewRequest("GET", a.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+metricsToken)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`gonghui_http_requests_total{code="200",method="POST",route="POST /api/v1/auth/token"}`, "gonghui_http_request_duration_seconds_bucket", "go_sql_open_connections"} {
			if !strings.Contains(string(metrics), want) {
				t.Errorf("metrics lack %s", want)
			}
		}

		// Five failures spread over both processes lock the account.
		for i := range 5 {
			srv := a
			if i%2 == 1 {
				srv = b
			}
			postJSON(t, srv.URL+"/api/v1/auth/token", "", map[string]string{"username": "dashilan", "password": "wrong-password"})
		}
		code, body = postJSON(t, b.URL+"/api/v1/auth/token", "", map[string]string{"username": "dashilan", "password": demoPassword})
		if code != 423 {
			t.Fatalf("want 423 locked on B after failures on A and B, got %d %v", code, body)
		}
		code, _ = postJSON(t, a.URL+"/api/v1/auth/token", "", map[string]string{"username": "dashilan", "password": demoPassword})
		if code != 423 {
			t.Fatalf("want 423 locked on A too, got %d", code)
		}
	})
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func countName(body map[string]any, name string) int {
	items, _ := body["items"].([]any)
	n := 0
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && m["name"] == name {
			n++
		}
	}
	return n
}

// newBrowserClient is a cookie-keeping client that does not follow
// redirects. Cookies ignore ports, as in browsers: both servers on
// 127.0.0.1 see the same cookies.
func newBrowserClient(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signInForm signs in through the sign-in page of base.
func signInForm(t *testing.T, c *http.Client, base, user, password string) {
	t.Helper()
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no form token on %s/login", base)
	}
	resp, err = c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf_token": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in on %s: %d", base, resp.StatusCode)
	}
}

// checkMembersAcrossProcesses: one person, one membership, even when both
// processes are asked at once to enter them into two unions; a member card
// signed on one process verifies on the other.
func checkMembersAcrossProcesses(t *testing.T, a, b *testkit.Server, token string) {
	t.Helper()
	var unions []string
	for _, q := range []string{"人文学院分工会", "北京城市排水集团有限责任公司工会"} {
		_, body := getJSON(t, a.URL+"/api/v1/orgs?q="+url.QueryEscape(q), token)
		items, _ := body["items"].([]any)
		if len(items) == 0 {
			t.Fatalf("no demo union %s: %v", q, body)
		}
		unions = append(unions, items[0].(map[string]any)["id"].(string))
	}
	idNumber, err := cnid.MakeResidentID("110102", time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC), 1)
	if err != nil {
		t.Fatal(err)
	}
	person := map[string]any{"name": "并发测试", "id_number": idNumber, "mobile": "13912340000"}
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv := a
			if i%2 == 1 {
				srv = b
			}
			body := map[string]any{"org_id": unions[i%2]}
			for k, v := range person {
				body[k] = v
			}
			codes[i], _ = postJSON(t, srv.URL+"/api/v1/members", token, body)
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case 201:
			created++
		case 409:
		default:
			t.Fatalf("concurrent create answered %d (all: %v)", c, codes)
		}
	}
	if created != 1 {
		t.Fatalf("%d creates of one person succeeded across two processes, want 1 (%v)", created, codes)
	}
	_, found := getJSON(t, b.URL+"/api/v1/members?q="+idNumber, token)
	items, _ := found["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("registry holds the person %d times", len(items))
	}
	id := items[0].(map[string]any)["id"].(string)
	_, card := getJSON(t, a.URL+"/api/v1/members/"+id+"/card", token)
	payload, _ := card["payload"].(string)
	if code, check := postJSON(t, b.URL+"/api/v1/cards/verify", "", map[string]string{"payload": payload}); code != 200 || check["status"] != "valid" {
		t.Fatalf("card from A on B: %d %v", code, check)
	}
}
