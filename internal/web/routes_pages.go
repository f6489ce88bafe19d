package web

import (
	"net/http"

	"gonghui/internal/errs"
)

// pageRoutes is the route table of the signed-in pages. Each handler lives
// in the page_*.go file named for its area. Every route goes through
// h.authed, which also checks the form token of every POST.
func (h *Kernel) pageRoutes(mux *http.ServeMux) {
	a := h.Authed

	mux.HandleFunc("GET /{$}", a(h.home))

	// The organisation tree and an organisation's page (page_orgs.go),
	// its forms (page_org_forms.go) and officers (page_officers.go).
	mux.HandleFunc("GET /orgs", a(h.orgTree))
	mux.HandleFunc("GET /orgs/{id}", a(h.orgShow))
	mux.HandleFunc("GET /orgs/{id}/children", a(h.orgChildren))
	mux.HandleFunc("GET /orgs/{id}/edit", a(h.orgEdit))
	mux.HandleFunc("POST /orgs/{id}/edit", a(h.orgUpdate))
	mux.HandleFunc("GET /orgs/{id}/new", a(h.orgNew))
	mux.HandleFunc("POST /orgs/{id}/new", a(h.orgCreate))
	mux.HandleFunc("GET /orgs/{id}/move", a(h.orgMoveForm))
	mux.HandleFunc("POST /orgs/{id}/move", a(h.orgMove))
	mux.HandleFunc("POST /orgs/{id}/employers", a(h.orgLinkEmployer))
	mux.HandleFunc("POST /orgs/{id}/employers/{eid}/unlink", a(h.orgUnlinkEmployer))
	mux.HandleFunc("GET /orgs/{id}/officers/new", a(h.officerNew))
	mux.HandleFunc("POST /orgs/{id}/officers/new", a(h.officerCreate))
	mux.HandleFunc("GET /officers/{id}/edit", a(h.officerEdit))
	mux.HandleFunc("POST /officers/{id}/edit", a(h.officerUpdate))
	mux.HandleFunc("POST /officers/{id}/delete", a(h.officerDelete))

	// Employers (page_employers.go).
	mux.HandleFunc("GET /employers", a(h.employerList))
	mux.HandleFunc("GET /employers/new", a(h.employerNew))
	mux.HandleFunc("POST /employers/new", a(h.employerCreate))
	mux.HandleFunc("GET /employers/{id}", a(h.employerShow))
	mux.HandleFunc("GET /employers/{id}/edit", a(h.employerEdit))
	mux.HandleFunc("POST /employers/{id}/edit", a(h.employerUpdate))

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

	// The member registry (page_members.go, page_members_new.go), the
	// applications to join (page_join_applications.go), transfers
	// (page_transfers.go) and a union's joining poster (page_join_qr.go).
	mux.HandleFunc("GET /members", a(h.memberList))
	mux.HandleFunc("POST /members/search", a(h.memberSearch))
	mux.HandleFunc("GET /members/new", a(h.memberNew))
	mux.HandleFunc("POST /members/new", a(h.memberCreateMany))
	mux.HandleFunc("GET /members/{id}", a(h.memberShow))
	mux.HandleFunc("POST /members/{id}/reveal", a(h.memberReveal))
	mux.HandleFunc("POST /members/{id}/status", a(h.memberSetStatus))
	mux.HandleFunc("POST /members/{id}/transfer", a(h.memberTransfer))
	mux.HandleFunc("GET /members/{id}/edit", a(h.memberEdit))
	mux.HandleFunc("POST /members/{id}/edit", a(h.memberUpdate))
	mux.HandleFunc("GET /applications", a(h.applicationList))
	mux.HandleFunc("GET /applications/{id}", a(h.applicationShow))
	mux.HandleFunc("POST /applications/{id}/decide", a(h.applicationDecide))
	mux.HandleFunc("GET /transfers", a(h.transferList))
	mux.HandleFunc("POST /transfers/new", a(h.transferRequestIn))
	mux.HandleFunc("GET /transfers/{id}", a(h.transferShow))
	mux.HandleFunc("POST /transfers/{id}/decide", a(h.transferDecide))
	mux.HandleFunc("GET /orgs/{id}/join-qr", a(h.joinQR))
	mux.HandleFunc("GET /orgs/{id}/join-qr.png", a(h.joinQRPNG))
	// A subtree's figures, its period report and workbook (page_dashboard.go).
	h.dashboardRoutes(mux)
	// Roster import and export (page_members_import.go).
	h.importRoutes(mux)
	// Activities: staff pages (page_activities*.go).
	h.activityRoutes(mux)
	// Courses: staff pages (page_courses*.go).
	h.courseRoutes(mux)
	// Members' own pages: sign-in by mobile, their record and card, and
	// checking a scanned card (page_portal.go).
	h.portalRoutes(mux)
	// Activities in the members' portal (page_portal_activities.go).
	h.portalActivityRoutes(mux)
	// Courses in the members' portal (page_portal_courses.go).
	h.portalCourseRoutes(mux)
	// Members' data rights: their data, downloads, corrections; staff's
	// queue of correction requests (page_portal_rights.go).
	h.rightsRoutes(mux)

	// Public, without sign-in: a union's joining page (指尖入会) and the
	// applicant's status (page_join.go). They check their form tokens
	// themselves, bound to the anonymous cookie.
	mux.HandleFunc("GET /join/{org}", h.joinPage)
	mux.HandleFunc("POST /join/{org}", h.joinSubmit)
	mux.HandleFunc("GET /join/{org}/done", h.joinDone)
	mux.HandleFunc("GET /join/status", h.joinStatusPage)
	mux.HandleFunc("POST /join/status", h.joinStatusSubmit)

	// Audit log (page_audit.go) and security policy (page_security.go).
	mux.HandleFunc("GET /audit", a(h.auditList))
	mux.HandleFunc("GET /audit/verify", a(h.auditVerify))
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

	// One address for every check-in code (member_session.go).
	h.checkinRoutes(mux)

	// Anything else: the product's own 404 page rather than Go's plain text.
	mux.HandleFunc("/", h.notFound)
}

// notFound renders the 404 page, with the page chrome when signed in.
func (h *Kernel) notFound(w http.ResponseWriter, r *http.Request) {
	p, err := h.StaffSession(r.Context(), h.SessionToken(r))
	if err != nil {
		p = nil
	}
	h.Fail(w, r, p, errs.NotFound("page"))
}
