package signup

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/scope"
)

// Entry is one member's sign-up.
type Entry struct {
	HostID     int64
	MemberID   int64
	MemberName string // read by List
	OrgName    string // read by List
	Status     string
	Seq        int64 // the order of sign-up
	Rank       int64 // the waiting-list order, where the Book has a RankCol
	Via        string
	Attended   int // marks, where read with them
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Queryer is a database or a transaction.
type Queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

func (b *Book) entryCols() string {
	cols := "status, " + b.SeqCol
	if b.RankCol != "" {
		cols += ", " + b.RankCol
	}
	return cols + ", via, created_at, updated_at"
}

func (b *Book) entryDest(e *Entry, created, updated *int64) []any {
	dest := []any{&e.Status, &e.Seq}
	if b.RankCol != "" {
		dest = append(dest, &e.Rank)
	}
	return append(dest, &e.Via, created, updated)
}

// Read returns a member's sign-up, nil when there is none; with marks, it
// also counts the member's attendance marks at the host.
func (b *Book) Read(ctx context.Context, q Queryer, hostID, memberID int64, marks bool) (*Entry, error) {
	e := Entry{HostID: hostID, MemberID: memberID}
	var created, updated int64
	dest := b.entryDest(&e, &created, &updated)
	query := "SELECT " + b.entryCols()
	args := []any{}
	if marks {
		query += ", (SELECT COUNT(*) FROM " + b.Marks.Table + " a WHERE a." + b.HostCol + " = ? AND a.member_id = ?)"
		args, dest = append(args, hostID, memberID), append(dest, &e.Attended)
	}
	err := q.QueryRow(ctx, query+" FROM "+b.Table+" WHERE "+b.HostCol+" = ? AND member_id = ?", append(args, hostID, memberID)...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, b.internal(err, "read sign-up")
	}
	e.CreatedAt, e.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return &e, nil
}

// Join is a sign-up as a module decided it.
type Join struct {
	MemberID int64
	OrgPath  string // the member's, kept on the sign-up
	Status   string // what the sign-up is to be
	Refusal  error  // why it may not be made (Status is then unused)
	Rank     int64  // the RankCol value, where the Book has one
	Via      string
	Now      int64 // Unix ms
}

// Join makes a sign-up under the host's lock, taking up a withdrawn one
// again. A live sign-up already held is the answer instead (made false),
// even to a refusal: it is the answer to a second click. The new sign-up
// gets the next sequence number.
func (b *Book) Join(ctx context.Context, tx *db.Tx, s *Seats, j Join) (*Entry, bool, error) {
	if j.Refusal != nil {
		e, err := b.Read(ctx, tx, s.ID, j.MemberID, false)
		if err != nil {
			return nil, false, err
		}
		if e != nil && b.IsLive(e.Status) {
			return e, false, nil
		}
		return nil, false, j.Refusal
	}
	cols, vals, assign, args := b.SeqCol+", via", "?, ?", b.SeqCol+" = ?, via = ?", []any{s.Seq + 1, j.Via}
	if b.RankCol != "" {
		cols, vals, assign, args = cols+", "+b.RankCol, vals+", ?", assign+", "+b.RankCol+" = ?", append(args, j.Rank)
	}
	// Most sign-ups are new: insert straight away, one round trip; only
	// when the row exists is it read.
	res, err := tx.Exec(ctx, "INSERT INTO "+b.Table+" ("+b.HostCol+", member_id, member_org_path, status, "+cols+", created_at, updated_at)"+
		" VALUES (?, ?, ?, ?, "+vals+", ?, ?) ON CONFLICT DO NOTHING", append(append([]any{s.ID, j.MemberID, j.OrgPath, j.Status}, args...), j.Now, j.Now)...)
	if err != nil {
		return nil, false, b.internal(err, "write sign-up")
	}
	e := &Entry{HostID: s.ID, MemberID: j.MemberID, CreatedAt: scope.FromMillis(j.Now)}
	var prev string // a withdrawn, rejected or walk-in sign-up taken up again
	if n, err := res.RowsAffected(); err != nil {
		return nil, false, b.internal(err, "write sign-up")
	} else if n == 0 {
		if e, err = b.Read(ctx, tx, s.ID, j.MemberID, false); err != nil {
			return nil, false, err
		}
		if b.IsLive(e.Status) {
			return e, false, nil
		}
		prev = e.Status
		if err := b.set(ctx, tx, s.ID, j.MemberID, "member_org_path = ?, status = ?, "+assign, j.Now,
			append([]any{j.OrgPath, j.Status}, args...)...); err != nil {
			return nil, false, err
		}
	}
	s.Seq++
	s.Move(prev, j.Status)
	s.Touch(j.Now)
	e.Status, e.Seq, e.Rank, e.Via, e.UpdatedAt = j.Status, s.Seq, j.Rank, j.Via, scope.FromMillis(j.Now)
	return e, true, nil
}

// set updates one sign-up: assignments ("status = ?, seq = ?") with their
// values, and updated_at.
func (b *Book) set(ctx context.Context, tx *db.Tx, hostID, memberID int64, assign string, now int64, vals ...any) error {
	if _, err := tx.Exec(ctx, "UPDATE "+b.Table+" SET "+assign+", updated_at = ? WHERE "+b.HostCol+" = ? AND member_id = ?",
		append(vals, now, hostID, memberID)...); err != nil {
		return b.internal(err, "write sign-up")
	}
	return nil
}

// Place is where a new sign-up goes: waiting for approval when the host
// wants it, else a place while one is free, else the waiting list when the
// host keeps one; else it is refused as full.
func (b *Book) Place(s *Seats, approval, waitlist bool) (string, error) {
	switch {
	case approval:
		return b.Pending, nil
	case !s.Full():
		return b.Confirmed, nil
	case waitlist:
		return b.Waiting, nil
	}
	return "", b.Refused("full")
}

// CancelBy refuses a member's own cancellation from the deadline on.
func (b *Book) CancelBy(now, deadline int64) error {
	if now >= deadline {
		return b.Refused("cancel_too_late")
	}
	return nil
}

// Cancel withdraws a live sign-up; a place given up goes at once to the
// waiting list (see Promote).
func (b *Book) Cancel(ctx context.Context, tx *db.Tx, s *Seats, e *Entry, now int64, promoted func(memberID int64) error) error {
	if err := b.set(ctx, tx, s.ID, e.MemberID, "status = ?", now, b.Cancelled); err != nil {
		return err
	}
	s.Move(e.Status, b.Cancelled)
	s.Touch(now)
	e.Status, e.UpdatedAt = b.Cancelled, scope.FromMillis(now)
	return b.Promote(ctx, tx, s, now, promoted)
}

// Promote gives free places to the waiting list in order; promoted is told
// of each member promoted.
func (b *Book) Promote(ctx context.Context, tx *db.Tx, s *Seats, now int64, promoted func(memberID int64) error) error {
	for s.Count(b.Waiting) > 0 && !s.Full() {
		var memberID int64
		err := tx.QueryRow(ctx, "SELECT member_id FROM "+b.Table+" WHERE "+b.HostCol+" = ? AND status = ? ORDER BY "+b.queue()+" LIMIT 1",
			s.ID, b.Waiting).Scan(&memberID)
		if errors.Is(err, sql.ErrNoRows) {
			s.add(b.Waiting, -s.Count(b.Waiting)) // the counter drifted; the rows are the truth
			return nil
		}
		if err != nil {
			return b.internal(err, "promote")
		}
		if err := b.set(ctx, tx, s.ID, memberID, "status = ?", now, b.Confirmed); err != nil {
			return err
		}
		s.Move(b.Waiting, b.Confirmed)
		s.Touch(now)
		if err := promoted(memberID); err != nil {
			return err
		}
	}
	return nil
}

// Decide settles a sign-up waiting for approval: approved, it takes a
// place, or the end of the waiting list when the host is full and keeps
// one; else it is rejected. The answer is the new status.
func (b *Book) Decide(ctx context.Context, tx *db.Tx, s *Seats, e *Entry, approve, waitlist bool, now int64) (string, error) {
	if e.Status != b.Pending {
		return "", b.Refused("not_pending")
	}
	to := b.Rejected
	if approve {
		var err error
		if to, err = b.Place(s, false, waitlist); err != nil {
			return "", err
		}
	}
	if to == b.Waiting {
		s.Seq++
		e.Seq = s.Seq
	}
	if err := b.set(ctx, tx, s.ID, e.MemberID, "status = ?, "+b.SeqCol+" = ?", now, to, e.Seq); err != nil {
		return "", err
	}
	s.Move(e.Status, to)
	s.Touch(now)
	e.Status, e.UpdatedAt = to, scope.FromMillis(now)
	return to, nil
}

// Set moves a sign-up to status to outside the usual paths (a walk-in, a
// draw), with the extra assignments given ("seq = ?, via = ?"), and counts
// it.
func (b *Book) Set(ctx context.Context, tx *db.Tx, s *Seats, e *Entry, to string, now int64, assign string, vals ...any) error {
	if assign != "" {
		assign = ", " + assign
	}
	if err := b.set(ctx, tx, s.ID, e.MemberID, "status = ?"+assign, now, append([]any{to}, vals...)...); err != nil {
		return err
	}
	s.Move(e.Status, to)
	s.Touch(now)
	e.Status, e.UpdatedAt = to, scope.FromMillis(now)
	return nil
}
