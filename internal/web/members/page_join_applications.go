package members

import (
	"context"
	"net/http"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// The queue of applications to join (staff side of 指尖入会): pending ones
// by default, oldest first; approve, or reject with a reason.

// applicationRow is an application in the queue or on its page.
type applicationRow struct {
	member.Application
	IDStr, URL, OrgURL   string
	StatusLabel, StatusV string
	Tags                 []string
	GenderLabel          string
	Created, Decided     string
	MemberURL            string
	TransferURL          string
	CanDecide            bool
	Link                 string // URL with the way back to the queue (filter, order, page kept)
}

func applicationView(lang i18n.Lang, paths *pathCache, a member.Application) applicationRow {
	v := applicationRow{Application: a, IDStr: db.FormatID(a.ID), URL: "/applications/" + db.FormatID(a.ID), OrgURL: web.OrgURL(a.OrgID),
		StatusLabel: appStatusLabel(lang, a.Status), StatusV: appStatusVariant(a.Status), Tags: web.TagLabels(lang, a.Tags),
		Created: web.FormatTime(a.CreatedAt, "2006-01-02 15:04"), Decided: web.FormatTime(a.DecidedAt, "2006-01-02 15:04")}
	if a.Gender != "" {
		v.GenderLabel = i18n.T(lang, "member.gender."+a.Gender)
	} else {
		v.GenderLabel = i18n.T(lang, "exp.masked")
	}
	if a.MemberID != 0 {
		v.MemberURL = web.MemberURL(a.MemberID)
	}
	if a.TransferID != 0 {
		v.TransferURL = "/transfers/" + db.FormatID(a.TransferID)
	}
	v.CanDecide = a.Status == member.AppPending && paths.can(auth.PermMemberWrite, a.OrgID)
	return v
}

// applicationListData is the Data of the queue.
type applicationListData struct {
	Status     string // "" = pending, "all", or a status
	Org        string
	StatusTabs []web.Tab
	OrgPicker  *web.OrgPicker // the union filtered by
	Rows       []applicationRow
	Cols       []any // the headings, sortable ones linked
	Sort       string
	Pager      web.CursorPager
	Back       string
	Sections   []memberSection
	Section    string
	// Bulk: the rows on this page that can be decided carry a checkbox of
	// the form at BulkAction; Result is what the last bulk decision did.
	BulkAction string
	Bulk       bool
	Result     *bulkSummary
}

func (h *Pages) applicationList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderApplicationList(w, r, p, nil, nil, http.StatusOK)
}

// renderApplicationList renders the queue at the request's query: after a
// bulk decision (a POST to /applications/bulk?<the queue's query>) with its
// result, or with the failed form.
func (h *Pages) renderApplicationList(w http.ResponseWriter, r *http.Request, p *auth.Principal, result *bulkSummary, form *web.Form, status int) error {
	ctx := r.Context()
	pg := h.Page(w, r, p, "mweb.apps.title", "members")
	if r.Method != http.MethodGet {
		pg.Path = "/applications"
		if r.URL.RawQuery != "" {
			pg.Path += "?" + r.URL.RawQuery
		}
	}
	d := applicationListData{Status: web.QueryValue(r, "status"), Org: web.FilterValue(r, memberOrgPick.Field), Sections: memberSections(pg.Lang), Section: "applications",
		Sort: web.SortParam(r, member.ApplicationSorts.Default)}
	spec := memberOrgPick
	spec.Label, spec.Blank = pg.T("mweb.members.union"), pg.T("mweb.members.all_unions")
	var err error
	if d.OrgPicker, err = h.FilterPicker(pg, r, p, spec, d.Org); err != nil {
		return err
	}
	q := member.ApplicationQuery{Sort: d.Sort, After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	switch d.Status {
	case "":
		q.Status = member.AppPending
	case "all":
	default:
		q.Status = member.ApplicationStatus(d.Status)
	}
	tabs := []web.Option{{Value: "", Label: appStatusLabel(pg.Lang, member.AppPending)}}
	for _, s := range appStatuses[1:] {
		tabs = append(tabs, web.Option{Value: string(s), Label: appStatusLabel(pg.Lang, s)})
	}
	tabs = append(tabs, web.Option{Value: "all", Label: pg.T("page.all")})
	d.StatusTabs = web.FilterTabs(web.ListBase(pg), "status", d.Status, tabs)
	fe := errs.Fields{}
	if d.Org != "" {
		if q.Org = web.ParseIDValue(d.Org); q.Org == 0 {
			fe.Add("org", "field.invalid_id")
		}
	}
	var items []member.Application
	var next string
	var total listing.Total
	err = fe.Err()
	if err == nil {
		items, next, total, err = web.ListPage(r, &q.Offset, func() ([]member.Application, string, error) { return h.Members.ListApplications(ctx, p, q) },
			func() (listing.Total, error) { return h.Members.CountApplications(ctx, p, q) })
	}
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form = form
		status = httpx.Status(err)
	}
	if form != nil {
		pg.Form = form
	}
	paths := h.pathCache(ctx, p)
	back := web.BackQuery(pg)
	for _, a := range items {
		v := applicationView(pg.Lang, paths, a)
		v.Link = v.URL + back
		d.Bulk = d.Bulk || v.CanDecide
		d.Rows = append(d.Rows, v)
	}
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("mweb.field.name"), Key: "name"}, {Label: pg.T("mweb.field.id_number")},
		{Label: pg.T("mweb.field.mobile")}, {Label: pg.T("mweb.field.union"), Key: "org"}, {Label: pg.T("mweb.field.employer")},
		{Label: pg.T("mweb.app.submitted"), Key: "created"}, {Label: pg.T("mweb.field.status")}})
	d.Pager = web.ListPager(pg, r, next, len(items), total)
	d.Back = web.SetQuery(pg.Path, "flash", "")
	d.BulkAction = "/applications/bulk"
	if _, query, ok := strings.Cut(d.Back, "?"); ok {
		d.BulkAction += "?" + query
	}
	d.Result = result
	pg.Data = d
	h.Render(w, status, "application_list", pg)
	return nil
}

func (h *Pages) renderApplication(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
	if a, ok := web.Load(h.Kernel, w, r, p, h.Members.GetApplication); ok {
		h.renderQueueItem(w, r, p, form, status, applicationQueue, a.ID, a.Name, func(lang i18n.Lang, paths *pathCache) any { return applicationView(lang, paths, *a) })
	}
}

// applicationDecide: POST /applications/{id}/decide, decision=approve or
// reject (with a reason).
func (h *Pages) applicationDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.Decide(w, r, p, web.Decision{Field: "decision", Strict: true, Back: true,
		Flash: map[string]string{"approve": "flash.mweb.app_approved", "reject": "flash.mweb.app_rejected"},
		Apply: func(ctx context.Context, id int64, decision string) error {
			_, err := h.Members.Decide(ctx, p, id, member.Decision{Approve: decision == "approve", Reason: web.FormValue(r, "reason")})
			return err
		},
		Again: h.renderApplication,
		Next:  func(id int64) string { return "/applications/" + db.FormatID(id) }})
}

// bulkSummary is what a bulk decision did, in words.
type bulkSummary struct {
	Done       string   // "已批准 3 条申请。"
	Failed     string   // "1 条未能处理：", "" when none failed
	FailedList []string // "钱二：申请已处理。" each
}

// applicationBulk: POST /applications/bulk?<the queue's query>, with the
// ticked applications (id, repeated), decision=approve or reject and one
// reason for all. Each item is decided on its own (scoped and audited by
// the store); the queue is shown again with what happened to each.
func (h *Pages) applicationBulk(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := h.Page(w, r, p, "", "") // only the language of the messages
	decision := web.FormValue(r, "decision")
	if decision != "approve" && decision != "reject" {
		return h.renderApplicationList(w, r, p, nil, web.FieldErrorForm(pg, "decision", "field.invalid_choice"), httpx.KindStatus(errs.KindInvalid))
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id := web.ParseIDValue(v); id != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return h.renderApplicationList(w, r, p, nil, web.FieldErrorForm(pg, "id", "bulk.apps.none_selected"), httpx.KindStatus(errs.KindInvalid))
	}
	res, err := h.Members.DecideMany(r.Context(), p, ids, member.Decision{Approve: decision == "approve", Reason: web.FormValue(r, "reason")})
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		return h.renderApplicationList(w, r, p, nil, form, httpx.Status(err))
	}
	return h.renderApplicationList(w, r, p, summarise(pg.Lang, decision, res), nil, http.StatusOK)
}

// summarise puts a bulk decision's results in words.
func summarise(lang i18n.Lang, decision string, res []member.BulkResult) *bulkSummary {
	s := &bulkSummary{}
	done := 0
	for _, x := range res {
		if x.Err == nil {
			done++
			continue
		}
		name := x.Name
		if name == "" {
			name = i18n.T(lang, "bulk.apps.unnamed", db.FormatID(x.ID))
		}
		s.FailedList = append(s.FailedList, i18n.T(lang, "bulk.apps.item_failed", name, web.ErrMessage(lang, x.Err)))
	}
	key := "bulk.apps.done_approved"
	if decision == "reject" {
		key = "bulk.apps.done_rejected"
	}
	s.Done = i18n.T(lang, key, done)
	if len(s.FailedList) > 0 {
		s.Failed = i18n.T(lang, "bulk.apps.failed", len(s.FailedList))
	}
	return s
}
