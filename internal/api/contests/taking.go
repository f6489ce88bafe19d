package contests

import (
	"context"
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
)

// sectionInput is contest.Section with the ids the API writes as strings.
type sectionInput struct {
	Title      string          `json:"title"`
	BankID     api.ID          `json:"bank_id"`
	Questions  []api.ID        `json:"questions"`
	Count      int             `json:"count"`
	Category   string          `json:"category"`
	Type       bank.Type       `json:"type"`
	Difficulty bank.Difficulty `json:"difficulty"`
	Points     int             `json:"points"`
}

// contestInput is contest.Input with the ids it leaves to the API.
type contestInput struct {
	contest.Input
	OrgID         api.ID         `json:"org_id"`
	AudienceOrgID api.ID         `json:"audience_org_id"`
	Sections      []sectionInput `json:"sections"`
}

func (in *contestInput) input(f errs.Fields) contest.Input {
	out := in.Input
	out.OrgID = in.OrgID.Parse(f, "org_id", true)
	out.AudienceOrgID = in.AudienceOrgID.Parse(f, "audience_org_id", false)
	out.Sections = nil
	for i, s := range in.Sections {
		field := "sections." + strconv.Itoa(i) + "."
		sec := contest.Section{Title: s.Title, BankID: s.BankID.Parse(f, field+"bank_id", true), Count: s.Count, Category: s.Category,
			Type: s.Type, Difficulty: s.Difficulty, Points: s.Points}
		for _, q := range s.Questions {
			sec.Questions = append(sec.Questions, q.Parse(f, field+"questions", true))
		}
		out.Sections = append(out.Sections, sec)
	}
	return out
}

type contestUpdateInput struct {
	contestInput
	Version int `json:"version"`
}

// versionInput names the version a step acts at (0: whatever it is now).
type versionInput struct {
	Version int `json:"version"`
}

// contestView is a contest as staff get it: Whole is false for a contest
// run above the caller, whose boards show only their subtrees' takers.
type contestView struct {
	*contest.Contest
	Whole bool `json:"whole"`
}

// listContests: GET /contests — what the caller runs or what is run for
// their subtree, with the filter's total.
func (h *API) listContests(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) contest.Query {
		return contest.Query{Q: q.Str("q"), Status: contest.Status(q.Str("status")), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Contests.List, h.Contests.CountList)
}

// createContest: POST /contests.
func (h *API) createContest(w http.ResponseWriter, r *http.Request) error {
	var in contestInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	c := in.input(f)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.Contests.Create(r.Context(), api.Principal(r), c)
	if err != nil {
		return err
	}
	return api.Created(w, "/api/v1/contests/"+db.FormatID(out.ID), out)
}

// getContest: GET /contests/{id}.
func (h *API) getContest(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	c, whole, err := h.Contests.View(r.Context(), api.Principal(r), id)
	if err != nil {
		return err
	}
	return api.OK(w, contestView{Contest: c, Whole: whole})
}

// putContest: PUT /contests/{id} at the version it was read.
func (h *API) putContest(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in contestUpdateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	c := in.input(f)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.Contests.Update(r.Context(), api.Principal(r), id, in.Version, c)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// publishContest: POST /contests/{id}/publish.
func (h *API) publishContest(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in versionInput) (*contest.Contest, error) {
		return h.Contests.Publish(ctx, p, id, in.Version)
	})
}

// cancelContest: POST /contests/{id}/cancel.
func (h *API) cancelContest(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in versionInput) (*contest.Contest, error) {
		return h.Contests.Cancel(ctx, p, id, in.Version)
	})
}

// board: GET /contests/{id}/board?org= and the page.
func (h *API) board(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	org, pg, offset := q.ID("org"), q.Page(), offset(q)
	if err := q.Err(); err != nil {
		return err
	}
	rows, total, err := h.Contests.Board(r.Context(), api.Principal(r), id, contest.BoardQuery{Org: org, Offset: offset, Limit: pg.Limit})
	if err != nil {
		return err
	}
	return api.OK(w, api.TotalList[contest.BoardRow]{Items: rows, Total: total})
}

// orgBoard: GET /contests/{id}/board/orgs?org=&sort= and the page.
func (h *API) orgBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	org, sort, pg, offset := q.ID("org"), q.Str("sort"), q.Page(), offset(q)
	if err := q.Err(); err != nil {
		return err
	}
	b, err := h.Contests.OrgBoard(r.Context(), api.Principal(r), id, contest.OrgBoardQuery{Org: org, Sort: sort, Offset: offset, Limit: pg.Limit})
	if err != nil {
		return err
	}
	return api.OK(w, b)
}

// offset reads ?offset=, the rows a page number skips (at most
// listing.Cap).
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

// listAttempts: GET /contests/{id}/attempts?status= &pending= &org=.
func (h *API) listAttempts(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	in := contest.AttemptQuery{Org: q.ID("org"), Status: q.Str("status"), Limit: q.Page().Limit, Offset: offset(q)}
	if b := q.Boolean("pending"); b != nil {
		in.Pending = *b
	}
	if err := q.Err(); err != nil {
		return err
	}
	rows, total, err := h.Contests.Attempts(r.Context(), api.Principal(r), id, in)
	if err != nil {
		return err
	}
	return api.OK(w, api.TotalList[contest.Taken]{Items: rows, Total: total})
}

type gradeInput struct {
	Position *int `json:"position"`
	Points   *int `json:"points"`
}

// gradeShort: POST /attempts/{id}/grades — staff grade a short answer.
func (h *API) gradeShort(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in gradeInput) (*contest.Attempt, error) {
		f := errs.Fields{}
		f.Check(in.Position != nil, "position", "field.required")
		f.Check(in.Points != nil, "points", "field.required")
		if err := f.Err(); err != nil {
			return nil, err
		}
		return h.Contests.GradeShort(ctx, p, id, *in.Position, *in.Points)
	})
}

// myContests: GET /me/contests — what is open to a signed-in member.
func (h *API) myContests(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Contests.ForMember(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, ""))
}

// startAttempt: POST /contests/{id}/attempts — a member opens their paper:
// the open attempt resumed, or a new one while attempts remain.
func (h *API) startAttempt(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Contests.Start)
}

// saveAnswer: PUT /attempts/{id}/answers/{position}.
func (h *API) saveAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	pos, err := strconv.Atoi(r.PathValue("position"))
	if err != nil || pos < 0 {
		return api.FieldErr("position", "contest.not_on_paper")
	}
	var in bank.Answer
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	out, err := h.Contests.Save(r.Context(), api.Principal(r), id, pos, in)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// submitAttempt: POST /attempts/{id}/submit — idempotent.
func (h *API) submitAttempt(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Contests.Submit)
}

// getAttempt: GET /attempts/{id} — a member's attempt: its state while
// open, its result once handed in.
func (h *API) getAttempt(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Contests.Result)
}

// switched: POST /attempts/{id}/switches — the page was left.
func (h *API) switched(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Contests.Switched(r.Context(), api.Principal(r), id); err != nil {
		return err
	}
	return api.NoContent(w)
}
