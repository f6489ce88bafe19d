package works

import (
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

// The staff's pages: the list of calls, the form, a call's page with its
// actions and panel, its entries with screening.

type callRow struct {
	URL, Title, OrgName, Window, Kind, Phase, PhaseV string
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "works.list.title", "works")
	q := works.Query{Q: web.QueryValue(r, "q"), Status: works.Status(web.QueryValue(r, "status")), Kind: works.Kind(web.QueryValue(r, "kind")),
		Sort: web.SortParam(r, works.Sorts.Default), After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]works.Call, string, error) { return h.Works.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Works.CountList(ctx, p, q) })
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, web.FormStatus(err)
	}
	var rows []callRow
	for _, c := range items {
		ph := c.PhaseAt(h.now())
		rows = append(rows, callRow{URL: callURL(c.ID), Title: c.Title, OrgName: c.OrgName, Window: window(c.OpensAt, c.ClosesAt),
			Kind: pg.T("works.kind." + string(c.Kind)), Phase: phaseLabel(pg.Lang, ph), PhaseV: phaseVariant(ph)})
	}
	statusOpts := []web.Option{}
	for _, s := range works.Statuses {
		statusOpts = append(statusOpts, web.Option{Value: string(s), Label: pg.T("works.status." + string(s))})
	}
	kindOpts := []web.Option{}
	for _, k := range works.Kinds {
		kindOpts = append(kindOpts, web.Option{Value: string(k), Label: pg.T("works.kind." + string(k))})
	}
	pg.Data = map[string]any{"Q": q.Q, "Status": string(q.Status), "Kind": string(q.Kind), "StatusOptions": statusOpts, "KindOptions": kindOpts,
		"Filtered": q.Q != "" || q.Status != "" || q.Kind != "", "Rows": rows, "Sort": q.Sort, "CanWrite": p.Can(auth.PermContestWrite),
		"Pager": web.ListPagerOf(pg, r, next, len(items), total, "works.list.total", "works.list.total_over")}
	h.Render(w, status, "works_list", pg)
	return nil
}

func (h *Pages) now() time.Time { return h.Works.Now() }

// ---------- the form ----------

// formValues are a call's fields as the form shows them.
func formValues(c *works.Call) map[string]string {
	v := map[string]string{"org_id": db.FormatID(c.OrgID), "title": c.Title, "description": c.Description, "kind": string(c.Kind),
		"min_chars": strconv.Itoa(c.MinChars), "max_chars": strconv.Itoa(c.MaxChars), "max_photos": strconv.Itoa(c.MaxPhotos),
		"max_photo_kb": strconv.Itoa(c.MaxPhotoKB), "per_member": strconv.Itoa(c.PerMember), "opens_at": web.LocalValue(c.OpensAt),
		"closes_at": web.LocalValue(c.ClosesAt), "judge_until": web.LocalValue(c.JudgeUntil), "version": strconv.Itoa(c.Version)}
	for i, k := range c.Criteria {
		v["criteria."+strconv.Itoa(i)+".name"], v["criteria."+strconv.Itoa(i)+".weight"] = k.Name, strconv.Itoa(k.Weight)
	}
	for i, t := range c.Tiers {
		v["tiers."+strconv.Itoa(i)+".name"], v["tiers."+strconv.Itoa(i)+".count"] = t.Name, strconv.Itoa(t.Count)
	}
	return v
}

func inputFrom(r *http.Request) works.Input {
	num := func(name string) int { n, _ := strconv.Atoi(r.PostFormValue(name)); return n }
	in := works.Input{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Kind: works.Kind(r.PostFormValue("kind")),
		MinChars: num("min_chars"), MaxChars: num("max_chars"), MaxPhotos: num("max_photos"), MaxPhotoKB: num("max_photo_kb"),
		PerMember: num("per_member"), OpensAt: r.PostFormValue("opens_at"), ClosesAt: r.PostFormValue("closes_at"), JudgeUntil: r.PostFormValue("judge_until")}
	in.OrgID, _ = db.ParseID(r.PostFormValue("org_id"))
	for i := range formRows {
		s := strconv.Itoa(i)
		in.Criteria = append(in.Criteria, works.Criterion{Name: r.PostFormValue("criteria." + s + ".name"), Weight: num("criteria." + s + ".weight")})
		in.Tiers = append(in.Tiers, works.Tier{Name: r.PostFormValue("tiers." + s + ".name"), Count: num("tiers." + s + ".count")})
	}
	return in
}

// formRows is how many rows of criteria and of tiers the form offers.
const formRows = 5

func (h *Pages) renderForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, action string, v map[string]string, status int) {
	var orgs []web.Option
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !seen[g.OrgID] && p.CanAt(auth.PermContestWrite, g.OrgPath) {
			seen[g.OrgID] = true
			orgs = append(orgs, web.Option{Value: db.FormatID(g.OrgID), Label: g.OrgName})
		}
	}
	var rows []string
	for i := range formRows {
		rows = append(rows, strconv.Itoa(i))
	}
	kinds := []web.Option{}
	for _, k := range works.Kinds {
		kinds = append(kinds, web.Option{Value: string(k), Label: pg.T("works.kind." + string(k))})
	}
	pg.Data = map[string]any{"Action": action, "V": v, "Orgs": orgs, "Rows": rows, "Kinds": kinds}
	h.Render(w, status, "works_form", pg)
}

func (h *Pages) newForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "works.new.title", "works")
	v := map[string]string{"kind": "essay", "min_chars": "300", "max_chars": "3000", "max_photos": "3", "max_photo_kb": "5120", "per_member": "1",
		"criteria.0.name": pg.T("works.default.theme"), "criteria.0.weight": "40", "criteria.1.name": pg.T("works.default.style"), "criteria.1.weight": "30",
		"criteria.2.name": pg.T("works.default.idea"), "criteria.2.weight": "30",
		"tiers.0.name": pg.T("works.default.first"), "tiers.0.count": "1", "tiers.1.name": pg.T("works.default.second"), "tiers.1.count": "2",
		"tiers.2.name": pg.T("works.default.third"), "tiers.2.count": "3", "tiers.3.name": pg.T("works.default.merit"), "tiers.3.count": "10"}
	h.renderForm(w, r, p, pg, "/works/new", v, http.StatusOK)
	return nil
}

func (h *Pages) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := h.Works.Create(r.Context(), p, inputFrom(r))
	if err == nil {
		web.Redirect(w, r, callURL(c.ID), "flash.works.created")
		return nil
	}
	pg := h.Page(w, r, p, "works.new.title", "works")
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	h.renderForm(w, r, p, pg, "/works/new", nil, web.FormStatus(err))
	return nil
}

func (h *Pages) editForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Works.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "works.edit.title", "works")
	h.renderForm(w, r, p, pg, callURL(id)+"/edit", formValues(c), http.StatusOK)
	return nil
}

func (h *Pages) update(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err = h.Works.Update(r.Context(), p, id, version, inputFrom(r)); err == nil {
		web.Redirect(w, r, callURL(id), "flash.works.saved")
		return nil
	}
	pg := h.Page(w, r, p, "works.edit.title", "works")
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	h.renderForm(w, r, p, pg, callURL(id)+"/edit", nil, web.FormStatus(err))
	return nil
}

// ---------- a call's page ----------

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.Works.Get(ctx, p, id)
	if err != nil {
		return err
	}
	judges, err := h.Works.Judges(ctx, p, id)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "", "works")
	pg.Title = c.Title
	d := map[string]any{"C": c, "URL": callURL(id), "Facts": facts(pg.Lang, c), "Judges": judges, "Run": works.CanRun(p, c),
		"Window": window(c.OpensAt, c.ClosesAt), "Judging": window(c.ClosesAt, c.JudgeUntil), "Trimmed": len(judges) >= works.TrimFrom}
	ph := c.PhaseAt(h.now())
	d["Phase"], d["PhaseV"], d["PhaseKey"] = phaseLabel(pg.Lang, ph), phaseVariant(ph), string(ph)
	if works.CanRun(p, c) {
		if d["Candidates"], err = h.Works.Candidates(ctx, p, id, web.QueryValue(r, "judge_q")); err != nil {
			return err
		}
	}
	if c.RankedAt != nil {
		if d["Winners"], err = h.Works.Winners(ctx, p, id); err != nil {
			return err
		}
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "works_show", pg)
	return nil
}

// act runs one of a call's buttons.
func (h *Pages) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	flash := "flash.works." + r.PathValue("action")
	switch r.PathValue("action") {
	case "publish":
		_, err = h.Works.Publish(ctx, p, id, version)
	case "cancel":
		_, err = h.Works.Cancel(ctx, p, id, version)
	case "close":
		_, err = h.Works.Close(ctx, p, id, version)
	case "award":
		_, err = h.Works.Award(ctx, p, id)
	case "results":
		_, err = h.Works.PublishResults(ctx, p, id)
	case "judges":
		uid, _ := db.ParseID(r.PostFormValue("user_id"))
		if r.PostFormValue("remove") != "" {
			err = h.Works.RemoveJudge(ctx, p, id, uid)
		} else {
			err = h.Works.AddJudge(ctx, p, id, uid)
		}
	default:
		return errs.NotFound("action")
	}
	if err != nil {
		return err // the kernel shows the store's message
	}
	web.Redirect(w, r, callURL(id), flash)
	return nil
}

// ---------- entries ----------

type entryRow struct {
	*works.Entry
	StatusL, StatusV, ScoreS, Screen string
	PhotoURLs                        []string
	// A refused screening of this entry: its error and what was typed.
	ReasonError, ReasonValue string
}

func (h *Pages) entries(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	return h.renderEntries(w, r, p, h.Page(w, r, p, "", "works"), id, 0, http.StatusOK)
}

// renderEntries shows a call's entries; failed is the entry whose
// screening was refused (pg.Form holds why), 0 for none.
func (h *Pages) renderEntries(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, id, failed int64, status int) error {
	ctx := r.Context()
	c, err := h.Works.Get(ctx, p, id)
	if err != nil {
		return err
	}
	pg.Title = pg.T("works.entries.title", c.Title)
	q := works.EntryQuery{Q: web.QueryValue(r, "q"), Status: works.EntryStatus(web.QueryValue(r, "status")), Limit: web.PageSize}
	q.Offset, _ = strconv.Atoi(web.QueryValue(r, "offset"))
	list, total, err := h.Works.Entries(ctx, p, id, q)
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, web.FormStatus(err)
	}
	var rows []entryRow
	for i := range list {
		e := &list[i]
		row := entryRow{Entry: e, StatusL: entryLabel(pg.Lang, e.Status), StatusV: entryVariant(e.Status), ScoreS: score(e.Score),
			Screen: "/works/entries/" + db.FormatID(e.ID) + "/screen"}
		if e.ID == failed && pg.Form != nil {
			row.ReasonError, row.ReasonValue = pg.Form.Errors["reason"], r.PostFormValue("reason")
		}
		for _, ph := range e.Photos {
			row.PhotoURLs = append(row.PhotoURLs, "/work-photos/"+db.FormatID(ph.ID))
		}
		rows = append(rows, row)
	}
	opts := []web.Option{}
	for _, s := range works.EntryStatuses {
		opts = append(opts, web.Option{Value: string(s), Label: entryLabel(pg.Lang, s)})
	}
	next := ""
	if q.Offset+len(list) < int(total.N) {
		next = callURL(id) + "/entries?status=" + string(q.Status) + "&q=" + q.Q + "&offset=" + strconv.Itoa(q.Offset+len(list))
	}
	pg.Data = map[string]any{"C": c, "URL": callURL(id), "Rows": rows, "Q": q.Q, "Status": string(q.Status), "StatusOptions": opts,
		"Total": total.N, "Next": next, "Run": works.CanRun(p, c), "Frozen": c.ResultsAt != nil, "Failed": failed}
	h.Render(w, status, "works_entries", pg)
	return nil
}

func (h *Pages) screen(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "entry")
	if err != nil {
		return err
	}
	e, err := h.Works.Screen(r.Context(), p, id, r.PostFormValue("decision") == "accept", r.PostFormValue("reason"))
	if err == nil {
		web.Redirect(w, r, callURL(e.CallID)+"/entries", "flash.works.screened")
		return nil
	}
	pg := h.Page(w, r, p, "", "works")
	form, ok := web.FormError(pg, err)
	if !ok {
		return err
	}
	e, _, serr := h.Works.StaffEntry(r.Context(), p, id)
	if serr != nil {
		return err
	}
	pg.Form = form
	return h.renderEntries(w, r, p, pg, e.CallID, id, web.FormStatus(err))
}
