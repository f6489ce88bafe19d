package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/inbox"
	"gonghui/internal/job"
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/org"
	"gonghui/internal/report"
	"gonghui/internal/stats"
)

// Deps are what the pages need.
type Deps struct {
	DB      *db.DB
	Auth    *auth.Service
	Orgs    *org.Store
	Members *member.Store
	HTTP    httpx.Options
	Inbox   *inbox.Registry // what waits for each staff account (nil: no inbox)
}

// Kernel serves the HTML pages.
type Kernel struct {
	Deps
	Reports *report.Reporter
	Notices *notice.Store
	r       *Renderer
	csrfKey []byte
	Jobs    *job.Store

	agenda     []AgendaFunc                  // member timetable sources (AddAgenda)
	memberURLs map[string]func(int64) string // notices' links by kind (RegisterMemberURL)
	checkins   []checkinRoute                // /m/checkin by code prefix (HandleCheckin)
	noticesTab bool                          // a module serves /m/notices (ServeNotices)
}

// New prepares the templates and the form-token key (shared by every server
// process through the database).
func New(ctx context.Context, d Deps) (*Kernel, error) {
	r, err := NewRenderer()
	if err != nil {
		return nil, err
	}
	key, err := d.Auth.Secret(ctx, "csrf")
	if err != nil {
		return nil, err
	}
	return &Kernel{Deps: d, r: r, csrfKey: key, Jobs: &job.Store{DB: d.DB, Keys: d.Auth.Keys},
		Reports: &report.Reporter{Orgs: d.Orgs, Members: d.Members, Stats: stats.NewStore(d.DB).Stale()},
		Notices: notice.NewStore(d.DB, d.Members)}, nil
}

// Cookie names. Over HTTPS the session cookie carries the __Host- prefix,
// which browsers accept only with Secure, Path=/ and no Domain: no other
// site or subdomain can set or shadow it.
const (
	cookieSecure   = "__Host-gh_session"
	cookiePlain    = "gh_session"
	cookieAnon     = "gh_anon"
	cookieLang     = "lang"
	cookieDuration = 0 // session cookies; the server enforces lifetimes
)

func (h *Kernel) sessionCookieName(r *http.Request) string {
	if httpx.Secure(r, h.HTTP) {
		return cookieSecure
	}
	return cookiePlain
}

func (h *Kernel) SessionToken(r *http.Request) string {
	c, err := r.Cookie(h.sessionCookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

func (h *Kernel) SetCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: httpx.Secure(r, h.HTTP), SameSite: http.SameSiteLaxMode,
	})
}

func (h *Kernel) SetSession(w http.ResponseWriter, r *http.Request, token string) {
	h.SetCookie(w, r, h.sessionCookieName(r), token, cookieDuration)
}

func (h *Kernel) ClearSession(w http.ResponseWriter, r *http.Request) {
	h.SetCookie(w, r, h.sessionCookieName(r), "", -1)
}

// CSRFToken binds the form token to the session (or, before sign-in, to a
// random anonymous cookie), keyed with a secret shared by all processes:
// a page served by one process posts fine to another.
func (h *Kernel) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	if tok := h.SessionToken(r); tok != "" {
		return h.mac("s:" + tok)
	}
	c, err := r.Cookie(cookieAnon)
	if err != nil || len(c.Value) < 16 {
		if w == nil {
			return ""
		}
		v := rand.Text()
		h.SetCookie(w, r, cookieAnon, v, 0)
		r.AddCookie(&http.Cookie{Name: cookieAnon, Value: v})
		return h.mac("a:" + v)
	}
	return h.mac("a:" + c.Value)
}

func (h *Kernel) mac(s string) string {
	m := hmac.New(sha256.New, h.csrfKey)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF verifies the form token of a POST.
func (h *Kernel) CheckCSRF(r *http.Request) bool {
	got := r.PostFormValue("csrf_token")
	want := h.CSRFToken(nil, r)
	return got != "" && want != "" && hmac.Equal([]byte(got), []byte(want))
}

// Page builds the view of a request.
func (h *Kernel) Page(w http.ResponseWriter, r *http.Request, p *auth.Principal, titleKey, nav string) *Page {
	lang := i18n.FromRequest(r)
	pg := &Page{Lang: lang, Nav: nav, Path: r.URL.RequestURI(), CSRF: h.CSRFToken(w, r)}
	if titleKey != "" {
		pg.Title = i18n.T(lang, titleKey)
	}
	if p != nil {
		uv := &UserView{ID: db.FormatID(p.UserID), Username: p.Username, Name: p.Name,
			CanAdminUsers: p.Can(auth.PermUserManage), CanAudit: p.Can(auth.PermAuditRead), CanSecurity: p.Can(auth.PermSecurity),
			CanMembers:    p.Can(auth.PermMemberRead) || p.Can(auth.PermMemberWrite),
			CanActivities: p.Can(auth.PermActivityRead) || p.Can(auth.PermActivityWrite),
			CanContests:   p.Can(auth.PermContestRead) || p.Can(auth.PermContestWrite),
			CanLetters:    p.Can(auth.PermLetterRead) || p.Can(auth.PermLetterWrite),
			CanContracts:  p.Can(auth.PermContractRead) || p.Can(auth.PermContractWrite),
			CanStations:   p.Can(auth.PermStationRead) || p.Can(auth.PermStationWrite),
			CanCases:      p.Can(auth.PermCaseRead) || p.Can(auth.PermCaseWrite),
			CanCongress:   p.Can(auth.PermCongressRead) || p.Can(auth.PermCongressWrite)}
		for _, g := range p.Grants {
			uv.Roles = append(uv.Roles, i18n.T(lang, "role."+string(g.Role))+" · "+g.OrgName)
		}
		uv.Inbox = h.inboxBadge(r.Context(), p)
		pg.User = uv
	}
	pg.Flash = takeFlash(w, r, lang)
	return pg
}

// StaffSession finds the staff browser session of a token: an API token or
// a member's session put into the staff cookie is not one.
func (h *Kernel) StaffSession(ctx context.Context, token string) (*auth.Principal, error) {
	p, _, err := h.Auth.Authenticate(ctx, token, false)
	if err != nil {
		return nil, err
	}
	if p.SessionKind != auth.SessionWeb || p.Kind == auth.KindMember {
		return nil, errs.Unauthenticated()
	}
	return p, nil
}

// PageFunc is a page handler: it writes its answer, or returns the error
// the kernel renders as the error page (see fail).
type PageFunc func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// Authed wraps a page that needs a signed-in user. Signed-out visitors go to
// the sign-in page (and come back); a user whose role requires two-factor
// login but who has not turned it on is sent to do so first.
func (h *Kernel) Authed(fn PageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := h.SessionToken(r)
		p, err := h.StaffSession(r.Context(), tok)
		if err != nil {
			if !errs.Is(err, errs.KindUnauthenticated) {
				h.Fail(w, r, nil, err)
				return
			}
			if tok != "" {
				h.ClearSession(w, r)
			}
			if r.Method != http.MethodGet {
				h.Fail(w, r, nil, err)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		ctx := audit.WithActor(r.Context(), audit.Actor{UserID: p.UserID, Name: p.Username, IP: httpx.ClientIP(r, h.HTTP)})
		r = r.WithContext(httpx.WithPrincipal(ctx, p))
		if r.Method == http.MethodPost && !h.CheckCSRF(r) {
			h.Fail(w, r, p, &errs.Error{Kind: errs.KindForbidden, Code: "csrf", Key: "error.csrf"})
			return
		}
		if p.PasswordExpired && r.URL.Path != "/account" && r.URL.Path != "/account/password" && r.URL.Path != "/logout" {
			http.Redirect(w, r, "/account?expired=1", http.StatusSeeOther)
			return
		}
		if !p.TOTPEnabled && !strings.HasPrefix(r.URL.Path, "/account") && r.URL.Path != "/logout" {
			req, err := h.Auth.MFARequired(r.Context(), p)
			if err != nil {
				h.Fail(w, r, p, err)
				return
			}
			if req {
				http.Redirect(w, r, "/account/totp?required=1", http.StatusSeeOther)
				return
			}
		}
		if err := fn(w, r, p); err != nil {
			h.Fail(w, r, p, err)
		}
	}
}

// memberPath tells the members' pages (the portal and the public join
// form) from the staff's.
func memberPath(path string) bool {
	return path == "/m" || strings.HasPrefix(path, "/m/") || strings.HasPrefix(path, "/join/")
}

// Fail renders an error page for err; validation errors belong on forms
// and should be handled by the caller before this.
func (h *Kernel) Fail(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) {
	e, ok := errs.As(err)
	if !ok {
		e = errs.Internal(err, "page "+r.URL.Path)
	}
	status := httpx.Status(e)
	if status == http.StatusInternalServerError {
		slog.Error("page failed", "path", r.URL.Path, "err", err)
	}
	pg := h.Page(w, r, p, statusTitleKey(status), "")
	data := ErrorData{Message: i18n.T(pg.Lang, e.Key, e.Args...)}
	if memberPath(r.URL.Path) {
		// A worker who followed a stale link goes back to the members'
		// pages, not to the staff sign-in.
		data.Home, data.HomeLabel = "/m", i18n.T(pg.Lang, "web.error.member_home")
	}
	pg.Data = data
	h.r.Render(w, status, "error", pg)
}

// FormFrom turns a validation error into the form state of a page: field
// messages in the page's language, and the submitted values of r to refill
// (never a password or the form token). ok is false when err is not an
// error a form shows (invalid input, a conflict, a refusal). Every form's
// errors go through here or FormError, so the same error reads the same on
// every page.
func FormFrom(pg *Page, r *http.Request, err error) (*Form, bool) {
	f, ok := formOf(pg, err, errs.KindInvalid, errs.KindConflict, errs.KindForbidden)
	if !ok {
		return nil, false
	}
	f.Values = KeptForm(r).Values
	return f, true
}

// formOf is the form state of err when its kind is one of kinds.
func formOf(pg *Page, err error, kinds ...errs.Kind) (*Form, bool) {
	e, ok := errs.As(err)
	if !ok || !slices.Contains(kinds, e.Kind) {
		return nil, false
	}
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}, Message: i18n.T(pg.Lang, e.Key, e.Args...)}
	for name, fe := range e.Fields {
		f.Errors[name] = i18n.T(pg.Lang, fe.Key, fe.Args...)
	}
	return f, true
}

// LocalURL accepts only same-site paths as redirect targets.
func LocalURL(s, fallback string) string {
	if s == "" || len(s) > 2000 || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return fallback
	}
	// Browsers drop tabs and newlines inside URLs, so "/\t/evil.example"
	// would become "//evil.example": refuse every control character.
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return fallback
		}
	}
	return s
}

// Redirect goes to a local URL after a successful POST; the next page
// shows the flash key's message once (flash.go).
func Redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	SetFlash(w, r, flash)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// IDParam reads an ID path value; a malformed one is simply not found.
func IDParam(r *http.Request, name string) (int64, error) {
	id, ok := db.ParseID(r.PathValue(name))
	if !ok {
		return 0, errs.NotFound(name)
	}
	return id, nil
}

// Render writes the page name with status (see Renderer.Render).
func (h *Kernel) Render(w http.ResponseWriter, status int, name string, pg *Page) {
	h.r.Render(w, status, name, pg)
}

// Fragment writes the template name alone (see Renderer.Fragment).
func (h *Kernel) Fragment(w http.ResponseWriter, status int, name string, data any) {
	h.r.Fragment(w, status, name, data)
}
