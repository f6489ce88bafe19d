package admin

import (
	"context"
	"encoding/base64"
	"html/template"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// accountData is the Data of the caller's own account page.
type accountData struct {
	U               userRow
	Sessions        []web.SessionView
	PasswordExpired bool // the policy's maximum age has passed: change it to go on
}

func (h *Pages) account(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderAccount(w, r, p, h.Page(w, r, p, "page.account.title", "account"), http.StatusOK)
	return nil
}

func (h *Pages) renderAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) {
	u, err := h.Auth.GetUser(r.Context(), p, p.UserID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	sessions, err := h.Auth.Sessions(r.Context(), p)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg.Path = "/account"
	pg.Data = accountData{U: userView(pg.Lang, *u), Sessions: web.SessionViews(pg.Lang, sessions, h.SessionToken(r)), PasswordExpired: p.PasswordExpired}
	h.Render(w, status, "account", pg)
}

// accountPassword changes the caller's password. The store ends every web
// session of the account, this one included, so the user signs in again.
func (h *Pages) accountPassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var err error
	if r.PostFormValue("password") != r.PostFormValue("password_confirm") {
		f := errs.Fields{}
		f.Add("password_confirm", "page.password.mismatch")
		err = f.Err()
	} else {
		err = h.Auth.ChangePassword(r.Context(), p, r.PostFormValue("old_password"), r.PostFormValue("password"))
	}
	if err != nil {
		pg := h.Page(w, r, p, "page.account.title", "account")
		if h.Validation(w, r, p, pg, err) {
			h.renderAccount(w, r, p, pg, httpx.Status(err))
		}
		return nil
	}
	h.ClearSession(w, r)
	web.Redirect(w, r, "/login", "flash.password_changed")
	return nil
}

// accountLogoutEverywhere ends every session of the caller's account.
func (h *Pages) accountLogoutEverywhere(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := h.Auth.LogoutEverywhere(r.Context(), p); err != nil {
		return err
	}
	h.ClearSession(w, r)
	web.Redirect(w, r, "/login", "flash.signed_out_everywhere")
	return nil
}

// totpData is the Data of the two-factor page.
type totpData struct {
	Required bool
	Enabled  bool
	Pending  bool
	QR       template.URL // data: URL of the enrolment's QR code
	Secret   string
	Recovery []string // recovery codes just made, shown this once
	Left     int      // unused recovery codes
}

func (h *Pages) totpPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderTOTP(w, r, p, h.Page(w, r, p, "page.totp.title", "account"), http.StatusOK)
	return nil
}

func (h *Pages) renderTOTP(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) {
	pg.Crumbs = []web.Crumb{{Label: i18n.T(pg.Lang, "page.account.title"), URL: "/account"}, {Label: pg.Title}}
	if r.Method != http.MethodGet {
		pg.Path = "/account/totp"
	}
	d := totpData{Required: r.URL.Query().Get("required") == "1", Enabled: p.TOTPEnabled}
	if old, ok := pg.Data.(totpData); ok {
		d.Recovery, d.Enabled = old.Recovery, old.Enabled || d.Enabled
	}
	if d.Enabled {
		n, err := h.Auth.RecoveryCodesLeft(r.Context(), p)
		if err != nil {
			h.Fail(w, r, p, err)
			return
		}
		d.Left = n
	}
	if !d.Enabled {
		en, err := h.Auth.PendingTOTP(r.Context(), p)
		switch {
		case err == nil:
			d.Pending, d.Secret = true, en.Secret
			// The QR code is our own PNG; the page's CSP allows data: images.
			d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.PNG))
		case !errs.Is(err, errs.KindNotFound):
			h.Fail(w, r, p, err)
			return
		}
	}
	pg.Data = d
	h.Render(w, status, "account_totp", pg)
}

func (h *Pages) totpStart(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if p.TOTPEnabled {
		web.Redirect(w, r, "/account/totp", "")
		return nil
	}
	if _, err := h.Auth.BeginTOTP(r.Context(), p); err != nil {
		return err
	}
	to := "/account/totp"
	if r.PostFormValue("required") == "1" {
		to += "?required=1"
	}
	web.Redirect(w, r, to, "")
	return nil
}

// totpForm handles a code typed into the confirm or disable form.
func (h *Pages) totpForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, fn func(code string) error, flash string) {
	if err := fn(web.FormValue(r, "code")); err != nil {
		h.totpFormError(w, r, p, err)
		return
	}
	web.Redirect(w, r, "/account/totp", flash)
}

// totpFormError shows the two-step page again with the code's error.
func (h *Pages) totpFormError(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) {
	pg := h.Page(w, r, p, "page.totp.title", "account")
	f, ok := web.FormFrom(pg, r, err)
	if !ok {
		h.Fail(w, r, p, err)
		return
	}
	if e, isErr := errs.As(err); isErr {
		if fe, has := e.Fields["otp"]; has {
			f.Errors["code"] = i18n.T(pg.Lang, fe.Key, fe.Args...)
		}
	}
	pg.Form = f
	h.renderTOTP(w, r, p, pg, httpx.Status(err))
}

func (h *Pages) totpConfirm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.recoveryCodes(w, r, p, h.Auth.ConfirmTOTP, "")
	return nil
}

func (h *Pages) totpRecovery(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.recoveryCodes(w, r, p, h.Auth.RegenerateRecoveryCodes, "flash.recovery_codes")
	return nil
}

// recoveryCodes runs an action that makes recovery codes and shows them on a
// page the browser does not keep (no redirect: the codes are nowhere else).
func (h *Pages) recoveryCodes(w http.ResponseWriter, r *http.Request, p *auth.Principal,
	fn func(context.Context, *auth.Principal, string) ([]string, error), flash string) {
	codes, err := fn(r.Context(), p, web.FormValue(r, "code"))
	if err != nil {
		h.totpFormError(w, r, p, err)
		return
	}
	pg := h.Page(w, r, p, "page.totp.title", "account")
	if flash != "" {
		pg.Flash = i18n.T(pg.Lang, flash)
	}
	pg.Data = totpData{Enabled: true, Recovery: codes}
	w.Header().Set("Cache-Control", "no-store")
	h.renderTOTP(w, r, p, pg, http.StatusOK)
}

func (h *Pages) totpDisable(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.totpForm(w, r, p, func(code string) error { return h.Auth.DisableTOTP(r.Context(), p, code) }, "flash.totp_disabled")
	return nil
}
