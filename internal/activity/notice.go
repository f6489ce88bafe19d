package activity

import (
	"context"
	"log/slog"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// What members are told about their registrations.
const (
	NoticePromoted   = "promoted"   // a place came free and is theirs
	NoticeApproved   = "approved"   // staff approved the registration
	NoticeWaitlisted = "waitlisted" // approved, but on the waiting list
	NoticeRejected   = "rejected"   // staff turned the registration down
	NoticeCancelled  = "cancelled"  // the activity was called off
)

// Notice is one message in a member's portal.
type Notice struct {
	ID            int64     `json:"id,string"`
	Kind          string    `json:"kind"`
	ActivityID    int64     `json:"activity_id,string,omitempty"`
	TermID        int64     `json:"term_id,string,omitempty"` // a course term's notice
	ActivityTitle string    `json:"activity_title"`           // or the course's and term's
	At            time.Time `json:"at"`
	Read          bool      `json:"read"`
}

func notify(ctx context.Context, tx *db.Tx, now, activityID int64, kind string, memberIDs ...int64) error {
	flat := make([]any, 0, 5*len(memberIDs))
	for _, m := range memberIDs {
		flat = append(flat, db.NewID(), m, kind, activityID, now)
	}
	if err := tx.InsertRows(ctx, "member_notices (id, member_id, kind, activity_id, created_at)", 5, flat); err != nil {
		return errs.Internal(err, "activity: notify")
	}
	return nil
}

// Notices lists a member's latest notices, newest first, without marking them read.
func (s *Store) Notices(ctx context.Context, memberID int64, limit int) ([]Notice, error) {
	// Course notices (internal/course) share the inbox: their title is
	// the course's and the term's.
	rows, err := s.DB.Query(ctx, `SELECT n.id, n.kind, COALESCE(n.activity_id, 0), COALESCE(n.term_id, 0),
		COALESCE(a.title, c.title || ' · ' || t.name, ''), n.created_at, n.read_at
		FROM member_notices n LEFT JOIN activities a ON a.id = n.activity_id
		LEFT JOIN course_terms t ON t.id = n.term_id LEFT JOIN courses c ON c.id = t.course_id
		WHERE n.member_id = ? ORDER BY n.id DESC LIMIT ?`, memberID, pageLimit(limit))
	if err != nil {
		return nil, errs.Internal(err, "activity: notices")
	}
	defer rows.Close()
	out := []Notice{}
	for rows.Next() {
		var n Notice
		var at, read int64
		if err := rows.Scan(&n.ID, &n.Kind, &n.ActivityID, &n.TermID, &n.ActivityTitle, &at, &read); err != nil {
			return nil, errs.Internal(err, "activity: notices")
		}
		n.At, n.Read = fromMillis(at), read != 0
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNoticesRead marks every notice of a member read.
func (s *Store) MarkNoticesRead(ctx context.Context, memberID int64) error {
	_, err := s.DB.Exec(ctx, "UPDATE member_notices SET read_at = ? WHERE member_id = ? AND read_at = 0", millis(s.now()), memberID)
	if err != nil {
		return errs.Internal(err, "activity: mark notices read")
	}
	return nil
}

// UnreadNotices counts a member's unread notices.
func (s *Store) UnreadNotices(ctx context.Context, memberID int64) (int, error) {
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM member_notices WHERE member_id = ? AND read_at = 0", memberID).Scan(&n); err != nil {
		return 0, errs.Internal(err, "activity: unread notices")
	}
	return n, nil
}

// Render turns a notice into the text sent by SMS.
type Render func(kind, title string) string

// SendNotices sends by SMS, once, the notices no process has taken yet:
// up to 100 are claimed in one transaction (on PostgreSQL skipping those
// another process holds), then sent. A notice is sent at most once: one
// whose sending fails is logged, not retried, and stays in the portal.
func (s *Store) SendNotices(ctx context.Context, send func(ctx context.Context, mobile, text string) error, render Render) (int, error) {
	type claimed struct {
		id, member int64
		kind       string
		title      string
	}
	var batch []claimed
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		batch = batch[:0]
		lock := ""
		if tx.Dialect() == db.Postgres {
			lock = " FOR UPDATE OF n SKIP LOCKED"
		}
		rows, err := tx.Query(ctx, `SELECT n.id, n.member_id, n.kind, COALESCE(a.title, c.title || ' · ' || t.name, '')
			FROM member_notices n LEFT JOIN activities a ON a.id = n.activity_id
			LEFT JOIN course_terms t ON t.id = n.term_id LEFT JOIN courses c ON c.id = t.course_id
			WHERE n.sent_at = 0 ORDER BY n.sent_at, n.id LIMIT 100`+lock)
		if err != nil {
			return errs.Internal(err, "activity: claim notices")
		}
		for rows.Next() {
			var c claimed
			if err := rows.Scan(&c.id, &c.member, &c.kind, &c.title); err != nil {
				rows.Close()
				return errs.Internal(err, "activity: claim notices")
			}
			batch = append(batch, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Internal(err, "activity: claim notices")
		}
		now := millis(s.now())
		for _, c := range batch {
			if _, err := tx.Exec(ctx, "UPDATE member_notices SET sent_at = ? WHERE id = ?", now, c.id); err != nil {
				return errs.Internal(err, "activity: claim notices")
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range batch {
		mobile, err := s.Members.MobileForMessage(ctx, c.member)
		if err != nil {
			return sent, err
		}
		if mobile == "" {
			continue
		}
		if err := send(ctx, mobile, render(c.kind, c.title)); err != nil {
			slog.WarnContext(ctx, "notice not sent by SMS", "notice", c.id, "err", err)
			continue
		}
		sent++
	}
	return sent, nil
}
