package activity

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
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

// book is where activities keep their sign-ups (see internal/signup).
var book = &signup.Book{
	Name: "activity", Entity: "activity",
	Host: "activities", HostSeq: "reg_seq", Attended: "attended",
	Counters: []signup.Counter{{Status: string(RegConfirmed), Column: "confirmed"}, {Status: string(RegWaiting), Column: "waiting"},
		{Status: string(RegPending), Column: "pending"}, {Status: string(RegWalkIn), Column: "walked_in"}},
	Table: "registrations", HostCol: "activity_id", SeqCol: "seq",
	Marks:     signup.Marks{Table: "checkins", Point: "checkpoint_id", OrgPath: true, PerMember: true},
	Metrics:   statMetrics,
	Confirmed: string(RegConfirmed), Waiting: string(RegWaiting), Pending: string(RegPending),
	Cancelled: string(RegCancelled), Rejected: string(RegRejected),
	Live: []string{string(RegConfirmed), string(RegWaiting), string(RegPending)},
}

// seats is an activity's row as the sign-up transaction locks it.
type seats struct {
	signup.Seats
	orgPath, audiencePath               string
	tags                                int64
	status                              Status
	waitlistN, approvalN, walkInsN      int
	waitlist, approval, walkIns         bool
	opens, closes, cancelBefore, starts int64
	ends                                int64
}

func (st *seats) Columns() (string, []any) {
	return `org_path, audience_path, audience_tags, status, waitlist, approval, walk_ins, reg_opens_at, reg_closes_at, cancel_before, starts_at, ends_at`,
		[]any{&st.orgPath, &st.audiencePath, &st.tags, &st.status, &st.waitlistN, &st.approvalN, &st.walkInsN,
			&st.opens, &st.closes, &st.cancelBefore, &st.starts, &st.ends}
}

func (st *seats) Loaded() {
	st.waitlist, st.approval, st.walkIns = st.waitlistN != 0, st.approvalN != 0, st.walkInsN != 0
}

// eligible says why a member may not sign up for an activity, or nil.
func eligible(st *seats, m *member.Brief) error {
	if !signup.Admits(m, st.audiencePath, st.tags) {
		return errs.Invalid("not_in_audience", "activity.not_in_audience")
	}
	return nil
}

func refused(code string) error { return book.Refused(code) }

// registration is a sign-up as activities show it.
func registration(e *signup.Entry) *Registration {
	if e == nil {
		return nil
	}
	return &Registration{ActivityID: e.HostID, MemberID: e.MemberID, MemberName: e.MemberName, OrgName: e.OrgName,
		Status: RegStatus(e.Status), Seq: e.Seq, Via: e.Via, Stamps: e.Attended, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// existing reads a member's registration inside tx; nil when there is none.
func existing(ctx context.Context, tx *db.Tx, activityID, memberID int64) (*signup.Entry, error) {
	return book.Read(ctx, tx, activityID, memberID, false)
}

// Register signs a member up. A member signs themself up (pr of kind
// member, memberID their own) inside the registration window; staff with
// activity.write over the publisher sign anyone in the audience up until
// the activity ends, without approval. The answer is the registration and
// whether this call made it: a second call returns the same registration.
func (s *Store) Register(ctx context.Context, pr *auth.Principal, activityID, memberID int64) (*Registration, bool, error) {
	self, err := signup.Acting(pr, memberID, "activity: register", "member")
	if err != nil {
		return nil, false, err
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
	m, err := signup.Member(ctx, s.Members, memberID, self)
	if err != nil {
		return nil, false, err
	}
	var out *Registration
	var made bool
	err = signup.Locked(ctx, s.group, book, activityID, func(tx *db.Tx, st *seats) error {
		out, made = nil, false
		now := scope.Millis(s.now())
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
		case now >= st.ends:
			refusal = refused("ended")
		case self && now < st.opens:
			refusal = refused("registration_not_open")
		case self && now >= st.closes:
			refusal = refused("registration_closed")
		}
		status := RegConfirmed
		if refusal == nil {
			var place string
			place, refusal = book.Place(&st.Seats, self && st.approval, st.waitlist)
			status = RegStatus(place)
		}
		via := ViaSelf
		if !self {
			via = ViaStaff
		}
		e, ok, err := book.Join(ctx, tx, &st.Seats, signup.Join{MemberID: memberID, OrgPath: m.OrgPath, Status: string(status),
			Refusal: refusal, Via: via, Now: now})
		if err != nil || !ok {
			out = registration(e)
			return err
		}
		out, made = registration(e), true
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
	self, err := signup.Acting(pr, memberID, "activity: cancel registration", "registration")
	if err != nil {
		return nil, err
	}
	var out *Registration
	err = signup.Locked(ctx, s.group, book, activityID, func(tx *db.Tx, st *seats) error {
		out = nil
		now := scope.Millis(s.now())
		if !self {
			if err := rule.Writable(pr, st.orgPath); err != nil {
				return err
			}
		}
		e, err := book.Held(ctx, tx, &st.Seats, memberID, "registration")
		if err != nil {
			return err
		}
		if !book.IsLive(e.Status) {
			out = registration(e)
			return nil
		}
		if self {
			if err := book.CancelBy(now, st.cancelBefore); err != nil {
				return err
			}
		}
		if now >= st.ends {
			return refused("ended")
		}
		if err := book.Cancel(ctx, tx, &st.Seats, e, now, promoted(ctx, tx, st, now)); err != nil {
			return err
		}
		out = registration(e)
		if !self {
			return audit.Record(ctx, tx, audit.Event{Action: "activity.unregister", Entity: "registration",
				EntityID: db.FormatID(activityID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath})
		}
		return nil
	})
	return out, err
}

// promoted tells a member a place came free for them.
func promoted(ctx context.Context, tx *db.Tx, st *seats, now int64) func(memberID int64) error {
	return func(memberID int64) error {
		return notice.Add(ctx, tx, now, NoticePromoted, notice.Ref{ActivityID: st.ID}, memberID)
	}
}

// Decide approves or rejects a registration waiting for approval. An
// approved one gets a place, or a place on the waiting list when the
// activity is full; the member is told either way.
func (s *Store) Decide(ctx context.Context, pr *auth.Principal, activityID, memberID int64, approve bool) (*Registration, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("activity: decide")
	}
	var out *Registration
	err := signup.Locked(ctx, s.group, book, activityID, func(tx *db.Tx, st *seats) error {
		out = nil
		now := scope.Millis(s.now())
		if err := rule.Writable(pr, st.orgPath); err != nil {
			return err
		}
		e, err := book.Held(ctx, tx, &st.Seats, memberID, "registration")
		if err != nil {
			return err
		}
		to, err := book.Decide(ctx, tx, &st.Seats, e, approve, st.waitlist, now)
		if err != nil {
			return err
		}
		told := map[string]string{string(RegConfirmed): NoticeApproved, string(RegWaiting): NoticeWaitlisted, string(RegRejected): NoticeRejected}[to]
		if err := notice.Add(ctx, tx, now, told, notice.Ref{ActivityID: activityID}, memberID); err != nil {
			return err
		}
		out = registration(e)
		return audit.Record(ctx, tx, audit.Event{Action: "activity.decide", Entity: "registration",
			EntityID: db.FormatID(activityID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath,
			After: map[string]any{"status": RegStatus(to)}})
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
	list, next, err := book.List(ctx, s.DB, a.ID, signup.Query{Status: string(q.Status), Q: q.Q, After: q.After, Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]Registration, len(list))
	for i := range list {
		out[i] = *registration(&list[i])
	}
	return out, next, nil
}
