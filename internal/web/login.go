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

func (h *Kernel) loginPage(w http.ResponseWriter, r *http.Request) {
	if p, err := h.StaffSession(r.Context(), h.SessionToken(r)); err == nil && p != nil {
		http.Redirect(w, r, LocalURL(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
		return
	}
	pg := h.Page(w, r, nil, "web.login.title", "")
	pg.Data = LoginData{Next: LocalURL(r.URL.Query().Get("next"), ""), Demo: h.Auth.DemoMode()}
	h.Render(w, http.StatusOK, "login", pg)
}

func (h *Kernel) loginSubmit(w http.ResponseWriter, r *http.Request) {
	pg := h.Page(w, r, nil, "web.login.title", "")
	next := LocalURL(r.PostFormValue("next"), "/")
	data := LoginData{Next: next, Demo: h.Auth.DemoMode()}
	pg.Data = data
	if !h.CheckCSRF(r) {
		pg.Form = &Form{Message: i18n.T(pg.Lang, "error.csrf"), Values: map[string]string{"username": r.PostFormValue("username")}}
		h.Render(w, httpx.KindStatus(errs.KindForbidden), "login", pg)
		return
	}
	if !httpx.CredentialsAllowed(r, h.HTTP) {
		pg.Form = &Form{Message: i18n.T(pg.Lang, "auth.insecure_http")}
		h.Render(w, httpx.KindStatus(errs.KindForbidden), "login", pg)
		return
	}
	res, err := h.Auth.Login(r.Context(), auth.LoginInput{
		Username: r.PostFormValue("username"), Password: r.PostFormValue("password"),
		IP: httpx.ClientIP(r, h.HTTP), UserAgent: r.UserAgent(), Kind: auth.SessionWeb,
	})
	if err != nil {
		f, ok := FormFrom(pg, r, err)
		if !ok {
			e, isErr := errs.As(err)
			if !isErr || e.Kind == errs.KindInternal {
				h.Fail(w, r, nil, err)
				return
			}
			f = &Form{Values: map[string]string{"username": r.PostFormValue("username")}, Errors: map[string]string{}, Message: i18n.T(pg.Lang, e.Key, e.Args...)}
		}
		pg.Form = f
		h.Render(w, httpx.Status(err), "login", pg)
		return
	}
	// Any session this browser had is ended: the session id changes at login.
	if old := h.SessionToken(r); old != "" {
		_ = h.Auth.Logout(r.Context(), old)
	}
	if res.MFAPending {
		h.SetCookie(w, r, cookiePending, res.Token, int((5 * time.Minute).Seconds()))
		data.TOTPStep = true
		pg.Data = data
		h.Render(w, http.StatusOK, "login", pg)
		return
	}
	h.SetSession(w, r, res.Token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Kernel) loginTOTP(w http.ResponseWriter, r *http.Request) {
	pg := h.Page(w, r, nil, "web.login.title", "")
	next := LocalURL(r.PostFormValue("next"), "/")
	pg.Data = LoginData{Next: next, TOTPStep: true}
	c, err := r.Cookie(cookiePending)
	if err != nil || !h.CheckCSRF(r) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	res, err := h.Auth.CompleteTOTP(r.Context(), c.Value, r.PostFormValue("code"), httpx.ClientIP(r, h.HTTP), r.UserAgent())
	if err != nil {
		// A wrong code (or a wrong password at the first step: the same
		// answer) stays on the code step; a lock or an expired step starts over.
		if e, ok := errs.As(err); errs.Is(err, errs.KindLocked) || (errs.Is(err, errs.KindUnauthenticated) && (!ok || e.Fields["otp"].Key == "")) {
			h.SetCookie(w, r, cookiePending, "", -1)
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
			h.Fail(w, r, nil, err)
			return
		}
		pg.Form = f
		h.Render(w, httpx.Status(err), "login", pg)
		return
	}
	h.SetCookie(w, r, cookiePending, "", -1)
	h.SetSession(w, r, res.Token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Kernel) logout(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := h.Auth.Logout(r.Context(), h.SessionToken(r)); err != nil {
		return err
	}
	h.ClearSession(w, r)
	Redirect(w, r, "/login", "flash.signed_out")
	return nil
}

// setLang stores the chosen language and goes back to the page it was
// chosen on.
func (h *Kernel) setLang(w http.ResponseWriter, r *http.Request) {
	if l, ok := i18n.Parse(r.URL.Query().Get("to")); ok {
		http.SetCookie(w, &http.Cookie{Name: cookieLang, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			SameSite: http.SameSiteLaxMode, Secure: httpx.Secure(r, h.HTTP)})
	}
	http.Redirect(w, r, LocalURL(r.URL.Query().Get("back"), "/"), http.StatusSeeOther)
}
