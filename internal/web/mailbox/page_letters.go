package mailbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/mailbox"
	"gonghui/internal/web"
)

// The staff's list of letters (/letters): search, the status tabs with
// their counts, the category and overdue filters, the organisation
// picker, sortable columns, the total and pages; the letters waiting to
// be accepted carry a checkbox of the bulk acceptance form.

// orgPick is the list's organisation filter: any organisation where the
// caller reads letters (the store refuses one outside their subtrees).
var orgPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermLetterRead}

// mayUse: the caller may open the staff pages at all.
func mayUse(p *auth.Principal) bool {
	return p.Can(auth.PermLetterRead) || p.Can(auth.PermLetterWrite)
}

// listData is the Data of the list.
type listData struct {
	Q, Status, Category string
	Overdue             bool
	Filtered            bool
	Tabs                []web.Tab
	CategoryOptions     []web.Option
	Org                 *web.OrgPicker
	Rows                []letterRow
	Cols                []any
	Sort                string
	Pager               web.CursorPager
	OverdueCount        int
	Bulk                bool   // some row on this page may be accepted
	BulkAction          string // the bulk form's address, with the list's query
	Result              *bulkSummary
}

// bulkSummary is what a bulk acceptance did, in words.
type bulkSummary struct {
	Done       string
	Failed     string
	FailedList []string
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderList(w, r, p, nil, nil, http.StatusOK)
}

func (h *Pages) renderList(w http.ResponseWriter, r *http.Request, p *auth.Principal, result *bulkSummary, form *web.Form, status int) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "mailbox.list.title", "letters")
	if r.Method != http.MethodGet {
		pg.Path = "/letters"
		if r.URL.RawQuery != "" {
			pg.Path += "?" + r.URL.RawQuery
		}
	}
	d := &listData{Q: web.QueryValue(r, "q"), Status: web.QueryValue(r, "status"), Category: web.QueryValue(r, "category"),
		Overdue: web.QueryValue(r, "overdue") == "1", Sort: web.SortParam(r, mailbox.Sorts.Default), Result: result}
	spec := orgPick
	spec.Label, spec.Blank = pg.T("mailbox.field.org"), pg.T("mailbox.list.all_orgs")
	var err error
	if d.Org, err = h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field)); err != nil {
		return err
	}
	d.Filtered = d.Q != "" || d.Status != "" || d.Category != "" || d.Overdue || d.Org.Value != ""
	d.CategoryOptions = web.EnumOptions(pg.Lang, mailbox.Categories, categoryLabel)
	q := mailbox.Query{Q: d.Q, Status: mailbox.Status(d.Status), Category: mailbox.Category(d.Category), Overdue: d.Overdue,
		Org: web.ParseIDValue(d.Org.Value), Sort: d.Sort, After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]mailbox.Letter, string, error) { return h.Letters.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Letters.CountList(ctx, p, q) })
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	if form != nil {
		pg.Form = form
	}
	totals, err := h.Letters.Totals(ctx, p, mailbox.Query{Org: q.Org})
	if err != nil && !errs.Is(err, errs.KindInvalid) {
		return err
	}
	d.Tabs = statusTabs(pg, d.Status, totals)
	if totals != nil {
		d.OverdueCount = totals.Overdue
	}
	back := web.BackQuery(pg)
	canWrite := p.Can(auth.PermLetterWrite)
	for i := range items {
		l := &items[i]
		v := rowOf(pg.Lang, l, canWrite && slices.Contains(mailbox.Waiting, l.Status) && p.CanAt(auth.PermLetterWrite, l.OrgPath()))
		v.Link = v.URL + back
		d.Bulk = d.Bulk || v.CanAccept
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "mailbox.list.total", "mailbox.list.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("mailbox.field.subject")}, {Label: pg.T("mailbox.field.category")},
		{Label: pg.T("mailbox.field.org")}, {Label: pg.T("mailbox.field.writer")}, {Label: pg.T("mailbox.field.received"), Key: "received", Desc: true},
		{Label: pg.T("mailbox.field.due"), Key: "due"}, {Label: pg.T("mailbox.field.status")}})
	d.BulkAction = "/letters/accept"
	if _, query, ok := strings.Cut(web.SetQuery(pg.Path, "flash", ""), "?"); ok {
		d.BulkAction += "?" + query
	}
	pg.Data = d
	h.Render(w, status, "letter_list", pg)
	return nil
}

// statusTabs are the list's tabs: all, then each status with its count.
func statusTabs(pg *web.Page, current string, t *mailbox.Totals) []web.Tab {
	opts := []web.Option{{Value: "", Label: pg.T("mailbox.list.all")}}
	for _, s := range mailbox.Statuses {
		label := statusLabel(pg.Lang, s)
		if t != nil {
			label = fmt.Sprintf("%s %d", label, t.ByStatus[s])
		}
		opts = append(opts, web.Option{Value: string(s), Label: label})
	}
	return web.FilterTabs(web.ListBase(pg), "status", current, opts)
}

// bulkAccept: POST /letters/accept?<the list's query>, with the ticked
// letters (id, repeated). Each is accepted on its own (scoped and audited
// by the store); the list comes back with what happened to each.
func (h *Pages) bulkAccept(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	lang := i18n.FromRequest(r)
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id := web.ParseIDValue(v); id != 0 {
			ids = append(ids, id)
		}
	}
	done, failed, err := h.Letters.BulkAccept(r.Context(), p, ids)
	if err != nil {
		pg := h.Page(w, r, p, "", "")
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		return h.renderList(w, r, p, nil, f, web.FormStatus(err))
	}
	res := &bulkSummary{Done: i18n.T(lang, "mailbox.bulk.done", done)}
	if len(failed) > 0 {
		res.Failed = i18n.T(lang, "mailbox.bulk.failed", len(failed))
		for _, f := range failed {
			if f.Subject == "" {
				res.FailedList = append(res.FailedList, web.ErrMessage(lang, f.Err))
				continue
			}
			res.FailedList = append(res.FailedList, i18n.T(lang, "mailbox.bulk.failed_one", f.Subject, web.ErrMessage(lang, f.Err)))
		}
	}
	return h.renderList(w, r, p, res, nil, http.StatusOK)
}
