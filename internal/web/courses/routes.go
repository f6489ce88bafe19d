package courses

import "net/http"

// Routes registers the courses' staff pages and members' pages. Every signed-in page goes through h.Authed,
// which also checks the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	// Courses: staff pages (page_courses*.go).
	h.courseRoutes(mux)
	// Courses in the members' portal (page_portal_courses.go).
	h.portalCourseRoutes(mux)
}
