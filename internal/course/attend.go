package course

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/checkcode"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// CodePrefix starts a course session's check-in code.
const CodePrefix = "GHK1:"

// SessionRotate is how often a session's code changes, in seconds.
const SessionRotate = 30

// AttendLead is how long before a session starts attendance is taken.
const AttendLead = 30 * time.Minute

// SessionCode returns the code a session shows now and until when.
func (s *Store) SessionCode(ctx context.Context, pr *auth.Principal, termID, sessionID int64) (string, time.Time, error) {
	t, err := s.GetTerm(ctx, pr, termID)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := rule.Writable(pr, t.OrgPath); err != nil {
		return "", time.Time{}, err
	}
	if _, err := s.session(ctx, termID, sessionID); err != nil {
		return "", time.Time{}, err
	}
	code, until := checkcode.Make(CodePrefix, t.secret, termID, sessionID, SessionRotate, s.now())
	return code, until, nil
}

func (s *Store) session(ctx context.Context, termID, sessionID int64) (*Session, error) {
	x := Session{ID: sessionID, TermID: termID}
	var starts, ends int64
	var cancelled int
	err := s.DB.QueryRow(ctx, "SELECT starts_at, ends_at, cancelled FROM course_sessions WHERE id = ? AND term_id = ?", sessionID, termID).
		Scan(&starts, &ends, &cancelled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("session")
	}
	if err != nil {
		return nil, errs.Internal(err, "course: session")
	}
	x.StartsAt, x.EndsAt, x.Cancelled = scope.FromMillis(starts), scope.FromMillis(ends), cancelled != 0
	return &x, nil
}

// AttendInput names who attended: a member with a session's Code, or staff
// with a member's Card or MemberIDs (ticked on the list) at SessionID.
type AttendInput struct {
	Code      string  `json:"code"`
	Card      string  `json:"card"`
	SessionID int64   `json:"-"`
	MemberIDs []int64 `json:"-"`
}

// Attendance is one member's attendance at one session.
type Attendance struct {
	TermID      int64     `json:"term_id,string"`
	SessionID   int64     `json:"session_id,string"`
	CourseTitle string    `json:"course_title"`
	TermName    string    `json:"term_name"`
	MemberID    int64     `json:"member_id,string"`
	MemberName  string    `json:"member_name"`
	At          time.Time `json:"at"`
	Via         string    `json:"via"`
	Made        bool      `json:"made"` // false: already recorded
	Attended    int       `json:"attended"`
	Sessions    int       `json:"sessions"`
}

// Attend records attendance, idempotently, from half an hour before a
// session until its end, for members enrolled in the term. A member
// brings a session's code; staff name members (a scanned card or a list).
func (s *Store) Attend(ctx context.Context, pr *auth.Principal, termID int64, in AttendInput) ([]Attendance, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("course: attend")
	}
	self := pr.Kind == auth.KindMember
	var ids []int64
	via := "staff"
	sessionID := in.SessionID
	var t *Term
	var err error
	if self {
		c, err := checkcode.Parse(CodePrefix, in.Code)
		if err != nil {
			return nil, err
		}
		if termID != 0 && c.Owner != termID {
			return nil, fieldErr(checkcode.Field, "course.code_other_term")
		}
		if t, err = loadTerm(ctx, s.DB, c.Owner); errs.Is(err, errs.KindNotFound) {
			return nil, fieldErr(checkcode.Field, "checkcode.forged")
		} else if err != nil {
			return nil, err
		}
		if err := c.Verify(t.secret, SessionRotate, s.now()); err != nil {
			return nil, err
		}
		termID, sessionID, ids, via = c.Owner, c.Point, []int64{pr.MemberID}, "code"
	} else {
		if t, err = s.GetTerm(ctx, pr, termID); err != nil {
			return nil, err
		}
		if err := rule.Writable(pr, t.OrgPath); err != nil {
			return nil, err
		}
		switch {
		case in.Card != "":
			id, err := signup.CardMember(ctx, s.Members, in.Card, "course")
			if err != nil {
				return nil, err
			}
			ids, via = []int64{id}, "card"
		case len(in.MemberIDs) > 0:
			if len(in.MemberIDs) > 1000 {
				return nil, fieldErr("member_ids", "course.too_many_members", 1000)
			}
			ids = in.MemberIDs
		default:
			return nil, fieldErr("member_ids", "field.required")
		}
	}
	x, err := s.session(ctx, termID, sessionID)
	if err != nil {
		if self && errs.Is(err, errs.KindNotFound) {
			return nil, fieldErr(checkcode.Field, "checkcode.forged")
		}
		if errs.Is(err, errs.KindNotFound) {
			return nil, fieldErr("session_id", "field.invalid_id")
		}
		return nil, err
	}
	now := s.now()
	switch {
	case x.Cancelled:
		return nil, refused("session_cancelled")
	case now.Before(x.StartsAt.Add(-AttendLead)):
		return nil, refused("session_not_started")
	case now.After(x.EndsAt):
		return nil, refused("session_over")
	case t.Status != TermDrawn:
		return nil, refused("not_drawn")
	}
	var out []Attendance
	err = signup.Locked(ctx, s.group, book, termID, func(tx *db.Tx, term *termRow) error {
		out = out[:0]
		ms := scope.Millis(now)
		// The term's row counts attendances (for its figures): its lock
		// orders a term's attendances, not those of other terms.
		for _, id := range ids {
			e, err := book.Read(ctx, tx, termID, id, false)
			if err != nil {
				return err
			}
			if e == nil || e.Status != string(EnrolEnrolled) {
				if len(ids) == 1 {
					return refused("not_enrolled")
				}
				continue // a list skips those without a place; the answer says who was taken
			}
			a := Attendance{TermID: termID, SessionID: sessionID, MemberID: id, CourseTitle: t.CourseTitle, TermName: t.Name}
			mk, err := book.Marked(ctx, tx, sessionID, id)
			if err != nil {
				return err
			}
			if mk == nil {
				var by any
				if !self && pr.UserID != 0 {
					by = pr.UserID
				}
				mk = &signup.Mark{Point: sessionID, MemberID: id, At: ms, Via: via, By: by}
				if err := book.Mark(ctx, tx, &term.Seats, *mk); err != nil {
					return err
				}
				a.Made = true
			}
			a.At, a.Via = scope.FromMillis(mk.At), mk.Via
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		a := &out[i]
		if err := s.DB.QueryRow(ctx, `SELECT m.name, (SELECT COUNT(*) FROM session_attendance WHERE term_id = ? AND member_id = ?)
			FROM members m WHERE m.id = ?`, termID, a.MemberID, a.MemberID).Scan(&a.MemberName, &a.Attended); err != nil {
			return nil, errs.Internal(err, "course: attend")
		}
		a.Sessions = t.Sessions
	}
	if !self && len(out) > 0 {
		_ = s.DB.Tx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Action: "course.attend", Entity: "course_session", EntityID: db.FormatID(sessionID),
				OrgPath: t.OrgPath, After: map[string]any{"members": len(out), "via": via}})
		})
	}
	return out, nil
}

// SessionAttendance lists who attended a session.
func (s *Store) SessionAttendance(ctx context.Context, pr *auth.Principal, termID, sessionID int64) ([]Attendance, error) {
	t, err := s.GetTerm(ctx, pr, termID)
	if err != nil {
		return nil, err
	}
	if _, err := s.session(ctx, termID, sessionID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT a.member_id, m.name, a.at, a.via FROM session_attendance a JOIN members m ON m.id = a.member_id
		WHERE a.session_id = ? ORDER BY a.at`, sessionID)
	if err != nil {
		return nil, errs.Internal(err, "course: session attendance")
	}
	defer rows.Close()
	out := []Attendance{}
	for rows.Next() {
		a := Attendance{TermID: termID, SessionID: sessionID, CourseTitle: t.CourseTitle, TermName: t.Name}
		var at int64
		if err := rows.Scan(&a.MemberID, &a.MemberName, &at, &a.Via); err != nil {
			return nil, errs.Internal(err, "course: session attendance")
		}
		a.At = scope.FromMillis(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
