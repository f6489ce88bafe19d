package web

import "net/http"

// importRoutes registers the roster import and export pages.
func (h *Handler) importRoutes(mux *http.ServeMux) {}
