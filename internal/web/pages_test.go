package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
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
	root, east, west *org.Org
	system           *auth.Principal
}

func newSite(t *testing.T, d *db.DB) *site {
	t.Helper()
	ctx := context.Background()
	s := &site{t: t, d: d, orgs: org.NewStore(d), auth: auth.NewService(d)}
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
		if _, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: u.name, Name: "测试" + u.name, OrgID: u.org, Password: testPassword}, u.roles...); err != nil {
			t.Fatalf("bootstrap %s: %v", u.name, err)
		}
	}
	h, err := New(ctx, Deps{DB: d, Auth: s.auth, Orgs: s.orgs})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
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
	return answer{res.StatusCode, string(b), res.Header.Get("Location"), res.Header}
}

func (c *client) get(path string) answer {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
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
			if !strings.Contains(a.location, "flash=flash.org_created") {
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
			wantBody(t, "auditor", a, "org.create", "<details")
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
			for _, path := range []string{
				"/", "/orgs", "/orgs?kind=street_federation", "/orgs/" + o, "/orgs/" + o + "/edit", "/orgs/" + o + "/new",
				"/orgs/" + o + "/move", "/orgs/" + o + "/move?q=" + url.QueryEscape("总工会"), "/orgs/" + o + "/officers/new",
				"/officers/" + db.FormatID(offs[0].ID) + "/edit", "/employers", "/employers?organised=no&category=110",
				"/employers/new", "/employers/new?owner=" + o, "/employers/" + e, "/employers/" + e + "/edit",
				"/users", "/users?role=officer", "/users/new", "/users/" + u, "/account", "/account/totp",
			} {
				a := admin.get(path)
				wantStatus(t, path, a, 200)
				if !strings.Contains(a.body, "</html>") {
					t.Errorf("%s: page cut short", path)
				}
			}
			wantStatus(t, "security page for admin", admin.get("/security"), http.StatusForbidden)
			sec := s.login("security", "en")
			for _, path := range []string{"/security", "/users", "/users/" + u} {
				wantStatus(t, path, sec.get(path), 200)
			}
			wantStatus(t, "unknown page", admin.get("/no/such/page"), 404)
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

		t.Run("security policy form", func(t *testing.T) {
			sec := s.login("security", "")
			form := url.Values{"min_length": {"6"}, "min_classes": {"3"}, "max_failed": {"5"}, "lock_minutes": {"15"}, "idle_minutes": {"30"},
				"absolute_hours": {"12"}, "token_hours": {"12"}, "password_max_age": {"0"}, "mfa_roles": {"auditor"}}
			a := sec.post("/security", form, "/security")
			wantStatus(t, "too short", a, http.StatusUnprocessableEntity)
			wantBody(t, "too short", a, "应在 8 到 128 之间", `value="6"`)
			form.Set("min_length", "12")
			a = sec.post("/security", form, "/security")
			wantStatus(t, "save", a, http.StatusSeeOther)
			pol, err := s.auth.Policy(context.Background())
			if err != nil || pol.MinLength != 12 || len(pol.MFARoles) != 1 {
				t.Errorf("policy %+v, %v", pol, err)
			}
		})
	})
}
