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
}

// PickerSpec says what a picker offers: organisations where the caller
// holds Perm and, when Only names a registered filter, that pass it.
type PickerSpec struct {
	Field, QField, Label, Hint string
	Required                   bool
	Perm                       auth.Perm
	Only                       string
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
func PickerAsked(r *http.Request) bool { return r.PostFormValue(PickerSearchButton) != "" }

// OrgPicker builds the picker of spec for the request: the chosen value
// (value, unless the form sent one), the search typed and, when it was
// asked for, its matches.
func (h *Kernel) OrgPicker(r *http.Request, p *auth.Principal, spec PickerSpec, value string) (*OrgPicker, error) {
	v := &OrgPicker{Field: spec.Field, QField: spec.QField, Label: spec.Label, Hint: spec.Hint, Required: spec.Required, Value: value}
	if s := r.FormValue(spec.Field); s != "" {
		v.Value = s
	}
	v.Q = strings.TrimSpace(r.FormValue(spec.QField))
	q := url.Values{"perm": {string(spec.Perm)}}
	if spec.Only != "" {
		q.Set("only", spec.Only)
	}
	v.Endpoint = "/pick/orgs?" + q.Encode()
	only, _ := orgFilter(spec.Only)
	c := &Choices{Principal: p, Perm: spec.Perm, Only: only}
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
		// The current choice stays first, so that searching never loses it.
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
