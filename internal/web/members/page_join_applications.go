package members

import (
	"context"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
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
	OrgOptions []web.Option
	Rows       []applicationRow
	Next       string
	HasPrev    bool
	Back       string
	Sections   []memberSection
	Section    string
}

func (h *Pages) applicationList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	pg := h.Page(w, r, p, "mweb.apps.title", "members")
	d := applicationListData{Status: web.QueryValue(r, "status"), Org: web.QueryValue(r, "org"), Sections: memberSections(pg.Lang), Section: "applications"}
	q := member.ApplicationQuery{After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
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
	var err error
	if d.OrgOptions, err = h.OrgChoices(ctx, p, pg.Lang, auth.PermMemberRead, "", q.Org); err != nil {
		return err
	}
	status := http.StatusOK
	var items []member.Application
	var next string
	err = fe.Err()
	if err == nil {
		items, next, err = h.Members.ListApplications(ctx, p, q)
	}
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form = form
		status = httpx.Status(err)
	}
	paths := h.pathCache(ctx, p)
	for _, a := range items {
		d.Rows = append(d.Rows, applicationView(pg.Lang, paths, a))
	}
	d.Next, d.HasPrev = web.ListURL(pg, "cursor", next), q.After != ""
	d.Back = web.SetQuery(pg.Path, "flash", "")
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
