package orgs

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/httpx"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// officerValues are the fields of the officer form as shown.
type officerValues struct {
	Name, Position, TermStart, TermEnd, Note string
}

// officerFormData is the Data of the "officer_form" page.
type officerFormData struct {
	V               officerValues
	OrgName         string
	Action, Cancel  string
	Submit          string
	PositionOptions []web.Option
}

func officerValuesFrom(r *http.Request) officerValues {
	return officerValues{Name: web.FormValue(r, "name"), Position: web.FormValue(r, "position"), TermStart: web.FormValue(r, "term_start"),
		TermEnd: web.FormValue(r, "term_end"), Note: web.FormValue(r, "note")}
}

func (v officerValues) input() org.OfficerInput {
	return org.OfficerInput{Name: v.Name, Position: v.Position, TermStart: v.TermStart, TermEnd: v.TermEnd, Note: v.Note}
}

func (h *Pages) renderOfficerForm(w http.ResponseWriter, pg *web.Page, status int, o *org.Org, anc []org.Org, v officerValues, action string) {
	pg.Crumbs = web.OrgCrumbs(pg.Lang, anc, o, web.Crumb{Label: pg.Title})
	submit := pg.T("page.save")
	if action == web.OrgURL(o.ID)+"/officers/new" {
		submit = pg.T("page.officer.add")
	}
	pg.Data = officerFormData{V: v, OrgName: o.Name, Action: action, Cancel: web.OrgURL(o.ID) + "#officers", Submit: submit,
		PositionOptions: web.PositionOptions(pg.Lang)}
	h.Render(w, status, "officer_form", pg)
}

func (h *Pages) officerNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok || !h.writable(w, r, p, o) {
		return nil
	}
	pg := h.Page(w, r, p, "page.officer.new_title", "orgs")
	h.renderOfficerForm(w, pg, http.StatusOK, o, anc, officerValues{}, web.OrgURL(o.ID)+"/officers/new")
	return nil
}

func (h *Pages) officerCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok {
		return nil
	}
	v := officerValuesFrom(r)
	if _, err := h.Orgs.AddOfficer(r.Context(), p, o.ID, v.input()); err != nil {
		pg := h.Page(w, r, p, "page.officer.new_title", "orgs")
		if h.Validation(w, r, p, pg, err) {
			h.renderOfficerForm(w, pg, httpx.Status(err), o, anc, v, web.OrgURL(o.ID)+"/officers/new")
		}
		return nil
	}
	web.RedirectAnchor(w, r, web.OrgURL(o.ID), "officers", "flash.officer_added")
	return nil
}

// officerFor finds the officer of the {id} path value and its organisation,
// as the caller sees them.
func (h *Pages) officerFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*org.Officer, *org.Org, []org.Org, bool) {
	fail := func(err error) (*org.Officer, *org.Org, []org.Org, bool) {
		h.Fail(w, r, p, err)
		return nil, nil, nil, false
	}
	id, err := web.IDParam(r, "id")
	if err != nil {
		return fail(err)
	}
	of, err := h.Orgs.GetOfficer(r.Context(), p, id)
	if err != nil {
		return fail(err)
	}
	o, err := h.Orgs.Get(r.Context(), p, of.OrgID)
	if err != nil {
		return fail(err)
	}
	anc, err := h.Orgs.Ancestors(r.Context(), p, of.OrgID)
	if err != nil {
		return fail(err)
	}
	return of, o, anc, true
}

func (h *Pages) officerEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	of, o, anc, ok := h.officerFor(w, r, p)
	if !ok || !h.writable(w, r, p, o) {
		return nil
	}
	pg := h.Page(w, r, p, "page.officer.edit_title", "orgs")
	h.renderOfficerForm(w, pg, http.StatusOK, o, anc, officerValues{of.Name, of.Position, of.TermStart, of.TermEnd, of.Note}, r.URL.Path)
	return nil
}

func (h *Pages) officerUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	of, o, anc, ok := h.officerFor(w, r, p)
	if !ok {
		return nil
	}
	v := officerValuesFrom(r)
	if _, err := h.Orgs.UpdateOfficer(r.Context(), p, of.ID, v.input()); err != nil {
		pg := h.Page(w, r, p, "page.officer.edit_title", "orgs")
		if h.Validation(w, r, p, pg, err) {
			h.renderOfficerForm(w, pg, httpx.Status(err), o, anc, v, r.URL.Path)
		}
		return nil
	}
	web.RedirectAnchor(w, r, web.OrgURL(o.ID), "officers", "flash.officer_saved")
	return nil
}

func (h *Pages) officerDelete(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	of, o, _, ok := h.officerFor(w, r, p)
	if !ok {
		return nil
	}
	if err := h.Orgs.RemoveOfficer(r.Context(), p, of.ID); err != nil {
		return err
	}
	web.RedirectAnchor(w, r, web.OrgURL(o.ID), "officers", "flash.officer_removed")
	return nil
}
