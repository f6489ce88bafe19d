package contests

import "net/http"

// contestRoutes registers the staff pages of contests.
func (h *Pages) contestRoutes(mux *http.ServeMux) {
}
