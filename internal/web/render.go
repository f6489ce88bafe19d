// Package web renders the HTML pages of gonghui: the embedded templates, the
// static files (see assets.go) and the view types handlers fill in.
//
// # Writing a page template
//
// Every file templates/NAME.html other than layout.html and components.html
// is parsed into its own copy of the base set (layout + components), so pages
// can all use the same slot names without clashing. The layout has four slots
// a page may fill with {{define}}:
//
//	content  the page body under the title (the usual one)
//	actions  buttons shown beside the <h1> (optional)
//	head     extra tags in <head> (optional)
//	main     the whole <main> inside the page chrome, replacing breadcrumbs,
//	         flash, title and content (login and error pages use it)
//
// One page per file: templates/org_list.html
//
//	{{define "content"}}
//	  <div class="table-wrap">…</div>
//	  {{template "pager" (dict "Page" . "Next" .Data.Next "HasPrev" .Data.HasPrev)}}
//	{{end}}
//	{{define "actions"}}<a class="btn btn-primary" href="/orgs/new">{{.T "org.new"}}</a>{{end}}
//
// rendered with r.Render(w, http.StatusOK, "org_list", page).
//
// Several pages per file: prefix the slots with the page name, e.g. in
// templates/org.html define "org_list.content", "org_list.actions",
// "org_show.content"; then Render(w, 200, "org_show", page).
//
// Any other {{define "x"}} in a page file is a fragment, rendered alone by
// r.Fragment(w, 200, "x", data) (e.g. the <li> items of a lazily loaded tree
// level) and callable with {{template "x" …}} from pages of the same file.
// Render also accepts a fragment name as a page, for the spelling
// {{define "org_show"}}{{template "layout" .}}{{end}} + {{define "org_show.content"}}.
// Page and fragment names must be unique across files, and a page file may not
// redefine a component of components.html; NewRenderer reports both.
//
// Inside a page, "." is the *Page: .T "key" args… translates, .Data is the
// handler's data, .Form/.FieldError/.Value serve forms. Components are called
// with dict: {{template "field" (dict "Page" . "Name" "name" "Label" (.T "org.name") "Required" true)}}.
// See components.html for each component's parameters.
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// Crumb is one breadcrumb; the last one usually has no URL (the current page).
type Crumb struct{ Label, URL string }

// UserView is the signed-in user as the layout shows them.
type UserView struct {
	ID, Username, Name string
	Roles              []string // translated, e.g. "会籍管理员 · 大栅栏街道总工会"
	CanAdminUsers      bool
	CanAudit           bool
	CanSecurity        bool
	CanMembers         bool
	CanActivities      bool // holds activity.read or activity.write somewhere
	CanContests        bool // holds contest.read or contest.write somewhere (question banks)
	CanLetters         bool // holds letter.read or letter.write somewhere (the suggestion box)
	CanContracts       bool // holds contract.read or contract.write somewhere (collective contracts)
	CanStations        bool // holds station.read or station.write somewhere
	CanCases           bool // holds case.read or case.write somewhere (rights cases)
	CanCongress        bool // holds congress.read or congress.write somewhere
	Inbox              int  // things waiting for this person's decision: the home link's badge
}

// Form carries a submitted form back to the page after a failed submission.
type Form struct {
	Values  map[string]string // submitted values, to refill inputs
	Errors  map[string]string // field name -> translated message
	Message string            // translated form-level message, shown at the top of the form
}

// Option is one choice of a select or a radio group.
type Option struct{ Value, Label string }

// Col is a column heading of the "table_open" component with a class, e.g.
// "num" for a right-aligned number; a sortable one (SortCols) links to URL
// and, when the list is sorted by it, has Sort "ascending" or "descending".
type Col struct{ Label, Class, URL, Sort string }

// Tab is one link of the "tabs" component (see FilterTabs).
type Tab struct {
	Label, URL string
	Current    bool
}

// LoginData is the Data of the "login" page.
type LoginData struct {
	TOTPStep bool   // show the one-time-code step (posts to /login/totp)
	Next     string // where to go after signing in (hidden input "next"), optional
	Demo     bool   // a --demo server: the demo's accounts need no second factor
}

// ErrorData is the Data of the "error" page. Message is translated; when it
// is empty the page shows a generic message for the status. Home is where
// the page's one button leads ("" for the staff workbench), HomeLabel its
// translated label.
type ErrorData struct{ Message, Home, HomeLabel string }

// Page is what every page template receives as ".".
type Page struct {
	Lang   i18n.Lang
	Title  string    // translated title for <title> and <h1>
	User   *UserView // nil when signed out
	CSRF   string    // token for hidden input name="csrf_token"
	Nav    string    // active nav item: "home", "orgs", "employers", "users", "audit", "security", "account"
	Crumbs []Crumb
	Flash  string // translated one-off notice (success), shown at top
	Path   string // current request URI (path?query), used by the language switch
	Form   *Form
	Data   any    // page-specific data
	Home   string // where the brand in the top bar leads; "" means "/"

	status int // set by Render
}

// T translates key into the page's language.
func (p *Page) T(key string, args ...any) string {
	if p == nil {
		return i18n.T(i18n.ZH, key, args...)
	}
	return i18n.T(p.Lang, key, args...)
}

// FieldError returns the translated error of a form field, or "".
func (p *Page) FieldError(name string) string {
	if p == nil || p.Form == nil {
		return ""
	}
	return p.Form.Errors[name]
}

// Value returns the submitted value of a form field, or "".
func (p *Page) Value(name string) string {
	if p == nil || p.Form == nil {
		return ""
	}
	return p.Form.Values[name]
}

// Status is the HTTP status the page is being rendered with.
func (p *Page) Status() int {
	if p == nil {
		return 0
	}
	return p.status
}

// slots are the templates the layout calls that a page may define.
var slots = []string{"content", "actions", "head", "main"}

// baseFiles make up the set every page file is parsed into, with every
// templates/*.components.html a page package registers: components shared
// by several modules' pages (e.g. the sign-up part's tables) live there.
var baseFiles = []string{"layout.html", "components.html"}

// isBase reports whether a template file joins the base set.
func isBase(name string) bool {
	return slices.Contains(baseFiles, name) || strings.HasSuffix(name, ".components.html")
}

// Renderer holds the parsed templates. It is safe for concurrent use.
type Renderer struct {
	pages     map[string]*template.Template // page name -> set whose "layout" renders it
	fragments map[string]*template.Template // template name -> a set defining it
}

// NewRenderer parses the embedded templates. It fails on a syntax or escaping
// error, a duplicate page or fragment name, or a page file redefining a
// component.
func NewRenderer() (*Renderer, error) {
	return newRenderer(siteFiles())
}

func newRenderer(fsys fs.FS) (*Renderer, error) {
	base := template.New("base").Funcs(funcMap())
	extra, err := fs.Glob(fsys, "templates/*.components.html")
	if err != nil {
		return nil, err
	}
	bases := slices.Clone(baseFiles)
	for _, f := range extra {
		bases = append(bases, path.Base(f))
	}
	for _, f := range bases {
		b, err := fs.ReadFile(fsys, "templates/"+f)
		if err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		if _, err := base.New(f).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
	}
	baseNames := map[string]bool{}
	for _, t := range base.Templates() {
		baseNames[t.Name()] = true
	}
	r := &Renderer{pages: map[string]*template.Template{}, fragments: map[string]*template.Template{}}
	components, err := base.Clone()
	if err != nil {
		return nil, err
	}
	for name := range baseNames {
		if name != "base" && !isBase(name) && !slices.Contains(slots, name) {
			r.fragments[name] = components
		}
	}

	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		fname := path.Base(file)
		if isBase(fname) {
			continue
		}
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		text := string(b)
		// Parse alone first to learn what the file defines.
		probe, err := template.New(fname).Funcs(funcMap()).Parse(text)
		if err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		var defs []string
		for _, t := range probe.Templates() {
			if t.Name() != fname {
				defs = append(defs, t.Name())
			}
		}
		slices.Sort(defs)

		set, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.New(fname).Parse(text); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}

		// Page names: the file's own name if it fills "content" or "main"
		// directly, and every X of an "X.content" or "X.main".
		prefixed := map[string]bool{}
		var direct bool
		for _, d := range defs {
			if d == "content" || d == "main" {
				direct = true
			}
			if p, slot, ok := cutSlot(d); ok && (slot == "content" || slot == "main") {
				prefixed[p] = true
			}
		}
		addPage := func(name string, t *template.Template) error {
			if _, dup := r.pages[name]; dup {
				return fmt.Errorf("web: %s: page %q is defined twice", fname, name)
			}
			r.pages[name] = t
			return nil
		}
		for _, d := range defs {
			if slices.Contains(slots, d) {
				continue
			}
			if _, _, ok := cutSlot(d); ok {
				continue
			}
			if baseNames[d] {
				return nil, fmt.Errorf("web: %s redefines %q of the base templates; pick another name", fname, d)
			}
			if _, dup := r.fragments[d]; dup {
				return nil, fmt.Errorf("web: %s: template %q is defined in two files", fname, d)
			}
			r.fragments[d] = set
		}
		for _, p := range slices.Sorted(maps.Keys(prefixed)) {
			ps, err := set.Clone()
			if err != nil {
				return nil, err
			}
			for _, slot := range slots {
				if slices.Contains(defs, p+"."+slot) {
					alias := fmt.Sprintf(`{{define %q}}{{template %q .}}{{end}}`, slot, p+"."+slot)
					if _, err := ps.New("alias:" + p + "." + slot).Parse(alias); err != nil {
						return nil, err
					}
				}
			}
			if err := addPage(p, ps); err != nil {
				return nil, err
			}
		}
		if direct {
			if err := addPage(strings.TrimSuffix(fname, ".html"), set); err != nil {
				return nil, err
			}
		}
	}

	// Run html/template's contextual escaping now, so an escaping mistake
	// fails at startup rather than on the first request. Execution errors
	// (there is no data) are expected and ignored.
	var escErr *template.Error
	for name, t := range r.pages {
		if err := t.ExecuteTemplate(io.Discard, "layout", nil); errors.As(err, &escErr) {
			return nil, fmt.Errorf("web: page %s: %w", name, err)
		}
	}
	for name, t := range r.fragments {
		if err := t.ExecuteTemplate(io.Discard, name, nil); errors.As(err, &escErr) {
			return nil, fmt.Errorf("web: fragment %s: %w", name, err)
		}
	}
	return r, nil
}

// cutSlot splits "org_list.content" into "org_list", "content".
func cutSlot(name string) (page, slot string, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || !slices.Contains(slots, name[i+1:]) {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// HasPage reports whether a page of that name exists.
func (r *Renderer) HasPage(name string) bool {
	_, ok := r.pages[name]
	return ok
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render writes the page name (see the package comment) with status. The
// Page is rendered into a buffer first: on a template error nothing of it is
// sent, the error is logged and a plain 500 is written instead. Pages for a
// signed-in user are marked Cache-Control: no-store unless the handler set a
// Cache-Control itself.
func (r *Renderer) Render(w http.ResponseWriter, status int, name string, p *Page) {
	if p == nil {
		p = &Page{}
	}
	if p.Lang == "" {
		p.Lang = i18n.ZH
	}
	p.status = status
	t, entry := r.pages[name], "layout"
	if t == nil {
		// A page file may also spell a page as {{define "name"}}{{template "layout" .}}{{end}}.
		if t = r.fragments[name]; t == nil {
			slog.Error("web: no such page template", "page", name)
			plainError(w, p.Lang)
			return
		}
		entry = name
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, entry, p); err != nil {
		slog.Error("web: rendering page", "page", name, "err", err)
		plainError(w, p.Lang)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(p.Lang))
	h.Set("X-Content-Type-Options", "nosniff")
	if p.User != nil && h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Fragment writes the template name alone, without the layout, e.g. the
// children of a tree node fetched by app.js. data is whatever the template
// expects; when it is a *Page its Lang sets Content-Language.
func (r *Renderer) Fragment(w http.ResponseWriter, status int, name string, data any) {
	lang := i18n.ZH
	if p, ok := data.(*Page); ok && p != nil {
		if p.Lang != "" {
			lang = p.Lang
		} else {
			p.Lang = lang
		}
		p.status = status
	}
	t, ok := r.fragments[name]
	if !ok {
		slog.Error("web: no such fragment template", "fragment", name)
		plainError(w, lang)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		slog.Error("web: rendering fragment", "fragment", name, "err", err)
		plainError(w, lang)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(lang))
	h.Set("X-Content-Type-Options", "nosniff")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func plainError(w http.ResponseWriter, lang i18n.Lang) {
	w.Header().Set("Content-Language", string(lang))
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, i18n.T(lang, "error.internal"), http.StatusInternalServerError)
}

// funcMap holds the template functions:
//
//	asset NAME                 URL of a static file (error if unknown)
//	t LANG KEY ARGS…           translate (for fragments whose data is not a *Page)
//	dict K V K V…              map[string]any, to pass several values to a component
//	list A B C…                []any
//	option VALUE LABEL         an Option for "field" selects and radios
//	col LABEL CLASS, isCol V   a classed column heading of "table_open"; whether V is one
//	add A B, sub A B           integer arithmetic
//	join LIST SEP              strings.Join of a []string (or []any)
//	default DEF V              V, or DEF when V is empty
//	get OBJ NAME               field or map entry NAME of OBJ, or nil (never fails)
//	setQuery URI KEY VALUE     URI with query KEY set to VALUE ("" removes it)
//	num N                      integer with thousands separators: 90,000
//	pct PART WHOLE             percentage with one decimal, "—" when WHOLE is 0
//	date T, datetime T         time.Time (or *time.Time) in Beijing time; "" when zero
//	fieldID NAME               the id "field" gives the input of NAME
func funcMap() template.FuncMap {
	return template.FuncMap{
		"asset":       Asset,
		"t":           tFunc,
		"dict":        dict,
		"in":          func(s string, set ...string) bool { return slices.Contains(set, s) },
		"list":        func(items ...any) []any { return items },
		"option":      func(value, label string) Option { return Option{value, label} },
		"col":         func(label, class string) Col { return Col{Label: label, Class: class} },
		"isCol":       func(v any) bool { _, ok := v.(Col); return ok },
		"add":         func(a, b any) (int, error) { return arith(a, b, 1) },
		"sub":         func(a, b any) (int, error) { return arith(a, b, -1) },
		"join":        join,
		"default":     defaultFunc,
		"get":         get,
		"setQuery":    SetQuery,
		"num":         Num,
		"pct":         Pct,
		"date":        func(t any) string { return FormatTime(t, "2006-01-02") },
		"datetime":    func(t any) string { return FormatTime(t, "2006-01-02 15:04") },
		"fieldID":     fieldID,
		"fieldValue":  fieldValue,
		"describedBy": describedBy,
		"isChecked":   IsChecked,
		"statusKey":   statusKey,
	}
}

func tFunc(lang any, key string, args ...any) string {
	var l i18n.Lang
	switch v := lang.(type) {
	case i18n.Lang:
		l = v
	case string:
		l = i18n.Lang(v)
	case *Page:
		if v != nil {
			l = v.Lang
		}
	}
	if l == "" {
		l = i18n.ZH
	}
	return i18n.T(l, key, args...)
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

func toInt(v any) (int64, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return int64(rv.Uint()), nil
	case reflect.String:
		return strconv.ParseInt(rv.String(), 10, 64)
	}
	return 0, fmt.Errorf("not an integer: %v", v)
}

func arith(a, b any, sign int64) (int, error) {
	x, err := toInt(a)
	if err != nil {
		return 0, err
	}
	y, err := toInt(b)
	if err != nil {
		return 0, err
	}
	return int(x + sign*y), nil
}

func join(items any, sep string) (string, error) {
	switch v := items.(type) {
	case nil:
		return "", nil
	case []string:
		return strings.Join(v, sep), nil
	}
	rv := reflect.ValueOf(items)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return "", fmt.Errorf("join: not a list: %T", items)
	}
	parts := make([]string, rv.Len())
	for i := range parts {
		parts[i] = fmt.Sprint(rv.Index(i).Interface())
	}
	return strings.Join(parts, sep), nil
}

func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return rv.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	}
	return rv.IsZero()
}

func defaultFunc(def, v any) any {
	if isEmpty(v) {
		return def
	}
	return v
}

// get returns obj.name (an exported field or method without arguments, or a
// map entry), following pointers; nil when there is no such thing.
func get(obj any, name string) any {
	rv := reflect.ValueOf(obj)
	for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		if m := rv.MethodByName(name); m.IsValid() && m.Type().NumIn() == 0 && m.Type().NumOut() >= 1 && !rv.IsNil() {
			return m.Call(nil)[0].Interface()
		}
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil
		}
		v := rv.MapIndex(reflect.ValueOf(name).Convert(rv.Type().Key()))
		if !v.IsValid() {
			return nil
		}
		return v.Interface()
	case reflect.Struct:
		f, ok := rv.Type().FieldByName(name)
		if ok && f.IsExported() {
			return rv.FieldByIndex(f.Index).Interface()
		}
		if m := rv.MethodByName(name); m.IsValid() && m.Type().NumIn() == 0 && m.Type().NumOut() >= 1 {
			return m.Call(nil)[0].Interface()
		}
	}
	return nil
}

// SetQuery returns uri with the query parameter key set to value, or removed
// when value is "". Other parameters keep their order of keys (sorted).
func SetQuery(uri, key, value string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	q := u.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	if u.Path == "" && u.Host == "" {
		u.Path = "/"
	}
	return u.String()
}

func Num(v any) string {
	if f, ok := v.(float64); ok {
		v = int64(math.Round(f))
	}
	n, err := toInt(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func toFloat(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	n, err := toInt(v)
	return float64(n), err == nil
}

func Pct(part, whole any) string {
	p, ok1 := toFloat(part)
	w, ok2 := toFloat(whole)
	if !ok1 || !ok2 || w == 0 {
		return "—"
	}
	return strconv.FormatFloat(p/w*100, 'f', 1, 64) + "%"
}

func FormatTime(v any, layout string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	default:
		return ""
	}
	if t.IsZero() {
		return ""
	}
	return t.In(beijing.Zone).Format(layout)
}

// fieldID turns a field name into an element id: "f-" plus the name with
// anything but letters, digits, '-' and '_' replaced by '-'.
func fieldID(name string) string {
	var b strings.Builder
	b.WriteString("f-")
	for _, c := range name {
		if c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// fieldValue is the value an input shows: what was submitted, if the form
// was submitted with that field, else the default.
func fieldValue(p *Page, name string, def any) string {
	if p != nil && p.Form != nil {
		if v, ok := p.Form.Values[name]; ok {
			return v
		}
	}
	if isEmpty(def) {
		return ""
	}
	return fmt.Sprint(def)
}

func describedBy(id string, hint, err any) string {
	var parts []string
	if !isEmpty(hint) {
		parts = append(parts, id+"-hint")
	}
	if !isEmpty(err) {
		parts = append(parts, id+"-error")
	}
	return strings.Join(parts, " ")
}

func IsChecked(v string) bool {
	switch strings.ToLower(v) {
	case "1", "on", "true", "yes":
		return true
	}
	return false
}

// statusTitleKey is the heading of the error page for a status: words, not
// the number (the number is shown beside it for whoever reports it).
func statusTitleKey(status int) string {
	switch status {
	case http.StatusNotFound, http.StatusGone:
		return "web.error.title_not_found"
	case http.StatusForbidden:
		return "web.error.title_forbidden"
	case http.StatusUnauthorized:
		return "web.error.title_unauthenticated"
	case http.StatusTooManyRequests:
		return "web.error.title_too_many"
	}
	return "web.error.title"
}

// statusKey is the common message key for an HTTP error status.
func statusKey(status int) string {
	switch status {
	case http.StatusNotFound, http.StatusGone:
		return "error.not_found"
	case http.StatusForbidden:
		return "error.forbidden"
	case http.StatusUnauthorized:
		return "error.unauthenticated"
	case http.StatusTooManyRequests:
		return "error.too_many"
	case http.StatusMethodNotAllowed:
		return "error.method_not_allowed"
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return "error.validation_failed"
	}
	return "error.internal"
}
