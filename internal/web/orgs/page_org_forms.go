package orgs

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// orgValues are the fields of the organisation form as shown.
type orgValues struct {
	Name, ShortName, Kind, DivisionCode, Address, Phone, FoundedOn, Note string
}

// orgFormData is the Data of the "org_form" page (edit, or add a child).
type orgFormData struct {
	V           orgValues
	Action      string
	Cancel      string
	Submit      string // translated label of the submit button
	KindOptions []web.Option
	ParentName  string // when adding a child
}

// orgFor loads the organisation of the {id} path value.
func (h *Pages) orgFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*org.Org, []org.Org, bool) {
	id, err := web.IDParam(r, "id")
	if err == nil {
		var o *org.Org
		if o, err = h.Orgs.Get(r.Context(), p, id); err == nil {
			var anc []org.Org
			if anc, err = h.Orgs.Ancestors(r.Context(), p, id); err == nil {
				return o, anc, true
			}
		}
	}
	h.Fail(w, r, p, err)
	return nil, nil, false
}

// writable answers 403 when the caller may see o but not change it.
func (h *Pages) writable(w http.ResponseWriter, r *http.Request, p *auth.Principal, o *org.Org) bool {
	if !p.CanAt(auth.PermOrgWrite, o.Path) {
		h.Forbidden(w, r, p)
		return false
	}
	return true
}

func (h *Pages) orgEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok || !h.writable(w, r, p, o) {
		return nil
	}
	pg := h.Page(w, r, p, "page.org.edit_title", "orgs")
	h.renderOrgForm(w, pg, http.StatusOK, o, anc, orgValues{o.Name, o.ShortName, string(o.Kind), o.DivisionCode, o.Address, o.Phone, o.FoundedOn, o.Note}, false)
	return nil
}

func (h *Pages) orgNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok || !h.writable(w, r, p, o) {
		return nil
	}
	pg := h.Page(w, r, p, "page.org.new_title", "orgs")
	h.renderOrgForm(w, pg, http.StatusOK, o, anc, orgValues{}, true)
	return nil
}

func (h *Pages) renderOrgForm(w http.ResponseWriter, pg *web.Page, status int, o *org.Org, anc []org.Org, v orgValues, isNew bool) {
	data := orgFormData{V: v, Cancel: web.OrgURL(o.ID), KindOptions: web.KindOptions(pg.Lang)}
	if isNew {
		data.Action, data.Submit, data.ParentName = web.OrgURL(o.ID)+"/new", pg.T("page.org.create"), o.Name
		pg.Crumbs = web.OrgCrumbs(pg.Lang, anc, o, web.Crumb{Label: pg.Title})
	} else {
		data.Action, data.Submit = web.OrgURL(o.ID)+"/edit", pg.T("page.save")
		pg.Crumbs = web.OrgCrumbs(pg.Lang, anc, o, web.Crumb{Label: pg.Title})
	}
	pg.Data = data
	h.Render(w, status, "org_form", pg)
}

func orgValuesFrom(r *http.Request) orgValues {
	return orgValues{
		Name: web.FormValue(r, "name"), ShortName: web.FormValue(r, "short_name"), Kind: web.FormValue(r, "kind"), DivisionCode: web.FormValue(r, "division_code"), Address: web.FormValue(r, "address"),
		Phone: web.FormValue(r, "phone"), FoundedOn: web.FormValue(r, "founded_on"), Note: web.FormValue(r, "note"),
	}
}

func (h *Pages) orgUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok {
		return nil
	}
	v := orgValuesFrom(r)
	_, err := h.Orgs.Update(r.Context(), p, o.ID, org.UpdateInput{Name: v.Name, ShortName: v.ShortName, Kind: org.Kind(v.Kind), DivisionCode: v.DivisionCode,
		Address: v.Address, Phone: v.Phone, FoundedOn: v.FoundedOn, Note: v.Note})
	if err != nil {
		pg := h.Page(w, r, p, "page.org.edit_title", "orgs")
		if h.Validation(w, r, p, pg, err) {
			h.renderOrgForm(w, pg, httpx.Status(err), o, anc, v, false)
		}
		return nil
	}
	web.Redirect(w, r, web.OrgURL(o.ID), "flash.org_saved")
	return nil
}

func (h *Pages) orgCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	parent, anc, ok := h.orgFor(w, r, p)
	if !ok {
		return nil
	}
	v := orgValuesFrom(r)
	child, err := h.Orgs.Create(r.Context(), p, org.CreateInput{ParentID: parent.ID, Name: v.Name, ShortName: v.ShortName, Kind: org.Kind(v.Kind),
		DivisionCode: v.DivisionCode, Address: v.Address, Phone: v.Phone, FoundedOn: v.FoundedOn, Note: v.Note})
	if err != nil {
		pg := h.Page(w, r, p, "page.org.new_title", "orgs")
		if h.Validation(w, r, p, pg, err) {
			h.renderOrgForm(w, pg, httpx.Status(err), parent, anc, v, true)
		}
		return nil
	}
	web.Redirect(w, r, web.OrgURL(child.ID), "flash.org_created")
	return nil
}

// orgMoveData is the Data of the "org_move" page: pick a new parent.
type orgMoveData struct {
	Org        *org.Org
	IDStr      string
	ParentName string
	Parent     *web.OrgPicker
}

// moveSpec is the picker of a move's new parent: places the caller may
// change, outside the subtree being moved.
func moveSpec(pg *web.Page, o *org.Org) web.PickerSpec {
	return web.PickerSpec{Field: "parent_id", QField: "q", Label: pg.T("page.org.move_parent"), Hint: pg.T("page.org.move_hint"),
		Required: true, Perm: auth.PermOrgWrite, Outside: o.ID}
}

func (h *Pages) orgMoveForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok || !h.writable(w, r, p, o) {
		return nil
	}
	pg := h.Page(w, r, p, "page.org.move_title", "orgs")
	h.renderMove(w, r, p, pg, http.StatusOK, o, anc)
	return nil
}

func (h *Pages) renderMove(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, o *org.Org, anc []org.Org) {
	pg.Crumbs = web.OrgCrumbs(pg.Lang, anc, o, web.Crumb{Label: pg.Title})
	data := orgMoveData{Org: o, IDStr: db.FormatID(o.ID)}
	for _, a := range anc {
		if a.ID == o.ParentID {
			data.ParentName = a.Name
		}
	}
	var err error
	if data.Parent, err = h.OrgPicker(r, p, moveSpec(pg, o), ""); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg.Data = data
	h.Render(w, status, "org_move", pg)
}

func (h *Pages) orgMove(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, anc, ok := h.orgFor(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "page.org.move_title", "orgs")
	if web.PickerAsked(r) {
		if h.writable(w, r, p, o) {
			h.renderMove(w, r, p, pg, http.StatusOK, o, anc)
		}
		return nil
	}
	f := errs.Fields{}
	parentID, err := h.PickedOrg(r, p, moveSpec(pg, o), f)
	if err != nil {
		return err
	}
	if parentID == 0 && f["parent_id"].Key == "" {
		f.Add("parent_id", "field.required")
	}
	if err = f.Err(); err == nil {
		_, err = h.Orgs.Move(r.Context(), p, o.ID, parentID)
	}
	if err != nil {
		if h.Validation(w, r, p, pg, err) {
			h.renderMove(w, r, p, pg, httpx.Status(err), o, anc)
		}
		return nil
	}
	web.Redirect(w, r, web.OrgURL(o.ID), "flash.org_moved")
	return nil
}
