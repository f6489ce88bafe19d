package activities

import (
	"slices"

	"gonghui/internal/activity"
	"gonghui/internal/api"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Acts *activity.Store
}

// New returns the module.
func New(h *api.Handler, store *activity.Store) *API { return &API{Handler: h, Acts: store} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route { return slices.Concat(h.activityRoutes()) }

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) {
	activityNotes(ns)
}
