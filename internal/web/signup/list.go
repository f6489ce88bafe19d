package signup

import (
	"net/http"
	"net/url"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// Pager is the paging of a list inside a larger page: its cursor has a
// name of its own (the page may hold several lists), and its links come
// back to the list's card by its anchor.
type Pager struct {
	Param, Cursor string
	Next, First   string
	HasPrev       bool
	anchor        string
}

// NewPager reads the list's cursor from the request.
func NewPager(pg *web.Page, r *http.Request, param, anchor string) Pager {
	cur := web.QueryValue(r, param)
	return Pager{Param: param, Cursor: cur, HasPrev: cur != "", anchor: anchor,
		First: web.SetQuery(web.SetQuery(pg.Path, param, ""), "flash", "") + "#" + anchor}
}

// Paged sets the link to the next page from the store's next cursor.
func (p *Pager) Paged(pg *web.Page, next string) {
	if p.Next = web.ListURL(pg, p.Param, next); p.Next != "" {
		p.Next += "#" + p.anchor
	}
}

// ListSpec describes a sign-up list of a page.
type ListSpec struct {
	Prefix   string       // of the query parameters: "r" gives rq, rstatus, rcursor
	Anchor   string       // the list's card on the page, "registrations"
	All      string       // the first tab's label (translated)
	Statuses []web.Option // the other tabs: status and its label
	Clear    []string     // more parameters a tab drops (another view's)
}

// List is a page's list of sign-ups: status tabs, a name search, paging.
type List struct {
	Pager
	Action              string // the page, where the search goes
	Q, Status           string
	QParam, StatusParam string
	Tabs                []web.Tab
}

// NewList reads the list's filters from the request and builds its tabs;
// action is the page's address.
func NewList(pg *web.Page, r *http.Request, action string, spec ListSpec) *List {
	l := &List{Pager: NewPager(pg, r, spec.Prefix+"cursor", spec.Anchor), Action: action,
		QParam: spec.Prefix + "q", StatusParam: spec.Prefix + "status"}
	l.Q, l.Status = web.QueryValue(r, l.QParam), web.QueryValue(r, l.StatusParam)
	base := web.SetQuery(web.SetQuery(pg.Path, "flash", ""), l.Param, "")
	for _, c := range spec.Clear {
		base = web.SetQuery(base, c, "")
	}
	l.Tabs = web.FilterTabs(base, l.StatusParam, l.Status, append([]web.Option{{Label: spec.All}}, spec.Statuses...))
	for i := range l.Tabs {
		l.Tabs[i].URL += "#" + spec.Anchor
	}
	return l
}

// Load fills the list with a page of the store's sign-ups. A status the
// store refuses shows all of them with the refusal on the form; any other
// error is returned.
func (l *List) Load(pg *web.Page, page func() (next string, err error)) error {
	next, err := page()
	if err != nil {
		if _, ok := web.FormError(pg, err); !ok {
			return err
		}
		l.Status = ""
	}
	l.Paged(pg, next)
	return nil
}

// Events is what every list of sign-up events (activities, courses, …)
// shows besides its rows: the organisation filter, the link to publish a
// new one (for the organisation filtered by), the paging.
type Events struct {
	Org      *web.OrgPicker // the organisation filter (OrgFilter)
	CanWrite bool
	NewURL   string
	Pager    web.CursorPager // range, total, page numbers, next (web.ListPager)
}

// orgPick is the organisation filter of the lists: any organisation
// where the caller reads sign-up events.
var orgPick = web.PickerSpec{Field: "org", QField: "org_q"}

// OrgValue is the organisation a list filters by (?org=, "" once the
// filter's picker was cleared).
func OrgValue(r *http.Request) string { return web.FilterValue(r, orgPick.Field) }

// OrgFilter builds a list's organisation filter, value being OrgValue:
// label names the field, all says what no choice shows. Call it before the
// list's links are made, which then leave out the picker's search.
func OrgFilter(k *web.Kernel, r *http.Request, p *auth.Principal, pg *web.Page, value, label, all string) (*web.OrgPicker, error) {
	spec := orgPick
	spec.Label, spec.Blank, spec.Perm = label, all, auth.PermActivityRead
	if !p.Can(spec.Perm) {
		spec.Perm = auth.PermActivityWrite
	}
	return k.FilterPicker(pg, r, p, spec, value)
}

// ListEvents runs page with the list's organisation filter (org, the id
// of OrgValue; picker its OrgFilter) and cursor, page filling the rows and
// returning the next cursor, how many rows it read and the filter's total
// (web.ListPage). A refusal of the filters is put on pg's form, with its
// status; any other error is returned.
func ListEvents(k *web.Kernel, r *http.Request, p *auth.Principal, pg *web.Page, newURL, org string, picker *web.OrgPicker,
	page func(org int64, cursor string) (next string, rows int, total listing.Total, err error)) (Events, int, error) {
	e := Events{Org: picker, CanWrite: p.Can(auth.PermActivityWrite), NewURL: newURL}
	if org != "" {
		e.NewURL += "?org=" + url.QueryEscape(org)
	}
	var err error
	cursor := web.QueryValue(r, "cursor")
	var orgID int64
	if org != "" {
		if orgID = web.ParseIDValue(org); orgID == 0 {
			err = errs.Fields{"org": {Key: "field.invalid_id"}}.Err()
		}
	}
	var next string
	var rows int
	var total listing.Total
	if err == nil {
		next, rows, total, err = page(orgID, cursor)
	}
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return e, 0, err
		}
		pg.Form, status = form, httpx.Status(err)
	}
	e.Pager = web.ListPager(pg, r, next, rows, total)
	return e, status, nil
}
