package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/org"
)

// The organisation picker: one component for every form that picks an
// organisation (template "org_picker", picker.components.html). It works
// without JavaScript: its search button submits the whole form, so every
// typed field comes back, and the matches are shown as a list of radio
// buttons (or a message when none match). With JavaScript, app.js asks
// GET /pick/orgs as the user types and shows the matches as a listbox
// under the box; choosing one fills the hidden id input.

// PickerSearchButton is the name of the picker's search button; its value
// is the search box's name. A POST carrying it is a search, not a save.
const PickerSearchButton = "picker_search"

// PickerClearButton is the name of an optional picker's button that drops
// its choice (the form comes back without one); its value is the id
// input's name.
const PickerClearButton = "picker_clear"

// OrgPicker is the view of one picker.
type OrgPicker struct {
	Field    string // the name of the chosen organisation's id input
	QField   string // the name of the search box
	Label    string
	Hint     string
	Required bool
	Value    string // the chosen organisation's id, "" when none
	Chosen   string // its name
	Q        string
	Searched bool     // the form came back from a search without JavaScript
	Matches  []Option // the current choice and the search's hits (Searched)
	NoMatch  bool     // the search found nothing to pick
	Endpoint string   // the JSON search the script asks, with its filters
	Blank    string   // an optional picker's words for "none chosen", "" when required
}

// PickerSpec says what a picker offers: organisations where the caller
// holds Perm and, when Only names a registered filter, that pass it.
type PickerSpec struct {
	Field, QField, Label, Hint string
	Blank                      string // optional pickers: what no choice means (e.g. "the publisher's whole subtree")
	Required                   bool
	Perm                       auth.Perm
	Only                       string
	Outside                    int64 // when set, this organisation and those below it are not offered (a move's new parent)
}

var (
	pickerMu      sync.RWMutex
	pickerFilters = map[string]func(org.Org) bool{}
)

// RegisterOrgFilter names a rule a picker may restrict its choices to (e.g.
// the members module's "unions that hold members"); the page and the JSON
// search apply the same rule by name, in whichever process serves them.
func RegisterOrgFilter(name string, only func(org.Org) bool) {
	pickerMu.Lock()
	defer pickerMu.Unlock()
	pickerFilters[name] = only
}

func orgFilter(name string) (func(org.Org) bool, bool) {
	if name == "" {
		return nil, true
	}
	pickerMu.RLock()
	defer pickerMu.RUnlock()
	f, ok := pickerFilters[name]
	return f, ok
}

// PickerAsked reports whether a POST is the picker's search rather than
// the form's own submission.
func PickerAsked(r *http.Request) bool {
	return r.PostFormValue(PickerSearchButton) != "" || r.PostFormValue(PickerClearButton) != ""
}

// pickerButton is the value of the picker's button name that the form
// sent: from the body of a POST, from the query of a GET form (a list's
// filters).
func pickerButton(r *http.Request, name string) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.Query().Get(name)
	}
	return r.PostFormValue(name)
}

// FilterValue is the organisation a list's filter picker asks for in the
// request's query (field, as in ?org=): "" when its clear button was
// pressed.
func FilterValue(r *http.Request, field string) string {
	q := r.URL.Query()
	if q.Get(PickerClearButton) == field {
		return ""
	}
	return strings.TrimSpace(q.Get(field))
}

// FilterPicker builds the optional picker of a list's filter form, whose
// values end up in the list's address (a GET form, or a POST redirected to
// it): value is the organisation the list filters by (FilterValue). The
// list still checks value itself (the store refuses one outside the
// caller's reach with a field error on spec.Field). Over a search's
// matches its box comes back empty. The picker's search box and buttons
// are taken off pg.Path, so that the list's pager, sort and "back" links
// do not carry them; a cleared choice goes too.
func (h *Kernel) FilterPicker(pg *Page, r *http.Request, p *auth.Principal, spec PickerSpec, value string) (*OrgPicker, error) {
	v, err := h.OrgPicker(r, p, spec, value)
	if err != nil {
		return nil, err
	}
	if v.Searched && len(v.Matches) > 0 {
		// The box comes back empty over the matches: the filter's own
		// button, pressed after choosing one, is not another search.
		v.Q = ""
	}
	path := pg.Path
	for _, k := range []string{spec.QField, PickerSearchButton, PickerClearButton} {
		path = SetQuery(path, k, "")
	}
	if value == "" {
		path = SetQuery(path, spec.Field, "")
	}
	pg.Path = path
	return v, nil
}

// OrgPicker builds the picker of spec for the request: the chosen value
// (value, unless the form sent one), the search typed and, when it was
// asked for, its matches.
func (h *Kernel) OrgPicker(r *http.Request, p *auth.Principal, spec PickerSpec, value string) (*OrgPicker, error) {
	v := &OrgPicker{Field: spec.Field, QField: spec.QField, Label: spec.Label, Hint: spec.Hint, Required: spec.Required, Value: value, Blank: spec.Blank}
	if s := r.FormValue(spec.Field); s != "" {
		v.Value = s
	}
	if spec.Blank != "" && pickerButton(r, PickerClearButton) == spec.Field {
		v.Value = ""
	}
	v.Q = strings.TrimSpace(r.FormValue(spec.QField))
	q := url.Values{"perm": {string(spec.Perm)}}
	if spec.Only != "" {
		q.Set("only", spec.Only)
	}
	if spec.Outside != 0 {
		q.Set("outside", db.FormatID(spec.Outside))
	}
	v.Endpoint = "/pick/orgs?" + q.Encode()
	only, _ := orgFilter(spec.Only)
	c := &Choices{Principal: p, Perm: spec.Perm, Only: h.outside(r.Context(), p, spec.Outside, only)}
	var cur *org.Org
	if id := ParseIDValue(v.Value); id != 0 {
		if o, err := h.Orgs.Get(r.Context(), p, id); err == nil && p.CanAt(spec.Perm, o.Path) {
			v.Chosen, cur = o.Name, o
		} else {
			v.Value = ""
		}
	}
	// A search: asked with the button (a POST form), or typed into a GET form.
	if r.FormValue(PickerSearchButton) == spec.QField || (r.Method == http.MethodGet && v.Q != "") {
		v.Searched = true
		hits, err := h.pickerMatches(r.Context(), c, v.Q)
		if err != nil {
			return nil, err
		}
		// The current choice stays first, so that searching never loses it;
		// an optional picker offers "none" before it.
		if spec.Blank != "" && len(hits) > 0 {
			c.Out = append(c.Out, Option{Value: "", Label: spec.Blank})
		}
		if cur != nil {
			c.Add(*cur, "")
		}
		for _, o := range hits {
			c.Add(o, "")
		}
		v.NoMatch = len(hits) == 0
		if !v.NoMatch {
			v.Matches = c.Out
		}
	}
	return v, nil
}

// KeptForm is a form as it was sent, with no errors: what a picker's
// search without JavaScript shows again.
func KeptForm(r *http.Request) *Form {
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	for k, v := range r.PostForm {
		if k != "csrf_token" && !strings.Contains(k, "password") && len(v) > 0 {
			f.Values[k] = v[0]
		}
	}
	return f
}

// FormAgain fills pg.Form for a form shown again: err's messages and the
// values sent or, when err is nil (a picker's search), the values alone.
// False when err was answered with an error page instead.
func (h *Kernel) FormAgain(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *Page, err error) bool {
	if err == nil {
		pg.Form = KeptForm(r)
		return true
	}
	return h.Validation(w, r, p, pg, err)
}

// FormStatus is the status of a form shown again: 200 after a picker's
// search (err nil), else err's.
func FormStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	return httpx.Status(err)
}

// PickedOrg is the organisation a picker's form sent, 0 when none. The
// server refuses what the picker would not have offered: an id outside the
// caller's subtree, without spec.Perm there or failing spec.Only adds a
// field error on spec.Field to f (and PickedOrg answers 0).
func (h *Kernel) PickedOrg(r *http.Request, p *auth.Principal, spec PickerSpec, f errs.Fields) (int64, error) {
	s := strings.TrimSpace(r.PostFormValue(spec.Field))
	if s == "" {
		return 0, nil
	}
	id := ParseIDValue(s)
	if id == 0 {
		f.Add(spec.Field, "field.invalid_id")
		return 0, nil
	}
	o, err := h.Orgs.Get(r.Context(), p, id)
	if err != nil && !errs.Is(err, errs.KindNotFound) && !errs.Is(err, errs.KindForbidden) {
		return 0, err
	}
	only, _ := orgFilter(spec.Only)
	if err != nil || !p.CanAt(spec.Perm, o.Path) || (only != nil && !only(*o)) {
		f.Add(spec.Field, "web.picker.out_of_scope")
		return 0, nil
	}
	return id, nil
}

// outside adds to only the rule "not id nor below it" (id 0, or one the
// caller cannot see: only as it is).
func (h *Kernel) outside(ctx context.Context, p *auth.Principal, id int64, only func(org.Org) bool) func(org.Org) bool {
	if id == 0 {
		return only
	}
	o, err := h.Orgs.Get(ctx, p, id)
	if err != nil {
		return only
	}
	return func(x org.Org) bool { return !auth.Inside(x.Path, o.Path) && (only == nil || only(x)) }
}

// pickerMatches are the hits of q the caller may pick under c's rules.
func (h *Kernel) pickerMatches(ctx context.Context, c *Choices, q string) ([]org.Org, error) {
	if q == "" {
		return nil, nil
	}
	hits, _, err := h.Orgs.Search(ctx, c.Principal, org.Query{Q: q, Limit: PageSize})
	if err != nil && !errs.Is(err, errs.KindInvalid) {
		return nil, err
	}
	var out []org.Org
	for _, o := range hits {
		if c.Principal.CanAt(c.Perm, o.Path) && (c.Only == nil || c.Only(o)) {
			out = append(out, o)
		}
	}
	return out, nil
}

// pickerItem is one match of the JSON search.
type pickerItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"` // translated
}

// pickOrgs answers GET /pick/orgs?q=&perm=&only= with the organisations
// matching q that the caller may see, holds perm at and that pass the
// filter: the store's Search keeps to the caller's subtree.
func (h *Kernel) pickOrgs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	perm := auth.Perm(r.URL.Query().Get("perm"))
	if perm == "" {
		perm = auth.PermOrgRead
	}
	only, ok := orgFilter(r.URL.Query().Get("only"))
	if !ok {
		return errs.NotFound("filter")
	}
	only = h.outside(r.Context(), p, ParseIDValue(r.URL.Query().Get("outside")), only)
	hits, err := h.pickerMatches(r.Context(), &Choices{Principal: p, Perm: perm, Only: only}, strings.TrimSpace(r.URL.Query().Get("q")))
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	items := make([]pickerItem, 0, len(hits))
	for _, o := range hits {
		items = append(items, pickerItem{ID: db.FormatID(o.ID), Name: o.Name, Kind: KindLabel(lang, o.Kind)})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}
