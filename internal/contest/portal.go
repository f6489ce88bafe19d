package contest

import (
	"context"
	"database/sql"
	"gonghui/internal/audit"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
	"gonghui/internal/stats"
)

// Listed is a contest open to a member, with where they stand in it.
type Listed struct {
	Contest
	Used     int  `json:"attempts_used"`
	Open     bool `json:"attempt_open"` // an attempt waits to be resumed
	Best     *int `json:"best_score,omitempty"`
	Passed   bool `json:"passed"`
	CanStart bool `json:"can_start"`
}

// ForMember lists the published contests whose audience includes the
// member (their union or one above it, and their tags), open or closing
// within the last 30 days, soonest closing first.
func (s *Store) ForMember(ctx context.Context, pr *auth.Principal) ([]Listed, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	m, paths, err := signup.Reach(ctx, s.Members, pr.MemberID)
	if err != nil || len(paths) == 0 {
		return []Listed{}, err
	}
	now := s.stamp()
	args := append([]any{StatusPublished, scope.Millis(now.AddDate(0, 0, -30))}, paths...)
	rows, err := s.DB.Query(ctx, "SELECT "+contestCols+contestFrom+` WHERE c.status = ? AND c.closes_at > ? AND c.audience_path IN (`+
		db.Placeholders(len(paths))+`) ORDER BY c.closes_at, c.id LIMIT 100`, args...)
	all, err := signup.All(rows, err, "contest: member list", func(sc signup.Scanner) (Contest, error) { return scanContest(sc) })
	if err != nil {
		return nil, err
	}
	out := []Listed{}
	for _, c := range all {
		tags, _ := member.TagBits(c.AudienceTags)
		if tags != 0 && m.Tags&tags == 0 {
			continue
		}
		l := Listed{Contest: c}
		var best, passed sql.NullInt64
		err := s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.status = ? THEN 1 ELSE 0 END), 0),
			(SELECT score FROM contest_results r WHERE r.contest_id = ? AND r.member_id = ?),
			(SELECT passed FROM contest_results r WHERE r.contest_id = ? AND r.member_id = ?)
			FROM attempts a WHERE a.contest_id = ? AND a.member_id = ?`,
			AttemptOpen, c.ID, m.ID, c.ID, m.ID, c.ID, m.ID).Scan(&l.Used, &l.Open, &best, &passed)
		if err != nil {
			return nil, errs.Internal(err, "contest: member standing")
		}
		if best.Valid {
			v := int(best.Int64)
			l.Best = &v
		}
		l.Passed = passed.Int64 == 1
		l.CanStart = c.Open(now) && (l.Open || l.Used < c.Attempts)
		out = append(out, l)
	}
	return out, nil
}

// Taken is one attempt as organisers see it.
type Taken struct {
	Attempt
	Name  string `json:"name"`
	Union string `json:"union"`
}

// AttemptQuery filters the attempts of a contest.
type AttemptQuery struct {
	Org     int64  // the takers' subtree (0: all the caller may see)
	Status  string // open, submitted; "" both
	Pending bool   // only those with short answers to grade
	Offset  int
	Limit   int
}

// Attempts lists a contest's attempts within the caller's sight, newest
// first: who, when, score, and how often they switched away.
func (s *Store) Attempts(ctx context.Context, pr *auth.Principal, contestID int64, q AttemptQuery) ([]Taken, listing.Total, error) {
	_, whole, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, listing.Total{}, err
	}
	where, args := []string{"a.contest_id = ?"}, []any{contestID}
	var paths []string
	if !whole {
		paths, _ = rule.Paths(pr)
	}
	if q.Org != 0 {
		path, ok, err := signup.OrgPath(ctx, s.DB, q.Org)
		if err != nil {
			return nil, listing.Total{}, err
		}
		inSight := whole
		for _, p := range paths {
			inSight = inSight || auth.Inside(path, p)
		}
		if !ok || !inSight {
			return nil, listing.Total{}, signup.FieldErr("org", "field.invalid_id")
		}
		paths = []string{path}
	}
	if len(paths) > 0 {
		in, more := scope.SQL("a.member_org_path", paths)
		where, args = append(where, in), append(args, more...)
	}
	switch q.Status {
	case "":
	case AttemptOpen, AttemptSubmitted:
		where, args = append(where, "a.status = ?"), append(args, q.Status)
	default:
		return nil, listing.Total{}, signup.FieldErr("status", "field.invalid_choice")
	}
	if q.Pending {
		where = append(where, "a.pending > 0")
	}
	total, err := listing.Count(ctx, s.DB, 0, "FROM attempts a", where, args)
	if err != nil {
		return nil, total, err
	}
	limit, offset := scope.PageLimit(q.Limit), min(max(q.Offset, 0), listing.Cap)
	rows, err := s.DB.Query(ctx, "SELECT "+prefixed("a.", attemptCols)+`, m.name, o.name FROM attempts a JOIN members m ON m.id = a.member_id
		JOIN orgs o ON o.id = m.org_id WHERE `+strings.Join(where, " AND ")+` ORDER BY a.started_at DESC, a.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	out, err := signup.All(rows, err, "contest: attempts", func(sc signup.Scanner) (Taken, error) {
		var t Taken
		a, err := scanAttempt(scanTail{sc, []any{&t.Name, &t.Union}})
		t.Attempt = a
		return t, err
	})
	return out, total, err
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// scanTail scans a row's leading columns into the caller's targets and the
// rest into tail.
type scanTail struct {
	sc   signup.Scanner
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.tail...)...) }

// GradeShort gives the points staff award a short answer (0 to the
// question's points) on a submitted attempt of a contest they run; once
// none is left to grade the attempt's pass is decided and its result
// counted again.
func (s *Store) GradeShort(ctx context.Context, pr *auth.Principal, attemptID int64, position, points int) (*Attempt, error) {
	var out *Attempt
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRows(ctx, "SELECT id FROM attempts WHERE id = ?", attemptID); err != nil {
			return errs.Internal(err, "contest: lock attempt")
		}
		a, err := scanAttempt(tx.QueryRow(ctx, "SELECT "+attemptCols+" FROM attempts WHERE id = ?", attemptID))
		if err == sql.ErrNoRows {
			return errs.NotFound("attempt")
		}
		if err != nil {
			return errs.Internal(err, "contest: read attempt")
		}
		c, err := load(ctx, tx, a.ContestID)
		if err != nil {
			return err
		}
		if err := rule.Writable(pr, c.OrgPath); err != nil {
			return err
		}
		if a.Status != AttemptSubmitted {
			return errs.Conflict("not_submitted", "contest.not_submitted")
		}
		p, err := s.decodePaper(a.ID, a.paper)
		if err != nil {
			return err
		}
		if position < 0 || position >= len(p.Questions) || p.Questions[position].Type != bank.Short {
			return signup.FieldErr("position", "contest.not_short")
		}
		pq := p.Questions[position]
		if points < 0 || points > pq.Points {
			return signup.FieldErr("points", "field.out_of_range", 0, pq.Points)
		}
		res, err := tx.Exec(ctx, `INSERT INTO short_grades (attempt_id, position, points, graded_by, graded_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (attempt_id, position) DO NOTHING`, a.ID, position, points, pr.UserID, scope.Millis(s.stamp()))
		if err != nil {
			return errs.Internal(err, "contest: grade")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("graded", "contest.already_graded")
		}
		a.Score += points
		a.Pending--
		a.Passed = a.Pending == 0 && a.Score >= c.PassMark
		if _, err := tx.Exec(ctx, "UPDATE attempts SET score = ?, pending = ?, passed = ? WHERE id = ?", a.Score, a.Pending, boolInt(a.Passed), a.ID); err != nil {
			return errs.Internal(err, "contest: grade")
		}
		if err := s.recount(ctx, tx, c, &a); err != nil {
			return err
		}
		out = &a
		return auditGrade(ctx, tx, c, &a, position, points)
	})
	return out, err
}

// recount puts a graded attempt's new score on the board: it becomes the
// member's counting attempt if it is, or updates it if it was.
func (s *Store) recount(ctx context.Context, tx *db.Tx, c *Contest, a *Attempt) error {
	var counted, first int64
	var passed, score int
	var path string
	err := tx.QueryRow(ctx, "SELECT attempt_id, passed, score, first_at, member_org_path FROM contest_results WHERE contest_id = ? AND member_id = ?",
		c.ID, a.MemberID).Scan(&counted, &passed, &score, &first, &path)
	if err != nil {
		return errs.Internal(err, "contest: read result")
	}
	if counted == a.ID {
		_, err = tx.Exec(ctx, "UPDATE contest_results SET score = ?, passed = ? WHERE contest_id = ? AND member_id = ?", a.Score, boolInt(a.Passed), c.ID, a.MemberID)
		if err != nil {
			return errs.Internal(err, "contest: count result")
		}
		var changes []stats.Change
		if a.Passed != (passed == 1) {
			changes = passedChanges(path, scope.FromMillis(first), a.Passed)
		}
		return stats.Log(ctx, tx, append(changes, entryChanges(c.ID, path, entry{true, passed == 1, score}, entry{true, a.Passed, a.Score})...)...)
	}
	at := time.Now()
	if a.SubmittedAt != nil {
		at = *a.SubmittedAt
	}
	changes, err := s.count(ctx, tx, c, a, at)
	if err != nil {
		return err
	}
	return stats.Log(ctx, tx, changes...)
}

func auditGrade(ctx context.Context, tx *db.Tx, c *Contest, a *Attempt, position, points int) error {
	return audit.Record(ctx, tx, audit.Event{Action: "contest.grade", Entity: "contest", EntityID: db.FormatID(c.ID), OrgPath: c.OrgPath,
		After: map[string]any{"attempt": db.FormatID(a.ID), "question": position + 1, "points": points, "score": a.Score}})
}
