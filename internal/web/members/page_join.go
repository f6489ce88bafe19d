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

// The public joining pages (指尖入会): a worker opens a union's page from
// its QR poster on a phone, applies, and later follows the application with
// mobile and ID number. No sign-in; the forms still carry a form token,
// bound to the anonymous cookie (see csrfToken).

// joinData is the Data of the joining form.
type joinData struct {
	OrgID, OrgName string
	Employers      []web.Option
	Action         string
	StatusURL      string
}

// joinTarget loads the union of the {org} path value, or renders 404.
func (h *Pages) joinTarget(w http.ResponseWriter, r *http.Request) (*member.JoinTarget, bool) {
	id, err := web.IDParam(r, "org")
	if err == nil {
		var t *member.JoinTarget
		if t, err = h.Members.Target(r.Context(), id); err == nil {
			return t, true
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	h.Fail(w, r, nil, err)
	return nil, false
}

func (h *Pages) renderJoin(w http.ResponseWriter, r *http.Request, pg *web.Page, t *member.JoinTarget, status int) {
	d := joinData{OrgID: db.FormatID(t.ID), OrgName: t.Name, StatusURL: web.WithQuery("/join/status", web.LangQuery(r))}
	d.Action = web.WithQuery("/join/"+d.OrgID, web.LangQuery(r))
	for _, e := range t.Employers {
		d.Employers = append(d.Employers, web.Option{Value: db.FormatID(e.ID), Label: e.Name})
	}
	pg.Title = pg.T("mweb.join.title")
	pg.Data = d
	h.Render(w, status, "join_form", pg)
}

// joinPage: GET /join/{org}.
func (h *Pages) joinPage(w http.ResponseWriter, r *http.Request) {
	t, ok := h.joinTarget(w, r)
	if !ok {
		return
	}
	pg := h.PublicPage(w, r, "mweb.join.title")
	h.renderJoin(w, r, pg, t, http.StatusOK)
}

// joinSubmit: POST /join/{org}.
func (h *Pages) joinSubmit(w http.ResponseWriter, r *http.Request) {
	t, ok := h.joinTarget(w, r)
	if !ok {
		return
	}
	pg := h.PublicPage(w, r, "mweb.join.title")
	if !h.CheckCSRF(r) {
		pg.Form = &web.Form{Values: map[string]string{}, Errors: map[string]string{}, Message: pg.T("error.csrf")}
		refill(pg.Form, r)
		h.renderJoin(w, r, pg, t, httpx.KindStatus(errs.KindForbidden))
		return
	}
	in := member.ApplyInput{Name: web.FormValue(r, "name"), IDNumber: web.FormValue(r, "id_number"), Mobile: web.FormValue(r, "mobile"),
		EmployerName: web.FormValue(r, "employer_name"), Job: web.FormValue(r, "job"), PlatformWorker: web.IsChecked(web.FormValue(r, "platform_worker")),
		Consent: web.IsChecked(web.FormValue(r, "consent"))}
	var err error
	if s := web.FormValue(r, "employer_id"); s != "" {
		if in.EmployerID = web.ParseIDValue(s); in.EmployerID == 0 {
			f := errs.Fields{}
			f.Add("employer_id", "field.invalid_id")
			err = f.Err()
		}
	}
	if err == nil {
		err = h.Auth.Limit(r.Context(), "apply", httpx.ClientIP(r, h.HTTP), auth.PublicFormLimit)
	}
	if err == nil {
		// The answer is the same for every application filed (see
		// member.Store.Apply): nothing of the result reaches the page.
		_, err = h.Members.Apply(r.Context(), t.ID, in)
	}
	if err != nil {
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			h.Fail(w, r, nil, err)
			return
		}
		pg.Form = form
		h.renderJoin(w, r, pg, t, httpx.Status(err))
		return
	}
	http.Redirect(w, r, web.WithQuery("/join/"+db.FormatID(t.ID)+"/done", web.LangQuery(r)), http.StatusSeeOther)
}

// joinDoneData is the Data of the thank-you page.
type joinDoneData struct {
	OrgName   string
	StatusURL string
}

// joinDone: GET /join/{org}/done, after applying.
func (h *Pages) joinDone(w http.ResponseWriter, r *http.Request) {
	t, ok := h.joinTarget(w, r)
	if !ok {
		return
	}
	pg := h.PublicPage(w, r, "mweb.join.done_title")
	pg.Data = joinDoneData{OrgName: t.Name,
		StatusURL: web.WithQuery("/join/status", web.LangQuery(r))}
	h.Render(w, http.StatusOK, "join_done", pg)
}

// joinStatusData is the Data of the page where applicants follow their
// applications.
type joinStatusData struct {
	Action  string
	Asked   bool
	Results []applicantRow
}

// applicantRow is an application as its applicant sees it.
type applicantRow struct {
	OrgName, Status, Variant string
	Reason                   string
	Created, Decided         string
	Transfer                 string // the state of the transfer it became
}

// joinStatusPage: GET /join/status.
func (h *Pages) joinStatusPage(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "mweb.track.title")
	pg.Data = joinStatusData{Action: web.WithQuery("/join/status", web.LangQuery(r))}
	h.Render(w, http.StatusOK, "join_status", pg)
}

// joinStatusSubmit: POST /join/status. A POST, so that the numbers stay
// out of addresses and logs.
func (h *Pages) joinStatusSubmit(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "mweb.track.title")
	d := joinStatusData{Action: web.WithQuery("/join/status", web.LangQuery(r))}
	pg.Data = d
	if !h.CheckCSRF(r) {
		pg.Form = &web.Form{Values: map[string]string{}, Errors: map[string]string{}, Message: pg.T("error.csrf")}
		h.Render(w, httpx.KindStatus(errs.KindForbidden), "join_status", pg)
		return
	}
	if err := h.Auth.Limit(r.Context(), "track", httpx.ClientIP(r, h.HTTP), auth.PublicFormLimit); err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	views, err := h.Members.Track(r.Context(), web.FormValue(r, "mobile"), web.FormValue(r, "id_number"))
	if err != nil {
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			h.Fail(w, r, nil, err)
			return
		}
		pg.Form = form
		h.Render(w, httpx.Status(err), "join_status", pg)
		return
	}
	d.Asked = true
	for _, v := range views {
		row := applicantRow{OrgName: v.OrgName, Status: appStatusLabel(pg.Lang, v.Status), Variant: appStatusVariant(v.Status), Reason: v.Reason,
			Created: web.FormatTime(v.CreatedAt, "2006-01-02 15:04"), Decided: web.FormatTime(v.DecidedAt, "2006-01-02 15:04")}
		if v.TransferStatus != "" {
			row.Transfer = transferStatusLabel(pg.Lang, v.TransferStatus)
		}
		d.Results = append(d.Results, row)
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "join_status", pg)
}
