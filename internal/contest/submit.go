package contest

import (
	"context"
	"database/sql"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// Correction is one question of a submitted paper as the taker may review
// it: their answer, the right one (as shown), what it earned.
type Correction struct {
	TakerQuestion
	Answer      bank.Answer `json:"answer"`
	Credit      bank.Credit `json:"credit"`
	Earned      int         `json:"earned"`
	Graded      bool        `json:"graded,omitempty"` // a short answer staff have graded (Earned is their points)
	Right       []int       `json:"right,omitempty"`
	Key         string      `json:"key,omitempty"`
	Explanation string      `json:"explanation"`
}

// Result is a submitted attempt as its taker sees it.
type Result struct {
	Attempt     Attempt      `json:"attempt"`
	Title       string       `json:"title"`
	PassMark    int          `json:"pass_mark"`
	Rank        int          `json:"rank"`   // among everyone's counting attempts (see rank.go); 0 in practice
	Takers      int          `json:"takers"` // who have submitted
	Counting    bool         `json:"counting"`
	Corrections []Correction `json:"corrections,omitempty"` // when the organiser shows them
}

// Submit hands in the member's open attempt and answers its result.
// Submitting again (a double tap, a retry after a dropped connection)
// answers the same result; only the first grades. After the deadline the
// answers saved until then are graded.
func (s *Store) Submit(ctx context.Context, pr *auth.Principal, attemptID int64) (*Result, error) {
	a, p, err := s.attemptFor(ctx, pr, attemptID)
	if err != nil {
		return nil, err
	}
	if a.Status == AttemptOpen {
		done, err := s.finish(ctx, a.ContestID, attemptID, a.MemberID)
		if err != nil {
			return nil, err
		}
		if done != nil {
			// This call handed it in: the result from what it wrote.
			return s.result(ctx, done.c, &done.a, p)
		}
	}
	return s.Result(ctx, pr, attemptID)
}

// finished is an attempt as the submission that closed it left it.
type finished struct {
	a Attempt
	c *Contest
}

// finish grades and closes an open attempt of memberID, under its row's
// lock, in a commit shared with the submissions arriving at the same
// moment; an attempt already closed is left as it is.
func (s *Store) finish(ctx context.Context, contestID, attemptID, memberID int64) (*finished, error) {
	// Read before the write: what grading uses of the contest (scoring,
	// pass mark, counting) cannot change once a paper is out.
	c, err := load(ctx, s.DB, contestID)
	if err != nil {
		return nil, err
	}
	var done *finished
	err = s.shared(ctx, func(tx *db.Tx) error {
		done = nil
		// Locked and read in one round trip.
		a, err := scanAttempt(tx.QueryRow(ctx, "SELECT "+attemptCols+" FROM attempts WHERE id = ?"+tx.ForUpdate(), attemptID))
		if err != nil {
			return errs.Internal(err, "contest: read attempt")
		}
		if a.Status != AttemptOpen || a.MemberID != memberID || a.ContestID != c.ID {
			return nil
		}
		p, err := s.decodePaper(a.ID, a.paper)
		if err != nil {
			return err
		}
		answers, err := s.answers(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		score, pending := 0, 0
		for i := range p.Questions {
			pq := &p.Questions[i]
			got, answered := answers[i]
			if !answered || got.Empty() {
				continue // a cleared answer is no answer: nothing for staff to grade
			}
			switch bank.Grade(pq.question(), pq.toBank(got), c.PartialCredit) {
			case bank.Right:
				score += pq.Points
			case bank.Partial:
				score += pq.Points / 2
			case bank.Manual:
				pending++
			}
		}
		now := s.stamp()
		at := now
		if a.Deadline != nil && at.After(*a.Deadline) {
			at = *a.Deadline
		}
		passed := score >= c.PassMark && pending == 0
		_, err = tx.Exec(ctx, "UPDATE attempts SET status = ?, submitted_at = ?, score = ?, passed = ?, pending = ? WHERE id = ?",
			AttemptSubmitted, scope.Millis(at), score, boolInt(passed), pending, a.ID)
		if err != nil {
			return errs.Internal(err, "contest: submit")
		}
		a.Score, a.Passed, a.Pending, a.Status, a.SubmittedAt = score, passed, pending, AttemptSubmitted, &at
		changes, err := s.count(ctx, tx, c, &a, at)
		if err != nil {
			return err
		}
		// One insert into the log for all a submission's figures.
		if err := stats.Log(ctx, tx, append(changes, paperChanges(a.orgPath, at)...)...); err != nil {
			return err
		}
		done = &finished{a: a, c: c}
		return nil
	})
	return done, err
}

// count makes a the member's counting attempt if it is (their best, or
// their last, as c says), in the submission's transaction, and answers
// what that changes in the figures, for the caller to log.
func (s *Store) count(ctx context.Context, tx *db.Tx, c *Contest, a *Attempt, at time.Time) ([]stats.Change, error) {
	duration := at.Sub(a.StartedAt).Milliseconds()
	var score, passed int
	var took, first int64
	var path string
	err := tx.QueryRow(ctx, "SELECT score, duration_ms, passed, first_at, member_org_path FROM contest_results WHERE contest_id = ? AND member_id = ?",
		c.ID, a.MemberID).Scan(&score, &took, &passed, &first, &path)
	replace := err == nil && (c.Counting == CountLast || a.Score > score || a.Score == score && duration < took)
	var changes []stats.Change
	switch {
	case err == sql.ErrNoRows:
		_, err = tx.Exec(ctx, `INSERT INTO contest_results (contest_id, member_id, member_org_path, attempt_id, score, duration_ms, passed, attempts, submitted_at, first_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, a.MemberID, a.orgPath, a.ID, a.Score, duration, boolInt(a.Passed), a.Number, scope.Millis(at), scope.Millis(at))
		changes = append(takerChanges(a.orgPath, at, a.Passed), entryChanges(c.ID, a.orgPath, entry{}, entry{true, a.Passed, a.Score})...)
	case err != nil:
	case replace:
		_, err = tx.Exec(ctx, `UPDATE contest_results SET attempt_id = ?, score = ?, duration_ms = ?, passed = ?, submitted_at = ?,
			attempts = CASE WHEN attempts < ? THEN ? ELSE attempts END WHERE contest_id = ? AND member_id = ?`,
			a.ID, a.Score, duration, boolInt(a.Passed), scope.Millis(at), a.Number, a.Number, c.ID, a.MemberID)
		if a.Passed != (passed == 1) {
			changes = passedChanges(path, scope.FromMillis(first), a.Passed)
		}
		changes = append(changes, entryChanges(c.ID, path, entry{true, passed == 1, score}, entry{true, a.Passed, a.Score})...)
	default:
		_, err = tx.Exec(ctx, "UPDATE contest_results SET attempts = CASE WHEN attempts < ? THEN ? ELSE attempts END WHERE contest_id = ? AND member_id = ?",
			a.Number, a.Number, c.ID, a.MemberID)
	}
	if err != nil {
		return nil, errs.Internal(err, "contest: count result")
	}
	return changes, nil
}

// Result reads a member's attempt: while open, its state; once submitted,
// the score, the rank among everyone's counting attempts and, when the
// organiser allows (or in practice), the corrections.
func (s *Store) Result(ctx context.Context, pr *auth.Principal, attemptID int64) (*Result, error) {
	a, p, err := s.attemptFor(ctx, pr, attemptID)
	if err != nil {
		return nil, err
	}
	if a.Status == AttemptOpen && a.Deadline != nil && s.stamp().After(a.Deadline.Add(Grace)) {
		// Time ran out with nobody pressing submit: the answers saved count.
		if _, err := s.finish(ctx, a.ContestID, a.ID, a.MemberID); err != nil {
			return nil, err
		}
		if a, p, err = s.attemptFor(ctx, pr, attemptID); err != nil {
			return nil, err
		}
	}
	c, err := load(ctx, s.DB, a.ContestID)
	if err != nil {
		return nil, err
	}
	return s.result(ctx, c, a, p)
}

// result is attempt a of c, with paper p, as its taker sees it.
func (s *Store) result(ctx context.Context, c *Contest, a *Attempt, p *Paper) (*Result, error) {
	r := &Result{Attempt: *a, Title: c.Title, PassMark: c.PassMark}
	if a.Status != AttemptSubmitted {
		return r, nil
	}
	var counted int64
	var score int
	var took int64
	err := s.DB.QueryRow(ctx, "SELECT attempt_id, score, duration_ms FROM contest_results WHERE contest_id = ? AND member_id = ?", c.ID, a.MemberID).
		Scan(&counted, &score, &took)
	if err != nil {
		return nil, errs.Internal(err, "contest: read result")
	}
	r.Counting = counted == a.ID
	if r.Rank, r.Takers, err = s.rank(ctx, c.ID, score, took); err != nil {
		return nil, err
	}
	if c.Practice {
		r.Rank = 0
	}
	if c.ShowCorrections || c.Practice {
		answers, err := s.answers(ctx, s.DB, a.ID)
		if err != nil {
			return nil, err
		}
		sh, err := s.sheet(ctx, c, a, s.stamp())
		if err != nil {
			return nil, err
		}
		grades, err := s.shortGrades(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for i := range p.Questions {
			pq := &p.Questions[i]
			got := answers[i]
			fb := feedback(pq, got, c.PartialCredit)
			earned := 0
			switch fb.Credit {
			case bank.Right:
				earned = pq.Points
			case bank.Partial:
				earned = pq.Points / 2
			}
			points, graded := grades[i]
			if graded {
				earned = points
			}
			r.Corrections = append(r.Corrections, Correction{TakerQuestion: sh.Questions[i], Answer: got, Credit: fb.Credit, Earned: earned,
				Graded: graded, Right: fb.Right, Key: fb.Key, Explanation: fb.Explanation})
		}
	}
	return r, nil
}

// FinishExpired closes up to limit open attempts whose deadline (and its
// grace) passed before now, grading the answers saved by then; it answers
// how many it closed. Safe on every process at once.
func (s *Store) FinishExpired(ctx context.Context, limit int) (int, error) {
	cut := scope.Millis(s.stamp().Add(-Grace))
	rows, err := s.DB.Query(ctx, "SELECT id, member_id, contest_id FROM attempts WHERE status = ? AND deadline_at > 0 AND deadline_at < ? LIMIT ?", AttemptOpen, cut, limit)
	if err != nil {
		return 0, errs.Internal(err, "contest: expired attempts")
	}
	type due struct{ id, member, contest int64 }
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.member, &d.contest); err != nil {
			rows.Close()
			return 0, errs.Internal(err, "contest: expired attempts")
		}
		list = append(list, d)
	}
	rows.Close()
	n := 0
	for _, d := range list {
		done, err := s.finish(ctx, d.contest, d.id, d.member)
		if err != nil {
			return n, err
		}
		if done != nil {
			n++
		}
	}
	return n, nil
}
