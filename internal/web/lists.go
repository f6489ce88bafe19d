package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
)

// Helpers of the staff's list pages and queues; their markup is in
// components.html (tabs, table_open, list_empty, decide…).

// FilterTabs builds the "tabs" of a list: each choice's Value set as the
// query parameter param of base ("" removes it), the one equal to current
// marked as the current tab.
func FilterTabs(base, param, current string, choices []Option) []Tab {
	out := make([]Tab, 0, len(choices))
	for _, c := range choices {
		out = append(out, Tab{Label: c.Label, URL: SetQuery(base, param, c.Value), Current: c.Value == current})
	}
	return out
}

// EnumOptions lists the values of an enumeration as choices, each labelled
// by label in lang.
func EnumOptions[T ~string](lang i18n.Lang, values []T, label func(i18n.Lang, T) string) []Option {
	out := make([]Option, 0, len(values))
	for _, v := range values {
		out = append(out, Option{Value: string(v), Label: label(lang, v)})
	}
	return out
}

// ListBase is the current list's URL without its cursor and one-off flash:
// where its filter links start from.
func ListBase(pg *Page) string { return SetQuery(SetQuery(pg.Path, "flash", ""), "cursor", "") }

// RenderFunc renders a page that can show a failed form again: form is
// nil on a GET, status the answer's status.
type RenderFunc func(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *Form, status int)

// Show serves the GET of the page render renders.
func Show(render RenderFunc) PageFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		render(w, r, p, nil, http.StatusOK)
		return nil
	}
}

// Decision is the POST …/{id}/decide of a queue's item (an application, a
// transfer, an export, a correction): the form field holding the choice,
// the flash of each choice, how to record it and where the page goes next.
type Decision struct {
	Field string            // the form field naming the choice: "decision" or "action"
	Flash map[string]string // choice → flash key shown after it
	// Strict refuses a choice not in Flash as field.invalid_choice before
	// Apply: for stores that take a yes/no, where any other value would
	// read as "no". Without it the store judges the choice itself.
	Strict bool
	// RowKey, when set, names the form value that gets the item's ID after
	// a failure, so a list of items opens the form of the one that failed.
	RowKey string
	// Apply records the choice for the item.
	Apply func(ctx context.Context, id int64, choice string) error
	// Again shows the page of the form again with the failed form.
	Again RenderFunc
	// Next is where to go after the choice; with Back, the form's own "back"
	// (a local URL) wins.
	Next func(id int64) string
	Back bool
}

// Decide handles a Decision's POST.
func (h *Kernel) Decide(w http.ResponseWriter, r *http.Request, p *auth.Principal, d Decision) error {
	id, err := IDParam(r, "id")
	if err != nil {
		return err
	}
	choice := FormValue(r, d.Field)
	pg := h.Page(w, r, p, "", "") // only the language of the form's messages
	if d.Strict && d.Flash[choice] == "" {
		d.Again(w, r, p, FieldErrorForm(pg, d.Field, "field.invalid_choice"), httpx.KindStatus(errs.KindInvalid))
		return nil
	}
	if err := d.Apply(r.Context(), id, choice); err != nil {
		form, ok := FormFrom(pg, r, err)
		if !ok {
			return err
		}
		if d.RowKey != "" {
			form.Values[d.RowKey] = db.FormatID(id)
		}
		d.Again(w, r, p, form, httpx.Status(err))
		return nil
	}
	next := d.Next(id)
	if d.Back {
		next = LocalURL(FormValue(r, "back"), next)
	}
	Redirect(w, r, next, d.Flash[choice])
	return nil
}

// Load reads the item named by the request's {id} with get. When that
// fails it renders the error page (a malformed ID is not found) and
// reports false: the caller just returns.
func Load[T any](h *Kernel, w http.ResponseWriter, r *http.Request, p *auth.Principal, get func(context.Context, *auth.Principal, int64) (*T, error)) (*T, bool) {
	id, err := IDParam(r, "id")
	if err == nil {
		var item *T
		if item, err = get(r.Context(), p, id); err == nil {
			return item, true
		}
	}
	h.Fail(w, r, p, err)
	return nil, false
}

// CursorPager is the pager of a cursor-paged list that says where it is.
// A cursor knows the row to resume after but not its position, so the
// next link carries "start", the 1-based position of its first row; a
// page reached without it (a bookmark of a later page) shows no range.
// Page numbers are not offered: a jump to page N would need an OFFSET
// walk of every row before it.
type CursorPager struct {
	Next, First string // the next page; the first page, filter kept
	HasPrev     bool
	Info        string     // "第 51–100 条 · 共 12,345 人"
	Pages       []PageLink // page numbers (ListPager), when the total is exact
}

// NewCursorPager builds the pager of the page of rows rows shown at pg
// from the request's cursor and start, next being the next page's cursor;
// total, when not "", is the filter's total in words, added to the range.
func NewCursorPager(pg *Page, r *http.Request, next string, rows int, total string) CursorPager {
	cursor := QueryValue(r, "cursor")
	start := int64(1)
	if cursor != "" {
		start = ParseIDValue(QueryValue(r, "start")) // 0 when absent or malformed
	}
	return cursorPager(pg, cursor != "", start, next, rows, total)
}

// cursorPager is NewCursorPager's pager of a page at start (0: unknown),
// later than the first when inside.
func cursorPager(pg *Page, inside bool, start int64, next string, rows int, total string) CursorPager {
	first := SetQuery(SetQuery(ListBase(pg), "start", ""), "page", "")
	c := CursorPager{First: first, HasPrev: inside}
	if next != "" {
		c.Next = SetQuery(ListURL(pg, "cursor", next), "page", "")
		if start > 0 {
			c.Next = SetQuery(c.Next, "start", strconv.FormatInt(start+int64(rows), 10))
		} else {
			c.Next = SetQuery(c.Next, "start", "")
		}
	}
	if start > 0 && rows > 0 {
		c.Info = i18n.T(pg.Lang, "list.range", Num(start), Num(start+int64(rows)-1))
	}
	if total != "" {
		if c.Info != "" {
			c.Info += i18n.T(pg.Lang, "list.sep")
		}
		c.Info += total
	}
	return c
}

// ListPager builds the pager of a sorted list (internal/listing) from the
// request's cursor, start or page: NewCursorPager's range and next link,
// the filter's total in rows ("共 N 条", "超过 10,000 条" at the cap), and
// page numbers when the total is exact, each page reached by an offset of
// at most listing.Cap rows.
func ListPager(pg *Page, r *http.Request, next string, rows int, t listing.Total) CursorPager {
	return ListPagerOf(pg, r, next, rows, t, "list.rows", "list.rows_over")
}

// ListPagerOf is ListPager counting its rows in words of its own (共 N 个):
// rowsKey and overKey take the total and its digits (%[2]s) as
// "list.rows" and "list.rows_over" do.
func ListPagerOf(pg *Page, r *http.Request, next string, rows int, t listing.Total, rowsKey, overKey string) CursorPager {
	var total string
	switch {
	case t.Over:
		total = i18n.T(pg.Lang, overKey, t.N, Num(t.N))
	case rows > 0:
		total = i18n.T(pg.Lang, rowsKey, t.N, Num(t.N))
	}
	// Where this page starts: a numbered page (an offset) is known; a
	// cursor's page from its start; the first page is row 1.
	cursor, page := QueryValue(r, "cursor"), int(ParseIDValue(QueryValue(r, "page")))
	start := int64(1)
	switch {
	case cursor != "":
		start = ParseIDValue(QueryValue(r, "start"))
	case page > 1:
		start = int64(page-1)*PageSize + 1
	}
	c := cursorPager(pg, start != 1, start, next, rows, total)
	if t.Over || t.N <= PageSize {
		return c
	}
	current := 0 // a page between numbers (a bookmark of a cursor) has none
	if start > 0 && (start-1)%PageSize == 0 {
		current = int((start-1)/PageSize) + 1
	}
	c.Pages = pageLinks(c.First, current, int((t.N+PageSize-1)/PageSize))
	return c
}

// PageLink is a page number of a pager; Gap stands for the pages left out.
type PageLink struct {
	N         int
	URL       string
	Current   bool
	Gap       bool
	AriaLabel string
}

// pageLinks lists the first and last pages and two either side of the
// current one (0 when the current page has no number), gaps between.
func pageLinks(first string, current, pages int) []PageLink {
	var out []PageLink
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < current-2 || n > current+2) {
			continue
		}
		if n > last+1 {
			out = append(out, PageLink{Gap: true})
		}
		u := first
		if n > 1 {
			u = SetQuery(first, "page", strconv.Itoa(n))
		}
		out = append(out, PageLink{N: n, URL: u, Current: n == current})
		last = n
	}
	return out
}

// SortHead is a column heading of a sortable list: Key names the sort key
// (internal/listing), "" for a column not sorted by; Desc is the
// direction a first click sorts in (newest first for dates).
type SortHead struct {
	Label, Key, Class string
	Desc              bool
}

// SortCols builds the Cols of "table_open" for a list sorted by current
// (a sort parameter: "name", "-requested"): each sortable heading links to
// the list sorted by it, filter kept and paging reset; the current one is
// marked (aria-sort) and its link turns the order round.
func SortCols(pg *Page, current string, heads []SortHead) []any {
	base := SetQuery(SetQuery(SetQuery(ListBase(pg), "start", ""), "page", ""), "sort", "")
	out := make([]any, 0, len(heads))
	for _, h := range heads {
		c := Col{Label: h.Label, Class: h.Class}
		if h.Key != "" {
			next := h.Key
			if h.Desc {
				next = "-" + h.Key
			}
			switch current {
			case h.Key:
				c.Sort, next = "ascending", "-"+h.Key
			case "-" + h.Key:
				c.Sort, next = "descending", h.Key
			}
			c.URL = SetQuery(base, "sort", next)
		}
		out = append(out, c)
	}
	return out
}

// SortParam is the request's sort parameter, or def when it has none.
func SortParam(r *http.Request, def string) string {
	if s := QueryValue(r, "sort"); s != "" {
		return s
	}
	return def
}

// BackQuery is what a list adds to the links of its rows, "?back=<the
// list, filter, order and page kept>", so the detail page links back to it.
func BackQuery(pg *Page) string {
	return "?back=" + url.QueryEscape(SetQuery(pg.Path, "flash", ""))
}

// ListBack is where a detail page's "back" goes: the request's back when
// it is a page of the list at path (filter kept), else the list itself.
func ListBack(r *http.Request, path string) string {
	if b := LocalURL(QueryValue(r, "back"), ""); b == path || strings.HasPrefix(b, path+"?") {
		return b
	}
	return path
}

// ListPage reads a page of a sorted list and its total: the request's
// page number becomes *offset before list runs (refused past
// listing.Cap); when the whole list is on its first page its length is the
// total, otherwise count (bounded) gives it.
func ListPage[T any](r *http.Request, offset *int, list func() ([]T, string, error), count func() (listing.Total, error)) ([]T, string, listing.Total, error) {
	var err error
	if QueryValue(r, "cursor") == "" {
		if *offset, err = listing.OffsetOf(int(ParseIDValue(QueryValue(r, "page"))), PageSize); err != nil {
			return nil, "", listing.Total{}, err
		}
	}
	items, next, err := list()
	if err != nil {
		return nil, "", listing.Total{}, err
	}
	if *offset == 0 && next == "" && QueryValue(r, "cursor") == "" {
		return items, next, listing.Total{N: int64(len(items))}, nil
	}
	t, err := count()
	return items, next, t, err
}
