package members

import (
	"net/http"

	"gonghui/internal/web"
)

// Routes registers the member registry, joining, transfers, import and export, and members' own pages. Every signed-in page goes through h.Authed,
// which also checks the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	a := h.Authed
	// The member registry (page_members.go, page_members_new.go), the
	// applications to join (page_join_applications.go), transfers
	// (page_transfers.go) and a union's joining poster (page_join_qr.go).
	mux.HandleFunc("GET /members", a(h.memberList))
	mux.HandleFunc("POST /members/search", a(h.memberSearch))
	mux.HandleFunc("POST /members/bulk", a(h.memberBulk)) // the selection's actions (page_members_bulk.go)
	mux.HandleFunc("GET /members/new", a(h.memberNew))
	mux.HandleFunc("POST /members/new", a(h.memberCreateMany))
	mux.HandleFunc("GET /members/{id}", a(h.memberShow))
	mux.HandleFunc("POST /members/{id}/reveal", a(h.memberReveal))
	mux.HandleFunc("POST /members/{id}/status", a(h.memberSetStatus))
	mux.HandleFunc("POST /members/{id}/transfer", a(h.memberTransfer))
	mux.HandleFunc("GET /members/{id}/edit", a(h.memberEdit))
	mux.HandleFunc("POST /members/{id}/edit", a(h.memberUpdate))
	mux.HandleFunc("GET /applications", a(h.applicationList))
	mux.HandleFunc("GET /applications/{id}", a(web.Show(h.renderApplication)))
	mux.HandleFunc("POST /applications/{id}/decide", a(h.applicationDecide))
	mux.HandleFunc("POST /applications/bulk", a(h.applicationBulk))
	mux.HandleFunc("GET /transfers", a(web.Show(h.renderTransferList)))
	mux.HandleFunc("POST /transfers/new", a(h.transferRequestIn))
	mux.HandleFunc("GET /transfers/{id}", a(web.Show(h.renderTransfer)))
	mux.HandleFunc("POST /transfers/{id}/decide", a(h.transferDecide))
	mux.HandleFunc("GET /orgs/{id}/join-qr", a(h.joinQR))
	mux.HandleFunc("GET /orgs/{id}/join-qr.png", a(h.joinQRPNG))
	// Roster import and export (page_members_import.go).
	h.importRoutes(mux)
	// Members' own pages: sign-in by mobile, their record and card, and
	// checking a scanned card (page_portal.go).
	h.portalRoutes(mux)
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
}
