package contest

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Teams (代表队): an organisation in a contest's audience enters teams of
// its members (from its subtree, one team per member and contest). Staff
// with contest.write at the team's organisation manage it; staff who see
// the contest see the team board, and the members of the teams of their
// subtrees. A team's score is the average of its members' counting scores
// (members who have not taken count 0), or their sum if the publisher sets
// it so, with a cap on a team's size (TeamRules). Teams are entered and
// changed while the contest is published and not yet closed.

// Scoring says how members' scores make a team's.
type Scoring string

const (
	ScoreAverage Scoring = "average"
	ScoreSum     Scoring = "sum"
)

// Scorings lists the ways of scoring.
var Scorings = []Scoring{ScoreAverage, ScoreSum}

// Limits of teams.
const (
	MaxTeamName    = 40  // runes
	MaxTeamMembers = 200 // the highest cap, and the size without one
	MaxTeams       = 2000
)

// TeamRules are the publisher's rules for a contest's teams.
type TeamRules struct {
	MaxMembers int     `json:"max_members"` // 0: MaxTeamMembers
	Scoring    Scoring `json:"scoring"`
}

// Cap is the most members a team may hold under r.
func (r TeamRules) Cap() int {
	if r.MaxMembers <= 0 {
		return MaxTeamMembers
	}
	return r.MaxMembers
}

// TeamMember is a member of a team, with their counting result.
type TeamMember struct {
	MemberID int64  `json:"member_id,string"`
	Name     string `json:"name"`
	Union    string `json:"union"`
	Taken    bool   `json:"taken"`
	Score    int    `json:"score"`
	Passed   bool   `json:"passed"`
}

// Team is a contest's team.
type Team struct {
	ID        int64        `json:"id,string"`
	ContestID int64        `json:"contest_id,string"`
	OrgID     int64        `json:"org_id,string"`
	OrgName   string       `json:"org_name"`
	Name      string       `json:"name"`
	Size      int          `json:"size"`
	Taken     int          `json:"taken"` // members with a counting attempt
	Score     float64      `json:"score"`
	Members   []TeamMember `json:"members"`
	CanWrite  bool         `json:"can_write"`
	Version   int          `json:"version"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	orgPath   string
}

// TeamInput is what staff fill in for a team.
type TeamInput struct {
	OrgID int64  `json:"-"`
	Name  string `json:"name"`
}

// TeamRow is a team on the team board.
type TeamRow struct {
	Rank    int     `json:"rank"` // ties share a rank
	TeamID  int64   `json:"team_id,string"`
	Name    string  `json:"name"`
	OrgID   int64   `json:"org_id,string"`
	OrgName string  `json:"org_name"`
	Size    int     `json:"size"`
	Taken   int     `json:"taken"`
	Score   float64 `json:"score"`
	Mine    bool    `json:"mine"` // within the caller's subtrees
	orgPath string
}

// teamScore is a team's score from its size and the sum of its members'
// scores, to two decimals.
func teamScore(sc Scoring, size int, sum int64) float64 {
	v := float64(sum)
	if sc != ScoreSum {
		if size == 0 {
			return 0
		}
		v /= float64(size)
	}
	return math.Round(v*100) / 100
}

// TeamRulesOf reads a contest's team rules for staff who see the contest.
func (s *Store) TeamRulesOf(ctx context.Context, pr *auth.Principal, contestID int64) (*TeamRules, error) {
	if _, _, err := s.View(ctx, pr, contestID); err != nil {
		return nil, err
	}
	return s.teamRules(ctx, s.DB, contestID)
}

func (s *Store) teamRules(ctx context.Context, q queryer, contestID int64) (*TeamRules, error) {
	r := &TeamRules{Scoring: ScoreAverage}
	err := q.QueryRow(ctx, "SELECT max_members, scoring FROM contest_team_rules WHERE contest_id = ?", contestID).Scan(&r.MaxMembers, &r.Scoring)
	if err != nil && err != sql.ErrNoRows {
		return nil, errs.Internal(err, "contest: team rules")
	}
	return r, nil
}

// SetTeamRules sets a contest's team rules: its publisher's staff, while
// it is open for teams. A cap below a team's present size is refused.
func (s *Store) SetTeamRules(ctx context.Context, pr *auth.Principal, contestID int64, in TeamRules) (*TeamRules, error) {
	c, _, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.OrgPath); err != nil {
		return nil, err
	}
	if err := s.teamsOpen(c); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	f.Check(in.MaxMembers >= 0 && in.MaxMembers <= MaxTeamMembers, "max_members", "field.out_of_range", 0, MaxTeamMembers)
	if in.Scoring == "" {
		in.Scoring = ScoreAverage
	}
	f.Check(slices.Contains(Scorings, in.Scoring), "scoring", "field.invalid_choice")
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRows(ctx, "SELECT id FROM contests WHERE id = ?", contestID); err != nil {
			return errs.Internal(err, "contest: lock")
		}
		var largest int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM contest_team_members WHERE contest_id = ? GROUP BY team_id) x`,
			contestID).Scan(&largest); err != nil {
			return errs.Internal(err, "contest: team sizes")
		}
		if in.MaxMembers > 0 && largest > in.MaxMembers {
			return signup.FieldErr("max_members", "contest.team.cap_below_size", largest)
		}
		_, err := tx.Exec(ctx, `INSERT INTO contest_team_rules (contest_id, max_members, scoring, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (contest_id) DO UPDATE SET max_members = excluded.max_members, scoring = excluded.scoring, updated_at = excluded.updated_at`,
			contestID, in.MaxMembers, in.Scoring, scope.Millis(s.stamp()))
		if err != nil {
			return errs.Internal(err, "contest: team rules")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contest.team_rules", Entity: "contest", EntityID: db.FormatID(c.ID), OrgPath: c.OrgPath,
			After: map[string]any{"max_members": in.MaxMembers, "scoring": in.Scoring}})
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// teamsOpen refuses changes to the teams of a contest that is not
// published, is practice, or has closed.
func (s *Store) teamsOpen(c *Contest) error {
	switch {
	case c.Practice:
		return errs.Conflict("teams_closed", "contest.team.practice")
	case c.Status != StatusPublished || !s.stamp().Before(c.ClosesAt):
		return errs.Conflict("teams_closed", "contest.team.closed")
	}
	return nil
}

// checkTeamName checks a team's name: 1 … MaxTeamName runes without
// control characters.
func checkTeamName(f errs.Fields, name string) string {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch {
	case name == "":
		f.Add("name", "field.required")
	case n > MaxTeamName:
		f.Add("name", "contest.team.name_long", MaxTeamName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		f.Add("name", "contest.team.name_invalid")
	}
	return name
}

// CreateTeam enters a team of organisation in.OrgID (in the contest's
// audience, where the caller holds contest.write) for a contest.
func (s *Store) CreateTeam(ctx context.Context, pr *auth.Principal, contestID int64, in TeamInput) (*Team, error) {
	c, _, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	name := checkTeamName(f, in.Name)
	path, ok, err := signup.OrgPath(ctx, s.DB, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !ok || !auth.Inside(path, c.AudiencePath) || !rule.CanWrite(pr, path) {
		f.Add("org_id", "contest.team.org_outside")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := s.teamsOpen(c); err != nil {
		return nil, err
	}
	id, now := db.NewID(), scope.Millis(s.stamp())
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM contest_teams WHERE contest_id = ?", contestID).Scan(&n); err != nil {
			return errs.Internal(err, "contest: count teams")
		}
		if n >= MaxTeams {
			return errs.Conflict("too_many_teams", "contest.team.too_many", MaxTeams)
		}
		_, err := tx.Exec(ctx, `INSERT INTO contest_teams (id, contest_id, org_id, name, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, contestID, in.OrgID, name, pr.UserID, now, now)
		if err != nil {
			return err
		}
		return auditTeam(ctx, tx, "contest.team_create", c, path, id, map[string]any{"name": name, "org": db.FormatID(in.OrgID)})
	})
	if db.IsUnique(err) {
		return nil, signup.FieldErr("name", "contest.team.name_taken")
	}
	if err != nil {
		return nil, wrapErr(err, "contest: create team")
	}
	return s.Team(ctx, pr, id)
}

// wrapErr wraps a driver's error; an *errs.Error passes as it is.
func wrapErr(err error, where string) error {
	if _, ok := errs.As(err); ok {
		return err
	}
	return errs.Internal(err, where)
}

func auditTeam(ctx context.Context, tx *db.Tx, action string, c *Contest, orgPath string, teamID int64, after map[string]any) error {
	after["team"] = db.FormatID(teamID)
	return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "contest", EntityID: db.FormatID(c.ID), OrgPath: orgPath, After: after})
}

const teamCols = `t.id, t.contest_id, t.org_id, o.name, o.path, t.name, t.version, t.created_at, t.updated_at`

func scanTeam(sc interface{ Scan(...any) error }) (Team, error) {
	var t Team
	var created, updated int64
	err := sc.Scan(&t.ID, &t.ContestID, &t.OrgID, &t.OrgName, &t.orgPath, &t.Name, &t.Version, &created, &updated)
	t.CreatedAt, t.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return t, err
}

// teamFor reads team id for pr, who must see its contest and read at its
// organisation; anything else is missing.
func (s *Store) teamFor(ctx context.Context, pr *auth.Principal, id int64) (*Team, *Contest, error) {
	if pr == nil {
		return nil, nil, scope.NilPrincipal("team")
	}
	t, err := scanTeam(s.DB.QueryRow(ctx, "SELECT "+teamCols+" FROM contest_teams t JOIN orgs o ON o.id = t.org_id WHERE t.id = ?", id))
	if err == sql.ErrNoRows {
		return nil, nil, errs.NotFound("team")
	}
	if err != nil {
		return nil, nil, errs.Internal(err, "contest: read team")
	}
	if !rule.CanRead(pr, t.orgPath) {
		return nil, nil, errs.NotFound("team")
	}
	c, _, err := s.View(ctx, pr, t.ContestID)
	if err != nil {
		return nil, nil, errs.NotFound("team")
	}
	t.CanWrite = rule.CanWrite(pr, t.orgPath)
	return &t, c, nil
}

// Team reads a team with its members and their results, for staff who
// read at its organisation.
func (s *Store) Team(ctx context.Context, pr *auth.Principal, id int64) (*Team, error) {
	t, c, err := s.teamFor(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	r, err := s.teamRules(ctx, s.DB, c.ID)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT m.id, m.name, o.name, r.score, r.passed FROM contest_team_members tm
		JOIN members m ON m.id = tm.member_id JOIN orgs o ON o.id = m.org_id
		LEFT JOIN contest_results r ON r.contest_id = tm.contest_id AND r.member_id = tm.member_id
		WHERE tm.team_id = ? ORDER BY tm.added_at, m.id`, id)
	t.Members, err = signup.All(rows, err, "contest: team members", func(sc signup.Scanner) (TeamMember, error) {
		var m TeamMember
		var score, passed sql.NullInt64
		err := sc.Scan(&m.MemberID, &m.Name, &m.Union, &score, &passed)
		m.Taken, m.Score, m.Passed = score.Valid, int(score.Int64), passed.Int64 == 1
		return m, err
	})
	if err != nil {
		return nil, err
	}
	var sum int64
	for _, m := range t.Members {
		if m.Taken {
			t.Taken++
			sum += int64(m.Score)
		}
	}
	t.Size = len(t.Members)
	t.Score = teamScore(r.Scoring, t.Size, sum)
	return t, nil
}

// writableTeam reads team id for a change: the caller must hold
// contest.write at its organisation (NotFound beyond their sight,
// Forbidden with read only), the contest open for teams, and version (when
// not 0) the one read.
func (s *Store) writableTeam(ctx context.Context, pr *auth.Principal, id int64) (*Team, *Contest, error) {
	t, c, err := s.teamFor(ctx, pr, id)
	if err != nil {
		return nil, nil, err
	}
	if err := rule.Writable(pr, t.orgPath); err != nil {
		return nil, nil, err
	}
	if err := s.teamsOpen(c); err != nil {
		return nil, nil, err
	}
	return t, c, nil
}

// bump moves a team's version on, refusing a stale one (0: any).
func bump(ctx context.Context, tx *db.Tx, id int64, version int, now int64, set string, args ...any) error {
	q, a := "UPDATE contest_teams SET version = version + 1, updated_at = ?"+set+" WHERE id = ?", append(append([]any{now}, args...), id)
	if version != 0 {
		q, a = q+" AND version = ?", append(a, version)
	}
	res, err := tx.Exec(ctx, q, a...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.Conflict("stale", "contest.team.stale")
	}
	return nil
}

// UpdateTeam renames a team at the version read (0: as it is now).
func (s *Store) UpdateTeam(ctx context.Context, pr *auth.Principal, id int64, version int, in TeamInput) (*Team, error) {
	t, c, err := s.writableTeam(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	name := checkTeamName(f, in.Name)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := bump(ctx, tx, id, version, scope.Millis(s.stamp()), ", name = ?", name); err != nil {
			return err
		}
		return auditTeam(ctx, tx, "contest.team_update", c, t.orgPath, id, map[string]any{"name": name, "was": t.Name})
	})
	if db.IsUnique(err) {
		return nil, signup.FieldErr("name", "contest.team.name_taken")
	}
	if err != nil {
		return nil, wrapErr(err, "contest: update team")
	}
	return s.Team(ctx, pr, id)
}

// DeleteTeam withdraws a team and its members' places in it.
func (s *Store) DeleteTeam(ctx context.Context, pr *auth.Principal, id int64) error {
	t, c, err := s.writableTeam(ctx, pr, id)
	if err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM contest_team_members WHERE team_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM contest_teams WHERE id = ?", id); err != nil {
			return err
		}
		return auditTeam(ctx, tx, "contest.team_delete", c, t.orgPath, id, map[string]any{"name": t.Name})
	})
	if err != nil {
		return wrapErr(err, "contest: delete team")
	}
	return nil
}

// AddTeamMember puts a member on a team: an active member of the team's
// organisation's subtree, in the contest's audience, on no other team of
// the contest, while the team is below its cap. Adding a member already on
// the team changes nothing.
func (s *Store) AddTeamMember(ctx context.Context, pr *auth.Principal, id, memberID int64) (*Team, error) {
	t, c, err := s.writableTeam(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if memberID <= 0 {
		return nil, signup.FieldErr("member_id", "field.invalid_id")
	}
	m, err := s.Members.Brief(ctx, memberID)
	if errs.Is(err, errs.KindNotFound) {
		return nil, signup.FieldErr("member_id", "contest.team.member_outside")
	}
	if err != nil {
		return nil, err
	}
	tags, _ := member.TagBits(c.AudienceTags)
	if m.Status != member.StatusActive || !auth.Inside(m.OrgPath, t.orgPath) || tags != 0 && m.Tags&tags == 0 {
		return nil, signup.FieldErr("member_id", "contest.team.member_outside")
	}
	r, err := s.teamRules(ctx, s.DB, c.ID)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		// The team row's lock holds the cap across processes.
		if err := tx.LockRows(ctx, "SELECT id FROM contest_teams WHERE id = ?", id); err != nil {
			return errs.Internal(err, "contest: lock team")
		}
		var on int64
		err := tx.QueryRow(ctx, "SELECT team_id FROM contest_team_members WHERE contest_id = ? AND member_id = ?", c.ID, memberID).Scan(&on)
		switch {
		case err == nil && on == id:
			return errNoChange
		case err == nil:
			return signup.FieldErr("member_id", "contest.team.member_taken")
		case err != sql.ErrNoRows:
			return errs.Internal(err, "contest: team member")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM contest_team_members WHERE team_id = ?", id).Scan(&n); err != nil {
			return errs.Internal(err, "contest: team size")
		}
		if n >= r.Cap() {
			return signup.FieldErr("member_id", "contest.team.full", r.Cap())
		}
		now := scope.Millis(s.stamp())
		if _, err := tx.Exec(ctx, "INSERT INTO contest_team_members (team_id, contest_id, member_id, added_at) VALUES (?, ?, ?, ?)", id, c.ID, memberID, now); err != nil {
			return err
		}
		if err := bump(ctx, tx, id, 0, now, ""); err != nil {
			return err
		}
		return auditTeam(ctx, tx, "contest.team_member_add", c, t.orgPath, id, map[string]any{"member": db.FormatID(memberID), "name": t.Name})
	})
	switch {
	case err == errNoChange:
	case db.IsUnique(err):
		return nil, signup.FieldErr("member_id", "contest.team.member_taken")
	case err != nil:
		return nil, wrapErr(err, "contest: add team member")
	}
	return s.Team(ctx, pr, id)
}

// errNoChange ends a transaction that has nothing to do.
var errNoChange = errs.Conflict("no_change", "contest.team.stale")

// RemoveTeamMember takes a member off a team; one not on it is a field
// error.
func (s *Store) RemoveTeamMember(ctx context.Context, pr *auth.Principal, id, memberID int64) (*Team, error) {
	t, c, err := s.writableTeam(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM contest_team_members WHERE team_id = ? AND member_id = ?", id, memberID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return signup.FieldErr("member_id", "contest.team.not_member")
		}
		if err := bump(ctx, tx, id, 0, scope.Millis(s.stamp()), ""); err != nil {
			return err
		}
		return auditTeam(ctx, tx, "contest.team_member_remove", c, t.orgPath, id, map[string]any{"member": db.FormatID(memberID), "name": t.Name})
	})
	if err != nil {
		return nil, wrapErr(err, "contest: remove team member")
	}
	return s.Team(ctx, pr, id)
}

// TeamBoard ranks a contest's teams by score, then members taken, then
// name; ties share a rank. Ranks are over every team of the contest;
// staff of a subtree below the publisher see the rows of their subtrees'
// teams only. Offset and Limit page the rows seen.
func (s *Store) TeamBoard(ctx context.Context, pr *auth.Principal, contestID int64, offset, limit int) ([]TeamRow, int, *TeamRules, error) {
	c, whole, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, 0, nil, err
	}
	r, err := s.teamRules(ctx, s.DB, c.ID)
	if err != nil {
		return nil, 0, nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.name, t.org_id, o.name, o.path, COUNT(tm.member_id), COUNT(r.member_id), COALESCE(SUM(r.score), 0)
		FROM contest_teams t JOIN orgs o ON o.id = t.org_id
		LEFT JOIN contest_team_members tm ON tm.team_id = t.id
		LEFT JOIN contest_results r ON r.contest_id = tm.contest_id AND r.member_id = tm.member_id
		WHERE t.contest_id = ? GROUP BY t.id, t.name, t.org_id, o.name, o.path`, contestID)
	all, err := signup.All(rows, err, "contest: team board", func(sc signup.Scanner) (TeamRow, error) {
		var t TeamRow
		var sum int64
		err := sc.Scan(&t.TeamID, &t.Name, &t.OrgID, &t.OrgName, &t.orgPath, &t.Size, &t.Taken, &sum)
		t.Score = teamScore(r.Scoring, t.Size, sum)
		return t, err
	})
	if err != nil {
		return nil, 0, nil, err
	}
	slices.SortFunc(all, func(a, b TeamRow) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.Taken != b.Taken:
			return b.Taken - a.Taken
		case a.Name != b.Name:
			return strings.Compare(a.Name, b.Name)
		}
		return int(a.TeamID - b.TeamID)
	})
	seen := []TeamRow{}
	for i := range all {
		t := &all[i]
		t.Rank = i + 1
		if i > 0 && t.Score == all[i-1].Score && t.Taken == all[i-1].Taken {
			t.Rank = all[i-1].Rank
		}
		t.Mine = rule.CanRead(pr, t.orgPath)
		if whole || t.Mine {
			seen = append(seen, *t)
		}
	}
	offset = min(max(offset, 0), len(seen))
	return seen[offset:min(offset+scope.PageLimit(limit), len(seen))], len(seen), r, nil
}

// TeamOrg is an organisation that may enter teams.
type TeamOrg struct {
	ID   int64  `json:"id,string"`
	Name string `json:"name"`
}

// TeamOrgs lists the organisations for which the caller may enter teams
// in a contest: where they hold contest.write, within its audience (their
// grant's organisation, or the audience's when the grant is above it).
func (s *Store) TeamOrgs(ctx context.Context, pr *auth.Principal, contestID int64) ([]TeamOrg, error) {
	c, _, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, err
	}
	out := []TeamOrg{}
	seen := map[int64]bool{}
	for _, g := range pr.Grants {
		if !pr.CanAt(auth.PermContestWrite, g.OrgPath) {
			continue
		}
		ch := TeamOrg{ID: g.OrgID, Name: g.OrgName}
		switch {
		case auth.Inside(g.OrgPath, c.AudiencePath):
		case auth.Inside(c.AudiencePath, g.OrgPath):
			ch = TeamOrg{ID: c.AudienceOrgID, Name: c.AudienceOrgName}
		default:
			continue
		}
		if !seen[ch.ID] {
			seen[ch.ID] = true
			out = append(out, ch)
		}
	}
	return out, nil
}
