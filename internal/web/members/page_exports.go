package members

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
	"gonghui/internal/web"
)

// Exports of members' full numbers (导出审批): the form that asks for one
// with a reason, the page listing the caller's requests and those waiting
// for the caller's approval, the approve and reject forms, and the one
// download of an approved export. Masked exports stay a direct download
// (/members/export).

func (h *Pages) exportRoutes(mux *http.ServeMux) {
	a := h.Authed
	mux.HandleFunc("GET /exports", a(web.Show(h.renderExportList)))
	mux.HandleFunc("GET /exports/new", a(h.exportNew))
	mux.HandleFunc("POST /exports", a(h.exportCreate))
	mux.HandleFunc("POST /exports/{id}/decide", a(h.exportDecide))
	mux.HandleFunc("GET /exports/{id}/download", a(h.exportDownload))
}

// exportView is a request as a row of the page.
type exportView struct {
	exports.ExportRequest
	IDStr, URL             string
	StatusLabel, StatusV   string
	Filters                []string // the filters, in words
	Created, Expires, When string
}

func exportStatusVariant(s exports.ExportStatus) string {
	switch s {
	case exports.ExportPending:
		return "warning"
	case exports.ExportApproved:
		return "success"
	case exports.ExportDownloaded:
		return "info"
	}
	return "outline"
}

func exportViewOf(lang i18n.Lang, e exports.ExportRequest) exportView {
	v := exportView{ExportRequest: e, IDStr: db.FormatID(e.ID), URL: "/exports/" + db.FormatID(e.ID),
		StatusLabel: i18n.T(lang, "exp.status."+string(e.Status)), StatusV: exportStatusVariant(e.Status),
		Created: web.FormatTime(e.CreatedAt, "2006-01-02 15:04"), Expires: web.FormatTime(e.ExpiresAt, "2006-01-02 15:04")}
	f := e.Filters
	if f.OrgOnly {
		v.Filters = append(v.Filters, i18n.T(lang, "exp.filter.org_only"))
	}
	if k := f.SearchKind(); k != "" {
		v.Filters = append(v.Filters, i18n.T(lang, "exp.filter.q_"+k))
	}
	if f.Status != "" {
		v.Filters = append(v.Filters, memberStatusLabel(lang, f.Status))
	}
	for _, t := range f.Tags {
		v.Filters = append(v.Filters, web.TagLabel(lang, t))
	}
	if f.JoinedFrom != "" || f.JoinedTo != "" {
		v.Filters = append(v.Filters, i18n.T(lang, "exp.filter.joined", f.JoinedFrom, f.JoinedTo))
	}
	if f.Employer != 0 {
		v.Filters = append(v.Filters, i18n.T(lang, "exp.filter.employer"))
	}
	return v
}

func exportViews(lang i18n.Lang, es []exports.ExportRequest) []exportView {
	out := make([]exportView, 0, len(es))
	for _, e := range es {
		out = append(out, exportViewOf(lang, e))
	}
	return out
}

// exportListData is the Data of the page.
type exportListData struct {
	Awaiting     []exportView
	Mine         []exportView
	CanReveal    bool
	ApprovalRows int
	Sections     []memberSection
	Section      string
}

func (h *Pages) renderExportList(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "exp.title", "members")
	if r.Method != http.MethodGet {
		pg.Path = "/exports"
	}
	pg.Form = form
	d := exportListData{CanReveal: p.Can(auth.PermMemberReveal), ApprovalRows: h.Members.Policy.ApprovalRows,
		Sections: memberSections(pg.Lang), Section: "exports"}
	awaiting, _, err := exports.ListExports(ctx, h.Members, p, exports.ExportQuery{View: "awaiting", Limit: 100})
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	mine, _, err := exports.ListExports(ctx, h.Members, p, exports.ExportQuery{View: "mine", Limit: 50})
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	d.Awaiting, d.Mine = exportViews(pg.Lang, awaiting), exportViews(pg.Lang, mine)
	pg.Data = d
	h.Render(w, status, "export_list", pg)
}

// exportNewData is the Data of the request form.
type exportNewData struct {
	F            memberFilters
	Hidden       [][2]string // the filters but the union, carried as hidden fields
	Filters      []string
	Org          *web.OrgPicker // the union exported, required when the caller reveals in several
	Rows         int
	ApprovalRows int
	Sections     []memberSection
	Section      string
}

// exportNew: GET /exports/new with the registry's filters.
func (h *Pages) exportNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := h.Page(w, r, p, "exp.new.title", "members")
	h.renderExportNew(w, r, p, pg, memberFiltersFrom(r), http.StatusOK)
	return nil
}

func (h *Pages) renderExportNew(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, f memberFilters, status int) {
	if !p.Can(auth.PermMemberReveal) {
		h.Forbidden(w, r, p)
		return
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.T("exp.title"), URL: "/exports"}, {Label: pg.Title}}
	d := exportNewData{F: f, ApprovalRows: h.Members.Policy.ApprovalRows, Sections: memberSections(pg.Lang), Section: "exports"}
	hidden := f.values()
	hidden.Del("org")
	d.Hidden = hiddenFields(hidden)
	fake := exports.ExportRequest{}
	if q, err := f.query(); err == nil {
		fake.Filters = exports.ExportFilters{Q: q.Q, OrgOnly: q.OrgOnly, Status: q.Status, Tags: q.Tags, JoinedFrom: q.JoinedFrom, JoinedTo: q.JoinedTo, Employer: q.Employer}
	}
	d.Filters = exportViewOf(pg.Lang, fake).Filters
	var err error
	if d.Org, err = h.OrgPicker(r, p, exportOrgSpec(pg, p), f.Org); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg.Data = d
	h.Render(w, status, "export_new", pg)
}

// exportOrgSpec is the request form's union picker: any organisation where
// the caller reveals numbers; a choice is required unless they reveal in
// one subtree only (no choice: all of it).
func exportOrgSpec(pg *web.Page, p *auth.Principal) web.PickerSpec {
	spec := web.PickerSpec{Field: "org", QField: "org_q", Label: pg.T("exp.col.union"), Hint: pg.T("exp.new.org_hint"), Perm: auth.PermMemberReveal}
	if len(p.Paths(auth.PermMemberReveal)) != 1 {
		spec.Required = true
	} else {
		spec.Blank = pg.T("mweb.members.all_unions")
	}
	return spec
}

// exportCreate: POST /exports, the filters and a reason.
func (h *Pages) exportCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f := memberFiltersOf(r.PostForm)
	pg := h.Page(w, r, p, "exp.new.title", "members")
	if web.PickerAsked(r) {
		// The union picker's search without JavaScript: the form again.
		pg.Form = web.KeptForm(r)
		h.renderExportNew(w, r, p, pg, f, http.StatusOK)
		return nil
	}
	fe := errs.Fields{}
	_, err := h.PickedOrg(r, p, exportOrgSpec(pg, p), fe)
	if err != nil {
		return err
	}
	err = fe.Err()
	var q member.Query
	if err == nil {
		q, err = f.query()
	}
	if err == nil {
		_, err = exports.RequestExport(r.Context(), h.Members, p, q, web.FormValue(r, "reason"))
	}
	if err != nil {
		if h.Validation(w, r, p, pg, err) {
			h.renderExportNew(w, r, p, pg, f, httpx.Status(err))
		}
		return nil
	}
	web.Redirect(w, r, "/exports", "flash.exp.requested")
	return nil
}

// exportDecide: POST /exports/{id}/decide, action=approve or reject (with
// a note); the store refuses any other.
func (h *Pages) exportDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.Decide(w, r, p, web.Decision{Field: "action", RowKey: "decide_id",
		Flash: map[string]string{"approve": "flash.exp.approved", "reject": "flash.exp.rejected"},
		Apply: func(ctx context.Context, id int64, action string) error {
			_, err := exports.DecideExport(ctx, h.Members, p, id, exports.ExportDecision{Action: action, Note: web.FormValue(r, "note")})
			return err
		},
		Again: h.renderExportList,
		Next:  func(int64) string { return "/exports" }})
}

// exportDownload: GET /exports/{id}/download, once.
func (h *Pages) exportDownload(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	out := &httpx.LazyWriter{W: w, Before: func() {
		w.Header().Set("Cache-Control", "no-store")
		httpx.Attachment(w, i18n.T(lang, "member.export_sheet")+"-"+beijing.FileDate(time.Now())+".xlsx")
	}}
	if _, err := exports.DownloadExport(r.Context(), h.Members, p, id, func(k string, a ...any) string { return i18n.T(lang, k, a...) }, out); err != nil {
		if out.Started {
			slog.Error("export download broke off", "err", err)
			return nil
		}
		h.Fail(w, r, p, err)
	}
	return nil
}

// exportNewURL is the request form for the registry's current filters.
func exportNewURL(f memberFilters) string {
	if enc := f.values().Encode(); enc != "" {
		return "/exports/new?" + enc
	}
	return "/exports/new"
}

// hiddenFields lists url.Values as name/value pairs for a template.
func hiddenFields(v url.Values) [][2]string {
	var out [][2]string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, s := range v[k] {
			out = append(out, [2]string{k, strings.TrimSpace(s)})
		}
	}
	return out
}
