// Package surveys is the JSON API of surveys (问卷调查, internal/survey):
// staff create, publish and close surveys and read their results, by
// organisation and as a workbook; members answer them from their phones.
package surveys

import (
	"gonghui/internal/api"
	"gonghui/internal/survey"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Surveys *survey.Store
}

// New returns the module.
func New(h *api.Handler, s *survey.Store) *API { return &API{Handler: h, Surveys: s} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route { return h.routes() }

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) { notes(ns) }
