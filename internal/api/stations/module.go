// Package stations is the JSON API of the service stations (服务阵地,
// internal/station): staff keep stations and see the busiest; anyone asks
// for the nearest open ones; members record visits and claim services
// by a station's code.
package stations

import (
	"context"
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/station"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Stations *station.Store
}

// New returns the module.
func New(h *api.Handler, s *station.Store) *API { return &API{Handler: h, Stations: s} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route { return h.routes() }

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) { notes(ns) }

// stationInput is station.Input with the organisation's ID as a string.
type stationInput struct {
	station.Input
	OrgID api.ID `json:"org_id"`
}

func (in *stationInput) input() (station.Input, error) {
	f := errs.Fields{}
	out := in.Input
	out.OrgID = in.OrgID.Parse(f, "org_id", true)
	return out, f.Err()
}

type stationUpdate struct {
	stationInput
	Version int `json:"version"`
}

type versionInput struct {
	Version int `json:"version"`
}

type typeInput struct {
	Name string `json:"name"`
}

type claimInput struct {
	Service station.Amenity `json:"service"`
}

// nearAnswer is the nearest stations and the point they are near.
type nearAnswer struct {
	At     station.Point  `json:"at"`              // WGS-84
	Place  *station.Place `json:"place,omitempty"` // when the point came from a typed place
	Items  []station.Near `json:"items"`
	System station.System `json:"system"` // the system the point was given in
}

func (h *API) list(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) station.Query {
		return station.Query{Q: q.Str("q"), Type: q.Str("type"), Org: q.ID("org"), Amenity: station.Amenity(q.Str("amenity")),
			Status: station.Status(q.Str("status")), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Stations.List, h.Stations.CountList)
}

func (h *API) create(w http.ResponseWriter, r *http.Request) error {
	var in stationInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	s, err := in.input()
	if err != nil {
		return err
	}
	out, err := h.Stations.Create(r.Context(), api.Principal(r), s)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/stations/"+db.FormatID(out.ID), out)
}

func (h *API) get(w http.ResponseWriter, r *http.Request) error { return api.Get(w, r, h.Stations.Get) }

func (h *API) put(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in stationUpdate) (*station.Station, error) {
		if in.Version < 1 {
			return nil, api.FieldErr("version", "field.required")
		}
		s, err := in.input()
		if err != nil {
			return nil, err
		}
		return h.Stations.Update(ctx, p, id, in.Version, s)
	})
}

func (h *API) status(to station.Status) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in versionInput) (*station.Station, error) {
			return h.Stations.SetStatus(ctx, p, id, in.Version, to)
		})
	}
}

func (h *API) types(w http.ResponseWriter, r *http.Request) error {
	ts, err := h.Stations.Types(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(ts, ""))
}

func (h *API) addType(w http.ResponseWriter, r *http.Request) error {
	var in typeInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	t, err := h.Stations.AddType(r.Context(), api.Principal(r), in.Name)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/station-types", t)
}

func (h *API) busiest(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	bq := station.BusyQuery{Org: q.ID("org"), From: q.Str("from"), To: q.Str("to")}
	if n := q.Str("limit"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 || v > 100 {
			q.F.Add("limit", "field.invalid_number")
		}
		bq.Limit = v
	}
	if err := q.Err(); err != nil {
		return err
	}
	list, err := h.Stations.Busiest(r.Context(), api.Principal(r), bq)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(list, ""))
}

// nearest: GET /stations/nearest, open to anyone.
func (h *API) nearest(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	nq := station.NearQuery{Type: q.Str("type"), OpenNow: q.Boolean("open") != nil && *q.Boolean("open")}
	for _, a := range r.URL.Query()["amenity"] {
		nq.Amenities = append(nq.Amenities, station.Amenity(a))
	}
	if n := q.Str("limit"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 || v > station.MaxNear {
			q.F.Add("limit", "field.invalid_number")
		}
		nq.Limit = v
	}
	ans := nearAnswer{System: station.System(q.Str("system"))}
	if ans.System == "" {
		ans.System = station.WGS84
	}
	if place := q.Str("place"); place != "" {
		p, err := h.Stations.Locate(r.Context(), place)
		if err != nil {
			return err
		}
		ans.Place, nq.At = p, p.At
	} else {
		at, ok := station.CheckPoint(q.F, nil, nil, q.Str("lat"), q.Str("lng"), ans.System)
		if ok {
			nq.At = at
		}
	}
	if err := q.Err(); err != nil {
		return err
	}
	items, err := h.Stations.Nearest(r.Context(), nq)
	if err != nil {
		return err
	}
	ans.At, ans.Items = nq.At, items
	return api.OK(w, ans)
}

func (h *API) visit(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Stations.Visit(r.Context(), api.Principal(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	return api.OK(w, v)
}

func (h *API) claim(w http.ResponseWriter, r *http.Request) error {
	var in claimInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.Stations.Claim(r.Context(), api.Principal(r), r.PathValue("code"), in.Service)
	if err != nil {
		return err
	}
	return api.OK(w, v)
}

func (h *API) counts(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Stations.Counts)
}
