// Package api is the JSON API under /api/v1/: bearer-token authentication,
// one thin handler per action (decode, validate, one call into a store, write
// JSON), the error shape of the API contract, and the OpenAPI document.
package api

import (
	"net/http"
	"slices"
	"strings"

	"gonghui/internal/auth"
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
	HTTP    httpx.Options
}

// Handler serves the API.
type Handler struct {
	DB      *db.DB
	Auth    *auth.Service
	Orgs    *org.Store
	Members *member.Store
	Reports *report.Reporter
	Notices *notice.Store
	Opts    httpx.Options
	mux     *http.ServeMux
	doc     []byte // the OpenAPI document, built by Mount
	routes  []Route
}

// Access says what a route asks of its caller.
type Access int

const (
	Public   Access = iota // no token
	AnyToken               // a valid token, even while two-factor enrolment is owed
	Full                   // a valid token and no enrolment owed
	Self                   // a member's own token (anyone else: not found)
	Either                 // a member's token, or staff as for full
)

type Route struct {
	Method, Path string // path relative to Prefix
	Access       Access
	Fn           func(w http.ResponseWriter, r *http.Request) error
	Doc          Op // what the OpenAPI document says of the route
}

// New returns the API's kernel; Mount adds the modules.
func New(d Deps) *Handler {
	return &Handler{DB: d.DB, Auth: d.Auth, Orgs: d.Orgs, Members: d.Members,
		Reports: &report.Reporter{Orgs: d.Orgs, Members: d.Members, Stats: stats.NewStore(d.DB).Stale()},
		Notices: notice.NewStore(d.DB, d.Members), Opts: d.HTTP}
}

// Module is one capability's part of the API (a package under
// internal/api): its routes, each with what the OpenAPI document says of
// it (see Op), and its notes on its types (enums, limits, descriptions).
type Module interface {
	Routes() []Route
	Notes(Notes)
}

// Mount registers the kernel's routes (the document, sign-in, the caller)
// and every module's on mux, with a catch-all under the prefix that answers
// 404 or 405 in the API's error shape. The document is built here, once,
// so that a route without its description fails at start-up rather than on
// a request.
func (h *Handler) Mount(mux *http.ServeMux, mods ...Module) error {
	h.routes = slices.Concat(
		WithTag("meta", []Route{R("GET", "/openapi.json", Public, h.openAPI, Doc("openapi", "This document").
			Also(200, "The OpenAPI document", &Schema{Type: "object"}))}),
		h.authRoutes())
	notes := []func(Notes){commonNotes, authNotes, totalNotes}
	for _, m := range mods {
		h.routes = append(h.routes, m.Routes()...)
		notes = append(notes, m.Notes)
	}
	ns := Notes{}
	for _, add := range notes {
		add(ns)
	}
	doc, err := buildOpenAPI(h.routes, ns)
	if err != nil {
		return err
	}
	h.doc = doc
	h.mux = mux
	for _, rt := range h.routes {
		mux.Handle(rt.Method+" "+Prefix+rt.Path, h.wrap(rt))
	}
	mux.HandleFunc(Prefix+"/", h.unmatched)
	return nil
}

// R is one route: method, path (relative to Prefix), who may call it, the
// handler and its description.
func R(method, path string, a Access, fn func(w http.ResponseWriter, r *http.Request) error, doc Op) Route {
	return Route{Method: method, Path: path, Access: a, Fn: fn, Doc: doc}
}

// RouteTable is the routes Mount registered, in order; the OpenAPI tests walk it.
func (h *Handler) RouteTable() []Route { return h.routes }

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
