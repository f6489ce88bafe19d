package web

import (
	"net/http"

	"gonghui/internal/errs"
)

// Module is one capability's pages (a package under internal/web): it
// registers its routes, each signed-in page wrapped in Kernel.Authed.
type Module interface {
	Routes(mux *http.ServeMux)
}

// Routes registers the kernel's own pages (static files, sign-in, the
// language switch, the one check-in address, the 404 page) and every
// module's. The site's map is the list of modules in internal/web/site.
func (h *Kernel) Routes(mux *http.ServeMux, mods ...Module) {
	mux.Handle("GET /static/", StaticHandler())
	mux.HandleFunc("GET /login", h.loginPage)
	mux.HandleFunc("POST /login", h.loginSubmit)
	mux.HandleFunc("POST /login/totp", h.loginTOTP)
	mux.HandleFunc("POST /logout", h.Authed(h.logout))
	mux.HandleFunc("GET /lang", h.setLang)
	mux.HandleFunc("GET /pick/orgs", h.Authed(h.pickOrgs))
	for _, m := range mods {
		m.Routes(mux)
	}
	// One address for every check-in code (member_session.go), answered by
	// the modules that registered a code prefix.
	h.checkinRoutes(mux)
	// Anything else: the product's own 404 page rather than Go's plain text.
	mux.HandleFunc("/", h.notFound)
}

// notFound renders the 404 page, with the page chrome when signed in.
func (h *Kernel) notFound(w http.ResponseWriter, r *http.Request) {
	p, err := h.StaffSession(r.Context(), h.SessionToken(r))
	if err != nil {
		p = nil
	}
	h.Fail(w, r, p, errs.NotFound("page"))
}
