package congress

import (
	"context"
	"slices"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Motion is a motion (提案) filed by a delegate. Motions are signed: staff
// and the session's delegates see who filed them.
type Motion struct {
	ID            int64        `json:"id,string"`
	SessionID     int64        `json:"session_id,string"`
	Term          int          `json:"term"`
	Meeting       int          `json:"meeting"`
	EmployerName  string       `json:"employer_name"`
	OrgName       string       `json:"org_name"`
	MemberID      int64        `json:"member_id,string"` // the delegate who filed it
	Submitter     string       `json:"submitter"`
	Title         string       `json:"title"`
	Reason        string       `json:"reason"`   // 案由
	Proposal      string       `json:"proposal"` // 建议措施
	Status        MotionStatus `json:"status"`
	Seconds       int          `json:"seconds"`
	SecondsNeeded int          `json:"seconds_needed"`
	EnteredBy     string       `json:"entered_by,omitempty"` // staff who entered it on the delegate's behalf
	ReviewNote    string       `json:"review_note"`
	Handler       string       `json:"handler"`
	DueOn         string       `json:"due_on"`
	Overdue       bool         `json:"overdue"`
	Answer        string       `json:"answer"`
	FirstAnswer   string       `json:"first_answer,omitempty"` // the earlier answer, when answered again
	Answers       int          `json:"answers"`
	Rating        Rating       `json:"rating,omitempty"`
	FirstRating   Rating       `json:"first_rating,omitempty"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	ReviewedAt    *time.Time   `json:"reviewed_at,omitempty"`
	AnsweredAt    *time.Time   `json:"answered_at,omitempty"`
	Version       int          `json:"version"`
	UpdatedAt     time.Time    `json:"updated_at"`

	path          string
	sessionStatus SessionStatus
}

// OrgPath is the path of the union owning the motion's session.
func (m *Motion) OrgPath() string { return m.path }

// MotionInput is a motion as its delegate (or staff on their behalf) files
// it.
type MotionInput struct {
	MemberID int64  `json:"member_id,string"` // staff entering it: the delegate; ignored for a member
	Title    string `json:"title"`
	Reason   string `json:"reason"`
	Proposal string `json:"proposal"`
}

func (in *MotionInput) validate() errs.Fields {
	f := errs.Fields{}
	checkText(f, "title", &in.Title, 1, MaxTitle, true)
	checkText(f, "reason", &in.Reason, MinMotion, MaxText, false)
	checkText(f, "proposal", &in.Proposal, MinMotion, MaxText, false)
	return f
}

const motionCols = `m.id, m.session_id, s.term, s.meeting, s.status, s.seconds_needed, e.name, o.name, o.path, m.member_id, mm.name,
	m.title, m.reason, m.proposal, m.status, m.seconds, m.entered_by_name, m.review_note, m.handler, m.due_on, m.answer, m.first_answer,
	m.answers, m.rating, m.first_rating, m.submitted_at, m.reviewed_at, m.answered_at, m.version, m.updated_at`

const motionFrom = ` FROM congress_motions m JOIN congress_sessions s ON s.id = m.session_id JOIN orgs o ON o.id = s.org_id
	JOIN employers e ON e.id = s.employer_id JOIN members mm ON mm.id = m.member_id`

func (s *Store) today() string { return beijing.Day(s.now()) }

func scanMotion(today string) func(signup.Scanner) (Motion, error) {
	return func(sc signup.Scanner) (Motion, error) {
		var m Motion
		var submitted, reviewed, answered, updated int64
		err := sc.Scan(&m.ID, &m.SessionID, &m.Term, &m.Meeting, &m.sessionStatus, &m.SecondsNeeded, &m.EmployerName, &m.OrgName, &m.path,
			&m.MemberID, &m.Submitter, &m.Title, &m.Reason, &m.Proposal, &m.Status, &m.Seconds, &m.EnteredBy, &m.ReviewNote, &m.Handler, &m.DueOn,
			&m.Answer, &m.FirstAnswer, &m.Answers, &m.Rating, &m.FirstRating, &submitted, &reviewed, &answered, &m.Version, &updated)
		m.SubmittedAt, m.UpdatedAt = scope.FromMillis(submitted), scope.FromMillis(updated)
		if reviewed != 0 {
			t := scope.FromMillis(reviewed)
			m.ReviewedAt = &t
		}
		if answered != 0 {
			t := scope.FromMillis(answered)
			m.AnsweredAt = &t
		}
		m.Overdue = m.Status == MotionAssigned && m.DueOn != "" && m.DueOn < today
		return m, err
	}
}

func (s *Store) loadMotion(ctx context.Context, q signup.Queryer, id int64, lock string) (*Motion, error) {
	return signup.One(q.QueryRow(ctx, "SELECT "+motionCols+motionFrom+" WHERE m.id = ?"+lock, id), "motion", "congress: read motion", scanMotion(s.today()))
}

// isDelegate reports whether member is a delegate of session.
func isDelegate(ctx context.Context, q signup.Queryer, sessionID, memberID int64) (bool, error) {
	var n int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM congress_delegates WHERE session_id = ? AND member_id = ?", sessionID, memberID).Scan(&n); err != nil {
		return false, errs.Internal(err, "congress: delegate")
	}
	return n > 0, nil
}

// Submit files a motion at a session that is not closed: a delegate from
// their phone, or staff (congress.write at the session's union) on a
// delegate's behalf (MemberID). It waits for SecondsNeeded other delegates
// to second it, or goes to review at once when none are needed.
func (s *Store) Submit(ctx context.Context, pr *auth.Principal, sessionID int64, in MotionInput) (*Motion, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("congress: submit")
	}
	f := in.validate()
	staff := pr.Kind != auth.KindMember
	if staff {
		f.Check(in.MemberID != 0, "member_id", "field.required")
	} else {
		in.MemberID = pr.MemberID
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Motion
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var ses *Session
		var err error
		if staff {
			ses, err = s.lockSession(ctx, tx, pr, sessionID)
		} else {
			ses, err = loadSession(ctx, tx, sessionID, tx.ForShare())
		}
		if err != nil {
			return err
		}
		ok, err := isDelegate(ctx, tx, sessionID, in.MemberID)
		if err != nil {
			return err
		}
		if !ok {
			if !staff {
				return errs.NotFound("congress") // a member sees only their own sessions
			}
			f.Add("member_id", "congress.not_delegate")
			return f.Err()
		}
		if ses.Status == SessionClosed {
			return errStatus()
		}
		now := s.stamp()
		status := MotionSeconding
		if ses.SecondsNeeded == 0 {
			status = MotionReview
		}
		id := db.NewID()
		var by any
		byName := ""
		if staff {
			by, byName = pr.UserID, staffName(pr)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO congress_motions (id, session_id, member_id, title, reason, proposal, status, entered_by, entered_by_name,
			submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, sessionID, in.MemberID, in.Title, in.Reason, in.Proposal, status,
			by, byName, scope.Millis(now), scope.Millis(now)); err != nil {
			return errs.Internal(err, "congress: submit")
		}
		if err := logFigure(ctx, tx, ses.path, StatMotions, monthOf(now), 1); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "congress.motion_submit", Entity: "congress_motion", EntityID: db.FormatID(id), OrgPath: ses.path,
			After: map[string]any{"title": in.Title, "delegate": db.FormatID(in.MemberID), "entered_by_staff": staff}}); err != nil {
			return err
		}
		out, err = s.loadMotion(ctx, tx, id, "")
		return err
	})
	return out, err
}

// Second adds the calling delegate's second (附议) to another delegate's
// motion of their session, once: the motion row's lock orders seconds of
// one motion, the primary key of congress_seconds refuses a second one by
// the same delegate from any process. The motion goes to review when it
// has enough.
func (s *Store) Second(ctx context.Context, pr *auth.Principal, id int64) (*Motion, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("motion")
	}
	var out *Motion
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.loadMotion(ctx, tx, id, tx.ForUpdateOf("m"))
		if err != nil {
			return err
		}
		ok, err := isDelegate(ctx, tx, m.SessionID, pr.MemberID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.NotFound("motion")
		}
		if m.MemberID == pr.MemberID {
			return errs.Conflict("own_motion", "congress.second_own")
		}
		if m.sessionStatus == SessionClosed || (m.Status != MotionSeconding && m.Status != MotionReview) {
			return errStatus()
		}
		now := s.stamp()
		_, err = tx.Exec(ctx, "INSERT INTO congress_seconds (motion_id, member_id, created_at) VALUES (?, ?, ?)", id, pr.MemberID, scope.Millis(now))
		if db.IsUnique(err) {
			return errs.Conflict("already_seconded", "congress.already_seconded")
		}
		if err != nil {
			return errs.Internal(err, "congress: second")
		}
		m.Seconds++
		if m.Status == MotionSeconding && m.Seconds >= m.SecondsNeeded {
			m.Status = MotionReview
		}
		if err := s.saveMotion(ctx, tx, m, now); err != nil {
			return err
		}
		out = m
		return audit.Record(ctx, tx, audit.Event{Action: "congress.second", Entity: "congress_motion", EntityID: db.FormatID(id), OrgPath: m.path,
			After: map[string]any{"seconds": m.Seconds, "status": m.Status}})
	})
	return out, err
}

func (s *Store) saveMotion(ctx context.Context, tx *db.Tx, m *Motion, now time.Time) error {
	ms := func(t *time.Time) int64 {
		if t == nil {
			return 0
		}
		return scope.Millis(*t)
	}
	m.Version++
	m.UpdatedAt = now
	m.Overdue = m.Status == MotionAssigned && m.DueOn != "" && m.DueOn < s.today()
	_, err := tx.Exec(ctx, `UPDATE congress_motions SET status = ?, seconds = ?, review_note = ?, handler = ?, due_on = ?, answer = ?, first_answer = ?,
		answers = ?, rating = ?, first_rating = ?, reviewed_at = ?, answered_at = ?, version = ?, updated_at = ? WHERE id = ?`,
		m.Status, m.Seconds, m.ReviewNote, m.Handler, m.DueOn, m.Answer, m.FirstAnswer, m.Answers, m.Rating, m.FirstRating,
		ms(m.ReviewedAt), ms(m.AnsweredAt), m.Version, scope.Millis(now), m.ID)
	if err != nil {
		return errs.Internal(err, "congress: save motion")
	}
	return nil
}

// staffAct applies fn to motion id for staff holding congress.write at
// its session's union, from one of the statuses in from; fn names the
// notice its submitter gets ("" none) and what the audit keeps.
func (s *Store) staffAct(ctx context.Context, pr *auth.Principal, id int64, action string, from []MotionStatus,
	fn func(tx *db.Tx, m *Motion, now time.Time) (notice string, after map[string]any, err error)) (*Motion, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("congress: act")
	}
	if pr.Kind == auth.KindMember {
		return nil, errs.NotFound("motion")
	}
	var out *Motion
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.loadMotion(ctx, tx, id, tx.ForUpdateOf("m"))
		if err != nil {
			return err
		}
		if err := rule.Writable(pr, m.path); err != nil {
			return err
		}
		if !slices.Contains(from, m.Status) {
			return errStatus()
		}
		now := s.stamp()
		kind, after, err := fn(tx, m, now)
		if err != nil {
			return err
		}
		if err := s.saveMotion(ctx, tx, m, now); err != nil {
			return err
		}
		if kind != "" {
			if err := notify(ctx, tx, now, kind, m, m.MemberID); err != nil {
				return err
			}
		}
		if after == nil {
			after = map[string]any{}
		}
		after["status"] = m.Status
		out = m
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "congress_motion", EntityID: db.FormatID(id), OrgPath: m.path, After: after})
	})
	return out, err
}

// Notice kinds a submitting delegate gets (internal/notice; the words are
// activity.notice.<kind>).
const (
	NoticeAccepted   = "congress_accepted"
	NoticeSuggestion = "congress_suggestion"
	NoticeRejected   = "congress_rejected"
	NoticeAnswered   = "congress_answered"
)

// notify leaves a notice about motion m for its delegate, in tx: the
// notice's body carries the motion's title, which the portal and the SMS
// show in the notice's words, and links to the motion's page (AboutMotion).
func notify(ctx context.Context, tx *db.Tx, now time.Time, kind string, m *Motion, memberID int64) error {
	return notice.AddAbout(ctx, tx, scope.Millis(now), kind, m.Title, notice.About{Kind: AboutMotion, ID: m.ID}, memberID)
}

// AboutMotion is what a motion's notices are about (notice.About); the
// pages register the member's page of it.
const AboutMotion = "motion"

func init() { notice.RegisterKinds(NoticeAccepted, NoticeSuggestion, NoticeRejected, NoticeAnswered) }

// ReviewInput is the motions committee's decision.
type ReviewInput struct {
	Outcome Outcome `json:"outcome"`
	Note    string  `json:"note"` // the reason: required unless accepted
}

// Review decides a motion waiting for review: accepted as a motion (立案),
// turned into a suggestion, or rejected, with the reason the delegate
// reads; the delegate gets a notice.
func (s *Store) Review(ctx context.Context, pr *auth.Principal, id int64, in ReviewInput) (*Motion, error) {
	f := errs.Fields{}
	if in.Outcome == "" {
		f.Add("outcome", "field.required")
	} else {
		f.Check(validIn(Outcomes, in.Outcome), "outcome", "field.invalid_choice")
	}
	min := 1
	if in.Outcome == OutcomeAccept {
		min = 0
	}
	checkText(f, "note", &in.Note, min, MaxNote, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "congress.motion_review", []MotionStatus{MotionReview}, func(_ *db.Tx, m *Motion, now time.Time) (string, map[string]any, error) {
		m.ReviewNote, m.ReviewedAt = in.Note, &now
		kind := NoticeAccepted
		switch in.Outcome {
		case OutcomeAccept:
			m.Status = MotionAccepted
		case OutcomeSuggestion:
			m.Status, kind = MotionSuggestion, NoticeSuggestion
		default:
			m.Status, kind = MotionRejected, NoticeRejected
		}
		return kind, map[string]any{"outcome": in.Outcome, "note": in.Note}, nil
	})
}

// AssignInput hands an accepted motion to whoever handles it.
type AssignInput struct {
	Handler string `json:"handler"` // a department or a person, in words
	DueOn   string `json:"due_on"`
}

// Assign hands an accepted motion (or one being handled: a new handler or
// date) to a department or person, to answer by a day not in the past.
func (s *Store) Assign(ctx context.Context, pr *auth.Principal, id int64, in AssignInput) (*Motion, error) {
	f := errs.Fields{}
	checkText(f, "handler", &in.Handler, 1, MaxHandler, true)
	in.DueOn = ParseDay(f, "due_on", in.DueOn)
	if _, bad := f["due_on"]; !bad && in.DueOn < s.today() {
		f.Add("due_on", "congress.due_past")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "congress.motion_assign", []MotionStatus{MotionAccepted, MotionAssigned}, func(_ *db.Tx, m *Motion, _ time.Time) (string, map[string]any, error) {
		m.Status, m.Handler, m.DueOn = MotionAssigned, in.Handler, in.DueOn
		return "", map[string]any{"handler": in.Handler, "due_on": in.DueOn}, nil
	})
}

// Answer records the answer to a motion being handled; the delegate gets
// a notice. A motion the delegate was not satisfied with is handled and
// answered once more (the first answer and rating are kept).
func (s *Store) Answer(ctx context.Context, pr *auth.Principal, id int64, text string) (*Motion, error) {
	f := errs.Fields{}
	checkText(f, "text", &text, 1, MaxText, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "congress.motion_answer", []MotionStatus{MotionAssigned}, func(tx *db.Tx, m *Motion, now time.Time) (string, map[string]any, error) {
		if m.Answers > 0 {
			m.FirstAnswer, m.FirstRating, m.Rating = m.Answer, m.Rating, ""
		} else {
			m.AnsweredAt = &now
			if err := logFigure(ctx, tx, m.path, StatAnswered, monthOf(m.SubmittedAt), 1); err != nil {
				return "", nil, err
			}
		}
		m.Answers++
		m.Answer, m.Status = text, MotionAnswered
		return NoticeAnswered, map[string]any{"answers": m.Answers}, nil
	})
}

// Rate records the submitting delegate's word on the latest answer, once
// per answer. Not satisfied with the first answer sends the motion back to
// be handled and answered once more.
func (s *Store) Rate(ctx context.Context, pr *auth.Principal, id int64, r Rating) (*Motion, error) {
	f := errs.Fields{}
	if r == "" {
		f.Add("rating", "field.required")
	} else {
		f.Check(validIn(Ratings, r), "rating", "field.invalid_choice")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("motion")
	}
	var out *Motion
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.loadMotion(ctx, tx, id, tx.ForUpdateOf("m"))
		if err != nil {
			return err
		}
		if m.MemberID != pr.MemberID {
			return errs.NotFound("motion")
		}
		if m.Status != MotionAnswered {
			return errStatus()
		}
		if m.Rating != "" {
			return errs.Conflict("rated", "congress.already_rated")
		}
		m.Rating = r
		if r == RateDissatisfied && m.Answers < 2 {
			m.Status = MotionAssigned
		}
		if err := s.saveMotion(ctx, tx, m, s.stamp()); err != nil {
			return err
		}
		out = m
		return audit.Record(ctx, tx, audit.Event{Action: "congress.motion_rate", Entity: "congress_motion", EntityID: db.FormatID(id), OrgPath: m.path,
			After: map[string]any{"rating": r, "status": m.Status}})
	})
	return out, err
}
