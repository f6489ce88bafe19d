package activity

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
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// RegStatus is where a registration stands.
type RegStatus string

const (
	RegConfirmed RegStatus = "confirmed" // has a place
	RegWaiting   RegStatus = "waiting"   // on the waiting list
	RegPending   RegStatus = "pending"   // waits for staff approval
	RegCancelled RegStatus = "cancelled"
	RegRejected  RegStatus = "rejected"
	RegWalkIn    RegStatus = "walk_in" // came without signing up (outside the capacity)
)

// RegStatuses lists every registration status in display order.
var RegStatuses = []RegStatus{RegConfirmed, RegWaiting, RegPending, RegWalkIn, RegCancelled, RegRejected}

// live reports whether the registration holds or waits for a place.
func (s RegStatus) live() bool { return s == RegConfirmed || s == RegWaiting || s == RegPending }

// How a registration was made.
const (
	ViaSelf   = "self"   // the member, on the phone
	ViaStaff  = "staff"  // staff, on site or from a list
	ViaWalkIn = "walkin" // checked in without signing up, where walk-ins are allowed
)

// Registration is one member's sign-up for one activity.
type Registration struct {
	ActivityID int64     `json:"activity_id,string"`
	MemberID   int64     `json:"member_id,string"`
	MemberName string    `json:"member_name,omitempty"`
	OrgName    string    `json:"org_name,omitempty"`
	Status     RegStatus `json:"status"`
	Seq        int64     `json:"seq"`
	Via        string    `json:"via"`
	Stamps     int       `json:"stamps"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// seats is an activity's row as the sign-up transaction locks it.
type seats struct {
	id                                    int64
	orgPath, audiencePath                 string
	tags                                  int64
	status                                Status
	capacity, confirmed, waiting, pending int
	walkedIn, attended                    int // walk-ins; members checked in at least once
	waitlist, approval, walkIns           bool
	opens, closes, cancelBefore, starts   int64
	ends, seq                             int64
	dirty                                 bool
	updated                               int64
	logged                                stats.Point // as the figures last logged them
}

// seatsKey names an activity's locked row among a transaction's locals.
type seatsKey int64

// lockSeats reads an activity's counters under its row lock: every
// sign-up, cancellation and promotion of the activity queues here, in every
// server process (SQLite's single writer, PostgreSQL's row lock).
//
// Operations sharing a transaction (db.Group) lock and read the row once;
// its counters are written back once, just before the commit.
func lockSeats(ctx context.Context, tx *db.Tx, id int64) (*seats, error) {
	if st, ok := tx.Local(seatsKey(id)).(*seats); ok {
		return st, nil
	}
	var st seats
	var waitlist, approval, walkIns int
	err := tx.QueryRow(ctx, `SELECT id, org_path, audience_path, audience_tags, status, capacity, confirmed, waiting, pending,
		walked_in, attended, waitlist, approval, walk_ins, reg_opens_at, reg_closes_at, cancel_before, starts_at, ends_at, reg_seq
		FROM activities WHERE id = ?`+tx.ForUpdate(), id).Scan(&st.id, &st.orgPath, &st.audiencePath, &st.tags, &st.status,
		&st.capacity, &st.confirmed, &st.waiting, &st.pending, &st.walkedIn, &st.attended, &waitlist, &approval, &walkIns,
		&st.opens, &st.closes, &st.cancelBefore, &st.starts, &st.ends, &st.seq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("activity")
	}
	if err != nil {
		return nil, errs.Internal(err, "activity: lock")
	}
	st.waitlist, st.approval, st.walkIns = waitlist != 0, approval != 0, walkIns != 0
	st.logged = st.figures()
	tx.SetLocal(seatsKey(id), &st)
	wctx := context.WithoutCancel(ctx)
	tx.BeforeCommit(func() error {
		// However many operations shared the transaction, the activity's
		// figures are logged once, as they end.
		if err := st.logFigures(wctx, tx); err != nil {
			return err
		}
		if !st.dirty {
			return nil
		}
		_, err := tx.Exec(wctx, "UPDATE activities SET confirmed = ?, waiting = ?, pending = ?, walked_in = ?, attended = ?, reg_seq = ?, updated_at = ? WHERE id = ?",
			st.confirmed, st.waiting, st.pending, st.walkedIn, st.attended, st.seq, st.updated, st.id)
		if err != nil {
			return errs.Internal(err, "activity: save counters")
		}
		return nil
	})
	return &st, nil
}

// save marks the counters for writing back at commit.
func (st *seats) save(_ context.Context, _ *db.Tx, now int64) error {
	st.dirty, st.updated = true, now
	return nil
}

func (st *seats) full() bool { return st.capacity > 0 && st.confirmed >= st.capacity }

// count moves a registration from one status's counter to another's.
func (st *seats) count(from, to RegStatus) {
	for _, c := range []struct {
		s RegStatus
		d int
	}{{from, -1}, {to, +1}} {
		switch c.s {
		case RegConfirmed:
			st.confirmed += c.d
		case RegWaiting:
			st.waiting += c.d
		case RegPending:
			st.pending += c.d
		case RegWalkIn:
			st.walkedIn += c.d
		}
	}
}

// eligible says why a member may not sign up for an activity, or nil.
func eligible(st *seats, m *member.Brief) error {
	if m.Status != member.StatusActive || !auth.Inside(m.OrgPath, st.audiencePath) ||
		(st.tags != 0 && m.Tags&st.tags == 0) {
		return errs.Invalid("not_in_audience", "activity.not_in_audience")
	}
	return nil
}

func refused(code string) error { return errs.Conflict(code, "activity."+code) }

// existing reads a member's registration inside tx; nil when there is none.
func existing(ctx context.Context, tx *db.Tx, activityID, memberID int64) (*Registration, error) {
	r := Registration{ActivityID: activityID, MemberID: memberID}
	var created, updated int64
	err := tx.QueryRow(ctx, "SELECT status, seq, via, created_at, updated_at FROM registrations WHERE activity_id = ? AND member_id = ?",
		activityID, memberID).Scan(&r.Status, &r.Seq, &r.Via, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Internal(err, "activity: read registration")
	}
	r.CreatedAt, r.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return &r, nil
}

// Register signs a member up. A member signs themself up (pr of kind
// member, memberID their own) inside the registration window; staff with
// activity.write over the publisher sign anyone in the audience up until
// the activity ends, without approval. The answer is the registration and
// whether this call made it: a second call returns the same registration.
func (s *Store) Register(ctx context.Context, pr *auth.Principal, activityID, memberID int64) (*Registration, bool, error) {
	if pr == nil {
		return nil, false, scope.NilPrincipal("activity: register")
	}
	self := pr.Kind == "member"
	if self && pr.MemberID != memberID {
		return nil, false, errs.NotFound("member")
	}
	if !self {
		var path string
		err := s.DB.QueryRow(ctx, "SELECT org_path FROM activities WHERE id = ?", activityID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, errs.NotFound("activity")
		}
		if err != nil {
			return nil, false, errs.Internal(err, "activity: register")
		}
		if err := rule.Writable(pr, path); err != nil {
			return nil, false, err
		}
	}
	m, err := s.Members.Brief(ctx, memberID)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) && !self {
			return nil, false, fieldErr("member_id", "field.invalid_id")
		}
		return nil, false, err
	}
	var out *Registration
	var made bool
	err = s.group.Do(ctx, func(tx *db.Tx) error {
		out, made = nil, false
		now := s.now()
		st, err := lockSeats(ctx, tx, activityID)
		if err != nil {
			return err
		}
		if self && st.status == StatusDraft {
			return errs.NotFound("activity")
		}
		if err := eligible(st, m); err != nil {
			if self {
				return errs.NotFound("activity")
			}
			return err
		}
		// Decide as if the member were new; a refusal first looks for a
		// registration already held, which is the answer to a second click.
		var refusal error
		switch {
		case st.status != StatusPublished:
			refusal = refused("not_open")
		case scope.Millis(now) >= st.ends:
			refusal = refused("ended")
		case self && scope.Millis(now) < st.opens:
			refusal = refused("registration_not_open")
		case self && scope.Millis(now) >= st.closes:
			refusal = refused("registration_closed")
		}
		status := RegConfirmed
		switch {
		case refusal != nil:
		case self && st.approval:
			status = RegPending
		case st.full() && st.waitlist:
			status = RegWaiting
		case st.full():
			refusal = refused("full")
		}
		if refusal != nil {
			r, err := existing(ctx, tx, activityID, memberID)
			if err != nil {
				return err
			}
			if r != nil && r.Status.live() {
				out = r
				return nil
			}
			return refusal
		}
		via := ViaSelf
		if !self {
			via = ViaStaff
		}
		ms := scope.Millis(now)
		// Most sign-ups are new: insert straight away, one round trip;
		// only when the row exists is it read.
		res, err := tx.Exec(ctx, `INSERT INTO registrations (activity_id, member_id, member_org_path, status, seq, via, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, activityID, memberID, m.OrgPath, status, st.seq+1, via, ms, ms)
		if err != nil {
			return errs.Internal(err, "activity: write registration")
		}
		r := &Registration{ActivityID: activityID, MemberID: memberID, CreatedAt: scope.FromMillis(ms)}
		var prev RegStatus // a cancelled, rejected or walk-in row taken up again
		if n, err := res.RowsAffected(); err != nil {
			return errs.Internal(err, "activity: write registration")
		} else if n == 0 {
			if r, err = existing(ctx, tx, activityID, memberID); err != nil {
				return err
			}
			if r.Status.live() {
				out = r
				return nil
			}
			prev = r.Status
			if _, err := tx.Exec(ctx, `UPDATE registrations SET member_org_path = ?, status = ?, seq = ?, via = ?, updated_at = ?
				WHERE activity_id = ? AND member_id = ?`, m.OrgPath, status, st.seq+1, via, ms, activityID, memberID); err != nil {
				return errs.Internal(err, "activity: write registration")
			}
		}
		st.seq++
		st.count(prev, status)
		if err := st.save(ctx, tx, ms); err != nil {
			return err
		}
		r.Status, r.Seq, r.Via, r.UpdatedAt = status, st.seq, via, scope.FromMillis(ms)
		out, made = r, true
		if !self {
			return audit.Record(ctx, tx, audit.Event{Action: "activity.register", Entity: "registration",
				EntityID: db.FormatID(activityID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath,
				After: map[string]any{"status": status}})
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	out.MemberName = m.Name
	return out, made, nil
}

// CancelRegistration withdraws a member's registration: the member before
// the cancellation deadline, staff with activity.write until the end. A
// place given up goes at once to the first on the waiting list, who is
// told. Cancelling what is already withdrawn answers it unchanged.
func (s *Store) CancelRegistration(ctx context.Context, pr *auth.Principal, activityID, memberID int64) (*Registration, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("activity: cancel registration")
	}
	self := pr.Kind == "member"
	if self && pr.MemberID != memberID {
		return nil, errs.NotFound("registration")
	}
	var out *Registration
	err := s.group.Do(ctx, func(tx *db.Tx) error {
		out = nil
		now := scope.Millis(s.now())
		st, err := lockSeats(ctx, tx, activityID)
		if err != nil {
			return err
		}
		if !self {
			if err := rule.Writable(pr, st.orgPath); err != nil {
				return err
			}
		}
		r, err := existing(ctx, tx, activityID, memberID)
		if err != nil {
			return err
		}
		if r == nil {
			return errs.NotFound("registration")
		}
		if !r.Status.live() {
			out = r
			return nil
		}
		switch {
		case self && now >= st.cancelBefore:
			return refused("cancel_too_late")
		case now >= st.ends:
			return refused("ended")
		}
		if _, err := tx.Exec(ctx, "UPDATE registrations SET status = ?, updated_at = ? WHERE activity_id = ? AND member_id = ?",
			RegCancelled, now, activityID, memberID); err != nil {
			return errs.Internal(err, "activity: cancel registration")
		}
		st.count(r.Status, RegCancelled)
		if err := s.promote(ctx, tx, st, now); err != nil {
			return err
		}
		if err := st.save(ctx, tx, now); err != nil {
			return err
		}
		r.Status, r.UpdatedAt = RegCancelled, scope.FromMillis(now)
		out = r
		if !self {
			return audit.Record(ctx, tx, audit.Event{Action: "activity.unregister", Entity: "registration",
				EntityID: db.FormatID(activityID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath})
		}
		return nil
	})
	return out, err
}

// promote gives free places to the waiting list in order and tells those
// promoted.
func (s *Store) promote(ctx context.Context, tx *db.Tx, st *seats, now int64) error {
	for st.waiting > 0 && !st.full() {
		var memberID int64
		err := tx.QueryRow(ctx, "SELECT member_id FROM registrations WHERE activity_id = ? AND status = ? ORDER BY seq LIMIT 1",
			st.id, RegWaiting).Scan(&memberID)
		if errors.Is(err, sql.ErrNoRows) {
			st.waiting = 0 // the counter drifted; the rows are the truth
			return nil
		}
		if err != nil {
			return errs.Internal(err, "activity: promote")
		}
		if _, err := tx.Exec(ctx, "UPDATE registrations SET status = ?, updated_at = ? WHERE activity_id = ? AND member_id = ?",
			RegConfirmed, now, st.id, memberID); err != nil {
			return errs.Internal(err, "activity: promote")
		}
		st.count(RegWaiting, RegConfirmed)
		if err := notice.Add(ctx, tx, now, NoticePromoted, notice.Ref{ActivityID: st.id}, memberID); err != nil {
			return err
		}
	}
	return nil
}

// Decide approves or rejects a registration waiting for approval. An
// approved one gets a place, or a place on the waiting list when the
// activity is full; the member is told either way.
func (s *Store) Decide(ctx context.Context, pr *auth.Principal, activityID, memberID int64, approve bool) (*Registration, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("activity: decide")
	}
	var out *Registration
	err := s.group.Do(ctx, func(tx *db.Tx) error {
		out = nil
		now := scope.Millis(s.now())
		st, err := lockSeats(ctx, tx, activityID)
		if err != nil {
			return err
		}
		if err := rule.Writable(pr, st.orgPath); err != nil {
			return err
		}
		r, err := existing(ctx, tx, activityID, memberID)
		if err != nil {
			return err
		}
		if r == nil {
			return errs.NotFound("registration")
		}
		if r.Status != RegPending {
			return refused("not_pending")
		}
		to, told := RegRejected, NoticeRejected
		if approve {
			switch {
			case !st.full():
				to, told = RegConfirmed, NoticeApproved
			case st.waitlist:
				to, told = RegWaiting, NoticeWaitlisted
			default:
				return refused("full")
			}
		}
		if to == RegWaiting {
			st.seq++
			r.Seq = st.seq
		}
		if _, err := tx.Exec(ctx, "UPDATE registrations SET status = ?, seq = ?, updated_at = ? WHERE activity_id = ? AND member_id = ?",
			to, r.Seq, now, activityID, memberID); err != nil {
			return errs.Internal(err, "activity: decide")
		}
		st.count(RegPending, to)
		if err := st.save(ctx, tx, now); err != nil {
			return err
		}
		if err := notice.Add(ctx, tx, now, told, notice.Ref{ActivityID: activityID}, memberID); err != nil {
			return err
		}
		r.Status, r.UpdatedAt = to, scope.FromMillis(now)
		out = r
		return audit.Record(ctx, tx, audit.Event{Action: "activity.decide", Entity: "registration",
			EntityID: db.FormatID(activityID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath,
			After: map[string]any{"status": to}})
	})
	return out, err
}

// RegQuery filters an activity's registrations.
type RegQuery struct {
	Status RegStatus
	Q      string // name substring
	After  string // cursor: the last seq seen
	Limit  int
}

// Registrations lists an activity's registrations in sign-up order, with
// each member's stamps.
func (s *Store) Registrations(ctx context.Context, pr *auth.Principal, activityID int64, q RegQuery) ([]Registration, string, error) {
	a, err := s.Get(ctx, pr, activityID)
	if err != nil {
		return nil, "", err
	}
	if q.Status != "" && !slicesContains(RegStatuses, q.Status) {
		return nil, "", fieldErr("status", "field.invalid_choice")
	}
	var after int64
	if q.After != "" {
		var ok bool
		if after, ok = db.ParseID(q.After); !ok {
			return nil, "", badCursor()
		}
	}
	limit := scope.PageLimit(q.Limit)
	where := []string{"r.activity_id = ?", "r.seq > ?"}
	args := []any{a.ID, after}
	if q.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, q.Status)
	}
	if q.Q != "" {
		where, args = append(where, s.DB.Contains("m.name")), append(args, s.DB.ContainsArg(q.Q))
	}
	args = append(args, limit+1)
	rows, err := s.DB.QueryFresh(ctx, `SELECT r.member_id, m.name, o.name, r.status, r.seq, r.via, r.created_at, r.updated_at,
		(SELECT COUNT(*) FROM checkins c WHERE c.activity_id = r.activity_id AND c.member_id = r.member_id)
		FROM registrations r JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = m.org_id
		WHERE `+strings.Join(where, " AND ")+" ORDER BY r.seq LIMIT ?", args...)
	if err != nil {
		return nil, "", errs.Internal(err, "activity: registrations")
	}
	defer rows.Close()
	out := []Registration{}
	for rows.Next() {
		r := Registration{ActivityID: a.ID}
		var created, updated int64
		if err := rows.Scan(&r.MemberID, &r.MemberName, &r.OrgName, &r.Status, &r.Seq, &r.Via, &created, &updated, &r.Stamps); err != nil {
			return nil, "", errs.Internal(err, "activity: registrations")
		}
		r.CreatedAt, r.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", errs.Internal(err, "activity: registrations")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = db.FormatID(out[limit-1].Seq)
	}
	return out, next, nil
}
