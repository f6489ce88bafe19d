package admin

import "net/http"

// Routes registers accounts, the audit log, the security policy and the caller's own account. Every signed-in page goes through h.Authed,
// which also checks the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	a := h.Authed

	// Accounts (page_users.go).
	mux.HandleFunc("GET /users", a(h.userList))
	mux.HandleFunc("GET /users/new", a(h.userNew))
	mux.HandleFunc("POST /users/new", a(h.userCreate))
	mux.HandleFunc("GET /users/{id}", a(h.userShow))
	mux.HandleFunc("POST /users/{id}/grants", a(h.userGrant))
	mux.HandleFunc("POST /users/{id}/grants/{gid}/revoke", a(h.userRevoke))
	mux.HandleFunc("POST /users/{id}/disable", a(h.userDisable))
	mux.HandleFunc("POST /users/{id}/enable", a(h.userEnable))
	mux.HandleFunc("POST /users/{id}/unlock", a(h.userUnlock))
	mux.HandleFunc("POST /users/{id}/password", a(h.userResetPassword))
	mux.HandleFunc("POST /users/{id}/sessions/revoke", a(h.userRevokeSessions))
	mux.HandleFunc("POST /users/{id}/tokens", a(h.userCreateToken))

	// Audit log (page_audit.go) and security policy (page_security.go).
	mux.HandleFunc("GET /audit", a(h.auditList))
	mux.HandleFunc("GET /audit/verify", a(h.auditVerify))
	mux.HandleFunc("GET /audit/export", a(h.auditExport))
	mux.HandleFunc("GET /security", a(h.securityForm))
	mux.HandleFunc("POST /security", a(h.securitySave))

	// The caller's own account (page_account.go).
	mux.HandleFunc("GET /account", a(h.account))
	mux.HandleFunc("POST /account/password", a(h.accountPassword))
	mux.HandleFunc("POST /account/logout-everywhere", a(h.accountLogoutEverywhere))
	mux.HandleFunc("GET /account/totp", a(h.totpPage))
	mux.HandleFunc("POST /account/totp/start", a(h.totpStart))
	mux.HandleFunc("POST /account/totp/confirm", a(h.totpConfirm))
	mux.HandleFunc("POST /account/totp/disable", a(h.totpDisable))
	mux.HandleFunc("POST /account/totp/recovery", a(h.totpRecovery))
}
