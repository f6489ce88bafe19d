// Package rights serves the pages of rights cases (法律服务与维权): the
// staff's list of cases with its filters, totals and export; taking a case
// in from the hotline or a walk-in; a case's page with its workers
// (masked, revealed on request), claims, timeline, notes (confidential
// ones opened one at a time, each read audited), evidence and the forms
// that accept, assign, transfer, extend and close it; and the members'
// phone pages: their cases, filing one, following it and rating it. The
// store is internal/rights; it scopes and audits everything.
package rights

import (
	"embed"
	"net/http"

	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/rights"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Cases *rights.Store // nil: the pages are not served
}

// New returns the module's pages.
func New(k *web.Kernel, cases *rights.Store) *Pages { return &Pages{Kernel: k, Cases: cases} }

// uploadLimit bounds a form carrying evidence: its files and its text.
const uploadLimit = rights.MaxFiles*rights.MaxFileSize + 1<<20

// Routes registers the staff pages (through h.Authed, which checks the
// form token of every POST) and the members' (h.MemberAuthed). The body
// limit wraps the forms with files: the wrappers read them to check the
// token.
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Cases == nil {
		return
	}
	a, m := h.Authed, h.MemberAuthed
	h.RegisterMemberURL(rights.AboutCase, func(id int64) string { return "/m/cases/" + db.FormatID(id) })
	mux.HandleFunc("GET /cases", a(h.list))
	mux.HandleFunc("GET /cases/export", a(h.export))
	mux.HandleFunc("GET /cases/new", a(h.newForm))
	mux.Handle("POST /cases/new", http.MaxBytesHandler(a(h.takeIn), uploadLimit))
	mux.HandleFunc("GET /cases/{id}", a(h.show))
	mux.Handle("POST /cases/{id}/files", http.MaxBytesHandler(a(h.addFiles), uploadLimit))
	mux.HandleFunc("POST /cases/{id}/{action}", a(h.act))
	mux.HandleFunc("GET /cases/{id}/workers/{wid}", a(h.workerForm))
	mux.HandleFunc("POST /cases/{id}/workers/{wid}", a(h.saveWorker))
	mux.HandleFunc("POST /cases/{id}/workers/{wid}/remove", a(h.removeWorker))
	mux.HandleFunc("GET /cases/{id}/claims/{cid}", a(h.claimForm))
	mux.HandleFunc("POST /cases/{id}/claims/{cid}", a(h.saveClaim))
	mux.HandleFunc("POST /cases/{id}/claims/{cid}/remove", a(h.removeClaim))
	mux.HandleFunc("GET /cases/{id}/notes/{nid}", a(h.note))
	mux.HandleFunc("GET /cases/{id}/files/{fid}", a(h.file))
	mux.HandleFunc("GET /m/cases", m(h.mine))
	mux.HandleFunc("GET /m/cases/new", m(h.fileForm))
	mux.Handle("POST /m/cases/new", http.MaxBytesHandler(m(h.fileCase), uploadLimit))
	mux.HandleFunc("GET /m/cases/{id}", m(h.mineOne))
	mux.HandleFunc("POST /m/cases/{id}/rating", m(h.rate))
	mux.Handle("POST /m/cases/{id}/files", http.MaxBytesHandler(m(h.addMyFiles), uploadLimit))
	mux.HandleFunc("GET /m/cases/{id}/files/{fid}", m(h.file))
}

func caseURL(id int64) string       { return "/cases/" + db.FormatID(id) }
func memberCaseURL(id int64) string { return "/m/cases/" + db.FormatID(id) }

// Words of the store's codes.

func statusLabel(lang i18n.Lang, s rights.Status) string {
	return i18n.T(lang, "case.status."+string(s))
}
func kindLabel(lang i18n.Lang, k rights.Kind) string { return i18n.T(lang, "case.kind."+string(k)) }
func channelLabel(lang i18n.Lang, c rights.Channel) string {
	return i18n.T(lang, "case.channel."+string(c))
}
func outcomeLabel(lang i18n.Lang, o rights.Outcome) string {
	return i18n.T(lang, "case.outcome."+string(o))
}
func claimLabel(lang i18n.Lang, k rights.ClaimKind) string {
	return i18n.T(lang, "case.claim."+string(k))
}
func ratingLabel(lang i18n.Lang, r rights.Rating) string {
	return i18n.T(lang, "case.rating."+string(r))
}

func statusVariant(s rights.Status) string {
	switch s {
	case rights.StatusNew:
		return "warning"
	case rights.StatusTransferred:
		return "accent"
	case rights.StatusHandling:
		return "info"
	}
	return "success"
}

// day shows a deadline (the end of its last day) as that day.
func day(c *rights.Case) string { return web.FormatTime(c.DueAt.Add(-1), "2006-01-02") }

// caseRow is a case in a list or at the top of its page.
type caseRow struct {
	ID, URL, Link, Title, Kind, Channel, OrgName string
	Worker                                       string // the first worker, masked, and how many more
	Employer, Claimed, Recovered                 string
	Received, Due, Handler, Outcome, Rating      string
	StatusLabel, StatusV                         string
	Overdue, Provisional, OnTime, Closed         bool
	Version                                      int
}

func rowOf(lang i18n.Lang, c *rights.Case) caseRow {
	v := caseRow{ID: db.FormatID(c.ID), URL: caseURL(c.ID), Title: c.Title, Kind: kindLabel(lang, c.Kind), Channel: channelLabel(lang, c.Channel),
		OrgName: c.OrgName, Employer: c.EmployerName, Claimed: rights.FormatFen(c.ClaimedFen), Recovered: rights.FormatFen(c.RecoveredFen),
		Received: web.FormatTime(c.ReceivedAt, "2006-01-02 15:04"), Due: day(c), Handler: c.Handler,
		StatusLabel: statusLabel(lang, c.Status), StatusV: statusVariant(c.Status), Overdue: c.Overdue, Provisional: c.Provisional,
		OnTime: c.OnTime, Closed: c.Status == rights.StatusClosed, Version: c.Version}
	v.Worker = c.FirstWorker
	if c.Workers > 1 {
		v.Worker = i18n.T(lang, "case.workers_more", c.FirstWorker, c.Workers)
	}
	if c.Outcome != "" {
		v.Outcome = outcomeLabel(lang, c.Outcome)
	}
	if c.Rating != "" {
		v.Rating = ratingLabel(lang, c.Rating)
	}
	return v
}
