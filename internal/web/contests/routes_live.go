package contests

import "net/http"

// liveRoutes registers the live contest's pages: the staff's sessions and
// host screen (page_live.go), the members' phone pages
// (page_live_portal.go) and the streams and states of both
// (page_live_events.go).
func (h *Pages) liveRoutes(mux *http.ServeMux) {
	if h.Contests == nil {
		return
	}
	a, m := h.Authed, h.MemberAuthed
	mux.HandleFunc("GET /contests/{id}/live", a(h.liveList))
	mux.HandleFunc("POST /contests/{id}/live", a(h.liveStart))
	mux.HandleFunc("GET /contests/{id}/live/{session}", a(h.liveHost))
	mux.HandleFunc("GET /contests/{id}/live/{session}/qr.png", a(h.liveQR))
	mux.HandleFunc("GET /contests/{id}/live/{session}/state", a(h.liveHostState))
	mux.HandleFunc("GET /contests/{id}/live/{session}/events", a(h.liveHostEvents))
	mux.HandleFunc("POST /contests/{id}/live/{session}/{step}", a(h.liveStep))
	mux.HandleFunc("GET /m/live", m(h.liveCodePage))
	mux.HandleFunc("GET /m/live/{code}", m(h.livePhone))
	mux.HandleFunc("POST /m/live/{code}/join", m(h.livePhoneJoin))
	mux.HandleFunc("POST /m/live/{code}/answer", m(h.livePhoneAnswer))
	mux.HandleFunc("GET /m/live/{code}/state", m(h.livePhoneState))
	mux.HandleFunc("GET /m/live/{code}/events", m(h.livePhoneEvents))
}
