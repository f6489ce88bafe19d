package congress

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Changes after a session was planned: its date, place and title edited
// (until it closes), agenda items moved or deleted (until voted on), a
// motion withdrawn by its delegate (until reviewed). Each is audited and
// written to the session's own history (congress_session_events), which
// its page shows.

// Kinds of a session's history entries.
const (
	EvEdited        = "edited"         // Body: the fields changed, comma-separated
	EvAgendaMoved   = "agenda_moved"   // Body: the item's title
	EvAgendaDeleted = "agenda_deleted" // Body: the item's title
	EvWithdrawn     = "motion_withdrawn"
)

// SessionEventKinds lists every kind of history entry.
var SessionEventKinds = []string{EvEdited, EvAgendaMoved, EvAgendaDeleted, EvWithdrawn}

// SessionEvent is one entry of a session's history.
type SessionEvent struct {
	Kind string    `json:"kind"`
	Body string    `json:"body"`
	By   string    `json:"by"` // the staff member or delegate who acted
	At   time.Time `json:"at"`
}

func addSessionEvent(ctx context.Context, tx *db.Tx, sessionID int64, kind, body, by string, at time.Time) error {
	if _, err := tx.Exec(ctx, "INSERT INTO congress_session_events (id, session_id, kind, body, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		db.NewID(), sessionID, kind, body, by, scope.Millis(at)); err != nil {
		return errs.Internal(err, "congress: session history")
	}
	return nil
}

// SessionEvents reads a session's history, oldest first, for staff who
// may see the session.
func (s *Store) SessionEvents(ctx context.Context, pr *auth.Principal, sessionID int64) ([]SessionEvent, error) {
	if _, err := s.Session(ctx, pr, sessionID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT kind, body, by_name, created_at FROM congress_session_events WHERE session_id = ? ORDER BY created_at, id", sessionID)
	return signup.All(rows, err, "congress: session history", func(sc signup.Scanner) (SessionEvent, error) {
		var e SessionEvent
		var at int64
		err := sc.Scan(&e.Kind, &e.Body, &e.By, &at)
		e.At = scope.FromMillis(at)
		return e, err
	})
}

// SessionEdit is what of a session may change after it was planned.
type SessionEdit struct {
	Title  string `json:"title"`
	HeldOn string `json:"held_on"`
	Place  string `json:"place"`
}

// EditSession changes a session's title, date and place, at the version
// it was read, until the session closes. A held session's figure moves to
// the month of its new date.
func (s *Store) EditSession(ctx context.Context, pr *auth.Principal, id int64, version int, in SessionEdit) (*Session, error) {
	f := errs.Fields{}
	in.HeldOn = ParseDay(f, "held_on", in.HeldOn)
	checkText(f, "place", &in.Place, 0, MaxPlace, true)
	checkText(f, "title", &in.Title, 0, MaxSessionTitle, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Session
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, err := s.lockSession(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if ses.Status == SessionClosed {
			return errStatus()
		}
		if version != 0 && version != ses.Version {
			return errs.Conflict("stale", "congress.stale")
		}
		var changed []string
		before, after := map[string]any{}, map[string]any{}
		for _, c := range []struct {
			name     string
			old, new string
		}{{"title", ses.Title, in.Title}, {"held_on", ses.HeldOn, in.HeldOn}, {"place", ses.Place, in.Place}} {
			if c.old != c.new {
				changed = append(changed, c.name)
				before[c.name], after[c.name] = c.old, c.new
			}
		}
		out = ses
		if len(changed) == 0 {
			return nil // nothing to record
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, "UPDATE congress_sessions SET title = ?, held_on = ?, place = ?, version = version + 1, updated_at = ? WHERE id = ?",
			in.Title, in.HeldOn, in.Place, scope.Millis(now), id); err != nil {
			return errs.Internal(err, "congress: edit session")
		}
		if ses.Status != SessionPlanned && monthOfDay(ses.HeldOn) != monthOfDay(in.HeldOn) {
			if err := logFigure(ctx, tx, ses.path, StatSessions, monthOfDay(ses.HeldOn), -1); err != nil {
				return err
			}
			if err := logFigure(ctx, tx, ses.path, StatSessions, monthOfDay(in.HeldOn), 1); err != nil {
				return err
			}
		}
		if err := addSessionEvent(ctx, tx, id, EvEdited, strings.Join(changed, ","), staffName(pr), now); err != nil {
			return err
		}
		ses.Title, ses.HeldOn, ses.Place, ses.Version, ses.UpdatedAt = in.Title, in.HeldOn, in.Place, ses.Version+1, now
		return audit.Record(ctx, tx, audit.Event{Action: "congress.session_edit", Entity: "congress_session", EntityID: db.FormatID(id), OrgPath: ses.path,
			Before: before, After: after})
	})
	return out, err
}

// agendaFor locks the session of agenda item id for a change of its
// agenda by staff, and reads the item: refused once the session closed
// or the item was voted on.
func (s *Store) agendaFor(ctx context.Context, tx *db.Tx, pr *auth.Principal, itemID int64) (*Session, *AgendaItem, error) {
	var sessionID int64
	err := tx.QueryRow(ctx, "SELECT session_id FROM congress_agenda WHERE id = ?", itemID).Scan(&sessionID)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, errs.NotFound("congress")
		}
		return nil, nil, errs.Internal(err, "congress: agenda")
	}
	ses, err := s.lockSession(ctx, tx, pr, sessionID)
	if err != nil {
		return nil, nil, err
	}
	it, err := signup.One(tx.QueryRow(ctx, "SELECT "+agendaCols+" FROM congress_agenda WHERE id = ?", itemID), "congress", "congress: agenda", scanAgenda)
	if err != nil {
		return nil, nil, err
	}
	if ses.Status == SessionClosed {
		return nil, nil, errStatus()
	}
	if it.VotedAt != nil {
		return nil, nil, errs.Conflict("voted", "congress.item_voted")
	}
	return ses, it, nil
}

// MoveAgendaItem moves an item one place up (by -1) or down (by +1),
// swapping it with its neighbour; neither may have been voted on (a vote
// keeps the place it was taken at). At either end it stays where it is.
func (s *Store) MoveAgendaItem(ctx context.Context, pr *auth.Principal, itemID int64, by int) ([]AgendaItem, error) {
	f := errs.Fields{}
	if !f.Check(by == -1 || by == 1, "direction", "field.invalid_choice") {
		return nil, f.Err()
	}
	var out []AgendaItem
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, it, err := s.agendaFor(ctx, tx, pr, itemID)
		if err != nil {
			return err
		}
		items, err := s.agenda(ctx, tx, ses.ID)
		if err != nil {
			return err
		}
		at := -1
		for i := range items {
			if items[i].ID == itemID {
				at = i
			}
		}
		to := at + by
		if at < 0 || to < 0 || to >= len(items) {
			out = items
			return nil
		}
		other := items[to]
		if other.VotedAt != nil {
			return errs.Conflict("voted", "congress.item_voted")
		}
		// The unique (session, position) holds between the statements: the
		// item waits at a position no item has (positions start at 1).
		for _, st := range []struct {
			id  int64
			pos int
		}{{it.ID, -it.Position}, {other.ID, it.Position}, {it.ID, other.Position}} {
			if _, err := tx.Exec(ctx, "UPDATE congress_agenda SET position = ? WHERE id = ?", st.pos, st.id); err != nil {
				return errs.Internal(err, "congress: move agenda item")
			}
		}
		now := s.stamp()
		if err := addSessionEvent(ctx, tx, ses.ID, EvAgendaMoved, it.Title, staffName(pr), now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "congress.agenda_move", Entity: "congress_session", EntityID: db.FormatID(ses.ID), OrgPath: ses.path,
			Before: map[string]any{"title": it.Title, "position": it.Position}, After: map[string]any{"title": it.Title, "position": other.Position}}); err != nil {
			return err
		}
		out, err = s.agenda(ctx, tx, ses.ID)
		return err
	})
	return out, err
}

// DeleteAgendaItem takes an item off the agenda of a session not closed,
// unless it was voted on.
func (s *Store) DeleteAgendaItem(ctx context.Context, pr *auth.Principal, itemID int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, it, err := s.agendaFor(ctx, tx, pr, itemID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM congress_agenda WHERE id = ?", itemID); err != nil {
			return errs.Internal(err, "congress: delete agenda item")
		}
		now := s.stamp()
		if err := addSessionEvent(ctx, tx, ses.ID, EvAgendaDeleted, it.Title, staffName(pr), now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "congress.agenda_delete", Entity: "congress_session", EntityID: db.FormatID(ses.ID), OrgPath: ses.path,
			Before: map[string]any{"title": it.Title, "position": it.Position}})
	})
}

// WithdrawMotion takes back a motion, by the delegate who filed it, while it is
// still waiting for seconds or for review: it counts nowhere afterwards
// and leaves the delegates' and the committee's lists of what waits.
func (s *Store) WithdrawMotion(ctx context.Context, pr *auth.Principal, id int64) (*Motion, error) {
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
			return errs.NotFound("motion") // another's motion: seconding is the way to act on it
		}
		if m.Status != MotionSeconding && m.Status != MotionReview {
			return errs.Conflict("reviewed", "congress.withdraw_too_late")
		}
		now := s.stamp()
		from := m.Status
		m.Status = MotionWithdrawn
		if err := s.saveMotion(ctx, tx, m, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE congress_motions SET withdrawn_at = ? WHERE id = ?", scope.Millis(now), id); err != nil {
			return errs.Internal(err, "congress: withdraw")
		}
		if err := logFigure(ctx, tx, m.path, StatMotions, monthOf(m.SubmittedAt), -1); err != nil {
			return err
		}
		if err := addSessionEvent(ctx, tx, m.SessionID, EvWithdrawn, m.Title, m.Submitter, now); err != nil {
			return err
		}
		out = m
		return audit.Record(ctx, tx, audit.Event{Action: "congress.motion_withdraw", Entity: "congress_motion", EntityID: db.FormatID(id), OrgPath: m.path,
			Before: map[string]any{"status": from}, After: map[string]any{"status": MotionWithdrawn}})
	})
	return out, err
}
