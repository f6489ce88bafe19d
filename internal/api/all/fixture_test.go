package all_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/api"
	"gonghui/internal/api/all"
	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	contractpkg "gonghui/internal/contract"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/inbox"
	"gonghui/internal/mailbox"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
	"gonghui/internal/member/privacy"
	"gonghui/internal/org"
	"gonghui/internal/rights"
	"gonghui/internal/survey"
	"gonghui/internal/testkit"
	"gonghui/internal/works"

	"github.com/xuri/excelize/v2"
)

// password meets the default policy and contains no test username.
const password = "Quiet-River-2024"

// fixture is a server on a small tree:
//
//	root (city)
//	├── streetA ── unionA (employer empA linked, officer offA)
//	└── streetB ── unionB (employer empB linked, officer offB)
//
// with accounts: admin, security, auditor at the root; officer_a, leader_a,
// auditor_a at streetA; clerk (no role) at streetA.
type fixture struct {
	t      *testing.T
	d      *db.DB
	auth   *auth.Service
	orgs   *org.Store
	mem    *member.Store
	acts   *activity.Store
	crs    *course.Store
	banks  *bank.Store
	cts    *contest.Store
	lets   *mailbox.Store
	svs    *survey.Store
	works  *works.Store
	ctr    *contractpkg.Store
	cases  *rights.Store
	srv    *httptest.Server
	ids    map[string]string // fixture name -> ID, for {name} in paths and bodies
	tokens map[string]string // username -> bearer token
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	keys := testkit.Keys(t)
	f := &fixture{t: t, d: d, auth: auth.NewService(d, keys), orgs: org.NewStore(d), mem: member.NewStore(d, keys), ids: map[string]string{}, tokens: map[string]string{}}
	f.acts = activity.NewStore(d, f.mem)
	f.crs = course.NewStore(d, f.mem)
	f.banks = bank.NewStore(d)
	f.cts = contest.NewStore(d, f.banks, f.mem)
	f.lets = mailbox.NewStore(d, keys)
	f.svs = survey.NewStore(d, f.mem)
	f.works = works.NewStore(d, f.mem)
	f.ctr = contractpkg.NewStore(d, keys)
	f.cases = rights.NewStore(d, keys)
	root, err := f.orgs.CreateRoot(ctx, "北京市总工会", org.Kind("city_federation"), "110000")
	if err != nil {
		t.Fatal(err)
	}
	f.ids["root"] = db.FormatID(root.ID)
	sys := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleAdmin, OrgID: root.ID, OrgPath: root.Path}}}
	mk := func(name, parent, title string, kind string) int64 {
		pid, _ := db.ParseID(f.ids[parent])
		o, err := f.orgs.Create(ctx, sys, org.CreateInput{ParentID: pid, Name: title, Kind: org.Kind(kind)})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		f.ids[name] = db.FormatID(o.ID)
		return o.ID
	}
	mk("streetA", "root", "大栅栏街道总工会", "street_federation")
	mk("streetB", "root", "椿树街道总工会", "street_federation")
	for _, s := range []string{"A", "B"} {
		union := mk("union"+s, "street"+s, "测试公司"+s+"工会", "grassroots_union")
		streetID, _ := db.ParseID(f.ids["street"+s])
		e, err := f.orgs.CreateEmployer(ctx, sys, org.EmployerInput{OwnerOrgID: streetID, Name: "测试公司" + s, Category: "170", Employees: 30})
		if err != nil {
			t.Fatalf("create employer: %v", err)
		}
		f.ids["emp"+s] = db.FormatID(e.ID)
		if err := f.orgs.LinkEmployer(ctx, sys, union, e.ID); err != nil {
			t.Fatalf("link employer: %v", err)
		}
		of, err := f.orgs.AddOfficer(ctx, sys, union, org.OfficerInput{Name: "王" + s, Position: "chair", TermStart: "2023-01-01"})
		if err != nil {
			t.Fatalf("add officer: %v", err)
		}
		f.ids["off"+s] = db.FormatID(of.ID)
	}
	for _, u := range []struct {
		name, org string
		roles     []auth.Role
	}{
		{"admin", "root", []auth.Role{auth.RoleAdmin}},
		{"security", "root", []auth.Role{auth.RoleSecurity}},
		{"auditor", "root", []auth.Role{auth.RoleAuditor}},
		{"officer_a", "streetA", []auth.Role{auth.RoleOfficer}},
		{"leader_a", "streetA", []auth.Role{auth.RoleLeader}},
		{"auditor_a", "streetA", []auth.Role{auth.RoleAuditor}},
		{"clerk", "streetA", nil},
	} {
		f.staff(u.name, u.org, u.roles...)
	}
	f.auth.SetDemoMode(true)
	mux := http.NewServeMux()
	if _, err := all.Mount(mux, all.Deps{Deps: api.Deps{DB: d, Auth: f.auth, Orgs: f.orgs, Members: f.mem, HTTP: httpx.Options{}}, Acts: f.acts, Courses: f.crs, Banks: f.banks, Contest: f.cts, Letters: f.lets, Survey: f.svs,
		Inbox: inbox.New(append(append(append(append(f.mem.InboxSources(), privacy.InboxSource(f.mem), exports.InboxSource(f.mem, time.Now), f.acts.InboxSource(), f.cts.InboxSource()), f.lets.InboxSources()...), f.works.InboxSources()...), append(f.cases.InboxSources(), f.ctr.InboxSource())...)...), Works: f.works, Contracts: f.ctr, Cases: f.cases}); err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(checked(t, mux))
	t.Cleanup(f.srv.Close)
	return f
}

// expand replaces {name} with the fixture's IDs.
// staff makes the account name over the organisation f.ids[org] names,
// with roles; {user:name} then names its ID.
func (f *fixture) staff(name, org string, roles ...auth.Role) {
	f.t.Helper()
	ctx := context.Background()
	orgID, _ := db.ParseID(f.ids[org])
	id, err := f.auth.Bootstrap(ctx, auth.NewUser{Username: name, Name: name, OrgID: orgID, Password: password}, roles...)
	if err != nil {
		f.t.Fatalf("bootstrap %s: %v", name, err)
	}
	f.ids["user:"+name] = db.FormatID(id)
	// The administrative roles always need two-step verification; like
	// the demo, these fixture accounts are let in with a password alone
	// (the tests of two-step verification use accounts of their own).
	if len(roles) > 0 && slices.Contains(auth.AlwaysMFA, roles[0]) {
		if err := f.auth.MarkDemoAccount(ctx, id); err != nil {
			f.t.Fatal(err)
		}
	}
}

func (f *fixture) expand(s string) string {
	for k, v := range f.ids {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// token signs username in once and keeps the token.
func (f *fixture) token(username string) string {
	f.t.Helper()
	if tok, ok := f.tokens[username]; ok {
		return tok
	}
	tok := f.signIn(username, `{"username":"`+username+`","password":"`+password+`"}`)
	f.tokens[username] = tok
	return tok
}

// signIn posts credentials to /auth/token and answers the token, failing
// the test without one.
func (f *fixture) signIn(who, credentials string) string {
	f.t.Helper()
	st, body := f.do("", "POST", "/api/v1/auth/token", credentials, nil)
	var out struct{ Token string }
	if err := json.Unmarshal([]byte(body), &out); st != http.StatusOK || err != nil || out.Token == "" {
		f.t.Fatalf("sign in %s: %d %s", who, st, body)
	}
	return out.Token
}

// answer is a response with its headers.
type answer struct {
	status int
	header http.Header
	body   string
}

// do sends one request; token "" sends none.
func (f *fixture) do(token, method, path, body string, hdr map[string]string) (int, string) {
	f.t.Helper()
	var rd io.Reader
	ctype := ""
	if body != "" {
		rd, ctype = strings.NewReader(f.expand(body)), "application/json"
	}
	res := f.request(token, method, path, ctype, rd, hdr)
	return res.status, res.body
}

// send is do with the response headers and any content type.
func (f *fixture) send(token, method, path, ctype string, body io.Reader) answer {
	f.t.Helper()
	return f.request(token, method, path, ctype, body, nil)
}

// request sends one request; token and ctype "" send no header, and hdr's
// headers go last.
func (f *fixture) request(token, method, path, ctype string, body io.Reader, hdr map[string]string) answer {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+f.expand(path), body)
	if err != nil {
		f.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, string(b)}
}

// workbook fetches the .xlsx at path as username, checks that it comes as
// the attachment file, and answers the rows of its first sheet.
func (f *fixture) workbook(as, path, file string) [][]string {
	f.t.Helper()
	res := f.send(f.token(as), "GET", path, "", nil)
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Disposition"), file) {
		f.t.Fatalf("%s: %d %v %s", path, res.status, res.header, res.body)
	}
	return sheetRows(f.t, res.body)
}

// sheetRows reads the rows of a workbook's first sheet.
func sheetRows(t testing.TB, body string) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Step is one request of a scenario and what it must answer.
type Step struct {
	name   string
	as     string // username whose token goes along; "" for none
	method string
	path   string
	body   string
	hdr    map[string]string
	status int
	want   []string // fragments the body must contain ({name} expanded)
	not    []string // fragments it must not contain
}

func (f *fixture) run(steps []Step) {
	f.t.Helper()
	for _, s := range steps {
		tok := ""
		if s.as != "" {
			tok = f.token(s.as)
		}
		st, body := f.do(tok, s.method, s.path, f.expand(s.body), s.hdr)
		if st != s.status {
			f.t.Errorf("%s: %s %s: status %d, want %d; body %s", s.name, s.method, s.path, st, s.status, body)
			continue
		}
		for _, w := range s.want {
			if !strings.Contains(body, f.expand(w)) {
				f.t.Errorf("%s: body lacks %q: %s", s.name, f.expand(w), body)
			}
		}
		for _, w := range s.not {
			if strings.Contains(body, f.expand(w)) {
				f.t.Errorf("%s: body has %q: %s", s.name, f.expand(w), body)
			}
		}
	}
}

// getJSON fetches path as username and decodes the answer.
func (f *fixture) getJSON(as, path string, v any) {
	f.t.Helper()
	st, body := f.do(f.token(as), "GET", path, "", nil)
	if st != http.StatusOK {
		f.t.Fatalf("GET %s: %d %s", path, st, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		f.t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}
