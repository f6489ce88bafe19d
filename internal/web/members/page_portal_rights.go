package members

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/member/privacy"
	"gonghui/internal/member/roster"
	"gonghui/internal/web"
)

// A member's data rights (我的信息): everything held about them, their own
// numbers in full (audited as a self-reveal), as a page and as downloads
// (JSON, .xlsx); requests to correct a field, and what became of them.
// Staff of the member's union decide the requests on /corrections.

// rightsRoutes registers the data-rights pages of members and staff.
func (h *Pages) rightsRoutes(mux *http.ServeMux) {
	m := h.MemberAuthed
	mux.HandleFunc("GET /m/data", m(h.portalData))
	mux.HandleFunc("GET /m/data.json", m(h.portalDataJSON))
	mux.HandleFunc("GET /m/data.xlsx", m(h.portalDataXLSX))
	mux.HandleFunc("POST /m/corrections", m(h.portalCorrect))
	a := h.Authed
	mux.HandleFunc("GET /corrections", a(h.correctionList))
	mux.HandleFunc("POST /corrections/{id}/decide", a(h.correctionDecide))
}

// rightsItem is one line of a list on the data page.
type rightsItem struct {
	When, Title, Detail string
	Status, Variant     string
}

// portalDataData is the Data of a member's data page.
type portalDataData struct {
	M             memberRow // numbers in full: the member's own
	History       []rightsItem
	Applications  []rightsItem
	Transfers     []rightsItem
	Registrations []rightsItem
	Enrolments    []rightsItem
	Consents      []rightsItem
	Corrections   []rightsItem
	Fields        []web.Option
}

func correctionVariant(s string) string {
	switch s {
	case privacy.CorrectionPending:
		return "warning"
	case privacy.CorrectionApproved:
		return "success"
	}
	return "danger"
}

func consentItem(lang i18n.Lang, c privacy.Consent) rightsItem {
	purposes := make([]string, len(c.Purposes))
	for i, p := range c.Purposes {
		purposes[i] = i18n.T(lang, "rights.purpose."+p)
	}
	it := rightsItem{When: web.FormatTime(c.At, "2006-01-02 15:04"), Title: i18n.T(lang, "rights.consent.path."+c.Path),
		Detail: strings.Join(purposes, i18n.T(lang, "mweb.list_sep")) + " · " + i18n.T(lang, "rights.consent.version", c.TextVersion)}
	if c.Collector != "" {
		it.Detail += " · " + i18n.T(lang, "rights.consent.collector", c.Collector)
	}
	return it
}

func correctionFields(lang i18n.Lang) []web.Option {
	return web.EnumOptions(lang, privacy.CorrectionFields, func(lang i18n.Lang, f string) string { return i18n.T(lang, "rights.field."+f) })
}

// ownData reads the member's data, audited as a self-reveal via how.
func (h *Pages) ownData(w http.ResponseWriter, r *http.Request, p *auth.Principal, how string) (*privacy.MyData, bool) {
	d, err := privacy.OwnData(r.Context(), h.Members, p.MemberID, how)
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		h.Fail(w, r, nil, err)
		return nil, false
	}
	return d, true
}

func (h *Pages) renderPortalData(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) {
	md, ok := h.ownData(w, r, p, "page")
	if !ok {
		return
	}
	lang := pg.Lang
	d := portalDataData{M: memberView(lang, md.Member), Fields: correctionFields(lang)}
	for _, e := range md.History {
		d.History = append(d.History, rightsItem{When: e.OnDate, Title: i18n.T(lang, "rights.event."+string(e.Kind)),
			Detail: strings.TrimSpace(e.OrgName + " " + e.OtherOrgName)})
	}
	for _, a := range md.Applications {
		d.Applications = append(d.Applications, rightsItem{When: web.FormatTime(a.CreatedAt, "2006-01-02"), Title: a.OrgName,
			Status: appStatusLabel(lang, a.Status), Variant: appStatusVariant(a.Status)})
	}
	for _, t := range md.Transfers {
		d.Transfers = append(d.Transfers, rightsItem{When: web.FormatTime(t.RequestedAt, "2006-01-02"), Title: t.FromOrgName + " → " + t.ToOrgName,
			Status: transferStatusLabel(lang, t.Status), Variant: transferStatusVariant(t.Status)})
	}
	for _, g := range md.Registrations {
		d.Registrations = append(d.Registrations, rightsItem{When: web.FormatTime(g.At, "2006-01-02"), Title: g.Title, Status: g.Status, Variant: "outline"})
	}
	for _, e := range md.Enrolments {
		d.Enrolments = append(d.Enrolments, rightsItem{When: web.FormatTime(e.At, "2006-01-02"), Title: e.Name, Status: e.Status, Variant: "outline"})
	}
	for _, c := range md.Consents {
		d.Consents = append(d.Consents, consentItem(lang, c))
	}
	for _, c := range md.Corrections {
		it := rightsItem{When: web.FormatTime(c.CreatedAt, "2006-01-02"), Title: i18n.T(lang, "rights.field."+c.Field), Detail: c.Value,
			Status: i18n.T(lang, "rights.correct.status."+c.Status), Variant: correctionVariant(c.Status)}
		if c.Reason != "" {
			it.Detail += " · " + i18n.T(lang, "rights.correct.reason", c.Reason)
		}
		d.Corrections = append(d.Corrections, it)
	}
	pg.Data = d
	h.Render(w, status, "portal_data", pg)
}

// portalData: GET /m/data.
func (h *Pages) portalData(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderPortalData(w, r, p, h.MemberPage(w, r, "rights.data.title", "account"), http.StatusOK)
	return nil
}

// portalDataJSON: GET /m/data.json, the same as GET /api/v1/me/data.
func (h *Pages) portalDataJSON(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	d, ok := h.ownData(w, r, p, "json")
	if !ok {
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.Attachment(w, i18n.T(i18n.FromRequest(r), "rights.data.file")+".json")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(d)
	return nil
}

// portalDataXLSX: GET /m/data.xlsx.
func (h *Pages) portalDataXLSX(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	d, ok := h.ownData(w, r, p, "xlsx")
	if !ok {
		return nil
	}
	lang := i18n.FromRequest(r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	httpx.Attachment(w, i18n.T(lang, "rights.data.file")+".xlsx")
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	if err := roster.WriteOwnData(d, tr, w); err != nil {
		h.Fail(w, r, nil, err)
	}
	return nil
}

// portalCorrect: POST /m/corrections, a member asks for a correction.
func (h *Pages) portalCorrect(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	_, err := privacy.RequestCorrection(r.Context(), h.Members, p.MemberID, privacy.CorrectionInput{Field: web.FormValue(r, "field"), Value: web.FormValue(r, "value"), Note: web.FormValue(r, "note")})
	if err != nil {
		pg := h.MemberPage(w, r, "rights.data.title", "account")
		pg.Path = "/m/data"
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		pg.Form = form
		h.renderPortalData(w, r, p, pg, httpx.Status(err))
		return nil
	}
	web.RedirectAnchor(w, r, "/m/data", "corrections", "portal.flash.rights_requested")
	return nil
}

// correctionListData is the Data of the staff's queue of requests.
type correctionListData struct {
	Items []correctionRow
}

type correctionRow struct {
	privacy.Correction
	IDStr, MemberURL, FieldLabel, Created string
}

func (h *Pages) renderCorrections(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) {
	cs, err := privacy.PendingCorrections(r.Context(), h.Members, p)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	d := correctionListData{}
	for _, c := range cs {
		d.Items = append(d.Items, correctionRow{Correction: c, IDStr: db.FormatID(c.ID), MemberURL: web.MemberURL(c.MemberID),
			FieldLabel: pg.T("rights.field." + c.Field), Created: web.FormatTime(c.CreatedAt, "2006-01-02 15:04")})
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.Title}}
	pg.Data = d
	h.Render(w, status, "corrections", pg)
}

// correctionList: GET /corrections, the requests waiting in the caller's
// subtrees.
func (h *Pages) correctionList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermMemberWrite) {
		return errs.Forbidden()
	}
	h.renderCorrections(w, r, p, h.Page(w, r, p, "rights.staff.title", "members"), http.StatusOK)
	return nil
}

// correctionDecide: POST /corrections/{id}/decide.
func (h *Pages) correctionDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.Decide(w, r, p, web.Decision{Field: "decision", Strict: true, RowKey: "id",
		Flash: map[string]string{"approve": "flash.rights.approved", "reject": "flash.rights.rejected"},
		Apply: func(ctx context.Context, id int64, decision string) error {
			_, err := privacy.DecideCorrection(ctx, h.Members, p, id, privacy.CorrectionDecision{Approve: decision == "approve", Reason: web.FormValue(r, "reason")})
			return err
		},
		Again: func(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
			pg := h.Page(w, r, p, "rights.staff.title", "members")
			pg.Path, pg.Form = "/corrections", form
			h.renderCorrections(w, r, p, pg, status)
		},
		Next: func(int64) string { return "/corrections" }})
}

// importConsent marks the request's context: the importer confirmed that
// consent was collected for the people of the upload, recorded for each
// member imported (a dry run imports no one, so records nothing).
func importConsent(r *http.Request, p *auth.Principal, uploadID int64, name string) *http.Request {
	ref := strings.TrimSpace("upload " + db.FormatID(uploadID) + " " + name)
	return r.WithContext(member.WithConsent(r.Context(), member.Collected{CollectorID: p.UserID, Collector: audit.ActorFrom(r.Context()).Name, BatchRef: ref}))
}
