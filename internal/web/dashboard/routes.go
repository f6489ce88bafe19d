package dashboard

import "net/http"

// Routes registers the home page and a subtree's figures, period report and workbook. Every signed-in page goes through h.Authed,
// which also checks the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	a := h.Authed
	mux.HandleFunc("GET /{$}", a(h.home))
	// A subtree's figures, its period report and workbook (page_dashboard.go).
	h.dashboardRoutes(mux)
}
