package courses

import (
	"slices"

	"gonghui/internal/api"
	"gonghui/internal/course"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Courses *course.Store
}

// New returns the module.
func New(h *api.Handler, store *course.Store) *API { return &API{Handler: h, Courses: store} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route { return slices.Concat(h.courseRoutes()) }

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) {
	courseNotes(ns)
}
