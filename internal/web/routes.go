package web

import "net/http"

// Routes registers every page. The route table of the pages lives in
// routes_pages.go, so that a newcomer finds any page from one file.
func (h *Kernel) Routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", StaticHandler())
	mux.HandleFunc("GET /login", h.loginPage)
	mux.HandleFunc("POST /login", h.loginSubmit)
	mux.HandleFunc("POST /login/totp", h.loginTOTP)
	mux.HandleFunc("POST /logout", h.Authed(h.logout))
	mux.HandleFunc("GET /lang", h.setLang)
	h.pageRoutes(mux)
}
