// Package all is the map of the JSON API: the kernel and the list of its
// modules, one line each. A new capability's API is one more line here.
package all

import (
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/api/activities"
	"gonghui/internal/api/admin"
	"gonghui/internal/api/courses"
	"gonghui/internal/api/members"
	"gonghui/internal/api/orgs"
)

// Mount builds the API's kernel and registers every module's routes on mux.
func Mount(mux *http.ServeMux, d api.Deps) (*api.Handler, error) {
	h := api.New(d)
	err := h.Mount(mux,
		orgs.New(h),       // organisations, officers, employers
		admin.New(h),      // accounts, the audit log, the security policy
		members.New(h),    // the registry, joining, transfers, import/export, cards, data rights
		activities.New(h), // activities: sign-up, check-in, attendance
		courses.New(h),    // courses, terms, sessions, interest groups
	)
	return h, err
}
