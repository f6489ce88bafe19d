package contest

import (
	"context"
	"database/sql"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
)

// Reads for the members' pages (internal/web/contests): one contest as a
// member sees it with their attempts, and an attempt's paper or contest by
// the attempt's id. Each answers NotFound for what is not the member's.

// Standing is one contest open to a member with where they stand in it
// (as ForMember lists it) and their attempts, newest first.
type Standing struct {
	Listed
	Attempts []Attempt `json:"attempts"`
}

// ForMemberOne reads a published contest whose audience includes the
// member, with their attempts.
func (s *Store) ForMemberOne(ctx context.Context, pr *auth.Principal, contestID int64) (*Standing, error) {
	c, err := load(ctx, s.DB, contestID)
	if err != nil {
		return nil, err
	}
	m, err := s.taker(ctx, pr, c)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusPublished {
		return nil, errs.NotFound("contest")
	}
	out := &Standing{Listed: Listed{Contest: *c}, Attempts: []Attempt{}}
	rows, err := s.DB.Query(ctx, "SELECT "+attemptCols+" FROM attempts WHERE contest_id = ? AND member_id = ? ORDER BY number DESC", c.ID, m.ID)
	if err != nil {
		return nil, errs.Internal(err, "contest: member attempts")
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, errs.Internal(err, "contest: member attempts")
		}
		a.paper = ""
		out.Attempts = append(out.Attempts, a)
		out.Used++
		if a.Status == AttemptOpen {
			out.Open = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "contest: member attempts")
	}
	var best, passed sql.NullInt64
	err = s.DB.QueryRow(ctx, "SELECT score, passed FROM contest_results WHERE contest_id = ? AND member_id = ?", c.ID, m.ID).Scan(&best, &passed)
	if err != nil && err != sql.ErrNoRows {
		return nil, errs.Internal(err, "contest: member standing")
	}
	if best.Valid {
		v := int(best.Int64)
		out.Best = &v
	}
	out.Passed = passed.Int64 == 1
	out.CanStart = c.Open(s.stamp()) && (out.Open || out.Used < c.Attempts)
	return out, nil
}

// Paper reads the member's attempt as its taker resumes it (the sheet
// Start answers), open or not, with its contest; unlike Start it never
// opens another attempt.
func (s *Store) Paper(ctx context.Context, pr *auth.Principal, attemptID int64) (*Sheet, *Contest, error) {
	a, _, err := s.attemptFor(ctx, pr, attemptID)
	if err != nil {
		return nil, nil, err
	}
	c, err := load(ctx, s.DB, a.ContestID)
	if err != nil {
		return nil, nil, err
	}
	sh, err := s.sheet(ctx, c, a, s.stamp())
	if err != nil {
		return nil, nil, err
	}
	return sh, c, nil
}

// AttemptContest reads the contest of the member's attempt.
func (s *Store) AttemptContest(ctx context.Context, pr *auth.Principal, attemptID int64) (*Contest, error) {
	a, _, err := s.attemptFor(ctx, pr, attemptID)
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, a.ContestID)
}

// shortGrades reads the points staff gave the short answers of an
// attempt, by position.
func (s *Store) shortGrades(ctx context.Context, attemptID int64) (map[int]int, error) {
	rows, err := s.DB.Query(ctx, "SELECT position, points FROM short_grades WHERE attempt_id = ?", attemptID)
	if err != nil {
		return nil, errs.Internal(err, "contest: read grades")
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var pos, points int
		if err := rows.Scan(&pos, &points); err != nil {
			return nil, errs.Internal(err, "contest: read grades")
		}
		out[pos] = points
	}
	return out, rows.Err()
}
