package orgs

import (
	"net/http"
	"time"

	"gonghui/internal/api"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/org"
)

type employerView struct {
	ID           string    `json:"id"`
	OwnerOrgID   string    `json:"owner_org_id"`
	OwnerOrgName string    `json:"owner_org_name"`
	Name         string    `json:"name"`
	ShortName    string    `json:"short_name"`
	CreditCode   string    `json:"credit_code"`
	Category     string    `json:"category"`
	Industry     string    `json:"industry"`
	IsPublic     bool      `json:"is_public"`
	NewForms     bool      `json:"new_forms"`
	Employees    int       `json:"employees"`
	Address      string    `json:"address"`
	DivisionCode string    `json:"division_code"`
	Organised    bool      `json:"organised"`
	UnionID      *string   `json:"union_id"`
	UnionName    string    `json:"union_name"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func viewEmployer(e *org.Employer) employerView {
	return employerView{
		ID: db.FormatID(e.ID), OwnerOrgID: db.FormatID(e.OwnerOrgID), OwnerOrgName: e.OwnerOrgName, Name: e.Name, ShortName: e.ShortName,
		CreditCode: e.CreditCode, Category: e.Category, Industry: e.Industry, IsPublic: e.IsPublic, NewForms: e.NewForms,
		Employees: e.Employees, Address: e.Address, DivisionCode: e.DivisionCode,
		Organised: e.UnionID != 0, UnionID: api.IDString(e.UnionID), UnionName: e.UnionName,
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(),
	}
}

// listEmployers: GET /employers.
func (h *API) listEmployers(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) org.EmployerQuery {
		return org.EmployerQuery{Q: q.Str("q"), Within: q.ID("within"), Category: q.Str("category"),
			Organised: q.Boolean("organised"), NewForms: q.Boolean("new_forms"), IsPublic: q.Boolean("public"),
			Sort: q.Str("sort"), After: pg.Cursor, Limit: pg.Limit}
	}, api.ViewedPage(h.Orgs.ListEmployers, viewEmployer), h.Orgs.CountEmployers)
}

type employerCreateInput struct {
	OwnerOrgID   api.ID `json:"owner_org_id"`
	Name         string `json:"name"`
	ShortName    string `json:"short_name"`
	CreditCode   string `json:"credit_code"`
	Category     string `json:"category"`
	Industry     string `json:"industry"`
	IsPublic     *bool  `json:"is_public"`
	NewForms     bool   `json:"new_forms"`
	Employees    int    `json:"employees"`
	Address      string `json:"address"`
	DivisionCode string `json:"division_code"`
}

// createEmployer: POST /employers.
func (h *API) createEmployer(w http.ResponseWriter, r *http.Request) error {
	var in employerCreateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	owner, err := in.OwnerOrgID.Only("owner_org_id", true)
	if err != nil {
		return err
	}
	e, err := h.Orgs.CreateEmployer(r.Context(), api.Principal(r), org.EmployerInput{
		OwnerOrgID: owner, Name: in.Name, ShortName: in.ShortName, CreditCode: in.CreditCode, Category: in.Category, Industry: in.Industry,
		IsPublic: in.IsPublic, NewForms: in.NewForms, Employees: in.Employees, Address: in.Address, DivisionCode: in.DivisionCode,
	})
	if err != nil {
		return err
	}
	return api.Created(w, "/employers/"+db.FormatID(e.ID), viewEmployer(e))
}

// getEmployer: GET /employers/{id}.
func (h *API) getEmployer(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, api.Viewed(h.Orgs.GetEmployer, viewEmployer))
}

// employerPatchInput changes only the fields given. A new owner needs write
// rights over both the old and the new one.
type employerPatchInput struct {
	OwnerOrgID   *api.ID `json:"owner_org_id"`
	Name         *string `json:"name"`
	ShortName    *string `json:"short_name"`
	CreditCode   *string `json:"credit_code"`
	Category     *string `json:"category"`
	Industry     *string `json:"industry"`
	IsPublic     *bool   `json:"is_public"`
	NewForms     *bool   `json:"new_forms"`
	Employees    *int    `json:"employees"`
	Address      *string `json:"address"`
	DivisionCode *string `json:"division_code"`
}

// patchEmployer: PATCH /employers/{id}, merged onto the current record.
func (h *API) patchEmployer(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in employerPatchInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	var owner int64
	if in.OwnerOrgID != nil {
		owner = in.OwnerOrgID.Parse(f, "owner_org_id", true)
	}
	if err := f.Err(); err != nil {
		return err
	}
	p := api.Principal(r)
	cur, err := h.Orgs.GetEmployer(r.Context(), p, id)
	if err != nil {
		return err
	}
	if owner == 0 {
		owner = cur.OwnerOrgID
	}
	isPublic := cur.IsPublic
	up := org.EmployerInput{OwnerOrgID: owner, Name: cur.Name, ShortName: cur.ShortName, CreditCode: cur.CreditCode, Category: cur.Category,
		Industry: cur.Industry, IsPublic: &isPublic, NewForms: cur.NewForms, Employees: cur.Employees,
		Address: cur.Address, DivisionCode: cur.DivisionCode}
	set(&up.Name, in.Name)
	set(&up.ShortName, in.ShortName)
	set(&up.CreditCode, in.CreditCode)
	set(&up.Category, in.Category)
	set(&up.Industry, in.Industry)
	set(up.IsPublic, in.IsPublic)
	set(&up.NewForms, in.NewForms)
	set(&up.Employees, in.Employees)
	set(&up.Address, in.Address)
	set(&up.DivisionCode, in.DivisionCode)
	e, err := h.Orgs.UpdateEmployer(r.Context(), p, id, up)
	if err != nil {
		return err
	}
	return api.OK(w, viewEmployer(e))
}

// orgEmployers: GET /orgs/{id}/employers, the employers a union organises.
func (h *API) orgEmployers(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, api.ViewedAll(h.Orgs.Employers, viewEmployer))
}

type linkInput struct {
	EmployerID api.ID `json:"employer_id"`
}

// linkEmployer: POST /orgs/{id}/employers records that the union organises
// the employer.
func (h *API) linkEmployer(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in linkInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	emp, err := in.EmployerID.Only("employer_id", true)
	if err != nil {
		return err
	}
	if err := h.Orgs.LinkEmployer(r.Context(), api.Principal(r), id, emp); err != nil {
		return err
	}
	return api.NoContent(w)
}

// unlinkEmployer: DELETE /orgs/{id}/employers/{employer_id}.
func (h *API) unlinkEmployer(w http.ResponseWriter, r *http.Request) error {
	return api.RemoveSub(w, r, "employer_id", h.Orgs.UnlinkEmployer)
}
