package web

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/httpx"
	"gonghui/internal/org"
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
	PositionOptions []Option
}

func officerValuesFrom(r *http.Request) officerValues {
	return officerValues{Name: fstr(r, "name"), Position: fstr(r, "position"), TermStart: fstr(r, "term_start"),
		TermEnd: fstr(r, "term_end"), Note: fstr(r, "note")}
}

func (v officerValues) input() org.OfficerInput {
	return org.OfficerInput{Name: v.Name, Position: v.Position, TermStart: v.TermStart, TermEnd: v.TermEnd, Note: v.Note}
}

func (h *Handler) renderOfficerForm(w http.ResponseWriter, pg *Page, status int, o *org.Org, anc []org.Org, v officerValues, action string) {
	pg.Crumbs = orgCrumbs(pg.Lang, anc, o, Crumb{Label: pg.Title})
	submit := pg.T("page.save")
	if action == orgURL(o.ID)+"/officers/new" {
		submit = pg.T("page.officer.add")
	}
	pg.Data = officerFormData{V: v, OrgName: o.Name, Action: action, Cancel: orgURL(o.ID) + "#officers", Submit: submit,
		PositionOptions: positionOptions(pg.Lang)}
	h.r.Render(w, status, "officer_form", pg)
}

func (h *Handler) officerNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok || !h.writable(w, r, p, o) {
		return nil
	}
	pg := h.page(w, r, p, "page.officer.new_title", "orgs")
	h.renderOfficerForm(w, pg, http.StatusOK, o, anc, officerValues{}, orgURL(o.ID)+"/officers/new")
	return nil
}

func (h *Handler) officerCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok {
		return nil
	}
	v := officerValuesFrom(r)
	if _, err := h.Orgs.AddOfficer(r.Context(), p, o.ID, v.input()); err != nil {
		pg := h.page(w, r, p, "page.officer.new_title", "orgs")
		if h.validation(w, r, p, pg, err) {
			h.renderOfficerForm(w, pg, httpx.Status(err), o, anc, v, orgURL(o.ID)+"/officers/new")
		}
		return nil
	}
	redirectAnchor(w, r, orgURL(o.ID), "officers", "flash.officer_added")
	return nil
}

// officerFor finds the officer of the {id} path value and its organisation,
// as the caller sees them.
func (h *Handler) officerFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*org.Officer, *org.Org, []org.Org, bool) {
	fail := func(err error) (*org.Officer, *org.Org, []org.Org, bool) {
		h.fail(w, r, p, err)
		return nil, nil, nil, false
	}
	id, err := idParam(r, "id")
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

func (h *Handler) officerEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	of, o, anc, ok := h.officerFor(w, r, p)
	if !ok || !h.writable(w, r, p, o) {
		return nil
	}
	pg := h.page(w, r, p, "page.officer.edit_title", "orgs")
	h.renderOfficerForm(w, pg, http.StatusOK, o, anc, officerValues{of.Name, of.Position, of.TermStart, of.TermEnd, of.Note}, r.URL.Path)
	return nil
}

func (h *Handler) officerUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	of, o, anc, ok := h.officerFor(w, r, p)
	if !ok {
		return nil
	}
	v := officerValuesFrom(r)
	if _, err := h.Orgs.UpdateOfficer(r.Context(), p, of.ID, v.input()); err != nil {
		pg := h.page(w, r, p, "page.officer.edit_title", "orgs")
		if h.validation(w, r, p, pg, err) {
			h.renderOfficerForm(w, pg, httpx.Status(err), o, anc, v, r.URL.Path)
		}
		return nil
	}
	redirectAnchor(w, r, orgURL(o.ID), "officers", "flash.officer_saved")
	return nil
}

func (h *Handler) officerDelete(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	of, o, _, ok := h.officerFor(w, r, p)
	if !ok {
		return nil
	}
	if err := h.Orgs.RemoveOfficer(r.Context(), p, of.ID); err != nil {
		return err
	}
	redirectAnchor(w, r, orgURL(o.ID), "officers", "flash.officer_removed")
	return nil
}
