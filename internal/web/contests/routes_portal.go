package contests

import "net/http"

// portalRoutes registers the members' pages of contests (under /m):
// their contests and one contest's page (page_portal_contests.go), the
// paper, its saves, switches and hand-in (page_portal_contests_paper.go),
// and the result. Every page goes through h.MemberAuthed, which also
// checks the member's form token of every POST.
func (h *Pages) portalRoutes(mux *http.ServeMux) {
	m := h.MemberAuthed
	mux.HandleFunc("GET /m/contests", m(h.pcList))
	mux.HandleFunc("GET /m/contests/{id}", m(h.pcShow))
	mux.HandleFunc("POST /m/contests/{id}/start", m(h.pcStart))
	mux.HandleFunc("GET /m/papers/{attempt}", m(h.pcPaper))
	mux.HandleFunc("POST /m/papers/{attempt}", m(h.pcPaperPost))
	mux.HandleFunc("POST /m/papers/{attempt}/answers/{position}", m(h.pcSave))
	mux.HandleFunc("POST /m/papers/{attempt}/switches", m(h.pcSwitched))
	mux.HandleFunc("GET /m/papers/{attempt}/submit", m(h.pcConfirm))
	mux.HandleFunc("POST /m/papers/{attempt}/submit", m(h.pcSubmit))
	mux.HandleFunc("GET /m/papers/{attempt}/result", m(h.pcResult))
}
