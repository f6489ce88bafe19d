// Package signup is the sign-up part shared by every module that takes
// members' sign-ups for something with places: activities, course terms,
// and those to come (checkup bookings, congress sessions, competitions).
// It keeps the rules and storage mechanics that are the same for all of
// them: seat accounting that holds under concurrency across every server
// process on one database, a waiting list promoted in order, approval,
// the cancellation deadline, attendance marks, and reading the lists.
//
// A module keeps its own tables and migrations and describes them in a
// Book:
//
//   - a host table (one row per thing signed up for) with the columns id,
//     capacity and updated_at, a counter column for each status counted
//     (Book.Counters), a sequence column (Book.HostSeq) and an attendance
//     counter (Book.Attended);
//   - a sign-up table keyed by (Book.HostCol, member_id) with the columns
//     member_org_path, status, Book.SeqCol, via, created_at and updated_at,
//     and optionally Book.RankCol when the waiting list is ordered by
//     something else than the order of sign-up;
//   - optionally an attendance table (Book.Marks) keyed by (point,
//     member_id) with the columns Book.HostCol, at, via and by_user.
//
// The module's row type embeds Seats and implements Host (its own columns
// of the host row, and the figures it logs). Every operation runs with the
// host row locked in a shared commit (Locked, over a db.Group the store
// keeps), then calls Join (with Place's answer), Cancel (after CancelBy for
// a member's own), Decide, Promote or Mark, and ends with CallOff when the
// host is called off. Acting, Member and Admits say who acts for whom and
// who is in an audience; Audience resolves one; List, Read, Position and
// MarkTimes read; All, Page and One are the row helpers they use. The
// module keeps who may do what (scoping, windows) and what members are
// told. Refusals made here are coded full, not_pending, cancel_too_late
// and audience_outside, with messages "<Book.Name>.<code>" in the i18n
// catalogues.
package signup

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/stats"
)

// Counter is a status whose sign-ups the host row counts, in Column.
type Counter struct {
	Status string
	Column string
}

// Marks names a module's attendance table.
type Marks struct {
	Table   string // "checkins"
	Point   string // the column of where attendance was taken: "checkpoint_id"
	OrgPath bool   // the table keeps the member's org path (member_org_path)
	// PerMember counts a member once per host (their first mark), rather
	// than once per mark.
	PerMember bool
}

// Book describes where a module keeps its sign-ups and what their
// statuses are called.
type Book struct {
	Name     string    // the module, in error codes and messages: "activity"
	Entity   string    // what a missing host row is: "activity", "term"
	Host     string    // the host table: "activities"
	HostSeq  string    // the host's last sequence number given: "reg_seq"
	Attended string    // the host's attendance counter: "attended"
	Counters []Counter // the statuses the host row counts
	Table    string    // the sign-up table: "registrations"
	HostCol  string    // its column naming the host row: "activity_id"
	SeqCol   string    // its order of sign-up: "seq"
	RankCol  string    // optional: its waiting-list order, when not SeqCol
	Marks    Marks
	Metrics  []string // the stats metrics of Host.Figures, in order

	Confirmed string   // has a place
	Waiting   string   // on the waiting list
	Pending   string   // waits for approval ("" when the module has none)
	Cancelled string   // withdrawn
	Rejected  string   // refused at approval
	Live      []string // the statuses that hold or wait for a place
}

// Refused is the module's conflict error for code ("activity.full").
func (b *Book) Refused(code string) error { return errs.Conflict(code, b.Name+"."+code) }

// IsLive reports whether a sign-up of status s holds or waits for a place.
func (b *Book) IsLive(s string) bool {
	for _, l := range b.Live {
		if l == s {
			return true
		}
	}
	return false
}

func (b *Book) queue() string {
	if b.RankCol != "" {
		return b.RankCol
	}
	return b.SeqCol
}

func (b *Book) internal(err error, what string) error { return errs.Internal(err, b.Name+": "+what) }

// Seats is a host row's counters as the transaction that locked it holds
// them. They are written back once, just before the commit.
type Seats struct {
	ID       int64
	Capacity int // 0: no limit
	Seq      int64
	Attended int

	book    *Book
	counts  []int // by book.Counters
	dirty   bool
	updated int64
	logged  stats.Point // as the figures were last logged
}

// Counters returns the seats themselves: a module's row type embeds Seats
// and so provides Host's first method.
func (s *Seats) Counters() *Seats { return s }

// Count is how many sign-ups of status st the row counts.
func (s *Seats) Count(st string) int {
	for i, c := range s.book.Counters {
		if c.Status == st {
			return s.counts[i]
		}
	}
	return 0
}

func (s *Seats) add(st string, d int) {
	for i, c := range s.book.Counters {
		if c.Status == st {
			s.counts[i] += d
		}
	}
}

// Move counts a sign-up that went from one status to another ("" for a
// new one).
func (s *Seats) Move(from, to string) {
	s.add(from, -1)
	s.add(to, +1)
}

// Full reports whether every place is taken.
func (s *Seats) Full() bool { return s.Capacity > 0 && s.Count(s.book.Confirmed) >= s.Capacity }

// Touch marks the counters for writing back at commit, as of now.
func (s *Seats) Touch(now int64) { s.dirty, s.updated = true, now }

// Host is a module's host row as locked: it embeds Seats, names its own
// columns of the row (read before the counters) and what it adds to the
// figures (see internal/stats).
type Host interface {
	Counters() *Seats
	Columns() (cols string, dest []any)
	Figures() stats.Point
}

// Loaded is what a Host may also do: finish reading its columns (turn
// integers into flags, say).
type Loaded interface{ Loaded() }

type lockKey struct {
	book *Book
	id   int64
}

// Lock reads a host row under its row lock: every sign-up, cancellation
// and promotion of it queues here, in every server process (SQLite's
// single writer, PostgreSQL's row lock). Operations sharing a transaction
// (db.Group) lock and read the row once; its counters are written back,
// and its figures logged, once, just before the commit.
func Lock[T any, H interface {
	*T
	Host
}](ctx context.Context, tx *db.Tx, b *Book, id int64) (H, error) {
	key := lockKey{b, id}
	if h, ok := tx.Local(key).(H); ok {
		return h, nil
	}
	h := H(new(T))
	s := h.Counters()
	s.book, s.counts = b, make([]int, len(b.Counters))
	cols, dest := h.Columns()
	counters := make([]string, len(b.Counters))
	dest = append(dest, &s.ID, &s.Capacity, &s.Seq, &s.Attended)
	for i, c := range b.Counters {
		counters[i] = c.Column
		dest = append(dest, &s.counts[i])
	}
	err := tx.QueryRow(ctx, "SELECT "+cols+", id, capacity, "+b.HostSeq+", "+b.Attended+", "+strings.Join(counters, ", ")+
		" FROM "+b.Host+" WHERE id = ?"+tx.ForUpdate(), id).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound(b.Entity)
	}
	if err != nil {
		return nil, b.internal(err, "lock")
	}
	if l, ok := any(h).(Loaded); ok {
		l.Loaded()
	}
	s.logged = h.Figures()
	tx.SetLocal(key, h)
	wctx := context.WithoutCancel(ctx)
	update := "UPDATE " + b.Host + " SET " + strings.Join(counters, " = ?, ") + " = ?, " + b.HostSeq + " = ?, " + b.Attended + " = ?, updated_at = ? WHERE id = ?"
	tx.BeforeCommit(func() error {
		// However many operations shared the transaction, the row's
		// figures are logged once, as they end.
		if err := stats.LogMove(wctx, tx, b.Metrics, &s.logged, h.Figures()); err != nil {
			return err
		}
		if !s.dirty {
			return nil
		}
		args := make([]any, 0, len(s.counts)+4)
		for _, n := range s.counts {
			args = append(args, n)
		}
		if _, err := tx.Exec(wctx, update, append(args, s.Seq, s.Attended, s.updated, s.ID)...); err != nil {
			return b.internal(err, "save counters")
		}
		return nil
	})
	return h, nil
}

// Admits reports whether member m is in an audience: active, in the
// subtree at path, and carrying one of the tags (0: any member).
func Admits(m *member.Brief, path string, tags int64) bool {
	return m.Status == member.StatusActive && auth.Inside(m.OrgPath, path) && (tags == 0 || m.Tags&tags != 0)
}

// Locked runs fn in g's shared transaction with the host row locked (see
// Lock): the way every operation on a host's sign-ups begins.
func Locked[T any, H interface {
	*T
	Host
}](ctx context.Context, g *db.Group, b *Book, id int64, fn func(tx *db.Tx, h H) error) error {
	return g.Do(ctx, func(tx *db.Tx) error {
		h, err := Lock[T, H](ctx, tx, b, id)
		if err != nil {
			return err
		}
		return fn(tx, h)
	})
}
