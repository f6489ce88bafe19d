package api

import (
	"context"
	"net/http"
	"time"

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
		ID: db.FormatID(o.ID), ParentID: idString(o.ParentID), Depth: o.Depth, Name: o.Name, Kind: string(o.Kind),
		DivisionCode: o.DivisionCode, Address: o.Address, Phone: o.Phone, FoundedOn: o.FoundedOn, Note: o.Note,
		ChildCount: o.ChildCount, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
}

func orgList(items []org.Org, next string) list[orgView] { return mapList(items, next, viewOrg) }

// listOrgs: GET /orgs. With no parent, within or q it lists the subtrees of
// the caller's roots.
func (h *Handler) listOrgs(w http.ResponseWriter, r *http.Request) error {
	return paged(w, r, func(q *query, pg page) org.Query {
		return org.Query{Q: q.str("q"), Parent: q.id("parent"), Within: q.id("within"), Kind: org.Kind(q.str("kind")),
			After: pg.Cursor, Limit: pg.Limit}
	}, viewedPage(h.orgs.Search, viewOrg))
}

type orgCreateInput struct {
	ParentID     ID     `json:"parent_id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	DivisionCode string `json:"division_code"`
	Address      string `json:"address"`
	Phone        string `json:"phone"`
	FoundedOn    string `json:"founded_on"`
	Note         string `json:"note"`
}

// createOrg: POST /orgs makes a child of parent_id.
func (h *Handler) createOrg(w http.ResponseWriter, r *http.Request) error {
	var in orgCreateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	parent, err := in.ParentID.only("parent_id", false)
	if err != nil {
		return err
	}
	// A missing parent_id is reported by the store together with every
	// other field's problem.
	o, err := h.orgs.Create(r.Context(), principal(r), org.CreateInput{
		ParentID: parent, Name: in.Name, Kind: org.Kind(in.Kind), DivisionCode: in.DivisionCode,
		Address: in.Address, Phone: in.Phone, FoundedOn: in.FoundedOn, Note: in.Note,
	})
	if err != nil {
		return err
	}
	return created(w, "/orgs/"+db.FormatID(o.ID), viewOrg(o))
}

// getOrg: GET /orgs/{id}.
func (h *Handler) getOrg(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, viewed(h.orgs.Get, viewOrg))
}

// orgPatchInput changes only the fields given. The parent is not among
// them: moving is its own action.
type orgPatchInput struct {
	Name         *string `json:"name"`
	Kind         *string `json:"kind"`
	DivisionCode *string `json:"division_code"`
	Address      *string `json:"address"`
	Phone        *string `json:"phone"`
	FoundedOn    *string `json:"founded_on"`
	Note         *string `json:"note"`
}

// patchOrg: PATCH /orgs/{id}, merged onto the current record.
func (h *Handler) patchOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in orgPatchInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p := principal(r)
	cur, err := h.orgs.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	up := org.UpdateInput{Name: cur.Name, Kind: cur.Kind, DivisionCode: cur.DivisionCode, Address: cur.Address,
		Phone: cur.Phone, FoundedOn: cur.FoundedOn, Note: cur.Note}
	set(&up.Name, in.Name)
	if in.Kind != nil {
		up.Kind = org.Kind(*in.Kind)
	}
	set(&up.DivisionCode, in.DivisionCode)
	set(&up.Address, in.Address)
	set(&up.Phone, in.Phone)
	set(&up.FoundedOn, in.FoundedOn)
	set(&up.Note, in.Note)
	o, err := h.orgs.Update(r.Context(), p, id, up)
	if err != nil {
		return err
	}
	return ok(w, viewOrg(o))
}

// set copies a given value over a current one.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// orgChildren: GET /orgs/{id}/children.
func (h *Handler) orgChildren(w http.ResponseWriter, r *http.Request) error {
	return h.orgPage(w, r, h.orgs.Children)
}

// orgSubtree: GET /orgs/{id}/subtree, the organisation and everything below.
func (h *Handler) orgSubtree(w http.ResponseWriter, r *http.Request) error {
	return h.orgPage(w, r, h.orgs.Subtree)
}

type orgPager = func(ctx context.Context, p *auth.Principal, id int64, after string, limit int) ([]org.Org, string, error)

func (h *Handler) orgPage(w http.ResponseWriter, r *http.Request, fetch orgPager) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	pg := q.page()
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := fetch(r.Context(), principal(r), id, pg.Cursor, pg.Limit)
	if err != nil {
		return err
	}
	return ok(w, orgList(items, next))
}

// orgAncestors: GET /orgs/{id}/ancestors, root first.
func (h *Handler) orgAncestors(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, viewedAll(h.orgs.Ancestors, viewOrg))
}

type moveInput struct {
	ParentID ID `json:"parent_id"`
}

// moveOrg: POST /orgs/{id}/move puts the subtree under a new parent.
func (h *Handler) moveOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in moveInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	parent, err := in.ParentID.only("parent_id", true)
	if err != nil {
		return err
	}
	o, err := h.orgs.Move(r.Context(), principal(r), id, parent)
	if err != nil {
		return err
	}
	return ok(w, viewOrg(o))
}

// period reads ?from= and ?to= (days, both included).
func period(r *http.Request) (report.Period, error) {
	q := newQuery(r)
	p := report.Period{From: q.str("from"), To: q.str("to")}
	if err := q.err(); err != nil {
		return p, err
	}
	return p, p.Check()
}

// orgStats: GET /orgs/{id}/stats — the figures of the subtree, with
// ?from=&to= for the flows and activities of a period.
func (h *Handler) orgStats(w http.ResponseWriter, r *http.Request) error {
	return withInput(w, r, period, h.rep.Dashboard)
}

// orgStatsChildren: GET /orgs/{id}/stats/children — each child's figures
// side by side, sorted by ?sort= (largest first).
func (h *Handler) orgStatsChildren(w http.ResponseWriter, r *http.Request) error {
	return withInput(w, r, period, func(ctx context.Context, p *auth.Principal, id int64, per report.Period) (list[report.Child], error) {
		items, err := h.rep.Children(ctx, p, id, per, r.URL.Query().Get("sort"))
		return newList(items, ""), err
	})
}
