package contest

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// The phones' side of a live session: a member of the contest's audience
// opens the session by its code, joins (for themself, or for their team),
// and answers the question shown while it is open.

// memberSession reads the session of code for a member of its contest's
// audience; anyone else finds nothing.
func (s *Store) memberSession(ctx context.Context, pr *auth.Principal, code string) (*liveRow, *Contest, *member.Brief, error) {
	if pr == nil {
		return nil, nil, nil, scope.NilPrincipal("contest: live")
	}
	if pr.Kind != auth.KindMember {
		return nil, nil, nil, errs.Forbidden()
	}
	r, err := s.liveByCode(ctx, code)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := load(ctx, s.DB, r.contestID)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := s.taker(ctx, pr, c)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return nil, nil, nil, errs.NotFound("live_session")
		}
		return nil, nil, nil, err
	}
	return r, c, m, nil
}

// LiveMemberState is the session of code as the member's phone shows it,
// read afresh.
func (s *Store) LiveMemberState(ctx context.Context, pr *auth.Principal, code string) (*LiveState, error) {
	r, _, m, err := s.memberSession(ctx, pr, code)
	if err != nil {
		return nil, err
	}
	snap, err := s.liveSnapshot(ctx, r.id)
	if err != nil {
		return nil, err
	}
	st := snap.view(s.stamp(), liveViewer{member: m.ID})
	return &st, nil
}

// LiveJoin joins the member to the session of code: for themself, or in
// team mode for the contest team they are on (a member on no team is
// refused). Joining again changes nothing.
func (s *Store) LiveJoin(ctx context.Context, pr *auth.Principal, code string) (*LiveState, error) {
	r, c, m, err := s.memberSession(ctx, pr, code)
	if err != nil {
		return nil, err
	}
	if r.effective(s.stamp()) == LiveEnded {
		return nil, errs.Conflict("ended", "live.ended")
	}
	pid, name := m.ID, m.Name
	if r.mode == LiveTeams {
		err := s.DB.QueryRow(ctx, `SELECT t.id, t.name FROM contest_team_members tm JOIN contest_teams t ON t.id = tm.team_id
			WHERE tm.contest_id = ? AND tm.member_id = ?`, c.ID, m.ID).Scan(&pid, &name)
		if err == sql.ErrNoRows {
			return nil, errs.Conflict("no_team", "live.no_team")
		}
		if err != nil {
			return nil, errs.Internal(err, "contest: live team")
		}
	}
	now := scope.Millis(s.stamp())
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO live_participants (session_id, id, name, joined_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id, id) DO NOTHING`, r.id, pid, name, now); err != nil {
			return errs.Internal(err, "contest: live join")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO live_members (session_id, member_id, participant_id, joined_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (session_id, member_id) DO NOTHING`, r.id, m.ID, pid, now); err != nil {
			return errs.Internal(err, "contest: live join")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.LiveMemberState(ctx, pr, code)
}

// LiveAnswered is what an answer gets back before the reveal: that it
// counts, not whether it is right.
type LiveAnswered struct {
	Position   int       `json:"position"`
	AnsweredAt time.Time `json:"answered_at"`
	TimeMS     int64     `json:"time_ms"`
}

// LiveAnswer records the member's answer (choices as shown) to the
// question at position, which must be the one shown and still open (its
// closing plus LiveGrace by the server's clock). One answer per
// participant and question: a second one, or a teammate's after the
// team's first, is refused.
func (s *Store) LiveAnswer(ctx context.Context, pr *auth.Principal, code string, position int, ans bank.Answer) (*LiveAnswered, error) {
	r, _, m, err := s.memberSession(ctx, pr, code)
	if err != nil {
		return nil, err
	}
	var pid int64
	err = s.DB.QueryRow(ctx, "SELECT participant_id FROM live_members WHERE session_id = ? AND member_id = ?", r.id, m.ID).Scan(&pid)
	if err == sql.ErrNoRows {
		return nil, errs.Conflict("not_joined", "live.not_joined")
	}
	if err != nil {
		return nil, errs.Internal(err, "contest: live member")
	}
	nowT := s.stamp()
	now := scope.Millis(nowT)
	if r.phase != LiveOpen || position != r.position || now > r.closesAt+LiveGrace.Milliseconds() {
		return nil, errs.Conflict("closed", "live.closed")
	}
	p := &Paper{}
	if err := json.Unmarshal([]byte(r.paper), p); err != nil || position < 0 || position >= len(p.Questions) {
		return nil, errs.Internal(err, "contest: read live paper")
	}
	pq := &p.Questions[position]
	if ans.Empty() {
		return nil, signup.FieldErr("answer", "live.answer_empty")
	}
	inBank := pq.toBank(ans)
	if err := bank.CheckAnswer(pq.question(), &inBank); err != nil {
		return nil, err
	}
	credit := bank.Grade(pq.question(), inBank, r.partial)
	points := 0
	switch credit {
	case bank.Right:
		points = pq.Points + liveBonus(r, pq.Points, now)
	case bank.Partial:
		points = pq.Points / 2
	}
	took := max(now-r.openedAt, 0)
	raw, _ := json.Marshal(ans)
	err = s.shared(ctx, func(tx *db.Tx) error {
		// The session row is read under a shared lock: a host's step that
		// closes or moves the question waits for the answers in flight, and
		// an answer after it finds no row to insert from.
		res, err := tx.Exec(ctx, `INSERT INTO live_answers (session_id, position, participant_id, member_id, answer, credit, points, time_ms, answered_at)
			SELECT id, ?, ?, ?, ?, ?, ?, ?, ? FROM live_sessions WHERE id = ? AND phase = ? AND position = ? AND closes_at >= ?`+tx.ForShare(),
			position, pid, m.ID, string(raw), int(credit), points, took, now, r.id, LiveOpen, position, now-LiveGrace.Milliseconds())
		if err != nil {
			// A duplicate aborts the shared commit (PostgreSQL): the
			// others run again alone, and this one is refused below.
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("closed", "live.closed")
		}
		return nil
	})
	if db.IsUnique(err) {
		if r.mode == LiveTeams {
			return nil, errs.Conflict("answered", "live.team_answered")
		}
		return nil, errs.Conflict("answered", "live.answered")
	}
	if err != nil {
		return nil, wrapErr(err, "contest: live answer")
	}
	return &LiveAnswered{Position: position, AnsweredAt: scope.FromMillis(now), TimeMS: took}, nil
}

// liveBonus is a right answer's speed bonus at now (see live.go).
func liveBonus(r *liveRow, points int, now int64) int {
	if !r.bonus || r.seconds <= 0 {
		return 0
	}
	allowed := int64(r.seconds) * 1000
	left := min(max(r.openedAt+allowed-now, 0), allowed)
	return int(int64(points) * left / allowed / 2)
}
