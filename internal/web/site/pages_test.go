package site

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

const testPassword = "Test-Pass-2026!"

// site is the pages on a real database: a city federation with two
// street federations, an officer recorded at one of them, and accounts.
type site struct {
	t                *testing.T
	srv              *httptest.Server
	d                *db.DB
	orgs             *org.Store
	auth             *auth.Service
	members          *member.Store
	root, east, west *org.Org
	system           *auth.Principal
}

func newSite(t *testing.T, d *db.DB) *site {
	t.Helper()
	ctx := context.Background()
	keys := testkit.Keys(t)
	s := &site{t: t, d: d, orgs: org.NewStore(d), auth: auth.NewService(d, keys), members: member.NewStore(d, keys)}
	var err error
	if s.root, err = s.orgs.CreateRoot(ctx, "北京市总工会", org.KindCity, ""); err != nil {
		t.Fatal(err)
	}
	s.system = &auth.Principal{UserID: 0, Grants: []auth.Grant{{Role: auth.RoleAdmin, OrgID: s.root.ID, OrgPath: s.root.Path}}}
	if s.east, err = s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.root.ID, Name: "大栅栏街道总工会", Kind: org.KindStreet}); err != nil {
		t.Fatal(err)
	}
	if s.west, err = s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.root.ID, Name: "西长安街街道总工会", Kind: org.KindStreet}); err != nil {
		t.Fatal(err)
	}
	if _, err = s.orgs.AddOfficer(ctx, s.system, s.east.ID, org.OfficerInput{Name: "张建国", Position: "chair", TermStart: "2023-01-01"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name  string
		org   int64
		roles []auth.Role
	}{
		{"admin", s.root.ID, []auth.Role{auth.RoleAdmin}},
		{"auditor", s.root.ID, []auth.Role{auth.RoleAuditor}},
		{"security", s.root.ID, []auth.Role{auth.RoleSecurity}},
		{"dashilan", s.east.ID, []auth.Role{auth.RoleOfficer}},
	} {
		id, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: u.name, Name: "测试" + u.name, OrgID: u.org, Password: testPassword}, u.roles...)
		if err != nil {
			t.Fatalf("bootstrap %s: %v", u.name, err)
		}
		// As in the demo: the administrative accounts are let in without a
		// second factor on this test site only.
		if slices.Contains(auth.AlwaysMFA, u.roles[0]) {
			if err := s.auth.MarkDemoAccount(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.auth.SetDemoMode(true)
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}}))
	return s
}

// mounted is the site's handler on deps.
func mounted(t *testing.T, deps Deps) *http.ServeMux {
	t.Helper()
	mux := http.NewServeMux()
	if err := Mount(context.Background(), mux, deps); err != nil {
		t.Fatal(err)
	}
	return mux
}

// serve starts a test server for h, closed when the test ends.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// client is a browser without JavaScript: a cookie jar, no redirects
// followed, so tests see each answer.
type client struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (s *site) client(lang string) *client {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(s.srv.URL)
	if lang != "" {
		jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
	}
	return &client{t: s.t, base: s.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login signs in through the sign-in form.
func (s *site) login(username, lang string) *client {
	s.t.Helper()
	c := s.client(lang)
	res := c.post("/login", url.Values{"username": {username}, "password": {testPassword}}, "/login")
	if res.status != http.StatusSeeOther {
		s.t.Fatalf("login %s: status %d\n%s", username, res.status, res.body)
	}
	return c
}

type answer struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(req *http.Request) answer {
	c.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	// A message given the wrong arguments prints Go's complaint ("%!d",
	// "%!(EXTRA …)") to the user: no page may carry one.
	if ct := res.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") && fmtErrorRE.Match(b) {
		c.t.Errorf("%s %s shows a formatting error: %s", req.Method, req.URL.Path, fmtErrorRE.Find(b))
	}
	return answer{res.StatusCode, string(b), res.Header.Get("Location"), res.Header}
}

func (c *client) get(path string) answer {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

// fmtErrorRE finds what fmt prints for a verb without its argument or an
// argument without its verb.
var fmtErrorRE = regexp.MustCompile(`%!(\(EXTRA|[a-zA-Z]\()[^)]*\)`)

// rawKeyRE finds a catalogue key shown as text: a message missing from
// the catalogues.
var rawKeyRE = keyRE("page|flash|org|role|kind|web|field|error|auth")

// keyRE finds a message key of the catalogues with the given prefixes (an
// alternation) shown as text.
func keyRE(prefixes string) *regexp.Regexp {
	return regexp.MustCompile(`[>"]\s*(?:` + prefixes + `)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\s*[<"]`)
}

// wantNoKeys reports a message key of any of the patterns shown as text
// on a's page.
func wantNoKeys(t *testing.T, what string, a answer, res ...*regexp.Regexp) {
	t.Helper()
	for _, re := range res {
		if k := re.FindString(a.body); k != "" {
			t.Errorf("%s: a message key shown as text: %s", what, k)
		}
	}
}

// wantPage wants path's page whole (status 200, not cut short) and with
// no message key of the patterns shown as text.
func wantPage(t *testing.T, path string, a answer, res ...*regexp.Regexp) {
	t.Helper()
	wantStatus(t, path, a, 200)
	if !strings.Contains(a.body, "</html>") {
		t.Errorf("%s: page cut short", path)
	}
	wantNoKeys(t, path, a, res...)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// post sends a form with the token of the page at tokenFrom ("" = no token).
func (c *client) post(path string, form url.Values, tokenFrom string) answer {
	c.t.Helper()
	if tokenFrom != "" {
		page := c.get(tokenFrom)
		m := csrfRE.FindStringSubmatch(page.body)
		if m == nil {
			c.t.Fatalf("no csrf token on %s (status %d)", tokenFrom, page.status)
		}
		form.Set("csrf_token", m[1])
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func wantStatus(t *testing.T, what string, a answer, status int) {
	t.Helper()
	if a.status != status {
		body := a.body
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, a.status, status, body)
	}
}

func wantBody(t *testing.T, what string, a answer, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(a.body, w) {
			t.Errorf("%s: body lacks %q", what, w)
		}
	}
}

func id(o *org.Org) string { return db.FormatID(o.ID) }

func (s *site) childNames(parent int64) []string {
	s.t.Helper()
	kids, _, err := s.orgs.Children(context.Background(), s.system, parent, "", 100)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, k := range kids {
		out = append(out, k.Name)
	}
	return out
}

func TestPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		admin := s.login("admin", "")

		t.Run("tree and search", func(t *testing.T) {
			a := admin.get("/orgs")
			wantStatus(t, "tree", a, 200)
			wantBody(t, "tree", a, "北京市总工会", "大栅栏街道总工会", "西长安街街道总工会", `data-children-url="/orgs/`+id(s.root)+`/children"`)

			a = admin.get("/orgs/" + id(s.root) + "/children")
			wantStatus(t, "children fragment", a, 200)
			wantBody(t, "children fragment", a, `<li class="tree-item">`, "大栅栏街道总工会", "西长安街街道总工会")
			if strings.Contains(a.body, "<html") {
				t.Error("children fragment carries the page layout")
			}

			a = admin.get("/orgs?q=" + url.QueryEscape("大栅栏"))
			wantStatus(t, "search", a, 200)
			wantBody(t, "search", a, "大栅栏街道总工会", `<a href="/orgs/`+id(s.root)+`">北京市总工会</a>`)
			if strings.Contains(a.body, "西长安街街道总工会") {
				t.Error("search for 大栅栏 lists 西长安街")
			}

			a = admin.get("/orgs/" + id(s.east))
			wantStatus(t, "org page", a, 200)
			wantBody(t, "org page", a, "张建国", "/orgs/"+id(s.east)+"/edit", `<a href="/orgs/`+id(s.root)+`">北京市总工会</a>`)
		})

		t.Run("scope", func(t *testing.T) {
			officer := s.login("dashilan", "")
			wantStatus(t, "own street", officer.get("/orgs/"+id(s.east)), 200)
			a := officer.get("/orgs/" + id(s.west))
			wantStatus(t, "neighbour street", a, 404)
			wantBody(t, "neighbour street", a, "找不到")
			wantStatus(t, "neighbour's children", officer.get("/orgs/"+id(s.west)+"/children"), 404)
			wantStatus(t, "neighbour's edit form", officer.get("/orgs/"+id(s.west)+"/edit"), 404)
			a = officer.get("/orgs")
			wantBody(t, "officer's tree", a, "大栅栏街道总工会")
			if strings.Contains(a.body, "西长安街") {
				t.Error("officer's tree shows the neighbour street")
			}
			a = officer.get("/orgs?q=" + url.QueryEscape("街道"))
			if strings.Contains(a.body, "西长安街") {
				t.Error("officer's search finds the neighbour street")
			}
			// A dashboard's "by kind" figure opens the list kept to a subtree.
			a = admin.get("/orgs?within=" + id(s.east) + "&kind=street_federation")
			wantStatus(t, "within", a, 200)
			wantBody(t, "within", a, "大栅栏街道总工会", `id="within-note"`, `name="within" value="`+id(s.east)+`"`)
			if strings.Contains(a.body, "西长安街街道总工会") {
				t.Error("a search within 大栅栏 lists 西长安街")
			}
			wantStatus(t, "within the neighbour", officer.get("/orgs?within="+id(s.west)), 404)
			wantStatus(t, "within nonsense", officer.get("/orgs?within=x"), 404)
		})

		t.Run("bad input changes nothing", func(t *testing.T) {
			before := s.childNames(s.east.ID)
			form := url.Values{"name": {""}, "kind": {string(org.KindGrassroots)}, "address": {"煤市街 1 号"}}
			a := admin.post("/orgs/"+id(s.east)+"/new", form, "/orgs/"+id(s.east)+"/new")
			wantStatus(t, "empty name", a, http.StatusUnprocessableEntity)
			wantBody(t, "empty name (zh)", a, `aria-invalid="true"`, "必填。", "提交的内容有误", `value="煤市街 1 号"`)

			en := s.login("admin", "en")
			a = en.post("/orgs/"+id(s.east)+"/new", form, "/orgs/"+id(s.east)+"/new")
			wantStatus(t, "empty name (en)", a, http.StatusUnprocessableEntity)
			wantBody(t, "empty name (en)", a, "Required.", `lang="en"`)
			if after := s.childNames(s.east.ID); len(after) != len(before) {
				t.Errorf("children changed: %v -> %v", before, after)
			}
		})

		t.Run("add a child", func(t *testing.T) {
			form := url.Values{"name": {"北京润宏保安服务有限公司工会"}, "kind": {string(org.KindGrassroots)}, "founded_on": {"2020-05-01"}}
			a := admin.post("/orgs/"+id(s.east)+"/new", form, "/orgs/"+id(s.east)+"/new")
			wantStatus(t, "create", a, http.StatusSeeOther)
			if flashSet(a) != "flash.org_created" {
				t.Errorf("redirect to %q", a.location)
			}
			a = admin.get(a.location)
			wantStatus(t, "new org", a, 200)
			wantBody(t, "new org", a, "已新增组织", "北京润宏保安服务有限公司工会", "2020-05-01")
		})

		t.Run("csrf", func(t *testing.T) {
			before := s.childNames(s.east.ID)
			a := admin.post("/orgs/"+id(s.east)+"/new", url.Values{"name": {"无令牌工会"}, "kind": {string(org.KindGrassroots)}}, "")
			wantStatus(t, "no token", a, http.StatusForbidden)
			a = admin.post("/orgs/"+id(s.east)+"/new", url.Values{"name": {"假令牌工会"}, "kind": {string(org.KindGrassroots)}, "csrf_token": {"forged"}}, "")
			wantStatus(t, "forged token", a, http.StatusForbidden)
			if after := s.childNames(s.east.ID); len(after) != len(before) {
				t.Errorf("a POST without a valid token changed the tree: %v", after)
			}
		})

		t.Run("language switch", func(t *testing.T) {
			c := s.client("")
			a := c.get("/lang?to=en&back=" + url.QueryEscape("/orgs?q=x"))
			wantStatus(t, "switch", a, http.StatusSeeOther)
			if a.location != "/orgs?q=x" {
				t.Errorf("back to %q", a.location)
			}
			var found bool
			for _, ck := range (&http.Response{Header: a.header}).Cookies() {
				found = found || (ck.Name == "lang" && ck.Value == "en")
			}
			if !found {
				t.Errorf("no lang=en cookie: %v", a.header.Values("Set-Cookie"))
			}
			a = c.get("/lang?to=en&back=" + url.QueryEscape("//evil.example/"))
			if a.location != "/" {
				t.Errorf("switch sends to %q", a.location)
			}
			wantBody(t, "english page", s.login("admin", "en").get("/orgs"), "Organisations")
		})

		t.Run("audit is for auditors", func(t *testing.T) {
			wantStatus(t, "admin", admin.get("/audit"), http.StatusForbidden)
			auditor := s.login("auditor", "")
			a := auditor.get("/audit")
			wantStatus(t, "auditor", a, 200)
			wantBody(t, "auditor", a, "新建了组织", "大栅栏街道总工会", "audit-changes")
			a = auditor.get("/audit/verify")
			wantStatus(t, "verify", a, 200)
			wantBody(t, "verify", a, "哈希链完整")
		})

		t.Run("every page renders", func(t *testing.T) {
			ctx := context.Background()
			emp, err := s.orgs.CreateEmployer(ctx, s.system, org.EmployerInput{OwnerOrgID: s.east.ID, Name: "北京排水集团", Category: "110", Employees: 300})
			if err != nil {
				t.Fatal(err)
			}
			offs, err := s.orgs.Officers(ctx, s.system, s.east.ID)
			if err != nil || len(offs) == 0 {
				t.Fatal(offs, err)
			}
			users, _, err := s.auth.ListUsers(ctx, &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleSecurity, OrgID: s.root.ID, OrgPath: s.root.Path}}}, auth.UserQuery{Q: "dashilan"})
			if err != nil || len(users) != 1 {
				t.Fatal(users, err)
			}
			e, o, u := db.FormatID(emp.ID), id(s.east), db.FormatID(users[0].ID)
			adminEN := s.login("admin", "en")
			for _, path := range []string{
				"/", "/orgs", "/orgs?kind=street_federation", "/orgs/" + o, "/orgs/" + o + "/edit", "/orgs/" + o + "/new",
				"/orgs/" + o + "/move", "/orgs/" + o + "/move?q=" + url.QueryEscape("总工会"), "/orgs/" + o + "/officers/new",
				"/officers/" + db.FormatID(offs[0].ID) + "/edit", "/employers", "/employers?organised=no&category=110",
				"/employers/new", "/employers/new?owner=" + o, "/employers/" + e, "/employers/" + e + "/edit",
				"/users", "/users?role=officer", "/users/new", "/users/" + u, "/account", "/account/totp",
			} {
				for _, c := range []*client{admin, adminEN} {
					wantPage(t, path, c.get(path), rawKeyRE)
				}
			}
			wantStatus(t, "security page for admin", admin.get("/security"), http.StatusForbidden)
			sec := s.login("security", "en")
			for _, path := range []string{"/security", "/users", "/users/" + u} {
				wantStatus(t, path, sec.get(path), 200)
			}
			a := admin.get("/no/such/page")
			wantStatus(t, "unknown page", a, 404)
			// The heading says it in words, not "404" twice; a worker's
			// stale link leads back to the members' pages.
			wantBody(t, "unknown page", a, "<h1>找不到这个页面</h1>", `href="/"`)
			if strings.Contains(a.body, "<h1>404") {
				t.Errorf("404 page heading is the number:\n%s", a.body)
			}
			a = s.client("zh-CN").get("/m/no/such/page")
			wantStatus(t, "unknown member page", a, 404)
			wantBody(t, "unknown member page", a, "<h1>找不到这个页面</h1>", `href="/m"`, "返回会员首页")
		})

		t.Run("employer and officer forms", func(t *testing.T) {
			a := admin.post("/employers/new", url.Values{"owner_org_id": {id(s.east)}, "name": {"北京城建集团"}, "category": {"110"},
				"credit_code": {"91110000000000000X"}, "employees": {"12"}}, "/employers/new")
			wantStatus(t, "bad credit code", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad credit code", a, "统一社会信用代码", `value="北京城建集团"`)

			a = admin.post("/orgs/"+id(s.east)+"/officers/new", url.Values{"name": {"李红"}, "position": {"vice_chair"}, "term_start": {"2024-03-01"}},
				"/orgs/"+id(s.east)+"/officers/new")
			wantStatus(t, "add officer", a, http.StatusSeeOther)
			wantBody(t, "org page with officer", admin.get("/orgs/"+id(s.east)), "李红")
		})

		t.Run("move, link, officers", func(t *testing.T) {
			ctx := context.Background()
			uni, err := s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.east.ID, Name: "北京城建集团工会", Kind: org.KindGrassroots})
			if err != nil {
				t.Fatal(err)
			}
			u := "/orgs/" + id(uni)
			a := admin.get(u + "/move?q=" + url.QueryEscape("西长安街"))
			wantStatus(t, "move form", a, 200)
			wantBody(t, "move form", a, `name="parent_id" value="`+id(s.west)+`"`)
			a = admin.post(u+"/move", url.Values{"parent_id": {id(s.west)}}, u+"/move")
			wantStatus(t, "move", a, http.StatusSeeOther)
			if o, err := s.orgs.Get(ctx, s.system, uni.ID); err != nil || o.ParentID != s.west.ID {
				t.Fatalf("after move: %+v %v", o, err)
			}
			a = admin.post(u+"/move", url.Values{"parent_id": {id(uni)}}, u+"/move")
			wantStatus(t, "move under itself", a, http.StatusUnprocessableEntity)

			emp, err := s.orgs.CreateEmployer(ctx, s.system, org.EmployerInput{OwnerOrgID: s.west.ID, Name: "北京城建集团", Category: "110"})
			if err != nil {
				t.Fatal(err)
			}
			a = admin.get(u)
			wantBody(t, "link form", a, `<option value="`+db.FormatID(emp.ID)+`"`)
			a = admin.post(u+"/employers", url.Values{"employer_id": {db.FormatID(emp.ID)}}, u)
			wantStatus(t, "link", a, http.StatusSeeOther)
			if got, _ := s.orgs.GetEmployer(ctx, s.system, emp.ID); got == nil || got.UnionID != uni.ID {
				t.Fatalf("not linked: %+v", got)
			}
			a = admin.post("/orgs/"+id(s.west)+"/employers", url.Values{"employer_id": {db.FormatID(emp.ID)}}, u)
			wantStatus(t, "link to a federation", a, http.StatusUnprocessableEntity)
			a = admin.post(u+"/employers/"+db.FormatID(emp.ID)+"/unlink", url.Values{}, u)
			wantStatus(t, "unlink", a, http.StatusSeeOther)
			if got, _ := s.orgs.GetEmployer(ctx, s.system, emp.ID); got == nil || got.UnionID != 0 {
				t.Fatalf("still linked: %+v", got)
			}

			a = admin.post(u+"/officers/new", url.Values{"name": {"王芳"}, "position": {"chair"}, "term_start": {"2022-01-01"}, "term_end": {"2021-01-01"}}, u+"/officers/new")
			wantStatus(t, "term ends before it starts", a, http.StatusUnprocessableEntity)
			wantBody(t, "term ends before it starts", a, "结束日期不能早于开始日期", `value="王芳"`)
			a = admin.post(u+"/officers/new", url.Values{"name": {"王芳"}, "position": {"chair"}, "term_start": {"2022-01-01"}}, u+"/officers/new")
			wantStatus(t, "add officer", a, http.StatusSeeOther)
			offs, err := s.orgs.Officers(ctx, s.system, uni.ID)
			if err != nil || len(offs) != 1 {
				t.Fatal(offs, err)
			}
			o := "/officers/" + db.FormatID(offs[0].ID)
			a = admin.post(o+"/edit", url.Values{"name": {"王芳"}, "position": {"vice_chair"}, "term_start": {"2022-01-01"}}, o+"/edit")
			wantStatus(t, "edit officer", a, http.StatusSeeOther)
			officer := s.login("dashilan", "")
			wantStatus(t, "officer of another street", officer.get(o+"/edit"), 404)
			a = admin.post(o+"/delete", url.Values{}, u)
			wantStatus(t, "delete officer", a, http.StatusSeeOther)
			if offs, _ := s.orgs.Officers(ctx, s.system, uni.ID); len(offs) != 0 {
				t.Errorf("officer not removed: %+v", offs)
			}
		})

		t.Run("accounts", func(t *testing.T) {
			a := admin.post("/users/new", url.Values{"username": {"hr-sync"}, "name": {"人事系统"}, "kind": {"service"}, "org_id": {id(s.east)}}, "/users/new")
			wantStatus(t, "create service account", a, http.StatusSeeOther)
			u := strings.TrimSuffix(strings.SplitN(a.location, "?", 2)[0], "/")
			a = admin.post(u+"/grants", url.Values{"role": {"admin"}, "org_id": {id(s.east)}}, u)
			wantStatus(t, "privileged role by an admin", a, http.StatusForbidden)
			a = admin.post(u+"/grants", url.Values{"role": {"officer"}, "org_id": {id(s.east)}}, u)
			wantStatus(t, "the power to reveal by an admin", a, http.StatusForbidden)
			wantBody(t, "the power to reveal by an admin", a, "只能由安全管理员授予")
			a = admin.post(u+"/grants", url.Values{"role": {"leader"}, "org_id": {id(s.east)}}, u)
			wantStatus(t, "grant", a, http.StatusSeeOther)
			a = admin.post(u+"/tokens", url.Values{"name": {"人事同步"}, "days": {"30"}}, u)
			wantStatus(t, "token by an admin", a, http.StatusForbidden)
			wantBody(t, "token by an admin", a, "只有安全管理员可以为接口服务账号签发令牌")
			admin = s.login("security", "")
			a = admin.post(u+"/tokens", url.Values{"name": {"人事同步"}, "days": {"30"}}, u)
			wantStatus(t, "token", a, 200)
			wantBody(t, "token", a, "令牌只显示这一次", `id="f-token"`)
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("token page cache: %q", a.header.Get("Cache-Control"))
			}
			a = admin.post(u+"/tokens", url.Values{"name": {""}, "days": {"0"}}, u)
			wantStatus(t, "bad token", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad token", a, "必填。", "应在 1 到 730 之间")
			a = admin.post("/users/new", url.Values{"username": {"Bad Name"}, "name": {""}, "kind": {"staff"}, "org_id": {id(s.east)}, "password": {"short"}}, "/users/new")
			wantStatus(t, "bad account", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad account", a, "用户名为 3–64 位", "密码至少")
			wantStatus(t, "users for an officer", s.login("dashilan", "").get("/users"), http.StatusForbidden)
		})

		t.Run("two-factor enrolment", func(t *testing.T) {
			c := s.login("dashilan", "")
			a := c.post("/account/totp/start", url.Values{}, "/account/totp")
			wantStatus(t, "start", a, http.StatusSeeOther)
			a = c.get("/account/totp")
			wantBody(t, "enrolment", a, `src="data:image/png;base64,`)
			m := regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`).FindStringSubmatch(a.body)
			if m == nil {
				t.Fatalf("no secret on the page")
			}
			a = c.post("/account/totp/confirm", url.Values{"code": {"000000"}}, "/account/totp")
			wantStatus(t, "wrong code", a, http.StatusUnprocessableEntity)
			wantBody(t, "wrong code", a, "动态验证码不正确")
			code, err := totp.GenerateCode(m[1], time.Now())
			if err != nil {
				t.Fatal(err)
			}
			a = c.post("/account/totp/confirm", url.Values{"code": {code}}, "/account/totp")
			wantStatus(t, "confirm", a, http.StatusOK)
			// The recovery codes are shown once, on a page the browser does not keep.
			wantBody(t, "recovery codes", a, "您的账号已开启两步验证", "恢复码", "只显示这一次")
			if n := len(regexp.MustCompile(`<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>`).FindAllString(a.body, -1)); n != 10 {
				t.Errorf("%d recovery codes shown, want 10", n)
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("recovery codes page cache: %q", a.header.Get("Cache-Control"))
			}
			wantBody(t, "enabled", c.get("/account/totp"), "您的账号已开启两步验证", "还有 10 个未使用的恢复码")
		})

		t.Run("change password", func(t *testing.T) {
			c := s.login("auditor", "")
			a := c.post("/account/password", url.Values{"old_password": {testPassword}, "password": {"New-Pass-2026!"}, "password_confirm": {"Other-Pass-2026!"}}, "/account")
			wantStatus(t, "mismatch", a, http.StatusUnprocessableEntity)
			wantBody(t, "mismatch", a, "两次输入的新密码不一致")
			a = c.post("/account/password", url.Values{"old_password": {"wrong"}, "password": {testPassword}, "password_confirm": {testPassword}}, "/account")
			wantStatus(t, "wrong old", a, http.StatusUnprocessableEntity)
			wantBody(t, "wrong old", a, "当前密码不正确")
			a = c.post("/account/password", url.Values{"old_password": {testPassword}, "password": {"New-Pass-2026!"}, "password_confirm": {"New-Pass-2026!"}}, "/account")
			wantStatus(t, "change", a, http.StatusSeeOther)
			if a.location != "/login" || flashSet(a) != "flash.password_changed" {
				t.Errorf("after change: %q", a.location)
			}
			if a = c.get("/account"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/login") {
				t.Errorf("the old session still works: %d %q", a.status, a.location)
			}
		})

		t.Run("security policy form", func(t *testing.T) {
			sec := s.login("security", "")
			form := url.Values{"min_length": {"6"}, "min_classes": {"3"}, "max_failed": {"5"}, "lock_minutes": {"15"}, "idle_minutes": {"30"},
				"absolute_hours": {"12"}, "token_hours": {"12"}, "password_max_age": {"0"}, "mfa_roles": {"auditor", "security"}}
			a := sec.post("/security", form, "/security")
			wantStatus(t, "too short", a, http.StatusUnprocessableEntity)
			wantBody(t, "too short", a, "应在 8 到 128 之间", `value="6"`)
			form.Set("min_length", "12")
			a = sec.post("/security", form, "/security")
			wantStatus(t, "administrators cannot be let off", a, http.StatusSeeOther)
			wantBody(t, "always required", sec.get("/security"), "始终必须", `value="admin" checked disabled`)
			form["mfa_roles"] = []string{"officer"}
			a = sec.post("/security", form, "/security")
			wantStatus(t, "save", a, http.StatusSeeOther)
			pol, err := s.auth.Policy(context.Background())
			if err != nil || pol.MinLength != 12 || len(pol.MFARoles) != 4 {
				t.Errorf("policy %+v, %v", pol, err)
			}
		})
	})
}
