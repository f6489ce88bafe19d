// Package inbox is the to-do inbox's part of the JSON API: what waits for
// the caller's decision (internal/inbox), as the workbench shows it.
package inbox

import (
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/i18n"
	"gonghui/internal/inbox"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Inbox *inbox.Registry
}

// New returns the module; a nil registry answers an empty inbox.
func New(h *api.Handler, r *inbox.Registry) *API { return &API{Handler: h, Inbox: r} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route {
	return api.WithTag("inbox", []api.Route{
		api.R("GET", "/inbox", api.Full, h.getInbox, api.Doc("getInbox", "What waits for the caller's decision in their subtrees, by kind: counts and the oldest items first (limit: items per kind). Only kinds the caller may decide").
			Params(api.Param{Ref: "limit"}).Out(Inbox{})),
	})
}

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) {
	api.Note[Inbox](ns, api.TypeNote{Desc: "what waits for the caller, by kind", Fields: map[string]api.FieldNote{
		"total": {Desc: "everything waiting: the navigation's badge"},
	}})
	api.Note[Group](ns, api.TypeNote{Name: "InboxGroup", Desc: "one kind of waiting item", Fields: map[string]api.FieldNote{
		"kind":  {Desc: "stable key of the kind", Examples: []any{"join_application"}},
		"title": {Desc: "the kind's heading, in the reader's language"},
		"count": {Desc: "how many wait"},
		"list":  {Desc: "the staff page listing them"},
		"items": {Desc: "the oldest, first"},
	}})
	api.Note[inbox.Item](ns, api.TypeNote{Name: "InboxItem", Desc: "one waiting item", Fields: map[string]api.FieldNote{
		"id":       {Desc: "the item's ID (activity and member IDs joined by '-' for a registration)"},
		"title":    {Desc: "what it is, in words: a name, or a member and an activity"},
		"org_name": {Desc: "the organisation it waits in"},
		"since":    {Desc: "when it started waiting"},
		"link":     {Desc: "its staff page, where it is decided"},
	}})
}

// Inbox is the answer of GET /inbox.
type Inbox struct {
	Total  int     `json:"total"`
	Groups []Group `json:"groups"`
}

// Group is one kind with what waits of it.
type Group struct {
	Kind  string       `json:"kind"`
	Title string       `json:"title"`
	Count int          `json:"count"`
	List  string       `json:"list"`
	Items []inbox.Item `json:"items"`
}

// getInbox: GET /inbox.
func (h *API) getInbox(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	pg := q.Page()
	if err := q.Err(); err != nil {
		return err
	}
	gs, err := h.Inbox.Groups(r.Context(), api.Principal(r), pg.Limit)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	out := Inbox{Groups: make([]Group, 0, len(gs))}
	for _, g := range gs {
		out.Total += g.Count
		out.Groups = append(out.Groups, Group{Kind: g.Key, Title: i18n.T(lang, g.Title), Count: g.Count, List: g.List, Items: g.Items})
	}
	return api.OK(w, out)
}
