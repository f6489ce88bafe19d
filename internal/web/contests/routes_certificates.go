package contests

import "net/http"

// certificateRoutes registers certificates and teams: a member's
// certificate of a passed paper (page_certificate.go), its public check,
// and the teams of a contest for staff (page_teams.go).
func (h *Pages) certificateRoutes(mux *http.ServeMux) {
	m := h.MemberAuthed
	mux.HandleFunc("GET /m/papers/{attempt}/certificate", m(h.certificate))
	mux.HandleFunc("GET /m/papers/{attempt}/certificate.png", m(h.certificatePNG))
	mux.HandleFunc("GET /certificates/verify", h.certificateVerify)
	h.teamRoutes(mux)
}

// teamRoutes registers the staff pages of a contest's teams (page_teams.go).
func (h *Pages) teamRoutes(mux *http.ServeMux) {
	a := h.Authed
	mux.HandleFunc("GET /contests/{id}/teams", a(h.teams))
	mux.HandleFunc("POST /contests/{id}/teams", a(h.teamCreate))
	mux.HandleFunc("POST /contests/{id}/teams/rules", a(h.teamRules))
	mux.HandleFunc("GET /contests/{id}/teams/{team}", a(h.team))
	mux.HandleFunc("POST /contests/{id}/teams/{team}/edit", a(h.teamChange(h.teamRename)))
	mux.HandleFunc("POST /contests/{id}/teams/{team}/search", a(h.teamSearch))
	mux.HandleFunc("POST /contests/{id}/teams/{team}/members", a(h.teamChange(h.teamAdd)))
	mux.HandleFunc("POST /contests/{id}/teams/{team}/members/{member}/remove", a(h.teamChange(h.teamRemove)))
	mux.HandleFunc("POST /contests/{id}/teams/{team}/delete", a(h.teamChange(h.teamDelete)))
}
