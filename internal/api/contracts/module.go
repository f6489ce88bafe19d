// Package contracts is the JSON API of collective contracts (集体合同):
// staff list, read, draft, submit, record objections to and renew the
// contracts negotiated within their subtrees, upload their texts, and
// read the coverage of a subtree (internal/contract).
package contracts

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/contract"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Contracts *contract.Store
}

// New returns the module.
func New(h *api.Handler, s *contract.Store) *API { return &API{Handler: h, Contracts: s} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route {
	return h.routes()
}

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) { notes(ns) }

func flag(q *api.Query, name string) bool {
	b := q.Boolean(name)
	return b != nil && *b
}

// listContracts: GET /contracts.
func (h *API) listContracts(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) contract.Query {
		return contract.Query{Q: q.Str("q"), Kind: contract.Kind(q.Str("kind")), Status: contract.Status(q.Str("status")),
			Expiring: flag(q, "expiring"), Org: q.ID("org"), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Contracts.List, h.Contracts.CountList)
}

// totals: GET /contracts/totals.
func (h *API) totals(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	org := q.ID("org")
	if err := q.Err(); err != nil {
		return err
	}
	t, err := h.Contracts.Totals(r.Context(), api.Principal(r), contract.Query{Org: org})
	if err != nil {
		return err
	}
	return api.OK(w, t)
}

// employerInput is one covered employer.
type employerInput struct {
	EmployerID api.ID `json:"employer_id"`
	Workers    int    `json:"workers"`
}

// contractInput is a draft's fields.
type contractInput struct {
	OrgID        api.ID            `json:"org_id"`
	Title        string            `json:"title"`
	Kind         contract.Kind     `json:"kind"`
	Coverage     contract.Coverage `json:"coverage"`
	UnionRep     string            `json:"union_rep"`
	EmployerRep  string            `json:"employer_rep"`
	SignedOn     string            `json:"signed_on"`
	StartsOn     string            `json:"starts_on"`
	EndsOn       string            `json:"ends_on"`
	WageIncrease int               `json:"wage_increase"`
	MinWage      int64             `json:"min_wage"`
	Notes        string            `json:"notes"`
	Employers    []employerInput   `json:"employers"`
}

// contractUpdate is a draft's fields at the version they were read.
type contractUpdate struct {
	contractInput
	Version int `json:"version"`
}

func (in *contractInput) input() (contract.Input, error) {
	f := errs.Fields{}
	out := contract.Input{OrgID: in.OrgID.Parse(f, "org_id", true), Title: in.Title, Kind: in.Kind, Coverage: in.Coverage, UnionRep: in.UnionRep,
		EmployerRep: in.EmployerRep, SignedOn: in.SignedOn, StartsOn: in.StartsOn, EndsOn: in.EndsOn, WageIncrease: in.WageIncrease,
		MinWage: in.MinWage, Notes: in.Notes}
	for i, e := range in.Employers {
		out.Employers = append(out.Employers, contract.EmployerInput{EmployerID: e.EmployerID.Parse(f, "employers."+strconv.Itoa(i)+".employer_id", true),
			Workers: e.Workers})
	}
	return out, f.Err()
}

func (h *API) create(w http.ResponseWriter, r *http.Request) error {
	var in contractInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := in.input()
	if err != nil {
		return err
	}
	out, err := h.Contracts.Create(r.Context(), api.Principal(r), c)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/contracts/"+db.FormatID(out.ID), out)
}

func (h *API) get(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Contracts.Detail)
}

func (h *API) put(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in contractUpdate) (*contract.Contract, error) {
		if in.Version < 1 {
			return nil, api.FieldErr("version", "field.required")
		}
		c, err := in.input()
		if err != nil {
			return nil, err
		}
		return h.Contracts.Update(ctx, p, id, in.Version, c)
	})
}

type submitInput struct {
	SubmittedOn string `json:"submitted_on"`
}

type objectInput struct {
	ObjectedOn string `json:"objected_on"`
	Reason     string `json:"reason"`
}

func (h *API) submit(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in submitInput) (*contract.Contract, error) {
		return h.Contracts.Submit(ctx, p, id, in.SubmittedOn)
	})
}

func (h *API) object(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in objectInput) (*contract.Contract, error) {
		return h.Contracts.Object(ctx, p, id, in.ObjectedOn, in.Reason)
	})
}

func (h *API) renew(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := api.Decode(w, r, &struct{}{}); err != nil {
		return err
	}
	out, err := h.Contracts.Renew(r.Context(), api.Principal(r), id)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/contracts/"+db.FormatID(out.ID), out)
}

// upload: PUT /contracts/{id}/file, a multipart form with "file".
func (h *API) upload(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	name, data, err := httpx.ReadUpload(w, r, "file", contract.MaxFileBytes+1)
	if err != nil {
		return err
	}
	f, err := h.Contracts.Upload(r.Context(), api.Principal(r), id, name, data)
	if err != nil {
		return err
	}
	return api.OK(w, f)
}

// file: GET /contracts/{id}/file.
func (h *API) file(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	f, data, err := h.Contracts.FileData(r.Context(), api.Principal(r), id)
	if err != nil {
		return err
	}
	return httpx.ServeUpload(w, f.ContentType, data, "private, no-store")
}

// export: GET /contracts/export.xlsx.
func (h *API) export(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	cq := contract.Query{Q: q.Str("q"), Kind: contract.Kind(q.Str("kind")), Status: contract.Status(q.Str("status")), Expiring: flag(q, "expiring"),
		Org: q.ID("org"), Sort: q.Str("sort")}
	if err := q.Err(); err != nil {
		return err
	}
	return api.Workbook(w, r, "contracts.xlsx", "contracts export", func(tr api.Translate, out io.Writer) error {
		return h.Contracts.Export(r.Context(), api.Principal(r), cq, contract.Translate(tr), out)
	})
}

// choices: GET /contracts/employers?q=.
func (h *API) choices(w http.ResponseWriter, r *http.Request) error {
	out, err := h.Contracts.SearchEmployers(r.Context(), api.Principal(r), api.NewQuery(r).Str("q"), contract.MaxChoices)
	if err != nil {
		return err
	}
	return api.OK(w, api.List[contract.Choice]{Items: out})
}
