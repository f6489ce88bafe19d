package contests

import (
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// The teams (代表队) of a contest for staff: the team board, the caller's
// teams, entering a team, the publisher's rules, and a team's page
// (rename, members found by search, withdraw). Forms work without
// JavaScript; a refused form shows the page again with its fields' errors.

// teamsData is the Data of the teams page.
type teamsData struct {
	Contest   *contest.Contest
	Rows      []contest.TeamRow
	Total     int
	Rules     *contest.TeamRules
	Scoring   string // in words
	Orgs      []contest.TeamOrg
	Mine      []contest.TeamRow
	CanRules  bool // the publisher's staff
	Open      bool // teams may be entered and changed
	URL       string
	OrgOpts   []web.Option
	ScoreOpts []web.Option
	MaxMember int
}

func teamsURL(id int64) string { return "/contests/" + db.FormatID(id) + "/teams" }

func teamURL(t *contest.Team) string { return teamsURL(t.ContestID) + "/" + db.FormatID(t.ID) }

// teamsPage renders the teams page with form (nil: none refused) and status.
func (h *Pages) teamsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	c, _, err := h.Contests.View(r.Context(), p, id)
	if err != nil {
		return err
	}
	rows, total, rules, err := h.Contests.TeamBoard(r.Context(), p, id, 0, 200)
	if err != nil {
		return err
	}
	orgs, err := h.Contests.TeamOrgs(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "cweb.teams.title", "contests")
	pg.Title = pg.T("cweb.teams.title_of", c.Title)
	pg.Crumbs = []web.Crumb{{Label: c.Title, URL: "/contests/" + db.FormatID(c.ID)}, {Label: pg.T("cweb.teams.title")}}
	d := teamsData{Contest: c, Rows: rows, Total: total, Rules: rules, Scoring: pg.T("cweb.teams.scoring." + string(rules.Scoring)), Orgs: orgs,
		CanRules: p.CanAt(auth.PermContestWrite, c.OrgPath), URL: teamsURL(c.ID), MaxMember: contest.MaxTeamMembers}
	for _, o := range orgs {
		d.OrgOpts = append(d.OrgOpts, web.Option{Value: db.FormatID(o.ID), Label: o.Name})
	}
	for _, sc := range contest.Scorings {
		d.ScoreOpts = append(d.ScoreOpts, web.Option{Value: string(sc), Label: pg.T("cweb.teams.scoring." + string(sc))})
	}
	d.Open = c.Status == contest.StatusPublished && !c.Practice && time.Now().Before(c.ClosesAt)
	for _, row := range rows {
		if row.Mine {
			d.Mine = append(d.Mine, row)
		}
	}
	pg.Form = form
	pg.Data = d
	h.Render(w, status, "teams", pg)
	return nil
}

// teams: GET /contests/{id}/teams.
func (h *Pages) teams(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.teamsPage(w, r, p, nil, http.StatusOK)
}

// formFailed shows a page again with a refused form's errors and values;
// an error a form does not show is the error page.
func formFailed(r *http.Request, pg *web.Page, err error) (*web.Form, int, bool) {
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		return nil, 0, false
	}
	return form, httpx.Status(err), true
}

// teamCreate: POST /contests/{id}/teams.
func (h *Pages) teamCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	in := contest.TeamInput{Name: web.FormValue(r, "name"), OrgID: web.ParseIDValue(web.FormValue(r, "org_id"))}
	t, err := h.Contests.CreateTeam(r.Context(), p, id, in)
	if err != nil {
		if form, status, ok := formFailed(r, h.Page(w, r, p, "", ""), err); ok {
			return h.teamsPage(w, r, p, form, status)
		}
		return err
	}
	web.Redirect(w, r, teamURL(t), "flash.contest_team.created")
	return nil
}

// teamRules: POST /contests/{id}/teams/rules.
func (h *Pages) teamRules(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	in := contest.TeamRules{Scoring: contest.Scoring(web.FormValue(r, "scoring"))}
	f := errs.Fields{}
	if v := web.FormValue(r, "max_members"); v != "" {
		n, err := strconv.Atoi(v)
		f.Check(err == nil, "max_members", "field.not_a_number")
		in.MaxMembers = n
	}
	if err = f.Err(); err == nil {
		_, err = h.Contests.SetTeamRules(r.Context(), p, id, in)
	}
	if err != nil {
		if form, status, ok := formFailed(r, h.Page(w, r, p, "", ""), err); ok {
			return h.teamsPage(w, r, p, form, status)
		}
		return err
	}
	web.Redirect(w, r, teamsURL(id), "flash.contest_team.rules_saved")
	return nil
}

// teamData is the Data of a team's page.
type teamData struct {
	Team     *contest.Team
	Rules    *contest.TeamRules
	Open     bool
	URL      string
	BackURL  string
	Searched bool
	Q        string
	Hits     []member.Member
	NoAccess bool // the caller may not search members
}

// loadTeam reads the {team} of contest {id}.
func (h *Pages) loadTeam(r *http.Request, p *auth.Principal) (*contest.Team, error) {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return nil, err
	}
	tid, err := web.IDParam(r, "team")
	if err != nil {
		return nil, err
	}
	t, err := h.Contests.Team(r.Context(), p, tid)
	if err == nil && t.ContestID != id {
		err = errs.NotFound("team")
	}
	return t, err
}

// teamPage renders a team's page; search is the member search to show
// (nil: none yet).
func (h *Pages) teamPage(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int, d *teamData) error {
	t, err := h.loadTeam(r, p)
	if err != nil {
		return err
	}
	c, _, err := h.Contests.View(r.Context(), p, t.ContestID)
	if err != nil {
		return err
	}
	rules, err := h.Contests.TeamRulesOf(r.Context(), p, t.ContestID)
	if err != nil {
		return err
	}
	if d == nil {
		d = &teamData{}
	}
	d.Team, d.Rules, d.URL, d.BackURL = t, rules, teamURL(t), teamsURL(t.ContestID)
	d.Open = t.CanWrite && c.Status == contest.StatusPublished && !c.Practice && time.Now().Before(c.ClosesAt)
	pg := h.Page(w, r, p, "", "contests")
	pg.Title = t.Name
	pg.Crumbs = []web.Crumb{{Label: c.Title, URL: "/contests/" + db.FormatID(c.ID)}, {Label: pg.T("cweb.teams.title"), URL: d.BackURL}, {Label: t.Name}}
	pg.Form = form
	pg.Data = d
	h.Render(w, status, "team", pg)
	return nil
}

// team: GET /contests/{id}/teams/{team}.
func (h *Pages) team(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.teamPage(w, r, p, nil, http.StatusOK, nil)
}

// teamSearch: POST /contests/{id}/teams/{team}/search, members of the
// team's subtree by name, ID or mobile number (posted, so that a number
// stays out of addresses).
func (h *Pages) teamSearch(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, err := h.loadTeam(r, p)
	if err != nil {
		return err
	}
	q := web.FormValue(r, "mq")
	d := &teamData{Q: q, Searched: true}
	if q == "" {
		return h.teamPage(w, r, p, web.FieldErrorForm(h.Page(w, r, p, "", ""), "mq", "field.required"), http.StatusUnprocessableEntity, &teamData{Q: q})
	}
	hits, _, err := h.Members.List(r.Context(), p, member.Query{Q: q, Org: t.OrgID, Status: member.StatusActive, Limit: 20})
	switch {
	case errs.Is(err, errs.KindForbidden):
		d.NoAccess = true
	case err != nil:
		if form, status, ok := formFailed(r, h.Page(w, r, p, "", ""), err); ok {
			if msg, bad := form.Errors["q"]; bad {
				form.Errors["mq"] = msg
			}
			return h.teamPage(w, r, p, form, status, d)
		}
		return err
	}
	d.Hits = hits
	return h.teamPage(w, r, p, nil, http.StatusOK, d)
}

// teamChange runs one change of a team's page and goes back to it, or
// shows it again with the refusal.
func (h *Pages) teamChange(do func(r *http.Request, p *auth.Principal, t *contest.Team) (string, error)) web.PageFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		t, err := h.loadTeam(r, p)
		if err != nil {
			return err
		}
		flash, err := do(r, p, t)
		if err != nil {
			if form, status, ok := formFailed(r, h.Page(w, r, p, "", ""), err); ok {
				return h.teamPage(w, r, p, form, status, nil)
			}
			return err
		}
		to := teamURL(t)
		if flash == "flash.contest_team.deleted" {
			to = teamsURL(t.ContestID)
		}
		web.Redirect(w, r, to, flash)
		return nil
	}
}

func (h *Pages) teamRename(r *http.Request, p *auth.Principal, t *contest.Team) (string, error) {
	v, _ := strconv.Atoi(web.FormValue(r, "version"))
	_, err := h.Contests.UpdateTeam(r.Context(), p, t.ID, v, contest.TeamInput{Name: web.FormValue(r, "name")})
	return "flash.contest_team.renamed", err
}

func (h *Pages) teamAdd(r *http.Request, p *auth.Principal, t *contest.Team) (string, error) {
	mid := web.ParseIDValue(web.FormValue(r, "member_id"))
	if mid == 0 {
		return "", errs.Fields{"member_id": {Key: "field.invalid_id"}}.Err()
	}
	_, err := h.Contests.AddTeamMember(r.Context(), p, t.ID, mid)
	return "flash.contest_team.added", err
}

func (h *Pages) teamRemove(r *http.Request, p *auth.Principal, t *contest.Team) (string, error) {
	mid, err := web.IDParam(r, "member")
	if err != nil {
		return "", err
	}
	_, err = h.Contests.RemoveTeamMember(r.Context(), p, t.ID, mid)
	return "flash.contest_team.removed", err
}

func (h *Pages) teamDelete(r *http.Request, p *auth.Principal, t *contest.Team) (string, error) {
	return "flash.contest_team.deleted", h.Contests.DeleteTeam(r.Context(), p, t.ID)
}
