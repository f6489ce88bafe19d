package web

import "net/http"

// portalRoutes registers the members' own pages.
func (h *Handler) portalRoutes(mux *http.ServeMux) {}
