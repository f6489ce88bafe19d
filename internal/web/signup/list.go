package signup

import (
	"net/http"

	"gonghui/internal/web"
)

// Tab is one status tab of a sign-up list.
type Tab struct {
	Label, URL string
	Current    bool
}

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
	Tabs                []Tab
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
	tab := func(label, status string) Tab {
		return Tab{Label: label, URL: web.SetQuery(base, l.StatusParam, status) + "#" + spec.Anchor, Current: l.Status == status}
	}
	l.Tabs = append(l.Tabs, tab(spec.All, ""))
	for _, s := range spec.Statuses {
		l.Tabs = append(l.Tabs, tab(s.Label, s.Value))
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
