package contracts

import (
	"fmt"
	"io"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/contract"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// The staff's list (/contracts): search, status tabs with their counts,
// the kind and "expiring" filters, the organisation picker, the subtree's
// coverage, sortable columns, the total and pages, and the export of what
// the filters select.

var orgPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermContractRead}

type listData struct {
	Q, Kind, Status string
	Expiring        bool
	Filtered        bool
	Tabs            []web.Tab
	KindOptions     []web.Option
	Org             *web.OrgPicker
	Rows            []row
	Cols            []any
	Sort            string
	Pager           web.CursorPager
	Totals          *contract.Totals
	InForce         int
	Coverage        string // covered employers' share of the registry's, in words
	ExportURL       string
	CanWrite        bool
}

// queryOf reads the list's filters from the URL.
func queryOf(r *http.Request, org int64) contract.Query {
	return contract.Query{Q: web.QueryValue(r, "q"), Kind: contract.Kind(web.QueryValue(r, "kind")), Status: contract.Status(web.QueryValue(r, "status")),
		Expiring: web.QueryValue(r, "expiring") == "1", Org: org, Sort: web.SortParam(r, contract.Sorts.Default), After: web.QueryValue(r, "cursor"),
		Limit: web.PageSize}
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !contract.MayRead(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "contract.list.title", "contracts")
	spec := orgPick
	spec.Label, spec.Blank = pg.T("contract.field.org"), pg.T("contract.list.all_orgs")
	picker, err := h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field))
	if err != nil {
		return err
	}
	q := queryOf(r, web.ParseIDValue(picker.Value))
	d := &listData{Q: q.Q, Kind: string(q.Kind), Status: string(q.Status), Expiring: q.Expiring, Org: picker, Sort: q.Sort,
		CanWrite: p.Can(auth.PermContractWrite)}
	d.Filtered = d.Q != "" || d.Kind != "" || d.Status != "" || d.Expiring || picker.Value != ""
	d.KindOptions = web.EnumOptions(pg.Lang, contract.Kinds, kindLabel)
	status := http.StatusOK
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]contract.Contract, string, error) { return h.Contracts.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Contracts.CountList(ctx, p, q) })
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	if d.Totals, err = h.Contracts.Totals(ctx, p, contract.Query{Org: q.Org}); err != nil && !errs.Is(err, errs.KindInvalid) {
		return err
	}
	if d.Totals != nil {
		d.InForce = d.Totals.ByStatus[contract.StatusInForce]
	}
	if t := d.Totals; t != nil && t.Registry > 0 {
		d.Coverage = pg.T("contract.list.coverage_share", fmt.Sprintf("%d.%d", t.Employers*100/t.Registry, t.Employers*1000/t.Registry%10))
	}
	d.Tabs = statusTabs(pg, d.Status, d.Totals)
	for i := range items {
		v := rowOf(pg.Lang, &items[i])
		v.Link = v.URL + web.BackQuery(pg)
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "contract.list.total", "contract.list.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("contract.field.title")}, {Label: pg.T("contract.field.org")},
		{Label: pg.T("contract.field.kind")}, {Label: pg.T("contract.field.workers"), Key: "workers", Desc: true},
		{Label: pg.T("contract.field.term"), Key: "ends"}, {Label: pg.T("contract.field.status")}})
	d.ExportURL = "/contracts/export.xlsx" + queryPart(web.ListBase(pg))
	pg.Data = d
	h.Render(w, status, "contract_list", pg)
	return nil
}

// queryPart is the "?…" of a path, or "".
func queryPart(path string) string {
	for i := range len(path) {
		if path[i] == '?' {
			return path[i:]
		}
	}
	return ""
}

func statusTabs(pg *web.Page, current string, t *contract.Totals) []web.Tab {
	opts := []web.Option{{Value: "", Label: pg.T("contract.list.all")}}
	for _, s := range contract.Statuses {
		label := statusLabel(pg.Lang, s)
		if t != nil {
			label = fmt.Sprintf("%s %d", label, t.ByStatus[s])
		}
		opts = append(opts, web.Option{Value: string(s), Label: label})
	}
	return web.FilterTabs(web.ListBase(pg), "status", current, opts)
}

// export: GET /contracts/export.xlsx?<the list's filters>.
func (h *Pages) export(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !contract.MayRead(p) {
		return errs.Forbidden()
	}
	lang := i18n.FromRequest(r)
	q := queryOf(r, web.ParseIDValue(web.QueryValue(r, orgPick.Field)))
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	return signup.Export(h.Kernel, w, r, p, i18n.T(lang, "contract.export_sheet")+".xlsx", func(out io.Writer) error {
		return h.Contracts.Export(r.Context(), p, q, tr, out)
	})
}
