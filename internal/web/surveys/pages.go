// Package surveys serves the pages of surveys (问卷调查, internal/survey):
// staff list, write, publish and close surveys and read their results
// (bars per question, written answers, responses by organisation, the
// workbook); members answer them on their phones, with the skip rules
// kept by the server (every question shown without JavaScript, hidden
// ones dropped on submission) and live in the page with JavaScript.
package surveys

import (
	"embed"
	"net/http"

	"gonghui/internal/survey"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Surveys *survey.Store // nil: no surveys (the pages are not served)
}

// New returns the module's pages.
func New(k *web.Kernel, s *survey.Store) *Pages { return &Pages{Kernel: k, Surveys: s} }

// Routes registers the staff pages (through h.Authed) and the members'
// (through h.MemberAuthed); both check the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Surveys == nil {
		return
	}
	a, m := h.Authed, h.MemberAuthed
	// Staff: the list (page_list.go), the form (page_form.go), a survey's
	// page with publishing and closing, results, breakdown, written
	// answers and the workbook (page_show.go).
	mux.HandleFunc("GET /surveys", a(h.list))
	mux.HandleFunc("GET /surveys/new", a(h.newForm))
	mux.HandleFunc("POST /surveys/new", a(h.create))
	mux.HandleFunc("GET /surveys/{id}", a(h.show))
	mux.HandleFunc("GET /surveys/{id}/edit", a(h.edit))
	mux.HandleFunc("POST /surveys/{id}/edit", a(h.update))
	mux.HandleFunc("POST /surveys/{id}/publish", a(h.publish))
	mux.HandleFunc("POST /surveys/{id}/close", a(h.closeSurvey))
	mux.HandleFunc("GET /surveys/{id}/orgs", a(h.orgs))
	mux.HandleFunc("GET /surveys/{id}/texts/{q}", a(h.texts))
	mux.HandleFunc("GET /surveys/{id}/export.xlsx", a(h.export))
	// Members (page_portal.go).
	mux.HandleFunc("GET /m/surveys", m(h.mList))
	mux.HandleFunc("GET /m/surveys/{id}", m(h.mShow))
	mux.HandleFunc("POST /m/surveys/{id}", m(h.mSubmit))
	mux.HandleFunc("GET /m/surveys/{id}/thanks", m(h.mThanks))
}
