package web

import "net/http"

// portalCourseRoutes registers the members' course pages.
func (h *Handler) portalCourseRoutes(mux *http.ServeMux) {}
