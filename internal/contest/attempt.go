package contest

import (
	"context"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Attempt statuses.
const (
	AttemptOpen      = "open"
	AttemptSubmitted = "submitted"
)

// Grace is how long after the deadline an answer sent before it may still
// arrive (a phone on a slow network); later ones are refused.
const Grace = 5 * time.Second

// Attempt is one taker's go at a contest's paper.
type Attempt struct {
	ID          int64      `json:"id,string"`
	ContestID   int64      `json:"contest_id,string"`
	MemberID    int64      `json:"-"`
	Number      int        `json:"number"`
	Status      string     `json:"status"`
	StartedAt   time.Time  `json:"started_at"`
	Deadline    *time.Time `json:"deadline,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	Score       int        `json:"score"`
	MaxScore    int        `json:"max_score"`
	Passed      bool       `json:"passed"`
	Pending     int        `json:"pending"` // short answers staff have yet to grade
	Switches    int        `json:"switches"`
	paper       string
	orgPath     string
}

const attemptCols = `id, contest_id, member_id, number, status, started_at, deadline_at, submitted_at, score, max_score, passed, pending, switches, paper, member_org_path`

// attemptColsCached are attemptCols without the paper, for an attempt
// whose paper the process holds decoded.
var attemptColsCached = strings.Replace(attemptCols, "paper,", "'' AS paper,", 1)

func scanAttempt(sc interface{ Scan(...any) error }) (Attempt, error) {
	var a Attempt
	var started, deadline, submitted int64
	var passed int
	err := sc.Scan(&a.ID, &a.ContestID, &a.MemberID, &a.Number, &a.Status, &started, &deadline, &submitted, &a.Score, &a.MaxScore, &passed,
		&a.Pending, &a.Switches, &a.paper, &a.orgPath)
	a.StartedAt, a.Passed = scope.FromMillis(started), passed == 1
	if deadline != 0 {
		t := scope.FromMillis(deadline)
		a.Deadline = &t
	}
	if submitted != 0 {
		t := scope.FromMillis(submitted)
		a.SubmittedAt = &t
	}
	return a, err
}

// TakerQuestion is a question as the taker's phone gets it: no key, no
// explanation, options in the order shown.
type TakerQuestion struct {
	Position int       `json:"position"`
	Section  string    `json:"section"`
	Points   int       `json:"points"`
	Type     bank.Type `json:"type"`
	Stem     string    `json:"stem"`
	Options  []string  `json:"options,omitempty"`
	Blanks   int       `json:"blanks,omitempty"` // fill-in-the-blank: how many
}

// Sheet is an open attempt as the taker resumes it: the paper without its
// key, the answers saved so far, and the time left by the server's clock.
type Sheet struct {
	Attempt   Attempt             `json:"attempt"`
	Title     string              `json:"title"`
	Practice  bool                `json:"practice"`
	Questions []TakerQuestion     `json:"questions"`
	Answers   map[int]bank.Answer `json:"answers"`            // by position
	Remaining int                 `json:"remaining"`          // seconds; -1: no limit
	Feedback  map[int]*Feedback   `json:"feedback,omitempty"` // practice: what each saved answer earned
}

// Feedback is what a practice answer earns at once.
type Feedback struct {
	Credit      bank.Credit `json:"credit"`
	Right       []int       `json:"right,omitempty"` // choices as shown
	Key         string      `json:"key,omitempty"`   // the key in words (true/false, blanks)
	Explanation string      `json:"explanation"`
}

// taker checks that pr is a member in c's audience and answers their
// record.
func (s *Store) taker(ctx context.Context, pr *auth.Principal, c *Contest) (*member.Brief, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contest: take")
	}
	if pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	m, err := s.Members.Brief(ctx, pr.MemberID)
	if err != nil {
		return nil, err
	}
	tags, _ := member.TagBits(c.AudienceTags)
	if m.Status != member.StatusActive || !auth.Inside(m.OrgPath, c.AudiencePath) || tags != 0 && m.Tags&tags == 0 {
		return nil, errs.NotFound("contest")
	}
	return m, nil
}

// Start opens the member's paper: the open attempt if there is one (a
// closed tab or a dropped connection resumes the same paper with the time
// that is left), else a new attempt with a freshly drawn paper while
// attempts remain. Pressing start many times at once, on any number of
// server processes, makes one attempt.
func (s *Store) Start(ctx context.Context, pr *auth.Principal, contestID int64) (*Sheet, error) {
	c, err := load(ctx, s.DB, contestID)
	if err != nil {
		return nil, err
	}
	m, err := s.taker(ctx, pr, c)
	if err != nil {
		return nil, err
	}
	for range 3 {
		now := s.stamp()
		last, err := s.lastAttempt(ctx, contestID, m.ID)
		if err != nil {
			return nil, err
		}
		if last != nil && last.Status == AttemptOpen {
			if last.Deadline == nil || now.Before(*last.Deadline) {
				return s.sheet(ctx, c, last, now)
			}
			if _, err := s.finish(ctx, contestID, last.ID, m.ID); err != nil {
				return nil, err
			}
			continue
		}
		if c.Status != StatusPublished || !c.Open(now) {
			return nil, errs.Conflict("not_open", "contest.not_open")
		}
		number := 1
		if last != nil {
			number = last.Number + 1
		}
		if number > c.Attempts {
			return nil, errs.Conflict("no_attempts_left", "contest.no_attempts_left")
		}
		paper, err := s.draw(ctx, c, rand.New(rand.NewPCG(uint64(db.NewID()), uint64(now.UnixNano()))))
		if err != nil {
			return nil, err
		}
		raw, _ := json.Marshal(paper)
		deadline := c.ClosesAt
		if c.TimeLimit > 0 {
			deadline = minTime(deadline, now.Add(time.Duration(c.TimeLimit)*time.Second))
		}
		id := db.NewID()
		// In a commit shared with the papers opened at the same moment: a
		// duplicate (another press of start) fails alone and resumes theirs.
		err = s.shared(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO attempts (id, contest_id, member_id, member_org_path, number, status, started_at, deadline_at, max_score, paper)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, contestID, m.ID, m.OrgPath, number, AttemptOpen, scope.Millis(now),
				scope.Millis(deadline), c.MaxScore, string(raw))
			return err
		})
		if db.IsUnique(err) {
			continue // another request opened it first: resume theirs
		}
		if err != nil {
			return nil, errs.Internal(err, "contest: start")
		}
	}
	last, err := s.lastAttempt(ctx, contestID, m.ID)
	if err != nil {
		return nil, err
	}
	if last == nil || last.Status != AttemptOpen {
		return nil, errs.Conflict("no_attempts_left", "contest.no_attempts_left")
	}
	return s.sheet(ctx, c, last, s.stamp())
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func (s *Store) lastAttempt(ctx context.Context, contestID, memberID int64) (*Attempt, error) {
	a, err := scanAttempt(s.DB.QueryRow(ctx, "SELECT "+attemptCols+" FROM attempts WHERE contest_id = ? AND member_id = ? ORDER BY number DESC LIMIT 1",
		contestID, memberID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Internal(err, "contest: read attempt")
	}
	return &a, nil
}

// sheet is attempt a of c as its taker resumes it.
func (s *Store) sheet(ctx context.Context, c *Contest, a *Attempt, now time.Time) (*Sheet, error) {
	p, err := s.decodePaper(a.ID, a.paper)
	if err != nil {
		return nil, err
	}
	sh := &Sheet{Attempt: *a, Title: c.Title, Practice: c.Practice, Answers: map[int]bank.Answer{}, Remaining: -1}
	if a.Deadline != nil {
		sh.Remaining = max(int(a.Deadline.Sub(now).Seconds()), 0)
	}
	for i, pq := range p.Questions {
		tq := TakerQuestion{Position: i, Points: pq.Points, Type: pq.Type, Stem: pq.Stem, Options: pq.Options, Blanks: len(pq.Key.Blanks)}
		if pq.Section < len(c.Sections) {
			tq.Section = c.Sections[pq.Section].Title
		}
		sh.Questions = append(sh.Questions, tq)
	}
	answers, err := s.answers(ctx, s.DB, a.ID)
	if err != nil {
		return nil, err
	}
	for pos, ans := range answers {
		sh.Answers[pos] = ans
		if c.Practice && pos < len(p.Questions) {
			if sh.Feedback == nil {
				sh.Feedback = map[int]*Feedback{}
			}
			sh.Feedback[pos] = feedback(&p.Questions[pos], ans, c.PartialCredit)
		}
	}
	return sh, nil
}

type rowsQueryer interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// answers reads an attempt's saved answers by position, as the taker gave
// them (choices as shown).
func (s *Store) answers(ctx context.Context, q rowsQueryer, attemptID int64) (map[int]bank.Answer, error) {
	rows, err := q.Query(ctx, "SELECT position, answer FROM attempt_answers WHERE attempt_id = ?", attemptID)
	if err != nil {
		return nil, errs.Internal(err, "contest: read answers")
	}
	defer rows.Close()
	out := map[int]bank.Answer{}
	for rows.Next() {
		var pos int
		var raw string
		if err := rows.Scan(&pos, &raw); err != nil {
			return nil, errs.Internal(err, "contest: read answers")
		}
		var a bank.Answer
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			return nil, errs.Internal(err, "contest: read answers")
		}
		out[pos] = a
	}
	return out, rows.Err()
}

// feedback is what an answer to pq earns, with the right answer as shown.
func feedback(pq *PaperQuestion, a bank.Answer, partial bool) *Feedback {
	q := pq.question()
	f := &Feedback{Credit: bank.Grade(q, pq.toBank(a), partial), Explanation: pq.Explanation}
	switch pq.Type {
	case bank.Single, bank.Multiple:
		f.Right = pq.shownKey()
	default:
		f.Key = bank.KeyText(q)
	}
	return f
}

// attemptFor reads attempt id of member memberID with its paper: another
// member's attempt is missing.
func (s *Store) attemptFor(ctx context.Context, pr *auth.Principal, id int64) (*Attempt, *Paper, error) {
	if pr == nil {
		return nil, nil, scope.NilPrincipal("contest: attempt")
	}
	// The paper, kilobytes a row, is not read again while this process
	// holds it decoded: a paper never changes once drawn.
	p := s.papers.get(id)
	cols := attemptCols
	if p != nil {
		cols = attemptColsCached
	}
	a, err := scanAttempt(s.DB.QueryRow(ctx, "SELECT "+cols+" FROM attempts WHERE id = ?", id))
	if err == sql.ErrNoRows || err == nil && (pr.Kind != auth.KindMember || a.MemberID != pr.MemberID) {
		return nil, nil, errs.NotFound("attempt")
	}
	if err != nil {
		return nil, nil, errs.Internal(err, "contest: read attempt")
	}
	if p != nil {
		return &a, p, nil
	}
	p, err = s.decodePaper(a.ID, a.paper)
	return &a, p, err
}

// Saved is the answer to one save.
type Saved struct {
	Position int       `json:"position"`
	SavedAt  time.Time `json:"saved_at"`
	Feedback *Feedback `json:"feedback,omitempty"` // practice only
}

// Save keeps the member's answer to the question at position of their
// open attempt, replacing an earlier one; the answer is durable when Save
// returns. Answers after the deadline (and its grace), to questions not
// on the paper, or of the wrong shape are refused.
func (s *Store) Save(ctx context.Context, pr *auth.Principal, attemptID int64, position int, ans bank.Answer) (*Saved, error) {
	a, p, err := s.attemptFor(ctx, pr, attemptID)
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	if a.Status != AttemptOpen {
		return nil, errs.Conflict("submitted", "contest.already_submitted")
	}
	if a.Deadline != nil && now.After(a.Deadline.Add(Grace)) {
		return nil, errs.Conflict("time_up", "contest.time_up")
	}
	if position < 0 || position >= len(p.Questions) {
		return nil, signup.FieldErr("position", "contest.not_on_paper")
	}
	pq := &p.Questions[position]
	inBank := pq.toBank(ans)
	if err := bank.CheckAnswer(pq.question(), &inBank); err != nil {
		return nil, err
	}
	raw, _ := json.Marshal(ans)
	err = s.shared(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO attempt_answers (attempt_id, position, answer, saved_at)
			SELECT id, ?, ?, ? FROM attempts WHERE id = ? AND status = ?`+tx.ForShare()+`
			ON CONFLICT (attempt_id, position) DO UPDATE SET answer = excluded.answer, saved_at = excluded.saved_at`,
			position, string(raw), scope.Millis(now), attemptID, AttemptOpen)
		if err != nil {
			return errs.Internal(err, "contest: save answer")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("submitted", "contest.already_submitted")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &Saved{Position: position, SavedAt: now}
	if r, err := s.feedbackRules(ctx, a.ContestID); err == nil && r.practice {
		out.Feedback = feedback(pq, ans, r.partial)
	}
	return out, nil
}

// Switched records that the taker left the page of an open attempt
// (organisers see the count; nothing is blocked).
func (s *Store) Switched(ctx context.Context, pr *auth.Principal, attemptID int64) error {
	if _, _, err := s.attemptFor(ctx, pr, attemptID); err != nil {
		return err
	}
	return s.shared(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE attempts SET switches = switches + 1 WHERE id = ? AND status = ?", attemptID, AttemptOpen)
		if err != nil {
			return errs.Internal(err, "contest: record switch")
		}
		return nil
	})
}

// feedbackRules are the switches a save needs of its contest.
type feedbackRules struct{ practice, partial bool }

// feedbackRules reads them once per contest and process: the contest of
// an attempt has papers, so they can no longer change.
func (s *Store) feedbackRules(ctx context.Context, contestID int64) (feedbackRules, error) {
	if r, ok := s.feedback.Load(contestID); ok {
		return r.(feedbackRules), nil
	}
	c, err := load(ctx, s.DB, contestID)
	if err != nil {
		return feedbackRules{}, err
	}
	r := feedbackRules{practice: c.Practice, partial: c.PartialCredit}
	s.feedback.Store(contestID, r)
	return r, nil
}
