// Package congress serves the pages of the workers' congress (职代会) and
// open affairs (厂务公开): the staff's list of sessions, a session's page
// with its delegates and their composition, attendance and quorum, agenda
// and votes, and its motions; the motions list with its export and a
// motion's page where the committee reviews, assigns and answers it; the
// open-affairs items; and the members' phone pages where a delegate files
// motions, seconds others' and rates the answers, and a worker reads the
// open affairs. The store is internal/congress; it scopes everything.
package congress

import (
	"embed"
	"fmt"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/congress"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Congress *congress.Store // nil: the pages are not served
}

// New returns the module's pages.
func New(k *web.Kernel, c *congress.Store) *Pages { return &Pages{Kernel: k, Congress: c} }

// Routes registers the staff pages (h.Authed checks the form token of
// every POST) and the members' (h.MemberAuthed).
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Congress == nil {
		return
	}
	a, m := h.Authed, h.MemberAuthed
	h.RegisterMemberURL(congress.AboutMotion, func(id int64) string { return "/m/congress/motions/" + db.FormatID(id) })
	mux.HandleFunc("GET /congress", a(h.list))
	mux.HandleFunc("GET /congress/new", a(h.newForm))
	mux.HandleFunc("POST /congress/new", a(h.create))
	mux.HandleFunc("GET /congress/sessions/{id}", a(h.show))
	mux.HandleFunc("POST /congress/sessions/{id}/{action}", a(h.act))
	mux.HandleFunc("GET /congress/motions", a(h.motions))
	mux.HandleFunc("GET /congress/motions/export", a(h.export))
	mux.HandleFunc("GET /congress/motions/{id}", a(h.motion))
	mux.HandleFunc("POST /congress/motions/{id}/{action}", a(h.motionAct))
	mux.HandleFunc("GET /congress/affairs", a(h.affairs))
	mux.HandleFunc("POST /congress/affairs", a(h.publish))
	mux.HandleFunc("POST /congress/affairs/{id}/withdraw", a(h.withdraw))
	mux.HandleFunc("GET /m/congress", m(h.portal))
	mux.HandleFunc("GET /m/congress/sessions/{id}", m(h.portalSession))
	mux.HandleFunc("GET /m/congress/sessions/{id}/motion", m(h.portalMotionForm))
	mux.HandleFunc("POST /m/congress/sessions/{id}/motion", m(h.portalSubmit))
	mux.HandleFunc("GET /m/congress/motions/{id}", m(h.portalMotion))
	mux.HandleFunc("POST /m/congress/motions/{id}/second", m(h.portalSecond))
	mux.HandleFunc("POST /m/congress/motions/{id}/rating", m(h.portalRate))
	mux.HandleFunc("POST /m/congress/motions/{id}/withdraw", m(h.portalWithdraw))
	mux.HandleFunc("GET /m/congress/affairs/{id}", m(h.portalAffair))
}

// mayUse: the caller may open the staff pages at all.
func mayUse(p *auth.Principal) bool {
	return p.Can(auth.PermCongressRead) || p.Can(auth.PermCongressWrite)
}

func sessionURL(id int64) string       { return "/congress/sessions/" + db.FormatID(id) }
func motionURL(id int64) string        { return "/congress/motions/" + db.FormatID(id) }
func memberSessionURL(id int64) string { return "/m/congress/sessions/" + db.FormatID(id) }
func memberMotionURL(id int64) string  { return "/m/congress/motions/" + db.FormatID(id) }

// sessionName is "第3届第2次会议" in the page's language.
func sessionName(lang i18n.Lang, term, meeting int) string {
	return i18n.T(lang, "congress.session_name", term, meeting)
}

func sessionStatusLabel(lang i18n.Lang, s congress.SessionStatus) string {
	return i18n.T(lang, "congress.session_status."+string(s))
}

func sessionStatusVariant(s congress.SessionStatus) string {
	switch s {
	case congress.SessionPlanned:
		return "info"
	case congress.SessionHeld:
		return "success"
	}
	return "outline"
}

func motionStatusLabel(lang i18n.Lang, s congress.MotionStatus) string {
	return i18n.T(lang, "congress.motion_status."+string(s))
}

func motionStatusVariant(s congress.MotionStatus) string {
	switch s {
	case congress.MotionSeconding, congress.MotionReview:
		return "warning"
	case congress.MotionAccepted, congress.MotionAssigned:
		return "info"
	case congress.MotionAnswered:
		return "success"
	case congress.MotionRejected:
		return "danger"
	}
	return "outline"
}

func categoryLabel(lang i18n.Lang, c congress.Category) string {
	return i18n.T(lang, "congress.category."+string(c))
}

func genderLabel(lang i18n.Lang, g string) string { return i18n.T(lang, "congress.gender."+g) }

func ratingLabel(lang i18n.Lang, r congress.Rating) string {
	return i18n.T(lang, "congress.rating."+string(r))
}

func affairCategoryLabel(lang i18n.Lang, c congress.AffairCategory) string {
	return i18n.T(lang, "congress.affair_category."+string(c))
}

// sessionRow is a session in a list or at the top of its page.
type sessionRow struct {
	URL, Link, Name, Title, Employer, OrgName, HeldOn, Place string
	StatusLabel, StatusV                                     string
	Delegates, Present, Motions                              int
	Quorum                                                   string // "已达法定人数" or how many are missing; "" before any attendance
	QuorumMet                                                bool
}

func sessionRowOf(lang i18n.Lang, s *congress.Session) sessionRow {
	v := sessionRow{URL: sessionURL(s.ID), Name: sessionName(lang, s.Term, s.Meeting), Title: s.Title, Employer: s.EmployerName, OrgName: s.OrgName,
		HeldOn: s.HeldOn, Place: s.Place, StatusLabel: sessionStatusLabel(lang, s.Status), StatusV: sessionStatusVariant(s.Status),
		Delegates: s.Delegates, Present: s.Present, Motions: s.Motions, QuorumMet: s.QuorumMet}
	v.Link = v.URL
	switch {
	case s.Delegates == 0 || s.Present == 0:
	case s.QuorumMet:
		v.Quorum = i18n.T(lang, "congress.quorum.met", s.Present, s.Delegates)
	default:
		v.Quorum = i18n.T(lang, "congress.quorum.short", s.Present, s.Delegates, congress.QuorumNeeded(s.Delegates))
	}
	return v
}

// motionRow is a motion in a list or at the top of its page.
type motionRow struct {
	URL, Link, Title, Session, Employer, Submitter, Submitted string
	StatusLabel, StatusV, Handler, DueOn, Rating, Seconds     string
	Overdue                                                   bool
}

func motionRowOf(lang i18n.Lang, m *congress.Motion, url string) motionRow {
	v := motionRow{URL: url, Link: url, Title: m.Title, Session: sessionName(lang, m.Term, m.Meeting), Employer: m.EmployerName, Submitter: m.Submitter,
		Submitted: web.FormatTime(m.SubmittedAt, "2006-01-02"), StatusLabel: motionStatusLabel(lang, m.Status), StatusV: motionStatusVariant(m.Status),
		Handler: m.Handler, DueOn: m.DueOn, Overdue: m.Overdue, Seconds: fmt.Sprintf("%d/%d", m.Seconds, m.SecondsNeeded)}
	if m.Rating != "" {
		v.Rating = ratingLabel(lang, m.Rating)
	}
	return v
}
