package contests

import "net/http"

// portalRoutes registers the members' pages of contests (under /m).
func (h *Pages) portalRoutes(mux *http.ServeMux) {
}
