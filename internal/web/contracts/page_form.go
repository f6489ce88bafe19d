package contracts

import (
	"net/http"
	"strconv"
	"strings"

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

// inputFrom reads the form; amounts that do not parse and employers the
// picker would not have offered are field errors.
func (h *Pages) inputFrom(r *http.Request, p *auth.Principal, f errs.Fields) (in contract.Input, rows []string, err error) {
	in = contract.Input{Title: r.PostFormValue("title"), Kind: contract.Kind(web.FormValue(r, "kind")), Coverage: contract.Coverage(web.FormValue(r, "coverage")),
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
		raw, workers := web.FormValue(r, employerField(s)), web.FormValue(r, "employers."+s+".workers")
		if raw == "" && workers == "" {
			continue
		}
		// The store numbers the rows it is given; the form's own errors
		// are named by the row the user sees (rowsOf maps them back).
		id, err := h.pickedEmployer(r, p, s, f)
		if err != nil {
			return in, rows, err
		}
		n, err := strconv.Atoi(workers)
		if err != nil {
			f.Add("employers."+s+".workers", "field.not_a_number")
		}
		in.Employers = append(in.Employers, contract.EmployerInput{EmployerID: id, Workers: n})
		rows = append(rows, s)
	}
	return in, rows, nil
}

// save saves through do when the form read cleanly; otherwise nothing is
// saved and the form's own errors come back with the store's checks. The
// store's errors of employer row k are moved to the form's row rows[k].
func save(f errs.Fields, in contract.Input, rows []string, do func() error) error {
	err := error(nil)
	if len(f) == 0 {
		err = do()
	} else if e, ok := errs.As(contract.Check(in)); ok && e.Fields != nil {
		for k, v := range e.Fields {
			k = formField(k, rows)
			if _, ok := f[k]; !ok {
				f[k] = v
			}
		}
		return f.Err()
	} else {
		return f.Err()
	}
	if e, ok := errs.As(err); ok && e.Fields != nil {
		moved := make(map[string]errs.Field, len(e.Fields))
		for k, v := range e.Fields {
			moved[formField(k, rows)] = v
		}
		e.Fields = moved
	}
	return err
}

// formField renames a store's field "employers.<k>.<x>" to the form's row.
func formField(field string, rows []string) string {
	rest, ok := strings.CutPrefix(field, "employers.")
	if !ok {
		return field
	}
	k, tail, ok := strings.Cut(rest, ".")
	i, err := strconv.Atoi(k)
	if !ok || err != nil || i < 0 || i >= len(rows) {
		return field
	}
	return "employers." + rows[i] + "." + tail
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
	if v != nil && v["org_id"] == "" && len(orgs) > 0 {
		v["org_id"] = orgs[0].Value // most staff act at one union
	}
	shown := v
	if shown == nil && pg.Form != nil {
		shown = pg.Form.Values
	}
	n := rowCount(r, shown)
	var rows []formRow
	for i := range n {
		s := strconv.Itoa(i)
		pk, err := h.employerPicker(r, p, pg, s, shown[employerField(s)])
		if err != nil {
			return err
		}
		rows = append(rows, formRow{N: s, Number: i + 1, Picker: pk})
	}
	pg.Data = map[string]any{"Action": action, "V": v, "Orgs": orgs, "Rows": rows, "RowCount": n, "MoreRows": n < formRows, "Editing": editing,
		"Kinds": web.EnumOptions(pg.Lang, contract.Kinds, kindLabel), "Coverages": web.EnumOptions(pg.Lang, contract.Coverages, coverageLabel)}
	h.Render(w, status, "contract_form", pg)
	return nil
}

// formRow is one row of covered employers on the form.
type formRow struct {
	N      string // its index in the field names
	Number int    // as people count
	Picker *web.OrgPicker
}

// again shows the form once more, saving nothing, when the POST was a
// picker's search, a cleared choice or "add a row": what was typed comes
// back with it.
func (h *Pages) again(w http.ResponseWriter, r *http.Request, p *auth.Principal, titleKey, action string, editing bool) (bool, error) {
	if !web.PickerAsked(r) && r.PostFormValue(addRowButton) == "" {
		return false, nil
	}
	pg := h.Page(w, r, p, titleKey, "contracts")
	pg.Form = web.KeptForm(r)
	return true, h.renderForm(w, r, p, pg, action, nil, editing, http.StatusOK)
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
	if done, err := h.again(w, r, p, "contract.new.title", "/contracts/new", false); done || err != nil {
		return err
	}
	f := errs.Fields{}
	in, rows, err := h.inputFrom(r, p, f)
	if err != nil {
		return err
	}
	var c *contract.Contract
	err = save(f, in, rows, func() (err error) { c, err = h.Contracts.Create(r.Context(), p, in); return err })
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
	if done, err := h.again(w, r, p, "contract.edit.title", contractURL(id)+"/edit", true); done || err != nil {
		return err
	}
	f := errs.Fields{}
	in, rows, err := h.inputFrom(r, p, f)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err = save(f, in, rows, func() error { _, err := h.Contracts.Update(r.Context(), p, id, version, in); return err })
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
