package activities

import "net/http"

// Routes registers the activities' staff pages and members' pages. Every signed-in page goes through h.Authed,
// which also checks the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	// Activities: staff pages (page_activities*.go).
	h.activityRoutes(mux)
	// Activities in the members' portal (page_portal_activities.go).
	h.portalActivityRoutes(mux)
}
