package web

import (
	"context"
	"net/http"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
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
	Info        string // "第 51–100 条 · 共 12,345 人"
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
	first := SetQuery(ListBase(pg), "start", "")
	c := CursorPager{First: first, HasPrev: cursor != ""}
	if next != "" {
		c.Next = ListURL(pg, "cursor", next)
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
