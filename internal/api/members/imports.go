package members

import (
	"io"
	"net/http"
	"time"

	"gonghui/internal/api"
	"gonghui/internal/httpx"
	"gonghui/internal/member/exports"
	"gonghui/internal/member/roster"
	"gonghui/internal/sheet"
)

// importMembers: POST /members/import?org=ID&mode=dry-run|all-or-nothing|valid-rows
// with the roster in the multipart field "file". It answers the report as
// JSON, or with ?report=xlsx the report's errors as a workbook.
func (h *API) importMembers(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	orgID := api.ID(q.Str("org")).Parse(q.F, "org", false)
	mode := roster.ImportMode(q.Str("mode"))
	if mode == "" {
		mode = roster.ImportDryRun
	}
	if !mode.Valid() {
		q.F.Add("mode", "field.invalid_choice")
	}
	consent := q.Boolean("consent_collected")
	format := q.Str("report")
	if format != "" && format != "json" && format != "xlsx" {
		q.F.Add("report", "field.invalid_choice")
	}
	if err := q.Err(); err != nil {
		return err
	}
	if p := api.Principal(r); orgID == 0 && h.Members.HoldsMembers(r.Context(), p.OrgID) {
		// Without ?org= the roster goes to the caller's own union, unless
		// its rows name theirs in a 工会 column.
		orgID = p.OrgID
	}
	up, err := httpx.SpoolUpload(w, r, "file", httpx.MaxUpload, nil)
	if err != nil {
		return err
	}
	defer up.Close()
	rep, err := roster.Import(withConsent(r, consent != nil && *consent, "api "+up.Name), h.Members, api.Principal(r), up.File, up.Size, roster.ImportOptions{OrgID: orgID, Mode: mode, Name: up.Name})
	if err != nil {
		return err
	}
	tr := api.Translator(r)
	if format == "xlsx" {
		httpx.Attachment(w, "import-report.xlsx")
		return sheet.ErrorReport(rep, tr, w)
	}
	for i := range rep.Errors {
		e := &rep.Errors[i]
		e.Message, e.Key, e.Args = tr(e.Key, e.Args...), "", nil
	}
	return api.OK(w, rep)
}

// exportMembers: GET /members/export — the list's filters, as .xlsx;
// ?reveal=true&reason= shows full numbers to holders of member.reveal, up
// to the approval threshold (above it: POST /member-exports). Audited
// either way.
func (h *API) exportMembers(w http.ResponseWriter, r *http.Request) error {
	in, err := memberQuery(r)
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	reveal := q.Boolean("reveal")
	opt := exports.ExportOptions{Reveal: reveal != nil && *reveal, Reason: q.Str("reason")}
	if err := q.Err(); err != nil {
		return err
	}
	return api.Workbook(w, r, "members-"+time.Now().Format("20060102")+".xlsx", "export", func(tr api.Translate, out io.Writer) error {
		_, err := exports.Export(r.Context(), h.Members, api.Principal(r), in, opt, tr, out)
		return err
	})
}
