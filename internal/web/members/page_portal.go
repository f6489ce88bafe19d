package members

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/web"
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
func (h *Pages) portalRoutes(mux *http.ServeMux) {
	m := h.MemberAuthed

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
	mux.HandleFunc("GET /members/{id}/card", h.Authed(h.staffCard))
	mux.HandleFunc("GET /members/{id}/card.png", h.Authed(h.staffCardPNG))

	// Public: check a scanned card (page_portal_card.go).
	mux.HandleFunc("GET /card/verify", h.cardVerifyPage)
	mux.HandleFunc("POST /card/verify", h.cardVerifySubmit)
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

func (h *Pages) renderPortalLogin(w http.ResponseWriter, r *http.Request, pg *web.Page, d portalLoginData, status int) {
	if d.Mode != loginByPassword {
		d.Mode = loginByCode
	}
	q := url.Values{}
	if d.Next != "" {
		q.Set("next", d.Next)
	}
	d.CodeURL = web.WithQuery("/m/login", q.Encode())
	q.Set("mode", loginByPassword)
	d.PasswordURL = web.WithQuery("/m/login", q.Encode())
	d.ResendAfter = resendSeconds
	pg.Title = pg.T("portal.login.title")
	pg.Data = d
	h.Render(w, status, "portal_login", pg)
}

// loginForm reads the mode and next of a submitted sign-in form.
func loginForm(r *http.Request) portalLoginData {
	d := portalLoginData{Mode: r.PostFormValue("mode")}
	if n := r.PostFormValue("next"); n != "" {
		d.Next = web.PortalNext(n)
	}
	return d
}

// portalLoginPage: GET /m/login.
func (h *Pages) portalLoginPage(w http.ResponseWriter, r *http.Request) {
	next := ""
	if n := r.URL.Query().Get("next"); n != "" {
		next = web.PortalNext(n)
	}
	if p, _, err := h.Auth.Authenticate(r.Context(), h.MemberToken(r), false); err == nil && p.Kind == auth.KindMember && p.SessionKind == auth.SessionWeb {
		http.Redirect(w, r, web.PortalNext(next), http.StatusSeeOther)
		return
	}
	pg := h.PublicPage(w, r, "portal.login.title")
	pg.Home = "/m"
	web.PortalFlash(pg, r)
	h.renderPortalLogin(w, r, pg, portalLoginData{Mode: r.URL.Query().Get("mode"), Next: next}, http.StatusOK)
}

// loginRefused renders the sign-in form again with a form-level message,
// keeping the mobile number typed.
func (h *Pages) loginRefused(w http.ResponseWriter, r *http.Request, pg *web.Page, d portalLoginData, status int, key string) {
	pg.Form = &web.Form{Values: map[string]string{"mobile": r.PostFormValue("mobile")}, Errors: map[string]string{}, Message: pg.T(key)}
	h.renderPortalLogin(w, r, pg, d, status)
}

// portalLoginSubmit: POST /m/login, by code or by password.
func (h *Pages) portalLoginSubmit(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "portal.login.title")
	pg.Home = "/m"
	d := loginForm(r)
	if !h.CheckCSRF(r) {
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
	if old := h.MemberToken(r); old != "" {
		_ = h.Auth.Logout(r.Context(), old)
	}
	h.SetMemberSession(w, r, res.Token)
	http.Redirect(w, r, web.PortalNext(d.Next), http.StatusSeeOther)
}

// loginFailed shows why a sign-in (or a code) was refused, in place.
func (h *Pages) loginFailed(w http.ResponseWriter, r *http.Request, pg *web.Page, d portalLoginData, err error) {
	e, ok := errs.As(err)
	if !ok || e.Kind == errs.KindInternal {
		h.Fail(w, r, nil, err)
		return
	}
	f := &web.Form{Values: map[string]string{"mobile": r.PostFormValue("mobile")}, Errors: map[string]string{}, Message: pg.T(e.Key, e.Args...)}
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
func (h *Pages) portalSendCode(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "portal.login.title")
	pg.Home = "/m"
	d := loginForm(r)
	d.Mode = loginByCode
	if !h.CheckCSRF(r) {
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
	pg.Form = &web.Form{Values: map[string]string{"mobile": mobile}, Errors: map[string]string{}}
	h.renderPortalLogin(w, r, pg, d, http.StatusOK)
}

// portalLogout: POST /m/logout.
func (h *Pages) portalLogout(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := h.Auth.Logout(r.Context(), h.MemberToken(r)); err != nil {
		return err
	}
	h.ClearMemberSession(w, r)
	web.Redirect(w, r, "/m/login", "portal.flash.signed_out")
	return nil
}
