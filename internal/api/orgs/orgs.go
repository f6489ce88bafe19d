package orgs

import (
	"context"
	"net/http"
	"time"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/report"
)

type orgView struct {
	ID           string    `json:"id"`
	ParentID     *string   `json:"parent_id"`
	Depth        int       `json:"depth"`
	Name         string    `json:"name"`
	ShortName    string    `json:"short_name"`
	Kind         string    `json:"kind"`
	DivisionCode string    `json:"division_code"`
	Address      string    `json:"address"`
	Phone        string    `json:"phone"`
	FoundedOn    string    `json:"founded_on"`
	Note         string    `json:"note"`
	ChildCount   int       `json:"child_count"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func viewOrg(o *org.Org) orgView {
	return orgView{
		ID: db.FormatID(o.ID), ParentID: api.IDString(o.ParentID), Depth: o.Depth, Name: o.Name, ShortName: o.ShortName, Kind: string(o.Kind),
		DivisionCode: o.DivisionCode, Address: o.Address, Phone: o.Phone, FoundedOn: o.FoundedOn, Note: o.Note,
		ChildCount: o.ChildCount, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
}

func orgList(items []org.Org, next string) api.List[orgView] {
	return api.MapList(items, next, viewOrg)
}

// listOrgs: GET /orgs. With no parent, within or q it lists the subtrees of
// the caller's roots.
func (h *API) listOrgs(w http.ResponseWriter, r *http.Request) error {
	return api.Paged(w, r, func(q *api.Query, pg api.Page) org.Query {
		return org.Query{Q: q.Str("q"), Parent: q.ID("parent"), Within: q.ID("within"), Kind: org.Kind(q.Str("kind")),
			After: pg.Cursor, Limit: pg.Limit}
	}, api.ViewedPage(h.Orgs.Search, viewOrg))
}

type orgCreateInput struct {
	ParentID     api.ID `json:"parent_id"`
	Name         string `json:"name"`
	ShortName    string `json:"short_name"`
	Kind         string `json:"kind"`
	DivisionCode string `json:"division_code"`
	Address      string `json:"address"`
	Phone        string `json:"phone"`
	FoundedOn    string `json:"founded_on"`
	Note         string `json:"note"`
}

// createOrg: POST /orgs makes a child of parent_id.
func (h *API) createOrg(w http.ResponseWriter, r *http.Request) error {
	var in orgCreateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	parent, err := in.ParentID.Only("parent_id", false)
	if err != nil {
		return err
	}
	// A missing parent_id is reported by the store together with every
	// other field's problem.
	o, err := h.Orgs.Create(r.Context(), api.Principal(r), org.CreateInput{
		ParentID: parent, Name: in.Name, ShortName: in.ShortName, Kind: org.Kind(in.Kind), DivisionCode: in.DivisionCode,
		Address: in.Address, Phone: in.Phone, FoundedOn: in.FoundedOn, Note: in.Note,
	})
	if err != nil {
		return err
	}
	return api.Created(w, "/orgs/"+db.FormatID(o.ID), viewOrg(o))
}

// getOrg: GET /orgs/{id}.
func (h *API) getOrg(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, api.Viewed(h.Orgs.Get, viewOrg))
}

// orgPatchInput changes only the fields given. The parent is not among
// them: moving is its own action.
type orgPatchInput struct {
	Name         *string `json:"name"`
	ShortName    *string `json:"short_name"`
	Kind         *string `json:"kind"`
	DivisionCode *string `json:"division_code"`
	Address      *string `json:"address"`
	Phone        *string `json:"phone"`
	FoundedOn    *string `json:"founded_on"`
	Note         *string `json:"note"`
}

// patchOrg: PATCH /orgs/{id}, merged onto the current record.
func (h *API) patchOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in orgPatchInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	p := api.Principal(r)
	cur, err := h.Orgs.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	up := org.UpdateInput{Name: cur.Name, ShortName: cur.ShortName, Kind: cur.Kind, DivisionCode: cur.DivisionCode, Address: cur.Address,
		Phone: cur.Phone, FoundedOn: cur.FoundedOn, Note: cur.Note}
	set(&up.Name, in.Name)
	set(&up.ShortName, in.ShortName)
	if in.Kind != nil {
		up.Kind = org.Kind(*in.Kind)
	}
	set(&up.DivisionCode, in.DivisionCode)
	set(&up.Address, in.Address)
	set(&up.Phone, in.Phone)
	set(&up.FoundedOn, in.FoundedOn)
	set(&up.Note, in.Note)
	o, err := h.Orgs.Update(r.Context(), p, id, up)
	if err != nil {
		return err
	}
	return api.OK(w, viewOrg(o))
}

// set copies a given value over a current one.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// orgChildren: GET /orgs/{id}/children.
func (h *API) orgChildren(w http.ResponseWriter, r *http.Request) error {
	return h.orgPage(w, r, h.Orgs.Children)
}

// orgSubtree: GET /orgs/{id}/subtree, the organisation and everything below.
func (h *API) orgSubtree(w http.ResponseWriter, r *http.Request) error {
	return h.orgPage(w, r, h.Orgs.Subtree)
}

type orgPager = func(ctx context.Context, p *auth.Principal, id int64, after string, limit int) ([]org.Org, string, error)

func (h *API) orgPage(w http.ResponseWriter, r *http.Request, fetch orgPager) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	pg := q.Page()
	if err := q.Err(); err != nil {
		return err
	}
	items, next, err := fetch(r.Context(), api.Principal(r), id, pg.Cursor, pg.Limit)
	if err != nil {
		return err
	}
	return api.OK(w, orgList(items, next))
}

// orgAncestors: GET /orgs/{id}/ancestors, root first.
func (h *API) orgAncestors(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, api.ViewedAll(h.Orgs.Ancestors, viewOrg))
}

type moveInput struct {
	ParentID api.ID `json:"parent_id"`
}

// moveOrg: POST /orgs/{id}/move puts the subtree under a new parent.
func (h *API) moveOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in moveInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	parent, err := in.ParentID.Only("parent_id", true)
	if err != nil {
		return err
	}
	o, err := h.Orgs.Move(r.Context(), api.Principal(r), id, parent)
	if err != nil {
		return err
	}
	return api.OK(w, viewOrg(o))
}

// period reads ?from= and ?to= (days, both included).
func period(r *http.Request) (report.Period, error) {
	q := api.NewQuery(r)
	p := report.Period{From: q.Str("from"), To: q.Str("to")}
	if err := q.Err(); err != nil {
		return p, err
	}
	return p, p.Check()
}

// orgStats: GET /orgs/{id}/stats — the figures of the subtree, with
// ?from=&to= for the flows and activities of a period.
func (h *API) orgStats(w http.ResponseWriter, r *http.Request) error {
	return api.WithInput(w, r, period, h.Reports.Dashboard)
}

// orgStatsChildren: GET /orgs/{id}/stats/children — each child's figures
// side by side, sorted by ?sort= (largest first).
func (h *API) orgStatsChildren(w http.ResponseWriter, r *http.Request) error {
	return api.WithInput(w, r, period, func(ctx context.Context, p *auth.Principal, id int64, per report.Period) (api.List[report.Child], error) {
		items, err := h.Reports.Children(ctx, p, id, per, r.URL.Query().Get("sort"))
		return api.NewList(items, ""), err
	})
}
