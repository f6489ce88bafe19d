package web

import (
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
)

const cookiePending = "gh_pending"

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	if p, err := h.staffSession(r.Context(), h.sessionToken(r)); err == nil && p != nil {
		http.Redirect(w, r, localURL(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
		return
	}
	pg := h.page(w, r, nil, "web.login.title", "")
	pg.Data = LoginData{Next: localURL(r.URL.Query().Get("next"), ""), Demo: h.Auth.DemoMode()}
	h.r.Render(w, http.StatusOK, "login", pg)
}

func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	pg := h.page(w, r, nil, "web.login.title", "")
	next := localURL(r.PostFormValue("next"), "/")
	data := LoginData{Next: next, Demo: h.Auth.DemoMode()}
	pg.Data = data
	if !h.checkCSRF(r) {
		pg.Form = &Form{Message: i18n.T(pg.Lang, "error.csrf"), Values: map[string]string{"username": r.PostFormValue("username")}}
		h.r.Render(w, httpx.KindStatus(errs.KindForbidden), "login", pg)
		return
	}
	if !httpx.CredentialsAllowed(r, h.HTTP) {
		pg.Form = &Form{Message: i18n.T(pg.Lang, "auth.insecure_http")}
		h.r.Render(w, httpx.KindStatus(errs.KindForbidden), "login", pg)
		return
	}
	res, err := h.Auth.Login(r.Context(), auth.LoginInput{
		Username: r.PostFormValue("username"), Password: r.PostFormValue("password"),
		IP: httpx.ClientIP(r, h.HTTP), UserAgent: r.UserAgent(), Kind: auth.SessionWeb,
	})
	if err != nil {
		f, ok := formFrom(pg, r, err)
		if !ok {
			e, isErr := errs.As(err)
			if !isErr || e.Kind == errs.KindInternal {
				h.fail(w, r, nil, err)
				return
			}
			f = &Form{Values: map[string]string{"username": r.PostFormValue("username")}, Errors: map[string]string{}, Message: i18n.T(pg.Lang, e.Key, e.Args...)}
		}
		pg.Form = f
		h.r.Render(w, httpx.Status(err), "login", pg)
		return
	}
	// Any session this browser had is ended: the session id changes at login.
	if old := h.sessionToken(r); old != "" {
		_ = h.Auth.Logout(r.Context(), old)
	}
	if res.MFAPending {
		h.setCookie(w, r, cookiePending, res.Token, int((5 * time.Minute).Seconds()))
		data.TOTPStep = true
		pg.Data = data
		h.r.Render(w, http.StatusOK, "login", pg)
		return
	}
	h.setSession(w, r, res.Token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) loginTOTP(w http.ResponseWriter, r *http.Request) {
	pg := h.page(w, r, nil, "web.login.title", "")
	next := localURL(r.PostFormValue("next"), "/")
	pg.Data = LoginData{Next: next, TOTPStep: true}
	c, err := r.Cookie(cookiePending)
	if err != nil || !h.checkCSRF(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	res, err := h.Auth.CompleteTOTP(r.Context(), c.Value, r.PostFormValue("code"), httpx.ClientIP(r, h.HTTP), r.UserAgent())
	if err != nil {
		// A wrong code (or a wrong password at the first step: the same
		// answer) stays on the code step; a lock or an expired step starts over.
		if e, ok := errs.As(err); errs.Is(err, errs.KindLocked) || (errs.Is(err, errs.KindUnauthenticated) && (!ok || e.Fields["otp"].Key == "")) {
			h.setCookie(w, r, cookiePending, "", -1)
			pg.Data = LoginData{Next: next}
		}
		e, _ := errs.As(err)
		f := &Form{Errors: map[string]string{}, Values: map[string]string{}}
		if e != nil {
			f.Message = i18n.T(pg.Lang, e.Key, e.Args...)
			if fe, ok := e.Fields["otp"]; ok {
				f.Errors["code"] = i18n.T(pg.Lang, fe.Key, fe.Args...)
				f.Message = ""
			}
		} else {
			h.fail(w, r, nil, err)
			return
		}
		pg.Form = f
		h.r.Render(w, httpx.Status(err), "login", pg)
		return
	}
	h.setCookie(w, r, cookiePending, "", -1)
	h.setSession(w, r, res.Token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := h.Auth.Logout(r.Context(), h.sessionToken(r)); err != nil {
		return err
	}
	h.clearSession(w, r)
	redirect(w, r, "/login", "flash.signed_out")
	return nil
}

// setLang stores the chosen language and goes back to the page it was
// chosen on.
func (h *Handler) setLang(w http.ResponseWriter, r *http.Request) {
	if l, ok := i18n.Parse(r.URL.Query().Get("to")); ok {
		http.SetCookie(w, &http.Cookie{Name: cookieLang, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, Secure: httpx.Secure(r, h.HTTP)})
	}
	http.Redirect(w, r, localURL(r.URL.Query().Get("back"), "/"), http.StatusSeeOther)
}
