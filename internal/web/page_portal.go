package web

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
)

// The members' own pages (会员之家): a member signs in on a phone with the
// mobile number on record (a one-time code by SMS, or a password they set),
// sees their record, shows their digital member card, sets a password and
// follows their transfers. Staff open the same card from a member's page,
// to print; anyone can check a scanned card on /card/verify.
//
// Member sessions live apart from staff sessions: their own cookie (see
// memberCookieName), their own wrapper (memberAuthed) that accepts only
// member principals, and form tokens bound to the member session. A
// browser may hold both at once; neither opens the other's pages.

// portalRoutes registers the members' own pages.
func (h *Handler) portalRoutes(mux *http.ServeMux) {
	m := h.memberAuthed

	// Sign-in (public; the forms carry the anonymous form token).
	mux.HandleFunc("GET /m/login", h.portalLoginPage)
	mux.HandleFunc("POST /m/login", h.portalLoginSubmit)
	mux.HandleFunc("POST /m/login/code", h.portalSendCode)
	mux.HandleFunc("POST /m/logout", m(h.portalLogout))

	// A signed-in member's pages (page_portal_pages.go).
	mux.HandleFunc("GET /m", m(h.portalHome))
	mux.HandleFunc("GET /m/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/m", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /m/card", m(h.portalCard))
	mux.HandleFunc("GET /m/card.png", m(h.portalCardPNG))
	mux.HandleFunc("GET /m/account", m(h.portalAccount))
	mux.HandleFunc("POST /m/password", m(h.portalPassword))

	// Staff: a member's card, printable (page_portal_card.go).
	mux.HandleFunc("GET /members/{id}/card", h.authed(h.staffCard))
	mux.HandleFunc("GET /members/{id}/card.png", h.authed(h.staffCardPNG))

	// Public: check a scanned card (page_portal_card.go).
	mux.HandleFunc("GET /card/verify", h.cardVerifyPage)
	mux.HandleFunc("POST /card/verify", h.cardVerifySubmit)
}

// Member session cookies: named apart from the staff session's, with the
// same flags (see handler.go).
const (
	memberCookieSecure = "__Host-gh_member"
	memberCookiePlain  = "gh_member"
)

func (h *Handler) memberCookieName(r *http.Request) string {
	if httpx.Secure(r, h.HTTP) {
		return memberCookieSecure
	}
	return memberCookiePlain
}

func (h *Handler) memberToken(r *http.Request) string {
	c, err := r.Cookie(h.memberCookieName(r))
	if err != nil {
		return ""
	}
	return c.Value
}

func (h *Handler) setMemberSession(w http.ResponseWriter, r *http.Request, token string) {
	h.setCookie(w, r, h.memberCookieName(r), token, cookieDuration)
}

func (h *Handler) clearMemberSession(w http.ResponseWriter, r *http.Request) {
	h.setCookie(w, r, h.memberCookieName(r), "", -1)
}

// memberCSRF is the form token of a member session ("" without one). It
// is keyed like the staff tokens, with its own prefix, so that a staff
// token is never a member's and the other way round.
func (h *Handler) memberCSRF(r *http.Request) string {
	tok := h.memberToken(r)
	if tok == "" {
		return ""
	}
	return h.mac("m:" + tok)
}

func (h *Handler) checkMemberCSRF(r *http.Request) bool {
	got := r.PostFormValue("csrf_token")
	want := h.memberCSRF(r)
	return got != "" && want != "" && hmac.Equal([]byte(got), []byte(want))
}

// memberAuthed wraps a page of a signed-in member. Anyone else (signed
// out, a staff session, an API token put in the cookie, a session that
// ended) goes to the member sign-in page; a POST must carry the member
// session's form token.
func (h *Handler) memberAuthed(fn func(w http.ResponseWriter, r *http.Request, p *auth.Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := h.memberToken(r)
		p, _, err := h.Auth.Authenticate(r.Context(), tok, false)
		if err == nil && (p.Kind != auth.KindMember || p.MemberID == 0 || p.SessionKind != auth.SessionWeb) {
			err = errs.Unauthenticated()
		}
		if err != nil {
			if !errs.Is(err, errs.KindUnauthenticated) {
				w.Header().Set("Cache-Control", "no-store")
				h.fail(w, r, nil, err)
				return
			}
			if tok != "" {
				h.clearMemberSession(w, r)
			}
			to := "/m/login"
			if r.Method == http.MethodGet && r.URL.Path != "/m" {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			} else if tok != "" {
				to += "?flash=portal.flash.session_ended"
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		ctx := audit.WithActor(r.Context(), audit.Actor{Name: "member:" + db.FormatID(p.MemberID), IP: httpx.ClientIP(r, h.HTTP)})
		r = r.WithContext(httpx.WithPrincipal(ctx, p))
		if r.Method == http.MethodPost && !h.checkMemberCSRF(r) {
			w.Header().Set("Cache-Control", "no-store")
			h.fail(w, r, nil, &errs.Error{Kind: errs.KindForbidden, Code: "csrf", Key: "error.csrf"})
			return
		}
		fn(w, r, p)
	}
}

// portalFlash shows a one-off notice of the portal (keys portal.flash.*).
func portalFlash(pg *Page, r *http.Request) {
	if f := r.URL.Query().Get("flash"); strings.HasPrefix(f, "portal.flash.") && i18n.Has(f) {
		pg.Flash = i18n.T(pg.Lang, f)
	}
}

// memberPage prepares a page of a signed-in member: never cached, the
// form token bound to the member session, tab the item of the bottom bar
// that is current ("home", "card", "account").
func (h *Handler) memberPage(w http.ResponseWriter, r *http.Request, titleKey, tab string) *Page {
	w.Header().Set("Cache-Control", "no-store")
	lang := i18n.FromRequest(r)
	pg := &Page{Lang: lang, Nav: tab, Path: r.URL.RequestURI(), CSRF: h.memberCSRF(r), Home: "/m"}
	if titleKey != "" {
		pg.Title = i18n.T(lang, titleKey)
	}
	portalFlash(pg, r)
	return pg
}

// portalNext is where to go after signing in: a member page, else home.
func portalNext(s string) string {
	s = localURL(s, "/m")
	if s == "/m" || strings.HasPrefix(s, "/m/") || strings.HasPrefix(s, "/m?") {
		if strings.HasPrefix(s, "/m/login") || strings.HasPrefix(s, "/m/logout") {
			return "/m"
		}
		return s
	}
	return "/m"
}

// Sign-in modes.
const (
	loginByCode     = "code"
	loginByPassword = "password"
)

// portalLoginData is the Data of the member sign-in page.
type portalLoginData struct {
	Mode        string // loginByCode or loginByPassword
	Next        string // hidden input "next" ("" = home)
	CodeURL     string // the page in code mode
	PasswordURL string // the page in password mode
	SentTo      string // masked number a code was just sent to ("" = none yet)
	ResendAfter int    // seconds before another code may be asked for
}

// resendSeconds is the wait between two codes.
const resendSeconds = int(auth.CodeResendAfter / time.Second)

func (h *Handler) renderPortalLogin(w http.ResponseWriter, r *http.Request, pg *Page, d portalLoginData, status int) {
	if d.Mode != loginByPassword {
		d.Mode = loginByCode
	}
	q := url.Values{}
	if d.Next != "" {
		q.Set("next", d.Next)
	}
	d.CodeURL = withQuery("/m/login", q.Encode())
	q.Set("mode", loginByPassword)
	d.PasswordURL = withQuery("/m/login", q.Encode())
	d.ResendAfter = resendSeconds
	pg.Title = pg.T("portal.login.title")
	pg.Data = d
	h.r.Render(w, status, "portal_login", pg)
}

// loginForm reads the mode and next of a submitted sign-in form.
func loginForm(r *http.Request) portalLoginData {
	d := portalLoginData{Mode: r.PostFormValue("mode")}
	if n := r.PostFormValue("next"); n != "" {
		d.Next = portalNext(n)
	}
	return d
}

// portalLoginPage: GET /m/login.
func (h *Handler) portalLoginPage(w http.ResponseWriter, r *http.Request) {
	next := ""
	if n := r.URL.Query().Get("next"); n != "" {
		next = portalNext(n)
	}
	if p, _, err := h.Auth.Authenticate(r.Context(), h.memberToken(r), false); err == nil && p.Kind == auth.KindMember && p.SessionKind == auth.SessionWeb {
		http.Redirect(w, r, portalNext(next), http.StatusSeeOther)
		return
	}
	pg := h.publicPage(w, r, "portal.login.title")
	pg.Home = "/m"
	portalFlash(pg, r)
	h.renderPortalLogin(w, r, pg, portalLoginData{Mode: r.URL.Query().Get("mode"), Next: next}, http.StatusOK)
}

// loginRefused renders the sign-in form again with a form-level message,
// keeping the mobile number typed.
func (h *Handler) loginRefused(w http.ResponseWriter, r *http.Request, pg *Page, d portalLoginData, status int, key string) {
	pg.Form = &Form{Values: map[string]string{"mobile": r.PostFormValue("mobile")}, Errors: map[string]string{}, Message: pg.T(key)}
	h.renderPortalLogin(w, r, pg, d, status)
}

// portalLoginSubmit: POST /m/login, by code or by password.
func (h *Handler) portalLoginSubmit(w http.ResponseWriter, r *http.Request) {
	pg := h.publicPage(w, r, "portal.login.title")
	pg.Home = "/m"
	d := loginForm(r)
	if !h.checkCSRF(r) {
		h.loginRefused(w, r, pg, d, httpx.KindStatus(errs.KindForbidden), "error.csrf")
		return
	}
	if !httpx.CredentialsAllowed(r, h.HTTP) {
		h.loginRefused(w, r, pg, d, httpx.KindStatus(errs.KindForbidden), "auth.insecure_http")
		return
	}
	in := auth.MemberLoginInput{Mobile: r.PostFormValue("mobile"), IP: httpx.ClientIP(r, h.HTTP), UserAgent: r.UserAgent(), Kind: auth.SessionWeb}
	var err error
	if d.Mode == loginByPassword {
		in.Password = r.PostFormValue("password")
	} else {
		in.Code = strings.TrimSpace(r.PostFormValue("code"))
		if in.Code == "" {
			f := errs.Fields{}
			if _, merr := cnid.NormalizeMobile(in.Mobile); merr != nil {
				f.Add("mobile", "field.mobile.invalid")
			}
			f.Add("code", "portal.login.code_required")
			err = f.Err()
		}
	}
	var res *auth.LoginResult
	if err == nil {
		res, err = h.Auth.MemberLogin(r.Context(), in)
	}
	if err != nil {
		h.loginFailed(w, r, pg, d, err)
		return
	}
	// The session id changes at sign-in: any member session this browser
	// had is ended.
	if old := h.memberToken(r); old != "" {
		_ = h.Auth.Logout(r.Context(), old)
	}
	h.setMemberSession(w, r, res.Token)
	http.Redirect(w, r, portalNext(d.Next), http.StatusSeeOther)
}

// loginFailed shows why a sign-in (or a code) was refused, in place.
func (h *Handler) loginFailed(w http.ResponseWriter, r *http.Request, pg *Page, d portalLoginData, err error) {
	e, ok := errs.As(err)
	if !ok || e.Kind == errs.KindInternal {
		h.fail(w, r, nil, err)
		return
	}
	f := &Form{Values: map[string]string{"mobile": r.PostFormValue("mobile")}, Errors: map[string]string{}, Message: pg.T(e.Key, e.Args...)}
	for name, fe := range e.Fields {
		f.Errors[name] = pg.T(fe.Key, fe.Args...)
	}
	switch e.Kind {
	case errs.KindInvalid:
		f.Message = ""
	case errs.KindLocked:
		f.Message = pg.T("portal.login.locked", e.Args...)
	}
	switch e.Code {
	case "invalid_credentials":
		f.Errors["password"] = pg.T("portal.login.bad_password")
		f.Message = ""
	case "invalid_code":
		f.Message = ""
	case "code_too_soon":
		f.Errors["code"] = f.Message
		f.Message = ""
	}
	pg.Form = f
	h.renderPortalLogin(w, r, pg, d, httpx.Status(err))
}

// portalSendCode: POST /m/login/code, the "获取验证码" button of the
// sign-in form. The answer is the same whether or not the number is a
// member's (SendCode sends nothing then), so the form tells nobody who
// is a member.
func (h *Handler) portalSendCode(w http.ResponseWriter, r *http.Request) {
	pg := h.publicPage(w, r, "portal.login.title")
	pg.Home = "/m"
	d := loginForm(r)
	d.Mode = loginByCode
	if !h.checkCSRF(r) {
		h.loginRefused(w, r, pg, d, httpx.KindStatus(errs.KindForbidden), "error.csrf")
		return
	}
	if !httpx.CredentialsAllowed(r, h.HTTP) {
		h.loginRefused(w, r, pg, d, httpx.KindStatus(errs.KindForbidden), "auth.insecure_http")
		return
	}
	mobile := r.PostFormValue("mobile")
	if err := h.Auth.SendCode(r.Context(), mobile, httpx.ClientIP(r, h.HTTP)); err != nil {
		h.loginFailed(w, r, pg, d, err)
		return
	}
	d.SentTo = cnid.MaskMobile(mobile)
	pg.Form = &Form{Values: map[string]string{"mobile": mobile}, Errors: map[string]string{}}
	h.renderPortalLogin(w, r, pg, d, http.StatusOK)
}

// portalLogout: POST /m/logout.
func (h *Handler) portalLogout(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.Auth.Logout(r.Context(), h.memberToken(r)); err != nil {
		h.fail(w, r, nil, err)
		return
	}
	h.clearMemberSession(w, r)
	redirect(w, r, "/m/login", "portal.flash.signed_out")
}
