package contests

import "net/http"

// contestRoutes registers the staff pages of contests.
func (h *Pages) contestRoutes(mux *http.ServeMux) {
	a := h.Authed
	// The list and a contest's page, publishing and cancelling (page_contests.go).
	mux.HandleFunc("GET /contests", a(h.contestList))
	mux.HandleFunc("GET /contests/{id}", a(h.contestShow))
	mux.HandleFunc("POST /contests/{id}/publish", a(h.contestPublish))
	mux.HandleFunc("POST /contests/{id}/cancel", a(h.contestCancel))
	// The form (page_contests_form.go).
	mux.HandleFunc("GET /contests/new", a(h.contestNew))
	mux.HandleFunc("POST /contests/new", a(h.contestCreate))
	mux.HandleFunc("GET /contests/{id}/edit", a(h.contestEdit))
	mux.HandleFunc("POST /contests/{id}/edit", a(h.contestUpdate))
	// The board and its export (page_contests_board.go).
	mux.HandleFunc("GET /contests/{id}/board", a(h.contestBoard))
	mux.HandleFunc("GET /contests/{id}/board.xlsx", a(h.contestBoardExport))
	// Attempts and grading (page_contests_attempts.go).
	mux.HandleFunc("GET /contests/{id}/attempts", a(h.contestAttempts))
	mux.HandleFunc("GET /contests/{id}/attempts/{attempt}", a(h.attemptShow))
	mux.HandleFunc("POST /contests/{id}/attempts/{attempt}/grade", a(h.attemptGrade))
}
