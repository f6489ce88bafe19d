package activity

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// How a check-in was taken.
const (
	CheckInByCode  = "code"  // the member scanned the checkpoint's code
	CheckInByCard  = "card"  // staff scanned the member's card
	CheckInByStaff = "staff" // staff ticked the member on the list
)

// CheckInInput is one check-in: a member with a checkpoint's Code, or staff
// with a member's Card (or MemberID) at CheckpointID (0: the first one).
type CheckInInput struct {
	Code         string `json:"code"`
	Card         string `json:"card"`
	MemberID     int64  `json:"-"`
	CheckpointID int64  `json:"-"`
}

// CheckIn is the answer to a check-in: who, where, and how the member's
// stamp card stands.
type CheckIn struct {
	ActivityID     int64     `json:"activity_id,string"`
	ActivityTitle  string    `json:"activity_title"`
	CheckpointID   int64     `json:"checkpoint_id,string"`
	CheckpointName string    `json:"checkpoint_name"`
	MemberID       int64     `json:"member_id,string"`
	MemberName     string    `json:"member_name"`
	At             time.Time `json:"at"`
	Via            string    `json:"via"`
	Stamps         int       `json:"stamps"`
	Checkpoints    int       `json:"checkpoints"`
	StampsRequired int       `json:"stamps_required"`
	PrizeEarned    bool      `json:"prize_earned"`
}

// CheckIn records attendance at a checkpoint. Idempotent: a second scan
// answers the first check-in (made false). Taken only while check-in is
// open, and only for members registered with a place — or for anyone in
// the audience where walk-ins are allowed (they are recorded as walk-ins,
// outside the capacity).
func (s *Store) CheckIn(ctx context.Context, pr *auth.Principal, activityID int64, in CheckInInput) (*CheckIn, bool, error) {
	if pr == nil {
		return nil, false, scope.NilPrincipal("activity: check in")
	}
	self := pr.Kind == "member"
	var memberID, checkpointID int64
	via := CheckInByStaff
	switch {
	case self:
		if in.Code == "" {
			return nil, false, codeErr("field.required")
		}
		code, err := ParseCode(in.Code)
		if err != nil {
			return nil, false, err
		}
		if activityID != 0 && code.ActivityID != activityID {
			return nil, false, codeErr("activity.code.other_activity")
		}
		activityID, checkpointID, memberID, via = code.ActivityID, code.CheckpointID, pr.MemberID, CheckInByCode
		a, err := load(ctx, s.DB, activityID)
		if errs.Is(err, errs.KindNotFound) {
			return nil, false, codeErr("activity.code.forged")
		}
		if err != nil {
			return nil, false, err
		}
		cp := a.checkpoint(checkpointID)
		if cp == nil {
			return nil, false, codeErr("activity.code.forged")
		}
		if err := cp.verify(code, s.now()); err != nil {
			return nil, false, err
		}
	default:
		a, err := s.Get(ctx, pr, activityID)
		if err != nil {
			return nil, false, err
		}
		if err := rule.Writable(pr, a.OrgPath); err != nil {
			return nil, false, err
		}
		checkpointID = in.CheckpointID
		if checkpointID == 0 && len(a.Checkpoints) > 0 {
			checkpointID = a.Checkpoints[0].ID
		}
		if a.checkpoint(checkpointID) == nil {
			return nil, false, fieldErr("checkpoint_id", "field.invalid_id")
		}
		switch {
		case in.Card != "":
			id, err := signup.CardMember(ctx, s.Members, in.Card, "activity")
			if err != nil {
				return nil, false, err
			}
			memberID, via = id, CheckInByCard
		case in.MemberID != 0:
			memberID = in.MemberID
		default:
			return nil, false, fieldErr("member_id", "field.required")
		}
	}
	m, err := signup.Member(ctx, s.Members, memberID, false) // the member is named by a code, a card or a list
	if err != nil {
		return nil, false, err
	}
	var out *CheckIn
	var made bool
	err = signup.Locked(ctx, s.group, book, activityID, func(tx *db.Tx, st *seats) error {
		out, made = nil, false
		now := s.now()
		ms := scope.Millis(now)
		if mk, err := book.Marked(ctx, tx, checkpointID, memberID); err != nil || mk != nil {
			if mk != nil {
				out = &CheckIn{At: scope.FromMillis(mk.At), Via: mk.Via}
			}
			return err
		}
		a := Activity{Status: st.status, StartsAt: scope.FromMillis(st.starts), EndsAt: scope.FromMillis(st.ends)}
		if !a.CheckInOpen(now) {
			if now.Before(a.StartsAt.Add(-CheckInLead)) && a.Status == StatusPublished {
				return refused("checkin_not_open")
			}
			return refused("checkin_closed")
		}
		r, err := existing(ctx, tx, activityID, memberID)
		if err != nil {
			return err
		}
		switch {
		case r != nil && (r.Status == string(RegConfirmed) || r.Status == string(RegWalkIn)):
		case st.walkIns && eligible(st, m) == nil:
			// A walk-in comes outside the capacity; a place or a place on
			// the waiting list they held is given up.
			if r == nil {
				_, _, err = book.Join(ctx, tx, &st.Seats, signup.Join{MemberID: memberID, OrgPath: m.OrgPath, Status: string(RegWalkIn), Via: ViaWalkIn, Now: ms})
			} else {
				st.Seq++
				err = book.Set(ctx, tx, &st.Seats, r, string(RegWalkIn), ms, "seq = ?, via = ?", st.Seq, ViaWalkIn)
			}
			if err != nil {
				return err
			}
			if err := book.Promote(ctx, tx, &st.Seats, ms, promoted(ctx, tx, st, ms)); err != nil {
				return err
			}
		default:
			return refused("not_registered")
		}
		var by any
		if !self && pr.UserID != 0 {
			by = pr.UserID
		}
		if err := book.Mark(ctx, tx, &st.Seats, signup.Mark{Point: checkpointID, MemberID: memberID, OrgPath: m.OrgPath, At: ms, Via: via, By: by}); err != nil {
			return err
		}
		out, made = &CheckIn{At: scope.FromMillis(ms), Via: via}, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	sc, err := s.StampCard(ctx, activityID, memberID)
	if err != nil {
		return nil, false, err
	}
	out.ActivityID, out.ActivityTitle, out.CheckpointID = activityID, sc.ActivityTitle, checkpointID
	out.MemberID, out.MemberName = memberID, m.Name
	for _, st := range sc.Stamps {
		if st.CheckpointID == checkpointID {
			out.CheckpointName = st.Name
		}
	}
	out.Stamps, out.Checkpoints, out.StampsRequired, out.PrizeEarned = sc.Collected, len(sc.Stamps), sc.Required, sc.Earned
	return out, made, nil
}

func (a *Activity) checkpoint(id int64) *Checkpoint {
	for i := range a.Checkpoints {
		if a.Checkpoints[i].ID == id {
			return &a.Checkpoints[i]
		}
	}
	return nil
}

// CheckpointCode returns the code a checkpoint shows now and until when
// (zero when it never changes), for staff who run the activity.
func (s *Store) CheckpointCode(ctx context.Context, pr *auth.Principal, activityID, checkpointID int64) (string, time.Time, error) {
	a, err := s.Get(ctx, pr, activityID)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := rule.Writable(pr, a.OrgPath); err != nil {
		return "", time.Time{}, err
	}
	cp := a.checkpoint(checkpointID)
	if cp == nil {
		return "", time.Time{}, errs.NotFound("checkpoint")
	}
	code, until := cp.code(a.ID, s.now())
	return code, until, nil
}

// Stamp is one checkpoint on a member's stamp card.
type Stamp struct {
	CheckpointID int64      `json:"checkpoint_id,string"`
	Name         string     `json:"name"`
	At           *time.Time `json:"at,omitempty"` // nil: not stamped yet
}

// StampCard is a member's record card for one activity (活动记录卡).
type StampCard struct {
	ActivityID    int64      `json:"activity_id,string"`
	ActivityTitle string     `json:"activity_title"`
	Stamps        []Stamp    `json:"stamps"`
	Collected     int        `json:"collected"`
	Required      int        `json:"required"` // 0: no prize
	Prize         string     `json:"prize,omitempty"`
	Earned        bool       `json:"earned"`
	RedeemedAt    *time.Time `json:"redeemed_at,omitempty"`
}

// StampCard reads a member's card for an activity, unscoped (callers
// check who asks).
func (s *Store) StampCard(ctx context.Context, activityID, memberID int64) (*StampCard, error) {
	var title, prize string
	var required int
	err := s.DB.QueryRow(ctx, "SELECT title, stamps_required, prize FROM activities WHERE id = ?", activityID).Scan(&title, &required, &prize)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("activity")
	}
	if err != nil {
		return nil, errs.Internal(err, "activity: stamp card")
	}
	rows, err := s.DB.Query(ctx, `SELECT p.id, p.name, c.at FROM activity_checkpoints p
		LEFT JOIN checkins c ON c.checkpoint_id = p.id AND c.member_id = ?
		WHERE p.activity_id = ? ORDER BY p.position`, memberID, activityID)
	if err != nil {
		return nil, errs.Internal(err, "activity: stamp card")
	}
	defer rows.Close()
	sc := &StampCard{ActivityID: activityID, ActivityTitle: title, Required: required, Prize: prize, Stamps: []Stamp{}}
	for rows.Next() {
		var st Stamp
		var at sql.NullInt64
		if err := rows.Scan(&st.CheckpointID, &st.Name, &at); err != nil {
			return nil, errs.Internal(err, "activity: stamp card")
		}
		if at.Valid {
			t := scope.FromMillis(at.Int64)
			st.At = &t
			sc.Collected++
		}
		sc.Stamps = append(sc.Stamps, st)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "activity: stamp card")
	}
	sc.Earned = required > 0 && sc.Collected >= required
	var redeemed int64
	err = s.DB.QueryRow(ctx, "SELECT at FROM prize_redemptions WHERE activity_id = ? AND member_id = ?", activityID, memberID).Scan(&redeemed)
	if err == nil {
		t := scope.FromMillis(redeemed)
		sc.RedeemedAt = &t
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Internal(err, "activity: stamp card")
	}
	return sc, nil
}

// RedeemPrize hands a member the prize their completed stamp card earned,
// once: a second redemption is refused with the time of the first. The
// member is named by MemberID or by a scanned Card.
func (s *Store) RedeemPrize(ctx context.Context, pr *auth.Principal, activityID int64, in CheckInInput) (*StampCard, error) {
	a, err := s.Get(ctx, pr, activityID)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, a.OrgPath); err != nil {
		return nil, err
	}
	memberID := in.MemberID
	if in.Card != "" {
		chk, err := s.Members.VerifyCard(ctx, in.Card)
		if err != nil {
			return nil, fieldErr("card", "activity.card_unreadable")
		}
		if chk.Status != card.StatusValid {
			return nil, fieldErr("card", "activity.card_"+string(chk.Status))
		}
		memberID = chk.MemberID
	}
	if memberID == 0 {
		return nil, fieldErr("member_id", "field.required")
	}
	sc, err := s.StampCard(ctx, activityID, memberID)
	if err != nil {
		return nil, err
	}
	if sc.Required == 0 {
		return nil, refused("no_prize")
	}
	if !sc.Earned {
		return nil, refused("prize_not_earned")
	}
	if sc.RedeemedAt != nil {
		return nil, refused("prize_redeemed")
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var by any
		if pr.UserID != 0 {
			by = pr.UserID
		}
		if _, err := tx.Exec(ctx, "INSERT INTO prize_redemptions (activity_id, member_id, at, by_user) VALUES (?, ?, ?, ?)",
			activityID, memberID, scope.Millis(s.now()), by); err != nil {
			if db.IsUnique(err) {
				return refused("prize_redeemed")
			}
			return errs.Internal(err, "activity: redeem")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "activity.prize", Entity: "registration",
			EntityID: db.FormatID(activityID) + "/" + db.FormatID(memberID), OrgPath: a.OrgPath})
	})
	if err != nil {
		return nil, err
	}
	return s.StampCard(ctx, activityID, memberID)
}

// CheckInRow is one check-in in an activity's list.
type CheckInRow struct {
	MemberID       int64     `json:"member_id,string"`
	MemberName     string    `json:"member_name"`
	OrgName        string    `json:"org_name"`
	CheckpointID   int64     `json:"checkpoint_id,string"`
	CheckpointName string    `json:"checkpoint_name"`
	At             time.Time `json:"at"`
	Via            string    `json:"via"`
}

// CheckIns lists an activity's check-ins, latest first, a page at a time
// (cursor: the time and member of the last one).
func (s *Store) CheckIns(ctx context.Context, pr *auth.Principal, activityID int64, after string, limit int) ([]CheckInRow, string, error) {
	a, err := s.Get(ctx, pr, activityID)
	if err != nil {
		return nil, "", err
	}
	cur, ok := decodeCursor(after)
	if !ok {
		return nil, "", badCursor()
	}
	limit = scope.PageLimit(limit)
	where, args := "c.activity_id = ?", []any{a.ID}
	if cur != nil {
		where += " AND (c.at < ? OR (c.at = ? AND c.member_id < ?))"
		args = append(args, cur.starts, cur.starts, cur.id)
	}
	args = append(args, limit+1)
	rows, err := s.DB.QueryFresh(ctx, `SELECT c.member_id, m.name, o.name, c.checkpoint_id, p.name, c.at, c.via
		FROM checkins c JOIN members m ON m.id = c.member_id JOIN orgs o ON o.id = m.org_id
		JOIN activity_checkpoints p ON p.id = c.checkpoint_id
		WHERE `+where+" ORDER BY c.at DESC, c.member_id DESC LIMIT ?", args...)
	out, err := signup.All(rows, err, "activity: check-ins", func(r signup.Scanner) (CheckInRow, error) {
		var c CheckInRow
		var at int64
		err := r.Scan(&c.MemberID, &c.MemberName, &c.OrgName, &c.CheckpointID, &c.CheckpointName, &at, &c.Via)
		c.At = scope.FromMillis(at)
		return c, err
	})
	if err != nil {
		return nil, "", err
	}
	out, next := signup.Page(out, limit, func(c CheckInRow) string {
		return encodeCursor(cursor{starts: scope.Millis(c.At), id: c.MemberID})
	})
	return out, next, nil
}
