package members

import (
	"context"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
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
	DirTabs           []web.Tab
	StatusOptions     []web.Option
	Rows              []transferRow
	Cols              []any // the headings, sortable ones linked
	Sort              string
	Pager             web.CursorPager
	Back              string
	CanRequest        bool
	RequestOpen       bool
	TargetOptions     []web.Option
	Sections          []memberSection
	Section           string
}

// transferRow is a transfer of the list with the link to its page, which
// links back to the list (filter, order and page kept).
type transferRow struct {
	transferView
	Link string
}

// transferHeads are the list's headings; the sortable ones name their key
// of member.TransferSorts.
func transferHeads(pg *web.Page) []web.SortHead {
	return []web.SortHead{{Label: pg.T("mweb.transfer.member"), Key: "member"}, {Label: pg.T("mweb.transfer.from"), Key: "from"},
		{Label: pg.T("mweb.transfer.to"), Key: "to"}, {Label: pg.T("mweb.field.transfer_status")},
		{Label: pg.T("mweb.transfer.requested_at"), Key: "requested", Desc: true}}
}

func (h *Pages) renderTransferList(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "mweb.transfers.title", "members")
	if r.Method != http.MethodGet {
		pg.Path = "/transfers"
	}
	d := transferListData{Direction: web.QueryValue(r, "direction"), Status: web.QueryValue(r, "status"), CanRequest: p.Can(auth.PermMemberWrite),
		Sections: memberSections(pg.Lang), Section: "transfers", Sort: web.SortParam(r, member.TransferSorts.Default)}
	d.StatusOptions = web.EnumOptions(pg.Lang, transferStatuses, transferStatusLabel)
	d.DirTabs = web.FilterTabs(web.ListBase(pg), "direction", d.Direction, []web.Option{
		{Value: "", Label: pg.T("page.all")}, {Value: "in", Label: pg.T("mweb.transfers.in")}, {Value: "out", Label: pg.T("mweb.transfers.out")}})
	q := member.TransferQuery{Status: member.TransferStatus(d.Status), Direction: d.Direction, Sort: d.Sort,
		After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]member.Transfer, string, error) { return h.Members.ListTransfers(ctx, p, q) },
		func() (listing.Total, error) { return h.Members.CountTransfers(ctx, p, q) })
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
	back := web.BackQuery(pg)
	for _, v := range h.transferViews(ctx, p, pg.Lang, items) {
		d.Rows = append(d.Rows, transferRow{transferView: v, Link: v.URL + back})
	}
	d.Cols = web.SortCols(pg, d.Sort, transferHeads(pg))
	d.Pager = web.ListPager(pg, r, next, len(items), total)
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

func (h *Pages) renderTransfer(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
	if t, ok := web.Load(h.Kernel, w, r, p, h.Members.GetTransfer); ok {
		h.renderQueueItem(w, r, p, form, status, transferQueue, t.ID, t.MemberName, func(lang i18n.Lang, paths *pathCache) any { return transferViewOf(lang, paths, *t) })
	}
}

// transferDecide: POST /transfers/{id}/decide, action=release, accept,
// reject (with a reason) or cancel; the store refuses any other.
func (h *Pages) transferDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.Decide(w, r, p, web.Decision{Field: "action", Back: true,
		Flash: map[string]string{"release": "flash.mweb.transfer_released", "accept": "flash.mweb.transfer_accepted",
			"reject": "flash.mweb.transfer_rejected", "cancel": "flash.mweb.transfer_cancelled"},
		Apply: func(ctx context.Context, id int64, action string) error {
			_, err := h.Members.DecideTransfer(ctx, p, id, member.TransferDecision{Action: action, Reason: web.FormValue(r, "reason")})
			return err
		},
		Again: h.renderTransfer,
		Next:  func(int64) string { return "/transfers" }})
}
