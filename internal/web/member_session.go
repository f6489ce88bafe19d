package web

import (
	"context"
	"crypto/hmac"
	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/checkcode"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"net/http"
	"net/url"
	"strings"
)

// Member session cookies: named apart from the staff session's, with the
// same flags (see handler.go).
const (
	memberCookieSecure = "__Host-gh_member"
	memberCookiePlain  = "gh_member"
)

func (h *Kernel) MemberCookieName(r *http.Request) string {
	if httpx.Secure(r, h.HTTP) {
		return memberCookieSecure
	}
	return memberCookiePlain
}

func (h *Kernel) MemberToken(r *http.Request) string {
	c, err := r.Cookie(h.MemberCookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

func (h *Kernel) SetMemberSession(w http.ResponseWriter, r *http.Request, token string) {
	h.SetCookie(w, r, h.MemberCookieName(r), token, cookieDuration)
}

func (h *Kernel) ClearMemberSession(w http.ResponseWriter, r *http.Request) {
	h.SetCookie(w, r, h.MemberCookieName(r), "", -1)
}

// MemberCSRF is the form token of a member session ("" without one). It
// is keyed like the staff tokens, with its own prefix, so that a staff
// token is never a member's and the other way round.
func (h *Kernel) MemberCSRF(r *http.Request) string {
	tok := h.MemberToken(r)
	if tok == "" {
		return ""
	}
	return h.mac("m:" + tok)
}

func (h *Kernel) CheckMemberCSRF(r *http.Request) bool {
	got := r.PostFormValue("csrf_token")
	want := h.MemberCSRF(r)
	return got != "" && want != "" && hmac.Equal([]byte(got), []byte(want))
}

// MemberAuthed wraps a page of a signed-in member. Anyone else (signed
// out, a staff session, an API token put in the cookie, a session that
// ended) goes to the member sign-in page; a POST must carry the member
// session's form token.
func (h *Kernel) MemberAuthed(fn PageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := h.MemberToken(r)
		p, _, err := h.Auth.Authenticate(r.Context(), tok, false)
		if err == nil && (p.Kind != auth.KindMember || p.MemberID == 0 || p.SessionKind != auth.SessionWeb) {
			err = errs.Unauthenticated()
		}
		if err != nil {
			if !errs.Is(err, errs.KindUnauthenticated) {
				w.Header().Set("Cache-Control", "no-store")
				h.Fail(w, r, nil, err)
				return
			}
			if tok != "" {
				h.ClearMemberSession(w, r)
			}
			to := "/m/login"
			if r.Method == http.MethodGet && r.URL.Path != "/m" {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			} else if tok != "" {
				SetFlash(w, r, "portal.flash.session_ended")
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		ctx := audit.WithActor(r.Context(), audit.Actor{Name: "member:" + db.FormatID(p.MemberID), IP: httpx.ClientIP(r, h.HTTP)})
		r = r.WithContext(httpx.WithPrincipal(ctx, p))
		if r.Method == http.MethodPost && !h.CheckMemberCSRF(r) {
			w.Header().Set("Cache-Control", "no-store")
			h.Fail(w, r, nil, &errs.Error{Kind: errs.KindForbidden, Code: "csrf", Key: "error.csrf"})
			return
		}
		if err := fn(w, r, p); err != nil {
			h.Fail(w, r, p, err)
		}
	}
}

// PortalFlash shows a one-off notice of the portal (keys portal.flash.*)
// on a page built without MemberPage or PublicPage; those take it already.
func PortalFlash(pg *Page, r *http.Request) {
	if pg.Flash == "" {
		pg.Flash = takeFlash(nil, r, pg.Lang)
	}
}

// MemberPage prepares a page of a signed-in member: never cached, the
// form token bound to the member session, tab the item of the bottom bar
// that is current ("home", "card", "account").
func (h *Kernel) MemberPage(w http.ResponseWriter, r *http.Request, titleKey, tab string) *Page {
	w.Header().Set("Cache-Control", "no-store")
	lang := i18n.FromRequest(r)
	pg := &Page{Lang: lang, Nav: tab, Path: r.URL.RequestURI(), CSRF: h.MemberCSRF(r), Home: "/m"}
	if titleKey != "" {
		pg.Title = i18n.T(lang, titleKey)
	}
	pg.Flash = takeFlash(w, r, lang)
	return pg
}

// PortalNext is where to go after signing in: a member page, else home.
func PortalNext(s string) string {
	s = LocalURL(s, "/m")
	if s == "/m" || strings.HasPrefix(s, "/m/") || strings.HasPrefix(s, "/m?") {
		if strings.HasPrefix(s, "/m/login") || strings.HasPrefix(s, "/m/logout") {
			return "/m"
		}
		return s
	}
	return "/m"
}

// PublicPage prepares a page for a visitor who may not be signed in; its
// answers are never cached (they carry a form token or personal data).
func (h *Kernel) PublicPage(w http.ResponseWriter, r *http.Request, titleKey string) *Page {
	w.Header().Set("Cache-Control", "no-store")
	return h.Page(w, r, nil, titleKey, "")
}

// MemberActivityURL and MemberTermURL are the members' pages of an activity
// and of a course term, for links between modules (notices, timetable).
func MemberActivityURL(id int64) string { return "/m/activities/" + db.FormatID(id) }

// MemberTermURL: see MemberActivityURL.
func MemberTermURL(id int64) string { return "/m/courses/terms/" + db.FormatID(id) }

// RegisterMemberURL records the member's page of a kind of record a
// notice may be about (notice.About: "case", "motion"), so that the
// notices page links it without knowing the module; modules call it when
// they mount.
func (h *Kernel) RegisterMemberURL(kind string, url func(id int64) string) {
	if h.memberURLs == nil {
		h.memberURLs = map[string]func(int64) string{}
	}
	h.memberURLs[kind] = url
}

// MemberURL is the member's page of the record (kind, id), "" when no
// module registered the kind.
func (h *Kernel) MemberURL(kind string, id int64) string {
	if f := h.memberURLs[kind]; f != nil && id != 0 {
		return f(id)
	}
	return ""
}

// AgendaFunc adds a module's coming items to a member's timetable; the
// timetable shows every module's together.
type AgendaFunc func(ctx context.Context, lang i18n.Lang, memberID int64, groups []AgendaGroup) []AgendaGroup

// AddAgenda registers a module's agenda source.
func (h *Kernel) AddAgenda(fn AgendaFunc) { h.agenda = append(h.agenda, fn) }

// Agenda runs every registered agenda source over groups.
func (h *Kernel) Agenda(ctx context.Context, lang i18n.Lang, memberID int64, groups []AgendaGroup) []AgendaGroup {
	for _, fn := range h.agenda {
		groups = fn(ctx, lang, memberID, groups)
	}
	return groups
}

// CheckinFunc answers a member's scan of a module's check-in code: show
// (GET) asks for confirmation, submit (POST) checks in.
type CheckinFunc func(w http.ResponseWriter, r *http.Request, p *auth.Principal, code string) error

type checkinRoute struct {
	prefix       string
	show, submit CheckinFunc
}

// HandleCheckin lets a module answer /m/checkin for codes that start with
// prefix. Every printed code leads to the one address /m/checkin; the first
// module registered also answers codes of no known prefix (with its
// "malformed code" page).
func (h *Kernel) HandleCheckin(prefix string, show, submit CheckinFunc) {
	h.checkins = append(h.checkins, checkinRoute{prefix, show, submit})
}

// checkinRoutes serves /m/checkin when some module takes codes.
func (h *Kernel) checkinRoutes(mux *http.ServeMux) {
	if len(h.checkins) == 0 {
		return
	}
	pick := func(code string) checkinRoute {
		prefixes := make([]string, len(h.checkins))
		for i, c := range h.checkins {
			prefixes[i] = c.prefix
		}
		got := checkcode.Prefix(code, prefixes...)
		for _, c := range h.checkins {
			if c.prefix == got {
				return c
			}
		}
		return h.checkins[0]
	}
	mux.HandleFunc("GET /m/checkin", h.MemberAuthed(func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		code := r.URL.Query().Get("code")
		return pick(code).show(w, r, p, code)
	}))
	mux.HandleFunc("POST /m/checkin", h.MemberAuthed(func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		code := r.PostFormValue("code")
		return pick(code).submit(w, r, p, code)
	}))
}
