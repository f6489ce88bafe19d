package members

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// Transfers of membership between unions (会籍接转): the list of those in
// and out of the caller's unions with the steps each side may take, a
// transfer's page, and the request of a transfer in by ID number (staff of
// the target union cannot see the member).

// transferListData is the Data of the list.
type transferListData struct {
	Direction, Status string
	DirTabs           []statusTab
	StatusOptions     []web.Option
	Rows              []transferView
	Next              string
	HasPrev           bool
	Back              string
	CanRequest        bool
	RequestOpen       bool
	TargetOptions     []web.Option
	Sections          []memberSection
	Section           string
}

func (h *Pages) transferList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderTransferList(w, r, p, nil, http.StatusOK)
	return nil
}

func (h *Pages) renderTransferList(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "mweb.transfers.title", "members")
	if r.Method != http.MethodGet {
		pg.Path = "/transfers"
	}
	d := transferListData{Direction: web.QueryValue(r, "direction"), Status: web.QueryValue(r, "status"), CanRequest: p.Can(auth.PermMemberWrite),
		Sections: memberSections(pg.Lang), Section: "transfers"}
	for _, s := range transferStatuses {
		d.StatusOptions = append(d.StatusOptions, web.Option{Value: string(s), Label: transferStatusLabel(pg.Lang, s)})
	}
	base := web.SetQuery(web.SetQuery(pg.Path, "flash", ""), "cursor", "")
	for _, t := range []struct{ value, key string }{{"", "page.all"}, {"in", "mweb.transfers.in"}, {"out", "mweb.transfers.out"}} {
		d.DirTabs = append(d.DirTabs, statusTab{Label: pg.T(t.key), URL: web.SetQuery(base, "direction", t.value), Current: t.value == d.Direction})
	}
	cursor := web.QueryValue(r, "cursor")
	items, next, err := h.Members.ListTransfers(ctx, p, member.TransferQuery{Status: member.TransferStatus(d.Status), Direction: d.Direction, After: cursor, Limit: web.PageSize})
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			h.Fail(w, r, p, err)
			return
		}
		if form == nil {
			form, status = f, httpx.Status(err)
		}
	}
	pg.Form = form
	d.RequestOpen = form != nil && r.Method == http.MethodPost
	if d.CanRequest {
		keep := int64(0)
		if form != nil {
			keep = web.ParseIDValue(form.Values["to_org_id"])
		}
		if d.TargetOptions, err = h.unionOptions(ctx, p, auth.PermMemberWrite, "", keep); err != nil {
			h.Fail(w, r, p, err)
			return
		}
	}
	d.Rows = h.transferViews(ctx, p, pg.Lang, items)
	d.Next, d.HasPrev = web.ListURL(pg, "cursor", next), cursor != ""
	d.Back = web.SetQuery(pg.Path, "flash", "")
	pg.Data = d
	h.Render(w, status, "transfer_list", pg)
}

// transferRequestIn: POST /transfers/new, a union asks to take in a person
// who is a member elsewhere, named by ID number.
func (h *Pages) transferRequestIn(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	to, typed, err := targetFrom(r)
	if err == nil {
		req := member.TransferRequest{IDNumber: web.FormValue(r, "id_number"), ToOrgID: to, Note: web.FormValue(r, "note")}
		if req.IDNumber == "" {
			f := errs.Fields{}
			f.Add("id_number", "field.required")
			err = f.Err()
		} else {
			_, err = h.Members.RequestTransfer(r.Context(), p, req)
		}
	}
	if err != nil {
		pg := h.Page(w, r, p, "", "members")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		moveTargetError(form, typed)
		h.renderTransferList(w, r, p, form, httpx.Status(err))
		return nil
	}
	web.Redirect(w, r, "/transfers?direction=in", "flash.mweb.transfer_requested")
	return nil
}

// transferShowData is the Data of a transfer's page.
type transferShowData struct {
	T    transferView
	Back string
}

func (h *Pages) transferShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderTransfer(w, r, p, nil, http.StatusOK)
	return nil
}

func (h *Pages) renderTransfer(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
	ctx := r.Context()
	id, err := web.IDParam(r, "id")
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	t, err := h.Members.GetTransfer(ctx, p, id)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg := h.Page(w, r, p, "", "members")
	pg.Title = pg.T("mweb.transfer.title", t.MemberName)
	if r.Method != http.MethodGet {
		pg.Path = "/transfers/" + db.FormatID(t.ID)
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.T("mweb.transfers.title"), URL: "/transfers"}, {Label: t.MemberName}}
	pg.Form = form
	back := web.LocalURL(r.FormValue("back"), "")
	if back == "" {
		back = "/transfers"
	}
	pg.Data = transferShowData{T: transferViewOf(pg.Lang, h.pathCache(ctx, p), *t), Back: back}
	h.Render(w, status, "transfer_show", pg)
}

// transferDecide: POST /transfers/{id}/decide, action=release, accept,
// reject (with a reason) or cancel.
func (h *Pages) transferDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	action := web.FormValue(r, "action")
	_, err = h.Members.DecideTransfer(r.Context(), p, id, member.TransferDecision{Action: action, Reason: web.FormValue(r, "reason")})
	if err != nil {
		pg := h.Page(w, r, p, "", "members")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		h.renderTransfer(w, r, p, form, httpx.Status(err))
		return nil
	}
	flash := map[string]string{"release": "flash.mweb.transfer_released", "accept": "flash.mweb.transfer_accepted",
		"reject": "flash.mweb.transfer_rejected", "cancel": "flash.mweb.transfer_cancelled"}[action]
	web.Redirect(w, r, web.LocalURL(web.FormValue(r, "back"), "/transfers"), flash)
	return nil
}
