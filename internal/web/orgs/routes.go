package orgs

import "net/http"

// Routes registers the organisation tree, organisations' forms and officers, and employers. Every signed-in page goes through h.Authed,
// which also checks the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	a := h.Authed
	// The organisation tree and an organisation's page (page_orgs.go),
	// its forms (page_org_forms.go) and officers (page_officers.go).
	mux.HandleFunc("GET /orgs", a(h.orgTree))
	mux.HandleFunc("GET /orgs/{id}", a(h.orgShow))
	mux.HandleFunc("GET /orgs/{id}/children", a(h.orgChildren))
	mux.HandleFunc("GET /orgs/{id}/edit", a(h.orgEdit))
	mux.HandleFunc("POST /orgs/{id}/edit", a(h.orgUpdate))
	mux.HandleFunc("GET /orgs/{id}/new", a(h.orgNew))
	mux.HandleFunc("POST /orgs/{id}/new", a(h.orgCreate))
	mux.HandleFunc("GET /orgs/{id}/move", a(h.orgMoveForm))
	mux.HandleFunc("POST /orgs/{id}/move", a(h.orgMove))
	mux.HandleFunc("POST /orgs/{id}/employers", a(h.orgLinkEmployer))
	mux.HandleFunc("POST /orgs/{id}/employers/{eid}/unlink", a(h.orgUnlinkEmployer))
	mux.HandleFunc("GET /orgs/{id}/officers/new", a(h.officerNew))
	mux.HandleFunc("POST /orgs/{id}/officers/new", a(h.officerCreate))
	mux.HandleFunc("GET /officers/{id}/edit", a(h.officerEdit))
	mux.HandleFunc("POST /officers/{id}/edit", a(h.officerUpdate))
	mux.HandleFunc("POST /officers/{id}/delete", a(h.officerDelete))

	// Employers (page_employers.go).
	mux.HandleFunc("GET /employers", a(h.employerList))
	mux.HandleFunc("GET /employers/new", a(h.employerNew))
	mux.HandleFunc("POST /employers/new", a(h.employerCreate))
	mux.HandleFunc("GET /employers/{id}", a(h.employerShow))
	mux.HandleFunc("GET /employers/{id}/edit", a(h.employerEdit))
	mux.HandleFunc("POST /employers/{id}/edit", a(h.employerUpdate))
}
