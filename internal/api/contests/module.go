// Package contests is the JSON API of knowledge contests: the question
// banks and their questions (internal/contest/bank), with the import and
// export of banks as spreadsheets; contests, their boards and attempts for
// staff; papers taken on a member's phone (internal/contest).
package contests

import (
	"slices"

	"gonghui/internal/api"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Banks    *bank.Store
	Contests *contest.Store
}

// New returns the module.
func New(h *api.Handler, banks *bank.Store, contests *contest.Store) *API {
	return &API{Handler: h, Banks: banks, Contests: contests}
}

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route {
	return slices.Concat(h.bankRoutes(), h.contestRoutes(), h.certificateRoutes(), h.liveRoutes())
}

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) {
	bankNotes(ns)
	contestNotes(ns)
	certificateNotes(ns)
	liveNotes(ns)
}
