package contracts

import (
	"net/http"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/contract"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/web"
)

// The form of a draft (/contracts/new, /contracts/{id}/edit): the
// negotiating union, the kind and coverage, the parties, the days, the
// wage terms (typed as a percentage and in yuan, read without floating
// point), and rows of covered employers with their workers.

// formRows is how many employer rows the form offers.
const formRows = 8

// values are a contract's fields as the form shows them.
func values(c *contract.Contract) map[string]string {
	v := map[string]string{"org_id": db.FormatID(c.OrgID), "title": c.Title, "kind": string(c.Kind), "coverage": string(c.Coverage),
		"union_rep": c.UnionRep, "employer_rep": c.EmployerRep, "signed_on": c.SignedOn, "starts_on": c.StartsOn, "ends_on": c.EndsOn,
		"notes": c.Notes, "version": strconv.Itoa(c.Version)}
	if c.WageIncrease != 0 {
		v["wage_increase"] = contract.FormatHundredths(int64(c.WageIncrease))
	}
	if c.MinWage != 0 {
		v["min_wage"] = contract.FormatHundredths(c.MinWage)
	}
	for i, e := range c.Employers {
		s := strconv.Itoa(i)
		v["employers."+s+".employer_id"], v["employers."+s+".workers"] = db.FormatID(e.EmployerID), strconv.Itoa(e.Workers)
	}
	return v
}

// inputFrom reads the form; amounts that do not parse are field errors.
func inputFrom(r *http.Request, f errs.Fields) contract.Input {
	in := contract.Input{Title: r.PostFormValue("title"), Kind: contract.Kind(web.FormValue(r, "kind")), Coverage: contract.Coverage(web.FormValue(r, "coverage")),
		UnionRep: r.PostFormValue("union_rep"), EmployerRep: r.PostFormValue("employer_rep"), SignedOn: r.PostFormValue("signed_on"),
		StartsOn: r.PostFormValue("starts_on"), EndsOn: r.PostFormValue("ends_on"), Notes: r.PostFormValue("notes")}
	in.OrgID = web.ParseIDValue(web.FormValue(r, "org_id"))
	if s := web.FormValue(r, "wage_increase"); s != "" {
		n, ok := contract.ParsePercent(s)
		f.Check(ok, "wage_increase", "contract.bad_percent")
		in.WageIncrease = n
	}
	if s := web.FormValue(r, "min_wage"); s != "" {
		n, ok := contract.ParseYuan(s)
		f.Check(ok, "min_wage", "contract.bad_yuan")
		in.MinWage = n
	}
	for i := range formRows {
		s := strconv.Itoa(i)
		id, workers := web.FormValue(r, "employers."+s+".employer_id"), web.FormValue(r, "employers."+s+".workers")
		if id == "" && workers == "" {
			continue
		}
		n, err := strconv.Atoi(workers)
		if err != nil {
			f.Add("employers."+strconv.Itoa(len(in.Employers))+".workers", "field.not_a_number")
		}
		in.Employers = append(in.Employers, contract.EmployerInput{EmployerID: web.ParseIDValue(id), Workers: n})
	}
	return in
}

// save saves through do when the form read cleanly; otherwise nothing is
// saved and the form's own errors come back with the store's checks.
func save(f errs.Fields, in contract.Input, do func() error) error {
	if len(f) == 0 {
		return do()
	}
	if e, ok := errs.As(contract.Check(in)); ok && e.Fields != nil {
		for k, v := range e.Fields {
			if _, ok := f[k]; !ok {
				f[k] = v
			}
		}
	}
	return f.Err()
}

func (h *Pages) renderForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, action string, v map[string]string, editing bool, status int) error {
	var orgs []web.Option
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !seen[g.OrgID] && p.CanAt(auth.PermContractWrite, g.OrgPath) {
			seen[g.OrgID] = true
			orgs = append(orgs, web.Option{Value: db.FormatID(g.OrgID), Label: g.OrgName})
		}
	}
	choices, err := h.Contracts.Choices(r.Context(), p)
	if err != nil {
		return err
	}
	emps := []web.Option{{Value: "", Label: pg.T("contract.form.pick_employer")}}
	for _, c := range choices {
		emps = append(emps, web.Option{Value: db.FormatID(c.ID), Label: c.Name + " · " + c.OrgName})
	}
	var rows []string
	for i := range formRows {
		rows = append(rows, strconv.Itoa(i))
	}
	if v != nil && v["org_id"] == "" && len(orgs) > 0 {
		v["org_id"] = orgs[0].Value // most staff act at one union
	}
	pg.Data = map[string]any{"Action": action, "V": v, "Orgs": orgs, "Employers": emps, "Rows": rows, "Editing": editing,
		"Kinds": web.EnumOptions(pg.Lang, contract.Kinds, kindLabel), "Coverages": web.EnumOptions(pg.Lang, contract.Coverages, coverageLabel),
		"Full": len(choices) >= contract.MaxChoices}
	h.Render(w, status, "contract_form", pg)
	return nil
}

func (h *Pages) newForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContractWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "contract.new.title", "contracts")
	v := map[string]string{"kind": string(contract.KindComprehensive), "coverage": string(contract.CoverEmployer)}
	return h.renderForm(w, r, p, pg, "/contracts/new", v, false, http.StatusOK)
}

func (h *Pages) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f := errs.Fields{}
	in := inputFrom(r, f)
	var c *contract.Contract
	err := save(f, in, func() (err error) { c, err = h.Contracts.Create(r.Context(), p, in); return err })
	if err == nil {
		web.Redirect(w, r, contractURL(c.ID), "flash.contract.created")
		return nil
	}
	pg := h.Page(w, r, p, "contract.new.title", "contracts")
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	return h.renderForm(w, r, p, pg, "/contracts/new", nil, false, web.FormStatus(err))
}

func (h *Pages) editForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Contracts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	if c.Status != contract.StatusDraft || !p.CanAt(auth.PermContractWrite, c.OrgPath()) {
		return errs.Conflict("wrong_status", "contract.not_draft")
	}
	pg := h.Page(w, r, p, "contract.edit.title", "contracts")
	return h.renderForm(w, r, p, pg, contractURL(id)+"/edit", values(c), true, http.StatusOK)
}

func (h *Pages) update(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	f := errs.Fields{}
	in := inputFrom(r, f)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err = save(f, in, func() error { _, err := h.Contracts.Update(r.Context(), p, id, version, in); return err })
	if err == nil {
		web.Redirect(w, r, contractURL(id), "flash.contract.saved")
		return nil
	}
	pg := h.Page(w, r, p, "contract.edit.title", "contracts")
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	return h.renderForm(w, r, p, pg, contractURL(id)+"/edit", nil, true, web.FormStatus(err))
}
