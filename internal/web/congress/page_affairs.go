package congress

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/congress"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// Open affairs (/congress/affairs): the items published within the
// caller's subtrees with their read counts, the form that publishes one
// to an employer's members, and withdrawing one.

type affairRow struct {
	ID, Title, Body, Employer, Category, Published string
	Reads                                          int
	Withdrawn, CanWithdraw, New                    bool
}

type affairsData struct {
	Q, Category      string
	Filtered         bool
	Org              *web.OrgPicker
	Rows             []affairRow
	Pager            web.CursorPager
	CategoryOptions  []web.Option
	Employers        []web.Option
	CanWrite, Failed bool
	MaxBody          int
}

func (h *Pages) affairs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderAffairs(w, r, p, nil)
}

func (h *Pages) renderAffairs(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed error) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "congress.affairs.title", "congress")
	status := http.StatusOK
	if failed != nil {
		pg.Path = "/congress/affairs"
		if !h.Validation(w, r, p, pg, failed) {
			return nil
		}
		status = web.FormStatus(failed)
	}
	spec := orgPick
	spec.Label, spec.Blank = pg.T("congress.field.org"), pg.T("congress.list.all_orgs")
	org, err := h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field))
	if err != nil {
		return err
	}
	d := &affairsData{Q: web.QueryValue(r, "q"), Category: web.QueryValue(r, "category"), Org: org, CanWrite: p.Can(auth.PermCongressWrite),
		Failed: failed != nil, MaxBody: congress.MaxAffair, CategoryOptions: web.EnumOptions(pg.Lang, congress.AffairCategories, affairCategoryLabel)}
	d.Filtered = d.Q != "" || d.Category != "" || org.Value != ""
	q := congress.AffairQuery{Q: d.Q, Category: congress.AffairCategory(d.Category), Org: web.ParseIDValue(org.Value),
		After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]congress.Affair, string, error) { return h.Congress.Affairs(ctx, p, q) },
		func() (listing.Total, error) { return h.Congress.CountAffairs(ctx, p, q) })
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	for _, a := range items {
		d.Rows = append(d.Rows, affairRow{ID: db.FormatID(a.ID), Title: a.Title, Body: a.Body, Employer: a.EmployerName,
			Category: affairCategoryLabel(pg.Lang, a.Category), Published: web.FormatTime(a.PublishedAt, "2006-01-02 15:04"), Reads: a.Reads,
			Withdrawn: a.Status == congress.AffairWithdrawn, CanWithdraw: a.Status == congress.AffairPublished && p.CanAt(auth.PermCongressWrite, a.OrgPath())})
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "congress.affairs.total", "congress.affairs.total_over")
	if d.CanWrite {
		emps, err := h.Congress.Employers(ctx, p, "")
		if err != nil {
			return err
		}
		for _, e := range emps {
			d.Employers = append(d.Employers, web.Option{Value: db.FormatID(e.ID), Label: e.Name})
		}
	}
	pg.Data = d
	h.Render(w, status, "congress_affairs", pg)
	return nil
}

// publish: POST /congress/affairs.
func (h *Pages) publish(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	_, err := h.Congress.Publish(r.Context(), p, congress.AffairInput{EmployerID: web.ParseIDValue(web.FormValue(r, "employer_id")),
		Category: congress.AffairCategory(web.FormValue(r, "category")), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")})
	if err != nil {
		return h.renderAffairs(w, r, p, err)
	}
	web.Redirect(w, r, "/congress/affairs", "flash.congress.published")
	return nil
}

// withdraw: POST /congress/affairs/{id}/withdraw.
func (h *Pages) withdraw(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Congress.Withdraw(r.Context(), p, id); err != nil {
		return err
	}
	web.Redirect(w, r, "/congress/affairs", "flash.congress.withdrawn")
	return nil
}
