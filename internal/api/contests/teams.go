package contests

import (
	"context"
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Teams (代表队) of a contest: the board, entering and changing teams, the
// publisher's rules.

// teamBoard is what GET /contests/{id}/teams answers.
type teamBoard struct {
	Items []contest.TeamRow  `json:"items"`
	Total int                `json:"total"`
	Rules *contest.TeamRules `json:"rules"`
	Orgs  []contest.TeamOrg  `json:"orgs"`
}

// teams: GET /contests/{id}/teams.
func (h *API) teams(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	pg := q.Page()
	off := offset(q)
	if err := q.Err(); err != nil {
		return err
	}
	p := api.Principal(r)
	rows, total, rules, err := h.Contests.TeamBoard(r.Context(), p, id, off, pg.Limit)
	if err != nil {
		return err
	}
	orgs, err := h.Contests.TeamOrgs(r.Context(), p, id)
	if err != nil {
		return err
	}
	return api.OK(w, teamBoard{Items: rows, Total: total, Rules: rules, Orgs: orgs})
}

type teamInput struct {
	OrgID api.ID `json:"org_id"`
	Name  string `json:"name"`
}

// createTeam: POST /contests/{id}/teams.
func (h *API) createTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in teamInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	org := in.OrgID.Parse(f, "org_id", true)
	if err := f.Err(); err != nil {
		return err
	}
	t, err := h.Contests.CreateTeam(r.Context(), api.Principal(r), id, contest.TeamInput{OrgID: org, Name: in.Name})
	if err != nil {
		return err
	}
	return api.Created(w, "/teams/"+db.FormatID(t.ID), t)
}

// putTeamRules: PUT /contests/{id}/team-rules.
func (h *API) putTeamRules(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in contest.TeamRules) (*contest.TeamRules, error) {
		return h.Contests.SetTeamRules(ctx, p, id, in)
	})
}

// getTeam: GET /teams/{id}.
func (h *API) getTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Contests.Team(r.Context(), api.Principal(r), id)
	if err != nil {
		return err
	}
	return api.OK(w, t)
}

type teamUpdateInput struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
}

// putTeam: PUT /teams/{id}, rename at the version read.
func (h *API) putTeam(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in teamUpdateInput) (*contest.Team, error) {
		return h.Contests.UpdateTeam(ctx, p, id, in.Version, contest.TeamInput{Name: in.Name})
	})
}

// deleteTeam: DELETE /teams/{id}.
func (h *API) deleteTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Contests.DeleteTeam(r.Context(), api.Principal(r), id); err != nil {
		return err
	}
	return api.NoContent(w)
}

type teamMemberInput struct {
	MemberID api.ID `json:"member_id"`
}

// addTeamMember: POST /teams/{id}/members.
func (h *API) addTeamMember(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in teamMemberInput) (*contest.Team, error) {
		mid, err := in.MemberID.Only("member_id", true)
		if err != nil {
			return nil, err
		}
		return h.Contests.AddTeamMember(ctx, p, id, mid)
	})
}

// removeTeamMember: DELETE /teams/{id}/members/{member_id}.
func (h *API) removeTeamMember(w http.ResponseWriter, r *http.Request) error {
	id, mid, err := api.PathIDs(r, "member_id")
	if err != nil {
		return err
	}
	t, err := h.Contests.RemoveTeamMember(r.Context(), api.Principal(r), id, mid)
	if err != nil {
		return err
	}
	return api.OK(w, t)
}
