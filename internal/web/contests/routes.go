package contests

import (
	"net/http"
)

// Routes registers the question banks' staff pages. Every page goes
// through h.Authed, which also checks the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Banks == nil {
		return
	}
	a := h.Authed
	// Banks (page_banks.go) and a bank's page (page_bank_show.go).
	mux.HandleFunc("GET /banks", a(h.bankList))
	mux.HandleFunc("GET /banks/new", a(h.bankNew))
	mux.HandleFunc("POST /banks/new", a(h.bankCreate))
	mux.HandleFunc("GET /banks/{id}", a(h.bankShow))
	mux.HandleFunc("GET /banks/{id}/edit", a(h.bankEdit))
	mux.HandleFunc("POST /banks/{id}/edit", a(h.bankUpdate))
	mux.HandleFunc("GET /banks/{id}/delete", a(h.bankDeletePage))
	mux.HandleFunc("POST /banks/{id}/delete", a(h.bankDelete))
	mux.HandleFunc("GET /banks/{id}/export.xlsx", a(h.bankExport))
	mux.HandleFunc("GET /banks/template.xlsx", a(h.bankTemplate))
	// Questions (page_questions.go).
	mux.HandleFunc("GET /banks/{id}/questions/new", a(h.questionNew))
	mux.HandleFunc("POST /banks/{id}/questions/new", a(h.questionCreate))
	mux.HandleFunc("GET /questions/{id}/edit", a(h.questionEdit))
	mux.HandleFunc("POST /questions/{id}/edit", a(h.questionUpdate))
	mux.HandleFunc("POST /questions/{id}/delete", a(h.questionDelete))
	// Import (page_bank_import.go). The body limit comes first: authed
	// reads the form (and so the file, in memory) to check its token.
	mux.HandleFunc("GET /banks/{id}/import", a(h.importPage))
	mux.Handle("POST /banks/{id}/import", http.MaxBytesHandler(a(h.importUpload), importMaxBytes+1<<20))
	mux.HandleFunc("GET /banks/{id}/import/{job}", a(h.importResult))
	mux.HandleFunc("GET /banks/{id}/import/{job}/errors.xlsx", a(h.importErrors))
	if h.Contests == nil {
		return
	}
	h.contestRoutes(mux)     // staff: contests, boards, attempts, grading (routes_contests.go)
	h.portalRoutes(mux)      // members: their contests, taking a paper, results (routes_portal.go)
	h.certificateRoutes(mux) // certificates (members, public check) and teams (staff) (routes_certificates.go)
	h.liveRoutes(mux)        // live contests: the host screen and the phones (routes_live.go)
}
