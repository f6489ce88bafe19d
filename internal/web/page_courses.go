package web

import "net/http"

// courseRoutes registers the staff pages of courses.
func (h *Handler) courseRoutes(mux *http.ServeMux) {}
