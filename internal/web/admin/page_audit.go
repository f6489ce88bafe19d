package admin

import (
	"bytes"
	"encoding/json"
	"gonghui/internal/errs"
	"gonghui/internal/web"
	"net/http"
	"strconv"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
)

// auditRow is an entry of the log with its records pretty-printed.
type auditRow struct {
	audit.Entry
	Before, After string
}

// auditData is the Data of the audit log page.
type auditData struct {
	Action, Entity, EntityID, Actor string
	Rows                            []auditRow
	Next                            string
	HasPrev                         bool
	Filtered                        bool
}

func prettyJSON(s string) string {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}

// auditList shows the log of the caller's subtrees, newest first. Only
// holders of the audit right see it: the system administrator does not
// (三员分立).
func (h *Pages) auditList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermAuditRead) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "page.audit.title", "audit")
	d := auditData{Action: web.QueryValue(r, "action"), Entity: web.QueryValue(r, "entity"), EntityID: web.QueryValue(r, "entity_id"), Actor: web.QueryValue(r, "actor")}
	d.Filtered = d.Action != "" || d.Entity != "" || d.EntityID != "" || d.Actor != ""
	before, _ := strconv.ParseInt(web.QueryValue(r, "before"), 10, 64)
	if before < 0 {
		before = 0
	}
	entries, err := audit.List(r.Context(), h.DB, audit.Filter{Paths: p.Paths(auth.PermAuditRead), Action: d.Action, Entity: d.Entity,
		EntityID: d.EntityID, Actor: d.Actor, Before: before, Limit: web.PageSize})
	if err != nil {
		return err
	}
	for _, e := range entries {
		d.Rows = append(d.Rows, auditRow{Entry: e, Before: prettyJSON(e.Before), After: prettyJSON(e.After)})
	}
	if len(entries) == web.PageSize {
		d.Next = web.ListURL(pg, "before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
	}
	d.HasPrev = before > 0
	pg.Data = d
	h.Render(w, http.StatusOK, "audit_list", pg)
	return nil
}

// auditVerifyData is the Data of the chain check's result.
type auditVerifyData struct {
	Checked  int64
	Problems []problemView
}

type problemView struct {
	Seq    int64
	Reason string
}

// problemReason explains a break in the chain in the page's language.
func problemReason(pg *web.Page, pr audit.Problem) string {
	switch pr.Code {
	case "link", "hash", "head", "unkeyed", "head_mac", "nokey", "anchor", "truncated", "anchor_mac":
		return pg.T("page.audit.problem_" + pr.Code)
	case "missing":
		return pg.T("page.audit.problem_missing") + " (" + pr.Reason + ")"
	}
	return pr.Reason
}

// auditVerify walks the whole hash chain, as `gonghui audit verify` does.
func (h *Pages) auditVerify(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermAuditRead) {
		return errs.Forbidden()
	}
	n, problems, err := audit.Verify(r.Context(), h.DB)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "page.audit.verify_title", "audit")
	pg.Crumbs = []web.Crumb{{Label: pg.T("page.audit.title"), URL: "/audit"}, {Label: pg.Title}}
	d := auditVerifyData{Checked: n}
	for _, pr := range problems {
		d.Problems = append(d.Problems, problemView{pr.Seq, problemReason(pg, pr)})
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "audit_verify", pg)
	return nil
}
