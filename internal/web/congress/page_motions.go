package congress

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/congress"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// The staff's motions (/congress/motions): the list with its filters and
// the .xlsx export of the same filter; a motion's page with the forms the
// committee and the handlers use (review, assign, answer).

type motionsData struct {
	Q, Status, Session string
	Overdue, Filtered  bool
	Tabs               []web.Tab
	Org                *web.OrgPicker
	Rows               []motionRow
	Cols               []any
	Sort               string
	Pager              web.CursorPager
	ExportURL          string
}

func motionQuery(r *http.Request, org int64) congress.MotionQuery {
	return congress.MotionQuery{Q: web.QueryValue(r, "q"), Status: congress.MotionStatus(web.QueryValue(r, "status")),
		Session: web.ParseIDValue(web.QueryValue(r, "session")), Org: org, Overdue: web.QueryValue(r, "overdue") == "1",
		Sort: web.SortParam(r, congress.MotionSorts.Default), After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
}

func (h *Pages) motions(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "congress.motions.title", "congress")
	spec := orgPick
	spec.Label, spec.Blank = pg.T("congress.field.org"), pg.T("congress.list.all_orgs")
	org, err := h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field))
	if err != nil {
		return err
	}
	q := motionQuery(r, web.ParseIDValue(org.Value))
	d := &motionsData{Q: q.Q, Status: string(q.Status), Session: web.QueryValue(r, "session"), Overdue: q.Overdue, Org: org, Sort: q.Sort}
	d.Filtered = d.Q != "" || d.Status != "" || d.Overdue || d.Session != "" || org.Value != ""
	status := http.StatusOK
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]congress.Motion, string, error) { return h.Congress.Motions(ctx, p, q) },
		func() (listing.Total, error) { return h.Congress.CountMotions(ctx, p, q) })
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	opts := []web.Option{{Value: "", Label: pg.T("congress.list.all")}}
	for _, s := range congress.MotionStatuses {
		opts = append(opts, web.Option{Value: string(s), Label: motionStatusLabel(pg.Lang, s)})
	}
	d.Tabs = web.FilterTabs(web.ListBase(pg), "status", d.Status, opts)
	back := web.BackQuery(pg)
	for i := range items {
		v := motionRowOf(pg.Lang, &items[i], motionURL(items[i].ID))
		v.Link = v.URL + back
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "congress.motions.total", "congress.motions.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("congress.field.title")}, {Label: pg.T("congress.field.employer")},
		{Label: pg.T("congress.field.submitter")}, {Label: pg.T("congress.field.submitted"), Key: "submitted", Desc: true},
		{Label: pg.T("congress.field.seconds"), Class: "num"}, {Label: pg.T("congress.field.due_on"), Key: "due"}, {Label: pg.T("congress.field.status")}})
	d.ExportURL = web.SetQuery(web.SetQuery(web.ListBase(pg), "sort", ""), "page", "")
	d.ExportURL = "/congress/motions/export" + d.ExportURL[len("/congress/motions"):]
	pg.Data = d
	h.Render(w, status, "congress_motions", pg)
	return nil
}

// export: GET /congress/motions/export?<the list's filter>.
func (h *Pages) export(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	lang := i18n.FromRequest(r)
	f := errs.Fields{}
	org, err := orgFilterValue(r, f)
	if err != nil {
		return err
	}
	if err := f.Err(); err != nil {
		return err
	}
	var buf bytes.Buffer
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	if err := h.Congress.ExportMotions(r.Context(), p, motionQuery(r, org), tr, &buf); err != nil {
		return err
	}
	web.Download(w, fmt.Sprintf("motions-%s.xlsx", beijing.FileDate(time.Now())), buf.Bytes())
	return nil
}

// orgFilterValue reads the list's organisation filter from the query
// string; the store refuses an organisation the caller may not read.
func orgFilterValue(r *http.Request, f errs.Fields) (int64, error) {
	v := web.QueryValue(r, orgPick.Field)
	if v == "" {
		return 0, nil
	}
	id := web.ParseIDValue(v)
	if id == 0 {
		f.Add(orgPick.Field, "field.invalid_id")
	}
	return id, nil
}

// motionData is the Data of a motion's page.
type motionData struct {
	M         motionRow
	V         *congress.MotionView
	Session   string
	SessionTo string
	Rating    string
	First     string
	Outcomes  []web.Option
	Failed    string
	Back      string
	MaxText   int
	MaxNote   int
}

func (h *Pages) motion(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderMotion(w, r, p, "", nil)
}

func (h *Pages) renderMotion(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed string, err error) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	v, lerr := h.Congress.Motion(r.Context(), p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.Page(w, r, p, "", "congress")
	pg.Title = v.Title
	pg.Path = motionURL(id)
	status := http.StatusOK
	if failed != "" {
		if !h.FormAgain(w, r, p, pg, err) {
			return nil
		}
		status = web.FormStatus(err)
	}
	d := &motionData{M: motionRowOf(pg.Lang, &v.Motion, motionURL(id)), V: v, Session: v.EmployerName + " " + sessionName(pg.Lang, v.Term, v.Meeting),
		SessionTo: sessionURL(v.SessionID), Failed: failed, Back: web.ListBack(r, "/congress/motions"), MaxText: congress.MaxText, MaxNote: congress.MaxNote}
	if v.Rating != "" {
		d.Rating = ratingLabel(pg.Lang, v.Rating)
	}
	if v.FirstRating != "" {
		d.First = ratingLabel(pg.Lang, v.FirstRating)
	}
	for _, o := range congress.Outcomes {
		d.Outcomes = append(d.Outcomes, web.Option{Value: string(o), Label: pg.T("congress.outcome." + string(o))})
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("congress.motions.title"), URL: d.Back}, {Label: v.Title}}
	pg.Data = d
	h.Render(w, status, "congress_motion", pg)
	return nil
}

// motionAct: POST /congress/motions/{id}/{action}: review, assign, answer.
func (h *Pages) motionAct(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	action := r.PathValue("action")
	switch action {
	case "review":
		_, err = h.Congress.Review(ctx, p, id, congress.ReviewInput{Outcome: congress.Outcome(web.FormValue(r, "outcome")), Note: r.PostFormValue("note")})
	case "assign":
		_, err = h.Congress.Assign(ctx, p, id, congress.AssignInput{Handler: r.PostFormValue("handler"), DueOn: web.FormValue(r, "due_on")})
	case "answer":
		_, err = h.Congress.Answer(ctx, p, id, r.PostFormValue("text"))
	default:
		return errs.NotFound("page")
	}
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind != errs.KindInternal && e.Kind != errs.KindNotFound {
			return h.renderMotion(w, r, p, action, err)
		}
		return err
	}
	web.Redirect(w, r, motionURL(id), "flash.congress."+action)
	return nil
}
