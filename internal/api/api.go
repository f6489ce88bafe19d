// Package api is the JSON API under /api/v1/: bearer-token authentication,
// one thin handler per action (decode, validate, one call into a store, write
// JSON), the error shape of the API contract, and the OpenAPI document.
package api

import (
	"net/http"
	"slices"
	"strings"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/org"
	"gonghui/internal/report"
	"gonghui/internal/stats"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Deps are what the API needs from the rest of the program.
type Deps struct {
	DB      *db.DB
	Auth    *auth.Service
	Orgs    *org.Store
	Members *member.Store
	Acts    *activity.Store
	Courses *course.Store
	HTTP    httpx.Options
}

// Handler serves the API.
type Handler struct {
	db     *db.DB
	auth   *auth.Service
	orgs   *org.Store
	mem    *member.Store
	acts   *activity.Store
	crs    *course.Store
	rep    *report.Reporter
	notes  *notice.Store
	opts   httpx.Options
	mux    *http.ServeMux
	routes []route
}

// access says what a route asks of its caller.
type access int

const (
	public   access = iota // no token
	anyToken               // a valid token, even while two-factor enrolment is owed
	full                   // a valid token and no enrolment owed
	self                   // a member's own token (anyone else: not found)
	either                 // a member's token, or staff as for full
)

type route struct {
	method, path string // path relative to Prefix
	access       access
	fn           func(w http.ResponseWriter, r *http.Request) error
	doc          op // what the OpenAPI document says of the route
}

// New returns the API handler.
func New(d Deps) *Handler {
	h := &Handler{db: d.DB, auth: d.Auth, orgs: d.Orgs, mem: d.Members, acts: d.Acts, crs: d.Courses,
		rep:   &report.Reporter{Orgs: d.Orgs, Members: d.Members, Stats: stats.NewStore(d.DB)},
		notes: notice.NewStore(d.DB, d.Members), opts: d.HTTP}
	h.routes = h.table()
	// The document is built here, once for the program, so that a route
	// without its description fails at start-up rather than on a request.
	if _, err := h.openAPIDoc(); err != nil {
		panic(err)
	}
	return h
}

// table lists every route of the API, module by module; each module's
// routes carry what the OpenAPI document says of them (see op), and the
// OpenAPI test walks them.
func (h *Handler) table() []route {
	return slices.Concat(
		withTag("meta", []route{{"GET", "/openapi.json", public, h.openAPI, doc("openapi", "This document").
			also(200, "The OpenAPI document", &schema{Type: "object"})}}),
		h.authRoutes(),
		h.orgRoutes(),
		h.employerRoutes(),
		h.userRoutes(),
		h.auditRoutes(),
		h.securityRoutes(),
		h.memberRoutes(),
		h.activityRoutes(),
		h.courseRoutes(),
	)
}

// allNotes gathers every module's notes on its types for the document.
func allNotes() notes {
	ns := notes{}
	for _, add := range []func(notes){commonNotes, authNotes, orgNotes, employerNotes, userNotes, auditNotes,
		securityNotes, memberNotes, activityNotes, courseNotes} {
		add(ns)
	}
	return ns
}

// Routes registers the API on mux: every route with its method, and a
// catch-all under the prefix that answers 404 or 405 in the API's error shape.
func (h *Handler) Routes(mux *http.ServeMux) {
	h.mux = mux
	for _, rt := range h.routes {
		mux.Handle(rt.method+" "+Prefix+rt.path, h.wrap(rt))
	}
	mux.HandleFunc(Prefix+"/", h.unmatched)
}

// unmatched answers a path no route serves: 405 with Allow when another
// method would have matched, 404 otherwise.
func (h *Handler) unmatched(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" && pattern != Prefix+"/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		h.writeError(w, r, errMethodNotAllowed())
		return
	}
	h.writeError(w, r, errNotFoundPath())
}
