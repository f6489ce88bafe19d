// Package notice keeps members' inbox: what they are told about their
// activities and courses (a place came free, an activity was called off,
// the lottery's result ...). The modules add notices inside their own
// transactions; members read them in the portal, and every server process
// sends the new ones by SMS, each once.
package notice

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
)

// Ref names what a notice is about: an activity, a course term or a
// letter to the suggestion box (told to its writer only).
type Ref struct {
	ActivityID int64
	TermID     int64
	LetterID   int64
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Add tells members about ref inside tx; kind is the module's own (see
// the message keys activity.notice.<kind>).
func Add(ctx context.Context, tx *db.Tx, now int64, kind string, ref Ref, memberIDs ...int64) error {
	flat := make([]any, 0, 7*len(memberIDs))
	for _, m := range memberIDs {
		flat = append(flat, db.NewID(), m, kind, nullID(ref.ActivityID), nullID(ref.TermID), nullID(ref.LetterID), now)
	}
	if err := tx.InsertRows(ctx, "member_notices (id, member_id, kind, activity_id, term_id, letter_id, created_at)", 7, flat); err != nil {
		return errs.Internal(err, "notice: add")
	}
	return nil
}

// Notice is one message in a member's portal.
type Notice struct {
	ID            int64     `json:"id,string"`
	Kind          string    `json:"kind"`
	ActivityID    int64     `json:"activity_id,string,omitempty"`
	TermID        int64     `json:"term_id,string,omitempty"`   // a course term's notice
	LetterID      int64     `json:"letter_id,string,omitempty"` // a letter's (/me/letters/{id})
	About         string    `json:"about,omitempty"`            // another record's kind: case, motion
	AboutID       int64     `json:"about_id,string,omitempty"`  // and its id
	ActivityTitle string    `json:"activity_title"`             // or the course's and term's, a letter's subject, or a message's text
	At            time.Time `json:"at"`
	Read          bool      `json:"read"`
}

// titled selects notices with the title of what they are about, or a
// staff message's text (KindMessage) in its place.
const titled = `SELECT n.id, n.member_id, n.kind, COALESCE(n.activity_id, 0), COALESCE(n.term_id, 0), COALESCE(n.letter_id, 0), n.about_kind, n.about_id,
	COALESCE(a.title, c.title || ' · ' || t.name, l.subject, n.body), n.created_at, n.read_at
	FROM member_notices n LEFT JOIN activities a ON a.id = n.activity_id
	LEFT JOIN course_terms t ON t.id = n.term_id LEFT JOIN courses c ON c.id = t.course_id
	LEFT JOIN letters l ON l.id = n.letter_id`

func scan(r interface{ Scan(...any) error }) (Notice, int64, error) {
	var n Notice
	var memberID, at, read int64
	err := r.Scan(&n.ID, &memberID, &n.Kind, &n.ActivityID, &n.TermID, &n.LetterID, &n.About, &n.AboutID, &n.ActivityTitle, &at, &read)
	n.At, n.Read = time.UnixMilli(at).UTC(), read != 0
	return n, memberID, err
}

// Store reads and sends notices.
type Store struct {
	DB      *db.DB
	Members *member.Store
	now     func() time.Time
}

// NewStore returns a store on d; members' numbers are opened through m.
func NewStore(d *db.DB, m *member.Store) *Store { return &Store{DB: d, Members: m, now: time.Now} }

// List returns a member's latest notices, newest first, without marking
// them read.
func (s *Store) List(ctx context.Context, memberID int64, limit int) ([]Notice, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.Query(ctx, titled+" WHERE n.member_id = ? ORDER BY n.id DESC LIMIT ?", memberID, limit)
	if err != nil {
		return nil, errs.Internal(err, "notice: list")
	}
	defer rows.Close()
	out := []Notice{}
	for rows.Next() {
		n, _, err := scan(rows)
		if err != nil {
			return nil, errs.Internal(err, "notice: list")
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkRead marks every notice of a member read.
func (s *Store) MarkRead(ctx context.Context, memberID int64) error {
	_, err := s.DB.Exec(ctx, "UPDATE member_notices SET read_at = ? WHERE member_id = ? AND read_at = 0", s.now().UnixMilli(), memberID)
	if err != nil {
		return errs.Internal(err, "notice: mark read")
	}
	return nil
}

// Unread counts a member's unread notices.
func (s *Store) Unread(ctx context.Context, memberID int64) (int, error) {
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM member_notices WHERE member_id = ? AND read_at = 0", memberID).Scan(&n); err != nil {
		return 0, errs.Internal(err, "notice: unread")
	}
	return n, nil
}

// Render turns a notice into the text sent by SMS.
type Render func(kind, title string) string

// Send sends by SMS, once, the notices no process has taken yet: up to
// 100 are claimed in one transaction (on PostgreSQL skipping those another
// process holds), then sent. A notice is sent at most once: one whose
// sending fails is logged, not retried, and stays in the portal.
func (s *Store) Send(ctx context.Context, send func(ctx context.Context, mobile, text string) error, render Render) (int, error) {
	type claimed struct {
		Notice
		member int64
	}
	var batch []claimed
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		batch = batch[:0]
		rows, err := tx.Query(ctx, titled+" WHERE n.sent_at = 0 ORDER BY n.sent_at, n.id LIMIT 100"+tx.ForUpdateOfSkipLocked("n"))
		if err != nil {
			return errs.Internal(err, "notice: claim")
		}
		var ids []any
		for rows.Next() {
			n, m, err := scan(rows)
			if err != nil {
				rows.Close()
				return errs.Internal(err, "notice: claim")
			}
			batch = append(batch, claimed{n, m})
			ids = append(ids, n.ID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Internal(err, "notice: claim")
		}
		if len(ids) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, "UPDATE member_notices SET sent_at = ? WHERE id IN ("+db.Placeholders(len(ids))+")",
			append([]any{s.now().UnixMilli()}, ids...)...)
		if err != nil {
			return errs.Internal(err, "notice: claim")
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
		if err := send(ctx, mobile, render(c.Kind, c.ActivityTitle)); err != nil {
			slog.WarnContext(ctx, "notice not sent by SMS", "notice", c.ID, "err", err)
			continue
		}
		sent++
	}
	return sent, nil
}

var (
	kindsMu sync.Mutex
	kinds   = []string{KindMessage}
)

// RegisterKinds records the kinds of notice a module leaves, so that the
// API document lists every kind a member may be sent; modules call it from
// init.
func RegisterKinds(k ...string) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	for _, s := range k {
		if !slices.Contains(kinds, s) {
			kinds = append(kinds, s)
		}
	}
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	out := slices.Clone(kinds)
	slices.Sort(out)
	return out
}
