package admin

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// auditData is the Data of the audit log page.
type auditData struct {
	Q        audit.Query
	Filtered bool
	Actors   []web.Option
	Kinds    []kindGroup
	Entities []web.Option
	Object   string // the object the filter is on, in words
	Rows     []auditRow
	Total    string // "共 N 条"
	Next     string
	HasPrev  bool
	Export   string // the export's URL, same filter
	Bad      bool   // the filter has errors: nothing listed
}

// kindGroup is one area of the action picker.
type kindGroup struct {
	Label   string
	All     web.Option // every action of the area
	Options []web.Option
}

// auditRow is a line of the log with its links.
type auditRow struct {
	audit.Line
	ActorURL  string // the log filtered to this actor
	ObjectURL string // the object's own page, when the auditor may open it
	FilterURL string // the log filtered to this object
}

// pagePerm says which right opens the page of an object kind.
var pagePerm = map[string]auth.Perm{"org": auth.PermOrgRead, "employer": auth.PermOrgRead, "member": auth.PermMemberRead,
	"transfer": auth.PermMemberRead, "application": auth.PermMemberRead, "user": auth.PermUserManage,
	"activity": auth.PermActivityRead, "course": auth.PermActivityRead, "course_term": auth.PermActivityRead, "bank": auth.PermContestRead}

var pagePath = map[string]string{"org": "/orgs/", "employer": "/employers/", "member": "/members/", "transfer": "/transfers/",
	"application": "/applications/", "user": "/users/", "activity": "/activities/", "course": "/courses/", "course_term": "/terms/", "bank": "/banks/"}

// objectURL is the page of an object, or "" when there is none or the
// caller may not open it.
func objectURL(p *auth.Principal, page string, id int64) string {
	perm, ok := pagePerm[page]
	if !ok || id == 0 || !p.Can(perm) {
		return ""
	}
	return pagePath[page] + db.FormatID(id)
}

// auditList shows the log of the caller's subtrees in words, newest first.
// Only holders of the audit right see it: the system administrator does
// not (三员分立).
func (h *Pages) auditList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermAuditRead) {
		return errs.Forbidden()
	}
	ctx, paths := r.Context(), p.Paths(auth.PermAuditRead)
	pg := h.Page(w, r, p, "page.audit.title", "audit")
	q := audit.QueryOf(r.URL.Query())
	d := &auditData{Q: q, Filtered: !q.Empty(), Kinds: kindGroups(pg), Entities: entityOptions(pg)}
	pg.Data = d
	f, bad := q.Filter(paths)
	people, err := audit.People(ctx, h.DB, paths)
	if err != nil {
		return err
	}
	if f.ActorID != 0 && !slices.ContainsFunc(people, func(s audit.Staff) bool { return s.ID == f.ActorID }) {
		// A person of a level above, picked by a link on their entry.
		staff, err := audit.Actors(ctx, h.DB, []int64{f.ActorID})
		if err != nil {
			return err
		}
		if s, ok := staff[f.ActorID]; ok {
			people = append([]audit.Staff{s}, people...)
		}
	}
	for _, s := range people {
		d.Actors = append(d.Actors, web.Option{Value: db.FormatID(s.ID), Label: s.Name + " · " + s.OrgName})
	}
	if bad != nil {
		form, ok := web.FormError(pg, bad)
		if !ok {
			return bad
		}
		pg.Form, d.Bad = form, true
		h.Render(w, http.StatusUnprocessableEntity, "audit_list", pg)
		return nil
	}
	if f.Entity != "" && f.EntityID != "" {
		if d.Object, err = audit.ObjectWords(ctx, h.DB, pg.Lang, paths, f.Entity, f.EntityID); err != nil {
			return err
		}
	}
	f.Before, _ = strconv.ParseInt(web.QueryValue(r, "before"), 10, 64)
	f.Before, f.Limit = max(f.Before, 0), web.PageSize
	entries, err := audit.List(ctx, h.DB, f)
	if err != nil {
		return err
	}
	total, err := audit.Count(ctx, h.DB, f)
	if err != nil {
		return err
	}
	lines, err := audit.Words(ctx, h.DB, pg.Lang, paths, entries)
	if err != nil {
		return err
	}
	for _, l := range lines {
		row := auditRow{Line: l, ObjectURL: objectURL(p, l.Page, l.PageID)}
		if l.ActorID != 0 {
			row.ActorURL = web.SetQuery(web.SetQuery("/audit", "before", ""), "actor", db.FormatID(l.ActorID))
		}
		if l.Object != "" && l.ObjectID != "" {
			row.FilterURL = "/audit?" + audit.Query{Entity: l.Kind, Object: l.ObjectID}.Values().Encode()
		}
		d.Rows = append(d.Rows, row)
	}
	d.Total = pg.T("audit.page.total", total)
	if len(entries) == web.PageSize {
		d.Next = web.ListURL(pg, "before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
	}
	d.HasPrev = f.Before > 0
	d.Export = "/audit/export"
	if v := q.Values(); len(v) > 0 {
		d.Export += "?" + v.Encode()
	}
	h.Render(w, http.StatusOK, "audit_list", pg)
	return nil
}

// auditExport answers the filtered log as a workbook for inspectors,
// named with the Beijing date; the export is itself on the log.
func (h *Pages) auditExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermAuditRead) {
		return errs.Forbidden()
	}
	paths := p.Paths(auth.PermAuditRead)
	f, err := audit.QueryOf(r.URL.Query()).Filter(paths)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "page.audit.title", "audit")
	name := pg.T("audit.export.file", beijing.Today())
	return signup.Export(h.Kernel, w, r, p, name, func(out io.Writer) error {
		_, err := audit.Export(r.Context(), h.DB, pg.Lang, f, paths[0], out)
		return err
	})
}

func kindGroups(pg *web.Page) []kindGroup {
	out := make([]kindGroup, 0, len(audit.Areas))
	for _, a := range audit.Areas {
		g := kindGroup{Label: pg.T("audit.area." + a.Key), All: web.Option{Value: "area:" + a.Key, Label: pg.T("audit.area_all." + a.Key)}}
		for _, act := range a.Actions {
			g.Options = append(g.Options, web.Option{Value: act, Label: kindLabel(pg, act)})
		}
		out = append(out, g)
	}
	return out
}

// kindLabel is an action's phrase with its object left open.
func kindLabel(pg *web.Page, action string) string {
	s := pg.T("audit.act." + action)
	for _, cut := range []string{" {obj} ", "{obj} ", " {obj}", "{obj}"} {
		if i := strings.Index(s, cut); i >= 0 {
			return s[:i] + " … " + s[i+len(cut):]
		}
	}
	return s
}

func entityOptions(pg *web.Page) []web.Option {
	out := make([]web.Option, 0, len(audit.Entities))
	for _, e := range audit.Entities {
		out = append(out, web.Option{Value: e, Label: pg.T("audit.entity." + e)})
	}
	return out
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
