package orgs

import (
	"net/http"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// employerRow is an employer in a table or on its page.
type employerRow struct {
	org.Employer
	IDStr         string
	URL           string
	CategoryLabel string
	IndustryLabel string
	OwnerURL      string
	UnionURL      string
	Link          string // URL with the way back to the list (filter, order, page kept)
}

func employerRows(lang i18n.Lang, es []org.Employer) []employerRow {
	out := make([]employerRow, 0, len(es))
	for _, e := range es {
		out = append(out, employerView(lang, e))
	}
	return out
}

func employerView(lang i18n.Lang, e org.Employer) employerRow {
	v := employerRow{Employer: e, IDStr: db.FormatID(e.ID), URL: "/employers/" + db.FormatID(e.ID),
		CategoryLabel: web.CategoryLabel(lang, e.Category), IndustryLabel: web.IndustryLabel(lang, e.Industry), OwnerURL: web.OrgURL(e.OwnerOrgID)}
	if e.UnionID != 0 {
		v.UnionURL = web.OrgURL(e.UnionID)
	}
	return v
}

// employerListData is the Data of the employer list.
type employerListData struct {
	Q, Category, Organised, NewForms, Public string
	Within, WithinName                       string // the subtree the list is narrowed to
	CategoryOptions, YesNo                   []web.Option
	Rows                                     []employerRow
	Cols                                     []any // the headings, sortable ones linked
	Sort                                     string
	Pager                                    web.CursorPager
	Filtered                                 bool
	CanCreate                                bool
}

func (h *Pages) employerList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := h.Page(w, r, p, "page.employers.title", "employers")
	d := employerListData{Q: web.QueryValue(r, "q"), Category: web.QueryValue(r, "category"), Organised: web.TriValue(web.QueryValue(r, "organised")),
		NewForms: web.TriValue(web.QueryValue(r, "new_forms")), Public: web.TriValue(web.QueryValue(r, "public")),
		CategoryOptions: web.CategoryOptions(pg.Lang), YesNo: web.YesNoOptions(pg.Lang), CanCreate: p.Can(auth.PermOrgWrite)}
	within := web.ParseIDValue(web.QueryValue(r, "within"))
	if within != 0 {
		scope, err := h.Orgs.Get(r.Context(), p, within)
		if err != nil {
			return err
		}
		d.Within, d.WithinName = db.FormatID(scope.ID), scope.Name
	}
	d.Filtered = d.Q != "" || d.Category != "" || d.Organised != "" || d.NewForms != "" || d.Public != "" || d.Within != ""
	d.Sort = web.SortParam(r, org.EmployerSorts.Default)
	status := http.StatusOK
	q := org.EmployerQuery{Q: d.Q, Within: within, Category: d.Category, Organised: web.TriState(d.Organised), NewForms: web.TriState(d.NewForms),
		IsPublic: web.TriState(d.Public), Sort: d.Sort, After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]org.Employer, string, error) { return h.Orgs.ListEmployers(r.Context(), p, q) },
		func() (listing.Total, error) { return h.Orgs.CountEmployers(r.Context(), p, q) })
	if err != nil {
		if !h.Validation(w, r, p, pg, err) {
			return nil
		}
		status = httpx.Status(err)
	}
	d.Rows = employerRows(pg.Lang, items)
	back := web.BackQuery(pg)
	for i := range d.Rows {
		d.Rows[i].Link = d.Rows[i].URL + back
	}
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("page.employer.name"), Key: "name"}, {Label: pg.T("page.employer.credit_code")},
		{Label: pg.T("page.employer.category")}, {Label: pg.T("page.employer.industry")}, {Label: pg.T("page.employer.flags")},
		{Label: pg.T("page.employer.employees"), Key: "employees", Class: "num", Desc: true}, {Label: pg.T("page.employer.union")},
		{Label: pg.T("page.employer.owner"), Key: "owner"}})
	d.Pager = web.ListPager(pg, r, next, len(items), total)
	pg.Data = d
	h.Render(w, status, "employer_list", pg)
	return nil
}

// employerFor loads the employer of the {id} path value.
func (h *Pages) employerFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*org.Employer, bool) {
	id, err := web.IDParam(r, "id")
	if err == nil {
		var e *org.Employer
		if e, err = h.Orgs.GetEmployer(r.Context(), p, id); err == nil {
			return e, true
		}
	}
	h.Fail(w, r, p, err)
	return nil, false
}

// employerShowData is the Data of an employer's page.
type employerShowData struct {
	E        employerRow
	CanWrite bool
}

func (h *Pages) employerShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	e, ok := h.employerFor(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "", "employers")
	pg.Title = e.Name
	pg.Crumbs = []web.Crumb{{Label: pg.T("page.employers.title"), URL: web.ListBack(r, "/employers")}, {Label: e.Name}}
	d := employerShowData{E: employerView(pg.Lang, *e)}
	if owner, err := h.Orgs.Get(r.Context(), p, e.OwnerOrgID); err == nil {
		d.CanWrite = p.CanAt(auth.PermOrgWrite, owner.Path)
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "employer_show", pg)
	return nil
}

// employerValues are the fields of the employer form as shown.
type employerValues struct {
	OwnerOrgID, Name, ShortName, CreditCode, Category, Industry, IsPublic, NewForms, Employees, Address, DivisionCode string
}

// employerFormData is the Data of the "employer_form" page.
type employerFormData struct {
	V                                employerValues
	Action, Cancel, Submit           string
	Owner                            *web.OrgPicker
	CategoryOptions, IndustryOptions []web.Option
	PublicOptions                    []web.Option
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (h *Pages) renderEmployerForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, e *org.Employer, v employerValues) {
	d := employerFormData{V: v, CategoryOptions: web.CategoryOptions(pg.Lang), IndustryOptions: web.IndustryOptions(pg.Lang),
		PublicOptions: []web.Option{{Value: "", Label: pg.T("page.employer.public_auto")}, {Value: "yes", Label: pg.T("page.employer.public_yes")}, {Value: "no", Label: pg.T("page.employer.public_no")}}}
	if e == nil {
		d.Action, d.Cancel, d.Submit = "/employers/new", "/employers", pg.T("page.employer.create")
		pg.Crumbs = []web.Crumb{{Label: pg.T("page.employers.title"), URL: "/employers"}, {Label: pg.Title}}
	} else {
		id := db.FormatID(e.ID)
		d.Action, d.Cancel, d.Submit = "/employers/"+id+"/edit", "/employers/"+id, pg.T("page.save")
		pg.Crumbs = []web.Crumb{{Label: pg.T("page.employers.title"), URL: "/employers"}, {Label: e.Name, URL: d.Cancel}, {Label: pg.Title}}
	}
	var err error
	spec := web.PickerSpec{Field: "owner_org_id", QField: "owner_q", Label: pg.T("page.employer.owner"), Hint: pg.T("page.employer.owner_pick_hint"),
		Required: true, Perm: auth.PermOrgWrite}
	if d.Owner, err = h.OrgPicker(r, p, spec, v.OwnerOrgID); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg.Data = d
	h.Render(w, status, "employer_form", pg)
}

func (h *Pages) employerNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermOrgWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "page.employer.new_title", "employers")
	v := employerValues{OwnerOrgID: web.QueryValue(r, "owner")}
	if v.OwnerOrgID == "" && p.CanAt(auth.PermOrgWrite, p.OrgPath) {
		v.OwnerOrgID = db.FormatID(p.OrgID)
	}
	h.renderEmployerForm(w, r, p, pg, http.StatusOK, nil, v)
	return nil
}

func (h *Pages) employerEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	e, ok := h.employerFor(w, r, p)
	if !ok {
		return nil
	}
	owner, err := h.Orgs.Get(r.Context(), p, e.OwnerOrgID)
	if err != nil {
		return err
	}
	if !h.writable(w, r, p, owner) {
		return nil
	}
	pg := h.Page(w, r, p, "page.employer.edit_title", "employers")
	v := employerValues{OwnerOrgID: db.FormatID(e.OwnerOrgID), Name: e.Name, ShortName: e.ShortName, CreditCode: e.CreditCode, Category: e.Category,
		Industry: e.Industry, IsPublic: "no", NewForms: boolValue(e.NewForms), Employees: strconv.Itoa(e.Employees),
		Address: e.Address, DivisionCode: e.DivisionCode}
	if e.IsPublic {
		v.IsPublic = "yes"
	}
	// Shown as "by category" when it is what the category implies anyway.
	if e.IsPublic == org.DefaultPublic(e.Category) {
		v.IsPublic = ""
	}
	h.renderEmployerForm(w, r, p, pg, http.StatusOK, e, v)
	return nil
}

func employerValuesFrom(r *http.Request) employerValues {
	v := employerValues{OwnerOrgID: web.FormValue(r, "owner_org_id"), Name: web.FormValue(r, "name"), ShortName: web.FormValue(r, "short_name"), CreditCode: web.FormValue(r, "credit_code"),
		Category: web.FormValue(r, "category"), Industry: web.FormValue(r, "industry"), IsPublic: web.TriValue(web.FormValue(r, "is_public")),
		Employees: web.FormValue(r, "employees"), Address: web.FormValue(r, "address"), DivisionCode: web.FormValue(r, "division_code")}
	if web.IsChecked(web.FormValue(r, "new_forms")) {
		v.NewForms = "1"
	}
	return v
}

// input turns the form into the store's input; a number that is not one is
// reported before the store is asked.
func (v employerValues) input() (org.EmployerInput, error) {
	in := org.EmployerInput{OwnerOrgID: web.ParseIDValue(v.OwnerOrgID), Name: v.Name, ShortName: v.ShortName, CreditCode: v.CreditCode, Category: v.Category,
		Industry: v.Industry, IsPublic: web.TriState(v.IsPublic), NewForms: v.NewForms == "1", Address: v.Address, DivisionCode: v.DivisionCode}
	f := errs.Fields{}
	if v.Employees != "" {
		n, err := strconv.Atoi(v.Employees)
		if err != nil {
			f.Add("employees", "field.not_a_number")
		}
		in.Employees = n
	}
	return in, f.Err()
}

func (h *Pages) employerCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v := employerValuesFrom(r)
	if web.PickerAsked(r) {
		h.renderEmployerForm(w, r, p, h.Page(w, r, p, "page.employer.new_title", "employers"), http.StatusOK, nil, v)
		return nil
	}
	in, err := v.input()
	var e *org.Employer
	if err == nil {
		e, err = h.Orgs.CreateEmployer(r.Context(), p, in)
	}
	if err != nil {
		pg := h.Page(w, r, p, "page.employer.new_title", "employers")
		if h.Validation(w, r, p, pg, err) {
			h.renderEmployerForm(w, r, p, pg, httpx.Status(err), nil, v)
		}
		return nil
	}
	web.Redirect(w, r, "/employers/"+db.FormatID(e.ID), "flash.employer_created")
	return nil
}

func (h *Pages) employerUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	e, ok := h.employerFor(w, r, p)
	if !ok {
		return nil
	}
	v := employerValuesFrom(r)
	if web.PickerAsked(r) {
		h.renderEmployerForm(w, r, p, h.Page(w, r, p, "page.employer.edit_title", "employers"), http.StatusOK, e, v)
		return nil
	}
	in, err := v.input()
	if err == nil {
		_, err = h.Orgs.UpdateEmployer(r.Context(), p, e.ID, in)
	}
	if err != nil {
		pg := h.Page(w, r, p, "page.employer.edit_title", "employers")
		if h.Validation(w, r, p, pg, err) {
			h.renderEmployerForm(w, r, p, pg, httpx.Status(err), e, v)
		}
		return nil
	}
	web.Redirect(w, r, "/employers/"+db.FormatID(e.ID), "flash.employer_saved")
	return nil
}
