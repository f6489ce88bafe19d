package members

import (
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
	StatusTabs []statusTab
	OrgOptions []web.Option
	Rows       []applicationRow
	Next       string
	HasPrev    bool
	Back       string
	Sections   []memberSection
	Section    string
}

// statusTab is one choice of a row of filter links.
type statusTab struct {
	Label, URL string
	Current    bool
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
	base := web.SetQuery(web.SetQuery(web.SetQuery(pg.Path, "flash", ""), "cursor", ""), "status", "")
	tabs := []struct{ value, label string }{{"", appStatusLabel(pg.Lang, member.AppPending)}}
	for _, s := range appStatuses[1:] {
		tabs = append(tabs, struct{ value, label string }{string(s), appStatusLabel(pg.Lang, s)})
	}
	tabs = append(tabs, struct{ value, label string }{"all", pg.T("page.all")})
	for _, t := range tabs {
		d.StatusTabs = append(d.StatusTabs, statusTab{Label: t.label, URL: web.SetQuery(base, "status", t.value), Current: t.value == d.Status})
	}
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

// applicationShowData is the Data of an application's page.
type applicationShowData struct {
	A    applicationRow
	Back string
}

func (h *Pages) applicationShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderApplication(w, r, p, nil, http.StatusOK)
	return nil
}

func (h *Pages) renderApplication(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
	ctx := r.Context()
	id, err := web.IDParam(r, "id")
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	a, err := h.Members.GetApplication(ctx, p, id)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg := h.Page(w, r, p, "", "members")
	pg.Title = pg.T("mweb.app.title", a.Name)
	if r.Method != http.MethodGet {
		pg.Path = "/applications/" + db.FormatID(a.ID)
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.T("mweb.apps.title"), URL: "/applications"}, {Label: a.Name}}
	pg.Form = form
	back := web.LocalURL(r.FormValue("back"), "")
	if back == "" {
		back = "/applications"
	}
	pg.Data = applicationShowData{A: applicationView(pg.Lang, h.pathCache(ctx, p), *a), Back: back}
	h.Render(w, status, "application_show", pg)
}

// applicationDecide: POST /applications/{id}/decide, decision=approve or
// reject (with a reason).
func (h *Pages) applicationDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	decision := web.FormValue(r, "decision")
	if decision != "approve" && decision != "reject" {
		pg := h.Page(w, r, p, "", "members")
		h.renderApplication(w, r, p, web.FieldErrorForm(pg, "decision", "field.invalid_choice"), httpx.KindStatus(errs.KindInvalid))
		return nil
	}
	_, err = h.Members.Decide(r.Context(), p, id, member.Decision{Approve: decision == "approve", Reason: web.FormValue(r, "reason")})
	if err != nil {
		pg := h.Page(w, r, p, "", "members")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		h.renderApplication(w, r, p, form, httpx.Status(err))
		return nil
	}
	back := web.LocalURL(web.FormValue(r, "back"), "/applications/"+db.FormatID(id))
	if decision == "approve" {
		web.Redirect(w, r, back, "flash.mweb.app_approved")
		return nil
	}
	web.Redirect(w, r, back, "flash.mweb.app_rejected")
	return nil
}
