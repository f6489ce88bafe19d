package contests

import (
	"net/http"
	"net/url"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// The banks: the list of those the caller may use (their subtrees' and
// those of the organisations above them, read-only), the form of a bank
// (new and edit) and its deletion. The store scopes everything, answering
// NotFound outside what the caller may use.

func bankURL(id int64) string { return "/banks/" + db.FormatID(id) }

// mayUseBanks: the caller may open the banks' pages at all.
func mayUseBanks(p *auth.Principal) bool {
	return p.Can(auth.PermContestRead) || p.Can(auth.PermContestWrite)
}

// bankRow is a bank in the list or at the top of its page.
type bankRow struct {
	ID, URL, Link, Name, Description, OrgName, Updated string
	Questions                                          int
	Writable                                           bool
	Version                                            int
}

func bankView(b *bank.Bank) bankRow {
	return bankRow{ID: db.FormatID(b.ID), URL: bankURL(b.ID), Name: b.Name, Description: b.Description, OrgName: b.OrgName,
		Updated: web.FormatTime(b.UpdatedAt, "2006-01-02 15:04"), Questions: b.Questions, Writable: b.Writable, Version: b.Version}
}

// The list's organisation filter: optional, among the organisations where
// the caller may read banks.
var listOrgPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermContestRead}

// bankListData is the Data of the list.
type bankListData struct {
	Q        string
	Org      *web.OrgPicker
	Filtered bool
	Rows     []bankRow
	Cols     []any
	Sort     string
	Pager    web.CursorPager
	CanWrite bool
	NewURL   string
}

// cleanPickerQuery drops the picker's buttons from a GET form's address
// (and the organisation when its clear button was pressed), so that the
// list's links do not carry them.
func cleanPickerQuery(r *http.Request) {
	q := r.URL.Query()
	if q.Get(web.PickerClearButton) == listOrgPick.Field {
		q.Del(listOrgPick.Field)
		q.Del(listOrgPick.QField)
	}
	if q.Has(web.PickerClearButton) || q.Has(web.PickerSearchButton) && q.Get(listOrgPick.QField) == "" {
		q.Del(web.PickerClearButton)
		q.Del(web.PickerSearchButton)
		r.URL.RawQuery = q.Encode()
		r.Form = nil
	}
}

func (h *Pages) bankList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUseBanks(p) {
		return errs.Forbidden()
	}
	cleanPickerQuery(r)
	ctx := r.Context()
	pg := h.Page(w, r, p, "bweb.list.title", "banks")
	d := &bankListData{Q: web.QueryValue(r, "q"), Sort: web.SortParam(r, bank.BankSorts.Default), CanWrite: p.Can(auth.PermContestWrite), NewURL: "/banks/new"}
	spec := listOrgPick
	spec.Label, spec.Blank = pg.T("bweb.field.org"), pg.T("bweb.list.all_orgs")
	var err error
	if d.Org, err = h.OrgPicker(r, p, spec, ""); err != nil {
		return err
	}
	d.Filtered = d.Q != "" || d.Org.Value != ""
	if d.Org.Value != "" && d.CanWrite {
		d.NewURL += "?org=" + url.QueryEscape(d.Org.Value)
	}
	q := bank.BankQuery{Q: d.Q, Org: web.ParseIDValue(d.Org.Value), Sort: d.Sort, After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]bank.Bank, string, error) { return h.Banks.Banks(ctx, p, q) },
		func() (listing.Total, error) { return h.Banks.CountBanks(ctx, p, q) })
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, web.FormStatus(err)
	}
	back := web.BackQuery(pg)
	for i := range items {
		v := bankView(&items[i])
		v.Link = v.URL + back
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "bweb.list.total", "bweb.list.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("bweb.field.name"), Key: "name"}, {Label: pg.T("bweb.field.org")},
		{Label: pg.T("bweb.field.questions"), Key: "questions", Class: "num", Desc: true}, {Label: pg.T("bweb.field.updated"), Key: "updated", Desc: true}})
	pg.Data = d
	h.Render(w, status, "bank_list", pg)
	return nil
}

// bankFor loads the bank of the {id} path value, or answers the error page.
func (h *Pages) bankFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*bank.Bank, bool) {
	if !mayUseBanks(p) {
		h.Fail(w, r, p, errs.Forbidden())
		return nil, false
	}
	return web.Load(h.Kernel, w, r, p, h.Banks.Bank)
}

// bankWritable is bankFor for what changes the bank: those who only use it
// get the 403 page.
func (h *Pages) bankWritable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*bank.Bank, bool) {
	b, ok := h.bankFor(w, r, p)
	if ok && !b.Writable {
		h.Fail(w, r, p, errs.Forbidden())
		return nil, false
	}
	return b, ok
}

// The owner of a new bank: an organisation where the caller keeps banks.
var ownerPick = web.PickerSpec{Field: "org_id", QField: "org_q", Required: true, Perm: auth.PermContestWrite}

// bankFormData is the Data of the form.
type bankFormData struct {
	Editing              bool
	Action, Cancel       string
	Org                  *web.OrgPicker // the owner, when new
	OrgName              string         // the owner, when editing
	Name, Description    string
	Version              string
	DeleteURL            string
	MaxName, MaxDescribe int
}

func (h *Pages) renderBankForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, b *bank.Bank, d *bankFormData) error {
	d.MaxName, d.MaxDescribe = bank.MaxBankName, bank.MaxBankDescription
	crumbs := []web.Crumb{{Label: pg.T("bweb.list.title"), URL: "/banks"}}
	if b == nil {
		spec := ownerPick
		spec.Label, spec.Hint = pg.T("bweb.field.owner"), pg.T("bweb.form.owner_hint")
		var err error
		if d.Org, err = h.OrgPicker(r, p, spec, defaultOwner(p, web.QueryValue(r, "org"))); err != nil {
			return err
		}
	} else {
		d.Editing, d.OrgName = true, b.OrgName
		d.DeleteURL = bankURL(b.ID) + "/delete"
		crumbs = append(crumbs, web.Crumb{Label: b.Name, URL: bankURL(b.ID)})
	}
	pg.Crumbs = append(crumbs, web.Crumb{Label: pg.Title})
	pg.Data = d
	h.Render(w, status, "bank_form", pg)
	return nil
}

// defaultOwner is the owner a new bank starts with: the organisation the
// list was filtered to, else the caller's own when they keep banks there.
func defaultOwner(p *auth.Principal, org string) string {
	if org != "" {
		return org
	}
	if p.CanAt(auth.PermContestWrite, p.OrgPath) {
		return db.FormatID(p.OrgID)
	}
	return ""
}

func (h *Pages) bankNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "bweb.new.title", "banks")
	return h.renderBankForm(w, r, p, pg, http.StatusOK, nil, &bankFormData{Action: "/banks/new", Cancel: "/banks"})
}

func bankInputFrom(r *http.Request) bank.BankInput {
	return bank.BankInput{Name: web.FormValue(r, "name"), Description: web.FormValue(r, "description")}
}

func (h *Pages) bankCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	in := bankInputFrom(r)
	var err error
	if !web.PickerAsked(r) { // a picker's search shows the form again, as typed
		f := errs.Fields{}
		if in.OrgID, err = h.PickedOrg(r, p, ownerPick, f); err == nil {
			if in.OrgID == 0 && f["org_id"].Key == "" {
				f.Add("org_id", "field.required")
			}
			if err = f.Err(); err == nil {
				var b *bank.Bank
				if b, err = h.Banks.CreateBank(r.Context(), p, in); err == nil {
					web.Redirect(w, r, bankURL(b.ID), "flash.bweb.bank_created")
					return nil
				}
			}
		}
	}
	pg := h.Page(w, r, p, "bweb.new.title", "banks")
	pg.Path = "/banks/new"
	if !h.FormAgain(w, r, p, pg, err) {
		return nil
	}
	return h.renderBankForm(w, r, p, pg, web.FormStatus(err), nil, &bankFormData{Action: "/banks/new", Cancel: "/banks"})
}

func (h *Pages) bankEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "bweb.edit.title", "banks")
	return h.renderBankForm(w, r, p, pg, http.StatusOK, b, &bankFormData{Action: bankURL(b.ID) + "/edit", Cancel: bankURL(b.ID),
		Name: b.Name, Description: b.Description, Version: strconv.Itoa(b.Version)})
}

func (h *Pages) bankUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	f := errs.Fields{}
	version := 0
	web.ParseIntField(f, r, "version", 0, &version)
	err := f.Err()
	if err == nil {
		if _, err = h.Banks.UpdateBank(r.Context(), p, b.ID, version, bankInputFrom(r)); err == nil {
			web.Redirect(w, r, bankURL(b.ID), "flash.bweb.bank_saved")
			return nil
		}
	}
	pg := h.Page(w, r, p, "bweb.edit.title", "banks")
	pg.Path = bankURL(b.ID) + "/edit"
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	return h.renderBankForm(w, r, p, pg, web.FormStatus(err), b, &bankFormData{Action: bankURL(b.ID) + "/edit", Cancel: bankURL(b.ID),
		Name: b.Name, Description: b.Description, Version: strconv.Itoa(version)})
}

// bankDeleteData is the Data of the confirmation of a deletion.
type bankDeleteData struct {
	B bankRow
}

// bankDeletePage asks before a bank and its questions go (a page of its
// own, so that it asks without JavaScript too).
func (h *Pages) bankDeletePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	h.renderBankDelete(w, r, p, http.StatusOK, b, nil)
	return nil
}

func (h *Pages) renderBankDelete(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, b *bank.Bank, form *web.Form) {
	pg := h.Page(w, r, p, "bweb.delete.title", "banks")
	pg.Path = bankURL(b.ID) + "/delete"
	pg.Form = form
	pg.Crumbs = []web.Crumb{{Label: pg.T("bweb.list.title"), URL: "/banks"}, {Label: b.Name, URL: bankURL(b.ID)}, {Label: pg.Title}}
	pg.Data = bankDeleteData{B: bankView(b)}
	h.Render(w, status, "bank_delete", pg)
}

func (h *Pages) bankDelete(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	f := errs.Fields{}
	version := 0
	web.ParseIntField(f, r, "version", 0, &version)
	f.Check(version > 0, "version", "field.required")
	err := f.Err()
	if err == nil {
		if err = h.Banks.DeleteBank(r.Context(), p, b.ID, version); err == nil {
			web.Redirect(w, r, "/banks", "flash.bweb.bank_deleted")
			return nil
		}
	}
	pg := h.Page(w, r, p, "", "")
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		return err
	}
	h.renderBankDelete(w, r, p, web.FormStatus(err), b, form)
	return nil
}
