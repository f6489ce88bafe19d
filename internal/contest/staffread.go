package contest

import (
	"context"
	"database/sql"
	"io"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/sheet"
)

// ReviewQuestion is one question of an attempt as staff review it: what
// the taker answered, the key, what it earned; a short answer shows the
// reference answer and the points staff gave (Graded nil while waiting).
type ReviewQuestion struct {
	Correction
	Graded *int `json:"graded,omitempty"`
}

// Review is one attempt as staff read and grade it.
type Review struct {
	Taken
	Contest   *Contest         `json:"contest"`
	Questions []ReviewQuestion `json:"questions"`
	CanGrade  bool             `json:"can_grade"` // submitted, and the caller runs the contest
}

// Review reads an attempt for staff: of a contest they run, or of one run
// above them when the taker is of their subtrees (View's whole); anything
// else is missing.
func (s *Store) Review(ctx context.Context, pr *auth.Principal, attemptID int64) (*Review, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contest: review")
	}
	var t Taken
	a, err := scanAttempt(scanTail{s.DB.QueryRow(ctx, "SELECT "+prefixed("a.", attemptCols)+`, m.name, o.name FROM attempts a
		JOIN members m ON m.id = a.member_id JOIN orgs o ON o.id = m.org_id WHERE a.id = ?`, attemptID), []any{&t.Name, &t.Union}})
	if err == sql.ErrNoRows {
		return nil, errs.NotFound("attempt")
	}
	if err != nil {
		return nil, errs.Internal(err, "contest: read attempt")
	}
	t.Attempt = a
	c, whole, err := s.View(ctx, pr, a.ContestID)
	if err != nil {
		return nil, err
	}
	if !whole {
		paths, _ := rule.Paths(pr)
		in := false
		for _, p := range paths {
			in = in || auth.Inside(a.orgPath, p)
		}
		if !in {
			return nil, errs.NotFound("attempt")
		}
	}
	p, err := s.decodePaper(a.ID, a.paper)
	if err != nil {
		return nil, err
	}
	answers, err := s.answers(ctx, s.DB, a.ID)
	if err != nil {
		return nil, err
	}
	grades, err := s.grades(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	r := &Review{Taken: t, Contest: c, CanGrade: a.Status == AttemptSubmitted && rule.CanWrite(pr, c.OrgPath)}
	for i := range p.Questions {
		pq := &p.Questions[i]
		got := answers[i]
		fb := feedback(pq, got, c.PartialCredit)
		rq := ReviewQuestion{Correction: Correction{TakerQuestion: TakerQuestion{Position: i, Points: pq.Points, Type: pq.Type, Stem: pq.Stem,
			Options: pq.Options, Blanks: len(pq.Key.Blanks)}, Answer: got, Credit: fb.Credit, Right: fb.Right, Key: fb.Key, Explanation: fb.Explanation}}
		if pq.Section < len(c.Sections) {
			rq.Section = c.Sections[pq.Section].Title
		}
		switch fb.Credit {
		case bank.Right:
			rq.Earned = pq.Points
		case bank.Partial:
			rq.Earned = pq.Points / 2
		}
		if pts, ok := grades[i]; ok {
			rq.Graded, rq.Earned = &pts, pts
		}
		r.Questions = append(r.Questions, rq)
	}
	return r, nil
}

// grades are the points staff gave an attempt's short answers, by position.
func (s *Store) grades(ctx context.Context, attemptID int64) (map[int]int, error) {
	rows, err := s.DB.Query(ctx, "SELECT position, points FROM short_grades WHERE attempt_id = ?", attemptID)
	if err != nil {
		return nil, errs.Internal(err, "contest: read grades")
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var pos, pts int
		if err := rows.Scan(&pos, &pts); err != nil {
			return nil, errs.Internal(err, "contest: read grades")
		}
		out[pos] = pts
	}
	return out, rows.Err()
}

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// ExportBoard writes the board of q's organisation (all of it, up to
// listing.Cap takers) as an .xlsx workbook, within the caller's sight as
// Board reads it.
func (s *Store) ExportBoard(ctx context.Context, pr *auth.Principal, contestID int64, q BoardQuery, tr Translate, out io.Writer) error {
	if _, _, err := s.View(ctx, pr, contestID); err != nil {
		return err
	}
	w, err := sheet.NewWriter(tr("kweb.board.sheet"), []string{tr("kweb.board.rank"), tr("kweb.board.name"), tr("kweb.board.union"),
		tr("kweb.board.score"), tr("kweb.board.duration"), tr("kweb.board.attempts"), tr("kweb.board.passed"), tr("kweb.board.submitted")})
	if err != nil {
		return err
	}
	defer w.Close()
	q.Limit = scope.MaxPage
	for q.Offset = 0; q.Offset < listing.Cap; q.Offset += q.Limit {
		rows, _, err := s.Board(ctx, pr, contestID, q)
		if err != nil {
			return err
		}
		for _, b := range rows {
			passed := tr("kweb.board.no")
			if b.Passed {
				passed = tr("kweb.board.yes")
			}
			secs := b.Duration / 1000
			if err := w.Row(b.Rank, b.Name, b.Union, b.Score, tr("kweb.duration", secs/60, secs%60), b.Attempts, passed, b.SubmittedAt); err != nil {
				return err
			}
		}
		if len(rows) < q.Limit {
			break
		}
	}
	_, err = w.WriteTo(out)
	return err
}
