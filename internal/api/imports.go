package api

import (
	"io"
	"net/http"
	"time"

	"gonghui/internal/httpx"
	"gonghui/internal/member"
)

// importMembers: POST /members/import?org=ID&mode=dry-run|all-or-nothing|valid-rows
// with the roster in the multipart field "file". It answers the report as
// JSON, or with ?report=xlsx the report's errors as a workbook.
func (h *Handler) importMembers(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	orgID := ID(q.str("org")).parse(q.f, "org", false)
	mode := member.ImportMode(q.str("mode"))
	if mode == "" {
		mode = member.ImportDryRun
	}
	if !mode.Valid() {
		q.f.Add("mode", "field.invalid_choice")
	}
	consent := q.boolean("consent_collected")
	format := q.str("report")
	if format != "" && format != "json" && format != "xlsx" {
		q.f.Add("report", "field.invalid_choice")
	}
	if err := q.err(); err != nil {
		return err
	}
	if p := principal(r); orgID == 0 && h.mem.HoldsMembers(r.Context(), p.OrgID) {
		// Without ?org= the roster goes to the caller's own union, unless
		// its rows name theirs in a 工会 column.
		orgID = p.OrgID
	}
	up, err := httpx.SpoolUpload(w, r, "file", httpx.MaxUpload, nil)
	if err != nil {
		return err
	}
	defer up.Close()
	rep, err := h.mem.Import(withConsent(r, consent != nil && *consent, "api "+up.Name), principal(r), up.File, up.Size, member.ImportOptions{OrgID: orgID, Mode: mode, Name: up.Name})
	if err != nil {
		return err
	}
	tr := translator(r)
	if format == "xlsx" {
		httpx.Attachment(w, "import-report.xlsx")
		return member.ErrorReport(rep, tr, w)
	}
	for i := range rep.Errors {
		e := &rep.Errors[i]
		e.Message, e.Key, e.Args = tr(e.Key, e.Args...), "", nil
	}
	return ok(w, rep)
}

// exportMembers: GET /members/export — the list's filters, as .xlsx;
// ?reveal=true&reason= shows full numbers to holders of member.reveal, up
// to the approval threshold (above it: POST /member-exports). Audited
// either way.
func (h *Handler) exportMembers(w http.ResponseWriter, r *http.Request) error {
	in, err := memberQuery(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	reveal := q.boolean("reveal")
	opt := member.ExportOptions{Reveal: reveal != nil && *reveal, Reason: q.str("reason")}
	if err := q.err(); err != nil {
		return err
	}
	return workbook(w, r, "members-"+time.Now().Format("20060102")+".xlsx", "export", func(tr translate, out io.Writer) error {
		_, err := h.mem.Export(r.Context(), principal(r), in, opt, tr, out)
		return err
	})
}
