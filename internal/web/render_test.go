package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"gonghui/internal/i18n"
)

// samplePage exercises the components the way product pages will: a page
// file with the "content" and "actions" slots.
const samplePage = `{{define "actions"}}<a class="btn btn-primary" href="/orgs/new">新建组织</a>{{end}}
{{define "content"}}
<ul class="stats">
  <li class="stat"><span class="stat-label">会员</span><span class="stat-value">{{num .Data.Members}}</span></li>
  <li class="stat"><span class="stat-label">入会率</span><span class="stat-value">{{pct .Data.Joined .Data.Workers}}</span></li>
  <li class="stat"><span class="stat-label">基层工会</span><span class="stat-value">{{num 1024}}</span></li>
  <li class="stat"><span class="stat-label">建会率</span><span class="stat-value">{{pct 871 1000}}</span></li>
</ul>
<div class="detail">
<div class="detail-main">
<form class="toolbar" method="get" action="/orgs">
  {{template "field" (dict "Page" . "Name" "q" "Label" "名称" "Type" "search" "Value" "大栅栏" "Class" "field-grow")}}
  {{template "field" (dict "Page" . "Name" "kind" "Label" "类型" "Type" "select" "Options" .Data.Kinds "Value" "street")}}
  <button class="btn js-hide" type="submit">筛选</button>
</form>
<div class="table-wrap" tabindex="0" role="region" aria-label="组织列表">
<table class="table">
  <thead><tr><th>名称</th><th>类型</th><th class="num">会员</th><th>状态</th><th>成立日期</th></tr></thead>
  <tbody>
  {{- range .Data.Rows}}
  <tr><td><a href="/orgs/{{.ID}}">{{.Name}}</a></td><td>{{.Kind}}</td><td class="num">{{num .Members}}</td><td>{{template "badge" (dict "Label" .Status "Variant" .Variant)}}</td><td class="nowrap">{{.Founded}}</td></tr>
  {{- end}}
  </tbody>
</table>
</div>
{{template "pager" (dict "Page" . "Next" "/orgs?cursor=abc" "HasPrev" true "Info" "共 1,234 条")}}
<h2>下级组织</h2>
<ul class="tree">
{{- range .Data.Tree}}{{template "tree_node" .}}{{end}}
</ul>
<h2>暂无活动</h2>
{{template "empty" (dict "Message" "还没有活动。" "Hint" "发布第一个活动，会员就能在手机上报名。" "ActionURL" "/activities/new" "ActionLabel" "发布活动")}}
</div>
<aside class="detail-aside">
<section class="card">
  <div class="card-head"><h2 class="card-title">基本信息</h2>{{template "badge" (dict "Label" "街道总工会" "Variant" "accent")}}</div>
  <dl class="kv">
    <dt>统一社会信用代码</dt><dd class="mono">81110101MC1234567X</dd>
    <dt>上级工会</dt><dd><a href="/orgs/2">东城区总工会</a></dd>
    <dt>主席</dt><dd>王建国</dd>
  </dl>
</section>
<section class="card">
  <h2 class="card-title">编辑</h2>
  <form class="form" method="post" action="/orgs/1">
    {{template "form_message" .}}
    {{template "csrf" .}}
    {{template "field" (dict "Page" . "Name" "name" "Label" "名称" "Required" true "Value" "大栅栏街道总工会" "Hint" "全称，不超过 60 个字。")}}
    {{template "field" (dict "Page" . "Name" "credit_code" "Label" "统一社会信用代码" "Required" true "NoSpell" true)}}
    {{template "field" (dict "Page" . "Name" "sector" "Label" "性质" "Type" "radio" "Options" (list (option "public" "公有制") (option "private" "非公有制")) "Value" "private")}}
    {{template "field" (dict "Page" . "Name" "note" "Label" "备注" "Type" "textarea" "Rows" 3)}}
    {{template "field" (dict "Page" . "Name" "new_forms" "Label" "新就业形态" "Type" "checkbox" "Value" "1")}}
    {{template "field" (dict "Page" . "Name" "secret" "Label" "口令" "Type" "password")}}
    <div class="form-actions">
      <button class="btn btn-primary" type="submit">保存</button>
      <a class="btn" href="/orgs/1">取消</a>
      <button class="btn btn-danger btn-small" type="submit" formaction="/orgs/1/delete" data-confirm="确定删除？">删除</button>
    </div>
  </form>
</section>
</aside>
</div>
{{end}}`

// multiPage holds two pages with prefixed slots and a fragment.
const multiPage = `{{define "alpha.content"}}<p id="alpha">alpha {{.Data}}</p>{{end}}
{{define "beta.content"}}<p id="beta">beta</p>{{template "beta_row" "x"}}{{end}}
{{define "beta.actions"}}<a class="btn" id="beta-action" href="/b">b</a>{{end}}
{{define "beta_row"}}<li class="row-{{.}}">{{.}}</li>{{end}}
{{define "children"}}{{range .}}{{template "tree_node" .}}{{end}}{{end}}
{{define "gamma"}}{{template "layout" .}}{{end}}
{{define "gamma.content"}}<p id="gamma">gamma</p>{{end}}
{{define "delta"}}<!doctype html><title>delta</title><p id="delta">{{.Title}}</p>{{end}}`

type sampleRow struct {
	ID, Name, Kind, Status, Variant, Founded string
	Members                                  int
}

func sampleData(lang i18n.Lang) map[string]any {
	node := func(name, kind, meta, url string, kids ...map[string]any) map[string]any {
		m := map[string]any{"Lang": lang, "Name": name, "URL": "/orgs/" + url, "Kind": kind, "Meta": meta, "ChildrenURL": "/orgs/" + url + "/children"}
		if kids != nil {
			m["Children"] = kids
		}
		return m
	}
	leaf := map[string]any{"Lang": lang, "Name": "前门社区工会小组", "Kind": "工会小组", "Meta": "12 名会员", "URL": "/orgs/9"}
	return map[string]any{
		"Members": 90000, "Joined": 871, "Workers": 1000,
		"Kinds": []Option{{"city", "市总工会"}, {"district", "区总工会"}, {"street", "街道总工会"}},
		"Rows": []sampleRow{
			{"1", "大栅栏街道总工会", "街道总工会", "正常", "success", "1998-05-01", 12034},
			{"2", "前门联合工会", "联合工会", "筹建中", "warning", "2023-11-20", 356},
			{"3", "北京某某快递有限公司工会", "基层工会", "已撤销", "danger", "2010-03-15", 0},
			{"4", "<b>琉璃厂</b>文化街工会", "基层工会", "待审核", "info", "2024-01-08", 88},
		},
		"Tree": []map[string]any{
			node("北京市总工会", "市总工会", "16 个下级 · 3,400,000 名会员", "1",
				node("东城区总工会", "区总工会", "17 个下级 · 210,000 名会员", "2",
					node("大栅栏街道总工会", "街道总工会", "32 个下级 · 12,034 名会员", "3", leaf)),
				node("西城区总工会", "区总工会", "15 个下级 · 198,500 名会员", "4")),
		},
	}
}

func samplePageFor(lang i18n.Lang) *Page {
	return &Page{
		Lang:  lang,
		Title: "组织 <script>alert(1)</script>",
		User: &UserView{ID: "7", Username: "wangli", Name: "王丽",
			Roles:         []string{"会籍管理员 · 大栅栏街道总工会", "统计员 · 东城区总工会"},
			CanAdminUsers: true, CanAudit: false, CanSecurity: true},
		CSRF:   "tok<&>en",
		Nav:    "orgs",
		Crumbs: []Crumb{{"首页", "/"}, {"东城区总工会", "/orgs/2"}, {"大栅栏街道总工会", ""}},
		Flash:  "已保存。",
		Path:   "/orgs?q=大栅栏&kind=street",
		Form: &Form{
			Values:  map[string]string{"name": "", "credit_code": "91110000<x>", "secret": "hunter2", "sector": "public", "new_forms": ""},
			Errors:  map[string]string{"name": "必填。", "credit_code": "统一社会信用代码应为 18 位。"},
			Message: "提交的内容有误，请按提示修改。",
		},
		Data: sampleData(lang),
	}
}

// testFS is the real templates plus the sample pages.
func testFS(t testing.TB, extra map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, name := range []string{"layout.html", "components.html", "login.html", "error.html"} {
		b, err := fs.ReadFile(templateFS, "templates/"+name)
		if err != nil {
			t.Fatal(err)
		}
		m["templates/"+name] = &fstest.MapFile{Data: b}
	}
	for name, text := range extra {
		m["templates/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

func testRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := newRenderer(testFS(t, map[string]string{"sample.html": samplePage, "multi.html": multiPage}))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func render(t testing.TB, r *Renderer, status int, name string, p *Page) (*httptest.ResponseRecorder, string) {
	t.Helper()
	w := httptest.NewRecorder()
	r.Render(w, status, name, p)
	return w, w.Body.String()
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, s := range wants {
		if !strings.Contains(body, s) {
			t.Errorf("output lacks %q", s)
		}
	}
}

func mustNotContain(t *testing.T, body string, nots ...string) {
	t.Helper()
	for _, s := range nots {
		if strings.Contains(body, s) {
			t.Errorf("output has %q", s)
		}
	}
}

func TestEmbeddedTemplatesParse(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"login", "error"} {
		if !r.HasPage(p) {
			t.Errorf("page %s missing", p)
		}
	}
}

func TestSamplePage(t *testing.T) {
	r := testRenderer(t)
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			w, body := render(t, r, http.StatusUnprocessableEntity, "sample", samplePageFor(lang))
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", w.Code)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cl := w.Header().Get("Content-Language"); cl != string(lang) {
				t.Errorf("Content-Language %q", cl)
			}
			if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			T := func(k string, a ...any) string { return template.HTMLEscapeString(i18n.T(lang, k, a...)) }
			mustContain(t, body,
				`<html lang="`+string(lang)+`"`,
				`<title>组织 &lt;script&gt;alert(1)&lt;/script&gt; · `+T("app.name")+`</title>`,
				`<h1>组织 &lt;script&gt;alert(1)&lt;/script&gt;</h1>`,
				`href="#main">`+T("web.skip_to_content")+`</a>`,
				`<link rel="stylesheet" href="`+AssetURL("app.css")+`">`,
				`<script src="`+AssetURL("app.js")+`" defer></script>`,
				// nav
				`<a href="/orgs" aria-current="page">`+T("web.nav.orgs")+`</a>`,
				`<a href="/employers">`+T("web.nav.employers")+`</a>`,
				`<a href="/users">`+T("web.nav.users")+`</a>`,
				`<a href="/security">`+T("web.nav.security")+`</a>`,
				`<form method="post" action="/logout" class="menu-form">`,
				`<input type="hidden" name="csrf_token" value="tok&lt;&amp;&gt;en">`,
				T("web.nav.logout"), T("web.nav.account"), "会籍管理员 · 大栅栏街道总工会", "王丽",
				// crumbs, flash, actions
				`<a href="/orgs/2">东城区总工会</a>`, `<span aria-current="page">大栅栏街道总工会</span>`,
				`<div class="alert alert-success" role="status">`, "已保存。",
				`<a class="btn btn-primary" href="/orgs/new">新建组织</a>`,
				// numbers and table
				"90,000", "87.1%", "1,024", `&lt;b&gt;琉璃厂&lt;/b&gt;文化街工会`,
				`<span class="badge badge-warning">筹建中</span>`,
				// form-level message and inline errors
				`<div class="alert alert-error" role="alert">`, "提交的内容有误，请按提示修改。",
				`id="f-name" name="name" value="" required aria-invalid="true" aria-describedby="f-name-hint f-name-error">`,
				`<p class="field-error" id="f-name-error">`, `<p class="field-hint" id="f-name-hint">全称，不超过 60 个字。</p>`,
				`value="91110000&lt;x&gt;"`,
				`aria-describedby="f-credit_code-error"`,
				`<input type="radio" id="f-sector-0" name="sector" value="public" checked>`,
				`<input type="checkbox" id="f-new_forms" name="new_forms" value="1">`,
				`<option value="street" selected>街道总工会</option>`,
				`<option value="">`+T("web.form.choose")+`</option>`,
				`value="大栅栏"`,
				`data-confirm="确定删除？"`,
				// pager
				`<a class="btn btn-small" href="/orgs?cursor=abc" rel="next">`, T("web.pager.next"),
				`href="/orgs?kind=street&amp;q=%E5%A4%A7%E6%A0%85%E6%A0%8F">`, T("web.pager.first"),
				// tree
				`data-children-url="/orgs/1/children" aria-expanded="true" data-loaded="true"`,
				`data-children-url="/orgs/4/children" aria-expanded="false" aria-label="`+T("web.tree.toggle", "西城区总工会")+`"`,
				`<ul class="tree-children" hidden>`,
				`<span class="tree-spacer" aria-hidden="true"></span>`,
				`<a class="tree-name" href="/orgs/9">前门社区工会小组</a>`,
				// empty state
				`<p class="empty-message">还没有活动。</p>`, `<a class="btn btn-primary" href="/activities/new">发布活动</a>`,
				// language switch
				`/lang?to=`, `back=%2forgs%3fq%3d%e5%a4%a7%e6%a0%85%e6%a0%8f%26kind%3dstreet`,
				T("web.footer.tagline"),
			)
			mustNotContain(t, body, "<script>alert", "hunter2", `href="/audit"`, "<b>琉璃厂", "<no value>", "%!")
			if lang == i18n.EN {
				mustContain(t, body, `lang="zh-CN" hreflang="zh-CN"`, `<span>中文</span>`)
			} else {
				mustContain(t, body, `lang="en" hreflang="en"`, `<span>English</span>`)
			}
		})
	}
}

func TestSignedOutLayout(t *testing.T) {
	r := testRenderer(t)
	w, body := render(t, r, 200, "alpha", &Page{Title: "A", Data: 42})
	mustContain(t, body, `<p id="alpha">alpha 42</p>`, `<html lang="zh-CN"`, `/lang?to=en&amp;back=%2f`)
	mustNotContain(t, body, "site-nav", "/logout", "<h1>A</h1>\n      <div class=\"page-actions\"><a")
	if w.Header().Get("Cache-Control") != "" {
		t.Errorf("signed-out page got Cache-Control %q", w.Header().Get("Cache-Control"))
	}
}

func TestPrefixedPagesAndFragments(t *testing.T) {
	r := testRenderer(t)
	_, body := render(t, r, 200, "beta", &Page{Title: "B"})
	mustContain(t, body, `<p id="beta">beta</p>`, `<li class="row-x">x</li>`, `id="beta-action"`)
	mustNotContain(t, body, `id="alpha"`)
	_, body = render(t, r, 200, "alpha", &Page{Title: "A"})
	mustNotContain(t, body, `id="beta`)
	// The {{define "name"}}{{template "layout" .}}{{end}} spelling works too.
	_, body = render(t, r, 200, "gamma", &Page{Title: "G"})
	mustContain(t, body, `<p id="gamma">gamma</p>`, `<h1>G</h1>`)
	_, body = render(t, r, 200, "delta", &Page{Title: "D<"})
	mustContain(t, body, `<p id="delta">D&lt;</p>`)

	w := httptest.NewRecorder()
	r.Fragment(w, 200, "children", sampleData(i18n.EN)["Tree"])
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("fragment Content-Type %q", ct)
	}
	frag := w.Body.String()
	mustContain(t, frag, `<li class="tree-item">`, `北京市总工会`, i18n.T(i18n.EN, "web.tree.toggle", "西城区总工会"))
	mustNotContain(t, frag, "<html", "<body")

	w = httptest.NewRecorder()
	r.Fragment(w, 200, "badge", map[string]any{"Label": "<i>x</i>", "Variant": "success"})
	if got := w.Body.String(); got != `<span class="badge badge-success">&lt;i&gt;x&lt;/i&gt;</span>` {
		t.Errorf("badge fragment: %s", got)
	}
}

func TestLogin(t *testing.T) {
	r := testRenderer(t)
	for _, lang := range i18n.Langs {
		T := func(k string) string { return template.HTMLEscapeString(i18n.T(lang, k)) }
		p := &Page{Lang: lang, Title: i18n.T(lang, "web.login.title"), CSRF: "c1", Path: "/login",
			Form: &Form{Values: map[string]string{"username": "wang<li>", "password": "secret"},
				Errors: map[string]string{"password": "wrong"}, Message: "用户名或密码不正确"},
			Data: LoginData{Next: "/orgs?x=1"}}
		_, body := render(t, r, 200, "login", p)
		mustContain(t, body, `action="/login"`, `name="csrf_token" value="c1"`,
			`name="next" value="/orgs?x=1"`, `value="wang&lt;li&gt;"`, `autocomplete="current-password"`,
			`autocomplete="username"`, "用户名或密码不正确", `<p class="field-error" id="f-password-error">`,
			T("web.login.username"), T("web.login.password"), T("web.login.submit"), `type="password" id="f-password" name="password" autocomplete`)
		mustNotContain(t, body, "secret", "/login/totp", "site-nav")

		p = &Page{Lang: lang, CSRF: "c2", Data: map[string]any{"TOTPStep": true},
			Form: &Form{Errors: map[string]string{"code": "bad code"}}}
		_, body = render(t, r, 200, "login", p)
		mustContain(t, body, `action="/login/totp"`, `name="csrf_token" value="c2"`, `name="code"`,
			`autocomplete="one-time-code"`, `maxlength="11"`, T("web.login.code_or_recovery"),
			"bad code", T("web.login.totp_title"), T("web.login.verify"), `href="/login"`,
			template.HTMLEscapeString(i18n.T(lang, "error.validation_failed")))
		mustNotContain(t, body, `name="password"`)
	}
	// No data at all is the first step.
	_, body := render(t, r, 200, "login", &Page{})
	mustContain(t, body, `action="/login"`, `name="password"`)
}

func TestErrorPage(t *testing.T) {
	r := testRenderer(t)
	for _, lang := range i18n.Langs {
		w, body := render(t, r, 404, "error", &Page{Lang: lang, Data: ErrorData{Message: "没有 <这个> 组织"}})
		if w.Code != 404 {
			t.Errorf("status %d", w.Code)
		}
		mustContain(t, body, `404</p>`, "没有 &lt;这个&gt; 组织", `<a class="btn btn-primary" href="/">`,
			template.HTMLEscapeString(i18n.T(lang, "web.error.home")), template.HTMLEscapeString(i18n.T(lang, "web.error.title")))
		_, body = render(t, r, 403, "error", &Page{Lang: lang, User: &UserView{Name: "x"}})
		mustContain(t, body, "403</p>", template.HTMLEscapeString(i18n.T(lang, "error.forbidden")), "site-nav")
		_, body = render(t, r, 500, "error", &Page{Lang: lang, Data: map[string]any{"Message": "m1"}})
		mustContain(t, body, "500</p>", "m1")
	}
}

func TestRenderFailures(t *testing.T) {
	r := testRenderer(t)
	w, body := render(t, r, 200, "nope", &Page{Lang: i18n.EN})
	if w.Code != 500 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("unknown page: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	mustContain(t, body, i18n.T(i18n.EN, "error.internal"))

	// An execution error mid-page sends nothing of the page.
	r2, err := newRenderer(testFS(t, map[string]string{"bad.html": `{{define "content"}}<p>x</p>{{.Data.Missing.Field}}{{end}}`}))
	if err != nil {
		t.Fatal(err)
	}
	w, body = render(t, r2, 200, "bad", &Page{Data: 3})
	if w.Code != 500 || strings.Contains(body, "<html") {
		t.Errorf("failed page: %d %q", w.Code, body)
	}
	w = httptest.NewRecorder()
	r2.Fragment(w, 200, "nope", nil)
	if w.Code != 500 {
		t.Errorf("unknown fragment: %d", w.Code)
	}
}

func TestNewRendererRejects(t *testing.T) {
	cases := map[string]map[string]string{
		"duplicate page":      {"a.html": `{{define "x.content"}}{{end}}`, "b.html": `{{define "x.content"}}{{end}}`},
		"page and file":       {"x.html": `{{define "content"}}{{end}}`, "b.html": `{{define "x.content"}}{{end}}`},
		"duplicate fragment":  {"a.html": `{{define "frag"}}{{end}}`, "b.html": `{{define "frag"}}{{end}}`},
		"redefined component": {"a.html": `{{define "content"}}{{end}}{{define "field"}}{{end}}`},
		"syntax":              {"a.html": `{{define "content"}}{{if}}{{end}}`},
		"escaping":            {"a.html": `{{define "content"}}<a href="{{.Path}}{{end}}`},
		"unknown asset":       {"a.html": `{{define "content"}}{{asset "nope.css"}}{{end}}`},
	}
	for name, files := range cases {
		_, err := newRenderer(testFS(t, files))
		if name == "unknown asset" {
			// Not caught at parse time; caught when rendering.
			r, err := newRenderer(testFS(t, files))
			if err != nil {
				t.Fatal(err)
			}
			if w, _ := render(t, r, 200, "a", &Page{}); w.Code != 500 {
				t.Errorf("unknown asset rendered with %d", w.Code)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestFuncs(t *testing.T) {
	cases := []struct{ got, want string }{
		{Num(0), "0"}, {Num(999), "999"}, {Num(1000), "1,000"}, {Num(-1234567), "-1,234,567"}, {Num(int64(90000)), "90,000"},
		{Pct(1, 3), "33.3%"}, {Pct(5, 0), "—"},
		{SetQuery("/orgs?q=a&cursor=x", "cursor", ""), "/orgs?q=a"},
		{SetQuery("/orgs", "cursor", "a b"), "/orgs?cursor=a+b"},
		{SetQuery("", "sort", "name"), "/?sort=name"},
		{fieldID("items[0].name"), "f-items-0--name"},
		{describedBy("f-x", "h", ""), "f-x-hint"},
		{describedBy("f-x", nil, "e"), "f-x-error"},
		{fmt.Sprint(get(ErrorData{Message: "m"}, "Message")), "m"},
		{fmt.Sprint(get(&LoginData{TOTPStep: true}, "TOTPStep")), "true"},
		{fmt.Sprint(get(map[string]any{"a": 1}, "a")), "1"},
		{fmt.Sprint(get(nil, "a")), "<nil>"},
		{fmt.Sprint(get(3, "a")), "<nil>"},
		{fmt.Sprint(get((*LoginData)(nil), "TOTPStep")), "<nil>"},
		{fmt.Sprint(defaultFunc("—", "")), "—"},
		{fmt.Sprint(defaultFunc("—", "x")), "x"},
		{statusKey(404), "error.not_found"},
		{tFunc("en", "web.nav.home"), "Home"},
		{tFunc(nil, "web.nav.home"), "首页"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if s, err := join([]string{"a", "b"}, " · "); err != nil || s != "a · b" {
		t.Errorf("join: %q %v", s, err)
	}
	if s, err := join([]any{1, "b"}, ","); err != nil || s != "1,b" {
		t.Errorf("join any: %q %v", s, err)
	}
	if _, err := dict("a"); err == nil {
		t.Error("dict with odd args")
	}
	if _, err := dict(1, 2); err == nil {
		t.Error("dict with non-string key")
	}
	if n, err := arith(3, int64(4), 1); err != nil || n != 7 {
		t.Errorf("add: %d %v", n, err)
	}
	if n, err := arith(3, 4, -1); err != nil || n != -1 {
		t.Errorf("sub: %d %v", n, err)
	}
	if _, err := Asset("nope"); err == nil {
		t.Error("asset of unknown file")
	}
}

func TestPageHelpersNilSafe(t *testing.T) {
	var p *Page
	if p.FieldError("x") != "" || p.Value("x") != "" || p.Status() != 0 || p.T("web.nav.home") != "首页" {
		t.Error("nil page helpers")
	}
	p = &Page{Lang: i18n.EN, Form: &Form{Values: map[string]string{"a": "1"}, Errors: map[string]string{"a": "bad"}}}
	if p.Value("a") != "1" || p.FieldError("a") != "bad" || p.T("web.nav.home") != "Home" {
		t.Error("page helpers")
	}
}

// TestSnapshot writes the sample pages and the static files to
// $GONGHUI_WEB_SNAPSHOT, for looking at them in a browser:
//
//	GONGHUI_WEB_SNAPSHOT=/tmp/shot go test ./internal/web -run Snapshot
//	cd /tmp/shot && python3 -m http.server
func TestSnapshot(t *testing.T) {
	dir := os.Getenv("GONGHUI_WEB_SNAPSHOT")
	if dir == "" {
		t.Skip("GONGHUI_WEB_SNAPSHOT not set")
	}
	r := testRenderer(t)
	write := func(name string, status int, page string, p *Page) {
		w := httptest.NewRecorder()
		r.Render(w, status, page, p)
		if err := os.WriteFile(filepath.Join(dir, name), w.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, f := range statics() {
		p := filepath.Join(dir, "static", f.hash, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := httptest.NewRecorder()
	r.Fragment(w, 200, "children", sampleData(i18n.ZH)["Tree"])
	os.MkdirAll(filepath.Join(dir, "orgs", "4"), 0o755)
	os.WriteFile(filepath.Join(dir, "orgs", "4", "children"), w.Body.Bytes(), 0o644)
	for _, lang := range i18n.Langs {
		p := samplePageFor(lang)
		p.Title = "大栅栏街道总工会"
		write("index."+string(lang)+".html", 200, "sample", p)
		write("login."+string(lang)+".html", 200, "login", &Page{Lang: lang, Title: i18n.T(lang, "web.login.title"),
			Form: &Form{Values: map[string]string{"username": "wangli"}, Errors: map[string]string{"password": i18n.T(lang, "field.required")}, Message: i18n.T(lang, "error.validation_failed")}})
		write("totp."+string(lang)+".html", 200, "login", &Page{Lang: lang, Data: LoginData{TOTPStep: true}})
		write("error."+string(lang)+".html", 404, "error", &Page{Lang: lang, User: p.User})
	}
}
