package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// What staff and the writer do with a letter. Each change reads the
// letter under its row's lock, checks the status it may start from, saves
// the letter, adds a history entry, moves the figures and writes the
// audit record, all in one transaction.

// errStatus is the answer to an action the letter's status does not
// allow (someone else acted first, or the page was old).
func errStatus() error { return errs.Conflict("wrong_status", "mailbox.wrong_status") }

// change is one action's effect on a locked letter: its history entry
// and what the audit record keeps.
type change func(tx *db.Tx, l *Letter, now time.Time) (Event, map[string]any, error)

func (s *Store) save(ctx context.Context, tx *db.Tx, l *Letter, now time.Time) error {
	ms := func(t *time.Time) int64 {
		if t == nil {
			return 0
		}
		return scope.Millis(*t)
	}
	l.Version++
	l.UpdatedAt = now
	_, err := tx.Exec(ctx, `UPDATE letters SET org_id = ?, org_path = ?, status = ?, handler = ?, due_at = ?, answered_at = ?, on_time = ?, closed_at = ?,
		rating = ?, followed_up = ?, version = ?, updated_at = ? WHERE id = ?`,
		l.OrgID, l.path, l.Status, l.Handler, scope.Millis(l.DueAt), ms(l.AnsweredAt), boolInt(l.onTime), ms(l.ClosedAt),
		l.Rating, boolInt(l.FollowedUp), l.Version, scope.Millis(now), l.ID)
	if err != nil {
		return errs.Internal(err, "mailbox: save")
	}
	return nil
}

// staffAct applies fn to letter id for staff pr, from one of the statuses
// in from.
func (s *Store) staffAct(ctx context.Context, pr *auth.Principal, id int64, action string, from []Status, fn change) (*Letter, error) {
	var out *Letter
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		l, err := s.lockStaff(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, l.Status) {
			return errStatus()
		}
		was, wasPath := figuresOf(l), l.path
		now := s.stamp()
		ev, after, err := fn(tx, l, now)
		if err != nil {
			return err
		}
		if err := s.save(ctx, tx, l, now); err != nil {
			return err
		}
		ev.At, ev.By = now, staffName(pr)
		if ev.OrgName == "" {
			ev.OrgName = l.OrgName
		}
		if err := addEvent(ctx, tx, l.ID, ev, pr.UserID); err != nil {
			return err
		}
		if err := tellWriter(ctx, tx, l, ev, now); err != nil {
			return err
		}
		if err := logFigures(ctx, tx, was, figuresOf(l)); err != nil {
			return err
		}
		if after == nil {
			after = map[string]any{}
		}
		after["status"] = l.Status
		// The record names the letter and what staff did, never the writer.
		if err := audit.Record(ctx, tx, audit.Event{Action: action, Entity: "letter", EntityID: db.FormatID(l.ID), OrgPath: wasPath,
			After: after}); err != nil {
			return err
		}
		out = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func staffName(pr *auth.Principal) string {
	if pr.Name != "" {
		return pr.Name
	}
	return pr.Username
}

// Accept takes a waiting letter on; handler names who handles it (empty:
// the caller).
func (s *Store) Accept(ctx context.Context, pr *auth.Principal, id int64, handler string) (*Letter, error) {
	f := errs.Fields{}
	handler = cleanText(handler)
	f.Check(len([]rune(handler)) <= MaxHandler, "handler", "field.too_long", MaxHandler)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "mailbox.accept", Waiting, func(_ *db.Tx, l *Letter, _ time.Time) (Event, map[string]any, error) {
		if handler == "" {
			handler = staffName(pr)
		}
		l.Status, l.Handler = StatusAccepted, handler
		return Event{Kind: EvAccepted, Status: l.Status}, map[string]any{"handler": handler}, nil
	})
}

// Answer gives the writer an answer; a letter already answered may get
// another one (a fuller answer, or the answer to a follow-up).
func (s *Store) Answer(ctx context.Context, pr *auth.Principal, id int64, text string) (*Letter, error) {
	f := errs.Fields{}
	checkText(f, "text", &text, 1, MaxAnswer)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "mailbox.answer", append(slices.Clone(Open), StatusAnswered),
		func(_ *db.Tx, l *Letter, now time.Time) (Event, map[string]any, error) {
			if l.AnsweredAt == nil {
				l.AnsweredAt = &now
				l.onTime = !now.After(l.DueAt)
			}
			if l.Handler == "" {
				l.Handler = staffName(pr)
			}
			l.Status = StatusAnswered
			return Event{Kind: EvAnswered, Status: l.Status, Body: text}, nil, nil
		})
}

// Forward hands a letter to another union for it to handle: one inside
// the addressee's subtree or above it, where the caller may act.
func (s *Store) Forward(ctx context.Context, pr *auth.Principal, id, orgID int64, note string) (*Letter, error) {
	f := errs.Fields{}
	f.Check(orgID != 0, "org_id", "field.required")
	note = cleanText(note)
	f.Check(len([]rune(note)) <= MaxReason, "note", "field.too_long", MaxReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "mailbox.forward", Open, func(tx *db.Tx, l *Letter, _ time.Time) (Event, map[string]any, error) {
		var name, path string
		err := tx.QueryRow(ctx, "SELECT name, path FROM orgs WHERE id = ?"+tx.ForShare(), orgID).Scan(&name, &path)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !rule.CanWrite(pr, path) {
			f.Add("org_id", "field.invalid_id")
			return Event{}, nil, f.Err()
		}
		if err != nil {
			return Event{}, nil, errs.Internal(err, "mailbox: forward")
		}
		if orgID == l.OrgID {
			f.Add("org_id", "mailbox.forward_same")
			return Event{}, nil, f.Err()
		}
		if !auth.Inside(path, l.path) && !auth.Inside(l.path, path) {
			f.Add("org_id", "mailbox.forward_outside")
			return Event{}, nil, f.Err()
		}
		ev := Event{Kind: EvForwarded, Status: StatusForwarded, Body: note, FromOrg: l.OrgName, ToOrg: name, OrgName: l.OrgName}
		l.OrgID, l.OrgName, l.path, l.Status, l.Handler = orgID, name, path, StatusForwarded, ""
		return ev, map[string]any{"to_org": name}, nil
	})
}

// Decline refuses a letter, with the reason the writer reads.
func (s *Store) Decline(ctx context.Context, pr *auth.Principal, id int64, reason string) (*Letter, error) {
	f := errs.Fields{}
	checkText(f, "reason", &reason, 1, MaxReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "mailbox.decline", Open, func(_ *db.Tx, l *Letter, now time.Time) (Event, map[string]any, error) {
		l.Status, l.ClosedAt = StatusDeclined, &now
		return Event{Kind: EvDeclined, Status: l.Status, Body: reason}, nil, nil
	})
}

// Close ends an answered letter, with an optional note.
func (s *Store) Close(ctx context.Context, pr *auth.Principal, id int64, note string) (*Letter, error) {
	f := errs.Fields{}
	note = cleanText(note)
	f.Check(len([]rune(note)) <= MaxReason, "note", "field.too_long", MaxReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "mailbox.close", []Status{StatusAnswered}, func(_ *db.Tx, l *Letter, now time.Time) (Event, map[string]any, error) {
		l.Status, l.ClosedAt = StatusClosed, &now
		return Event{Kind: EvClosed, Status: l.Status, Body: note}, nil, nil
	})
}

// BulkFailure is one letter a bulk action could not take, with why.
type BulkFailure struct {
	ID      int64  `json:"id,string"`
	Subject string `json:"subject"`
	Err     error  `json:"-"`
}

// BulkAccept accepts each of ids on its own (scoped and audited as
// Accept): done counts those accepted, failed lists the others.
func (s *Store) BulkAccept(ctx context.Context, pr *auth.Principal, ids []int64) (done int, failed []BulkFailure, err error) {
	if len(ids) == 0 {
		f := errs.Fields{}
		f.Add("id", "field.required")
		return 0, nil, f.Err()
	}
	if len(ids) > MaxBulk {
		f := errs.Fields{}
		f.Add("id", "field.too_many", MaxBulk)
		return 0, nil, f.Err()
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := s.Accept(ctx, pr, id, ""); err != nil {
			if e, ok := errs.As(err); !ok || e.Kind == errs.KindInternal {
				return done, failed, err
			}
			bf := BulkFailure{ID: id, Err: err}
			if l, rerr := s.readable(ctx, pr, id); rerr == nil {
				bf.Subject = l.Subject
			}
			failed = append(failed, bf)
			continue
		}
		done++
	}
	return done, failed, nil
}

// writerAct applies fn to the caller's own letter, from one of the
// statuses in from. What the writer of an anonymous letter does is
// audited without naming them.
func (s *Store) writerAct(ctx context.Context, pr *auth.Principal, id int64, action string, from []Status, fn change) (*Letter, error) {
	var out *Letter
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		l, err := s.lockMine(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, l.Status) {
			return errStatus()
		}
		was := figuresOf(l)
		now := s.stamp()
		ev, after, err := fn(tx, l, now)
		if err != nil {
			return err
		}
		if err := s.save(ctx, tx, l, now); err != nil {
			return err
		}
		ev.At, ev.Writer = now, true
		if err := addEvent(ctx, tx, l.ID, ev, 0); err != nil {
			return err
		}
		if err := logFigures(ctx, tx, was, figuresOf(l)); err != nil {
			return err
		}
		actx := ctx
		if l.Anonymous {
			actx = anonymousActor(ctx)
		}
		if err := audit.Record(actx, tx, audit.Event{Action: action, Entity: "letter", EntityID: db.FormatID(l.ID), OrgPath: l.path,
			After: after}); err != nil {
			return err
		}
		out = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Rate records the writer's word on the answer (again: the last counts).
func (s *Store) Rate(ctx context.Context, pr *auth.Principal, id int64, r Rating) (*Letter, error) {
	f := errs.Fields{}
	if r == "" {
		f.Add("rating", "field.required")
	} else {
		f.Check(slices.Contains(Ratings, r), "rating", "field.invalid_choice")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.writerAct(ctx, pr, id, "mailbox.rate", []Status{StatusAnswered, StatusClosed}, func(_ *db.Tx, l *Letter, _ time.Time) (Event, map[string]any, error) {
		if l.AnsweredAt == nil {
			return Event{}, nil, errStatus()
		}
		l.Rating = r
		return Event{Kind: EvRated, Body: string(r)}, map[string]any{"rating": r}, nil
	})
}

// FollowUp adds the writer's one follow-up to an answered letter: it
// opens again (accepted, a new answer due) and its rating is cleared.
func (s *Store) FollowUp(ctx context.Context, pr *auth.Principal, id int64, text string) (*Letter, error) {
	f := errs.Fields{}
	checkText(f, "text", &text, 1, MaxFollowUp)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.writerAct(ctx, pr, id, "mailbox.follow_up", []Status{StatusAnswered, StatusClosed}, func(_ *db.Tx, l *Letter, now time.Time) (Event, map[string]any, error) {
		if l.FollowedUp {
			return Event{}, nil, errs.Conflict("followed_up", "mailbox.followed_up")
		}
		l.FollowedUp, l.Status, l.ClosedAt, l.Rating = true, StatusAccepted, nil, ""
		l.DueAt = DueAfter(now, s.AnswerDays)
		return Event{Kind: EvFollowUp, Status: l.Status, Body: text}, nil, nil
	})
}
