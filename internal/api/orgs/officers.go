package orgs

import (
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/db"
	"gonghui/internal/org"
)

type officerView struct {
	ID        string `json:"id"`
	OrgID     string `json:"org_id"`
	Name      string `json:"name"`
	Position  string `json:"position"`
	TermStart string `json:"term_start"`
	TermEnd   string `json:"term_end"`
	Note      string `json:"note"`
	Current   bool   `json:"current"`
}

func viewOfficer(o *org.Officer) officerView {
	return officerView{ID: db.FormatID(o.ID), OrgID: db.FormatID(o.OrgID), Name: o.Name, Position: o.Position,
		TermStart: o.TermStart, TermEnd: o.TermEnd, Note: o.Note, Current: o.Current}
}

// listOfficers: GET /orgs/{id}/officers.
func (h *API) listOfficers(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, api.ViewedAll(h.Orgs.Officers, viewOfficer))
}

type officerInput struct {
	Name      string `json:"name"`
	Position  string `json:"position"`
	TermStart string `json:"term_start"`
	TermEnd   string `json:"term_end"`
	Note      string `json:"note"`
}

// addOfficer: POST /orgs/{id}/officers.
func (h *API) addOfficer(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in officerInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	o, err := h.Orgs.AddOfficer(r.Context(), api.Principal(r), id, org.OfficerInput(in))
	if err != nil {
		return err
	}
	return api.Created(w, "/officers/"+db.FormatID(o.ID), viewOfficer(o))
}

type officerPatchInput struct {
	Name      *string `json:"name"`
	Position  *string `json:"position"`
	TermStart *string `json:"term_start"`
	TermEnd   *string `json:"term_end"`
	Note      *string `json:"note"`
}

// patchOfficer: PATCH /officers/{id}, merged onto the current record.
func (h *API) patchOfficer(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in officerPatchInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	p := api.Principal(r)
	cur, err := h.Orgs.GetOfficer(r.Context(), p, id)
	if err != nil {
		return err
	}
	up := org.OfficerInput{Name: cur.Name, Position: cur.Position, TermStart: cur.TermStart, TermEnd: cur.TermEnd, Note: cur.Note}
	set(&up.Name, in.Name)
	set(&up.Position, in.Position)
	set(&up.TermStart, in.TermStart)
	set(&up.TermEnd, in.TermEnd)
	set(&up.Note, in.Note)
	o, err := h.Orgs.UpdateOfficer(r.Context(), p, id, up)
	if err != nil {
		return err
	}
	return api.OK(w, viewOfficer(o))
}

// removeOfficer: DELETE /officers/{id}.
func (h *API) removeOfficer(w http.ResponseWriter, r *http.Request) error {
	return api.Remove(w, r, h.Orgs.RemoveOfficer)
}
