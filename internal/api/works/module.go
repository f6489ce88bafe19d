// Package works is the JSON API of calls for works (作品征集, essay and
// photo contests; internal/works): staff run calls, screen entries, keep
// the panel, award and publish the results; judges score the accepted
// entries blind; members hand in their works from their phone.
package works

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/listing"
	"gonghui/internal/works"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Works *works.Store
}

// New returns the module.
func New(h *api.Handler, store *works.Store) *API { return &API{Handler: h, Works: store} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route { return h.routes() }

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) { notes(ns) }

// callInput is works.Input with the IDs the API writes as strings.
type callInput struct {
	works.Input
	OrgID         api.ID `json:"org_id"`
	AudienceOrgID api.ID `json:"audience_org_id"`
}

func (in *callInput) input() (works.Input, error) {
	f := errs.Fields{}
	out := in.Input
	out.OrgID = in.OrgID.Parse(f, "org_id", true)
	out.AudienceOrgID = in.AudienceOrgID.Parse(f, "audience_org_id", false)
	return out, f.Err()
}

type callUpdate struct {
	callInput
	Version int `json:"version"`
}

// versionInput names the version a step acts at (0: whatever it is now).
type versionInput struct {
	Version int `json:"version"`
}

// listCalls: GET /works.
func (h *API) listCalls(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) works.Query {
		return works.Query{Q: q.Str("q"), Status: works.Status(q.Str("status")), Kind: works.Kind(q.Str("kind")), Sort: q.Str("sort"),
			After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Works.List, h.Works.CountList)
}

// createCall: POST /works.
func (h *API) createCall(w http.ResponseWriter, r *http.Request) error {
	var in callInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := in.input()
	if err != nil {
		return err
	}
	out, err := h.Works.Create(r.Context(), api.Principal(r), c)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/works/"+db.FormatID(out.ID), out)
}

// getCall: GET /works/{id}.
func (h *API) getCall(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Works.Get)
}

// putCall: PUT /works/{id} at the version it was read.
func (h *API) putCall(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in callUpdate) (*works.Call, error) {
		if in.Version < 1 {
			return nil, api.FieldErr("version", "field.required")
		}
		c, err := in.input()
		if err != nil {
			return nil, err
		}
		return h.Works.Update(ctx, p, id, in.Version, c)
	})
}

type step = func(context.Context, *auth.Principal, int64, int) (*works.Call, error)

// stepAt answers a step on {id} at the version its optional body names.
func (h *API) stepAt(do step) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in versionInput) (*works.Call, error) {
			return do(ctx, p, id, in.Version)
		})
	}
}

// award: POST /works/{id}/award.
func (h *API) award(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Works.Award)
}

// results: POST /works/{id}/results.
func (h *API) results(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Works.PublishResults)
}

// winners: GET /works/{id}/winners.
func (h *API) winners(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Works.Winners)
}

// awards: GET /works/{id}/awards — what honours take on.
func (h *API) awards(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Works.Awards)
}

// exportAwards: GET /works/{id}/awards.xlsx.
func (h *API) exportAwards(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	p := api.Principal(r)
	// The checks first: a refusal answers JSON, not half a workbook.
	if _, err := h.Works.Get(r.Context(), p, id); err != nil {
		return err
	}
	return api.Workbook(w, r, "works-awards-"+db.FormatID(id)+".xlsx", "works awards export", func(tr api.Translate, out io.Writer) error {
		return h.Works.ExportAwards(r.Context(), p, id, works.Translate(tr), out)
	})
}

// listEntries: GET /works/{id}/entries.
func (h *API) listEntries(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	in := works.EntryQuery{Q: q.Str("q"), Status: works.EntryStatus(q.Str("status")), Limit: q.Page().Limit, Offset: offset(q)}
	if err := q.Err(); err != nil {
		return err
	}
	rows, total, err := h.Works.Entries(r.Context(), api.Principal(r), id, in)
	if err != nil {
		return err
	}
	return api.OK(w, api.TotalList[works.Entry]{Items: rows, Total: total})
}

// offset reads ?offset=, the rows a page skips.
func offset(q *api.Query) int {
	s := q.Str("offset")
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > listing.Cap {
		q.F.Add("offset", "field.out_of_range", 0, listing.Cap)
		return 0
	}
	return n
}

// staffEntry: GET /work-entries/{id}.
func (h *API) staffEntry(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, func(ctx context.Context, p *auth.Principal, id int64) (*works.Entry, error) {
		e, _, err := h.Works.StaffEntry(ctx, p, id)
		return e, err
	})
}

// Decisions of a screening.
const (
	decideAccept = "accept"
	decideReject = "reject"
)

type screenInput struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// screen: POST /work-entries/{id}/screen.
func (h *API) screen(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in screenInput) (*works.Entry, error) {
		if in.Decision != decideAccept && in.Decision != decideReject {
			key := "field.invalid_choice"
			if in.Decision == "" {
				key = "field.required"
			}
			return nil, api.FieldErr("decision", key)
		}
		return h.Works.Screen(ctx, p, id, in.Decision == decideAccept, in.Reason)
	})
}

// judges: GET /works/{id}/judges.
func (h *API) judges(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Works.Judges)
}

// candidates: GET /works/{id}/judges/candidates?q=.
func (h *API) candidates(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, func(ctx context.Context, p *auth.Principal, id int64) ([]works.Judge, error) {
		return h.Works.Candidates(ctx, p, id, api.NewQuery(r).Str("q"))
	})
}

type judgeInput struct {
	UserID api.ID `json:"user_id"`
}

// addJudge: POST /works/{id}/judges; answers the panel.
func (h *API) addJudge(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in judgeInput) (api.List[works.Judge], error) {
		user, err := in.UserID.Only("user_id", true)
		if err == nil {
			err = h.Works.AddJudge(ctx, p, id, user)
		}
		if err != nil {
			return api.List[works.Judge]{}, err
		}
		js, err := h.Works.Judges(ctx, p, id)
		return api.NewList(js, ""), err
	})
}

// removeJudge: DELETE /works/{id}/judges/{user_id}.
func (h *API) removeJudge(w http.ResponseWriter, r *http.Request) error {
	return api.RemoveSub(w, r, "user_id", h.Works.RemoveJudge)
}

// judging: GET /judging — the calls the caller judges.
func (h *API) judging(w http.ResponseWriter, r *http.Request) error {
	ls, err := h.Works.JudgeCalls(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(ls, ""))
}

// blind: GET /judging/{id}.
func (h *API) blind(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Works.Blind)
}

type marksInput struct {
	Marks []int `json:"marks"`
}

// scored is what a judge's marks answer: the entry, the marks as kept
// and the judge's weighted score.
type scored struct {
	ID    int64    `json:"id,string"`
	Marks []int    `json:"marks"`
	Total *float64 `json:"total"`
}

// score: PUT /judging/entries/{id}.
func (h *API) score(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in marksInput) (scored, error) {
		b, err := h.Works.Score(ctx, p, id, in.Marks)
		if err != nil {
			return scored{}, err
		}
		return scored{ID: b.ID, Marks: b.Marks, Total: b.Total}, nil
	})
}

// photo: GET /work-photos/{id} (staff, judges) and GET /me/work-photos/{id}
// (the author; the call's audience for the winners' photos, once
// published): ?size=thumb answers the copy for phones.
func (h *API) photo(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	size := works.PhotoOriginal
	switch api.NewQuery(r).Str("size") {
	case "", "original":
	case "thumb":
		size = works.PhotoThumb
	default:
		return api.FieldErr("size", "field.invalid_choice")
	}
	ct, data, err := h.Works.PhotoData(r.Context(), api.Principal(r), id, size)
	if err != nil {
		return err
	}
	return httpx.ServeUpload(w, ct, data, "private, no-cache")
}
