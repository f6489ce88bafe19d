package notice

import (
	"context"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
)

// KindMessage is a notice staff wrote themselves: its text is the notice's
// body, shown in the portal as it was written and sent by SMS like every
// notice (once, by the notice sender).
const KindMessage = "message"

// MaxMessage is how long a staff message may be, in characters: a message
// with the SMS prefix still fits in two text messages.
const MaxMessage = 120

// CheckMessage trims a staff message and reports what is wrong with it
// under the field "message".
func CheckMessage(text string) (string, error) {
	text = strings.TrimSpace(text)
	f := errs.Fields{}
	if f.Check(text != "", "message", "field.required") {
		member.CheckText(text, MaxMessage, f, "message")
	}
	return text, f.Err()
}

// MessageMany leaves a staff message for every selected member, in one
// transaction: the selection must lie within the caller's subtrees where
// they may write members (one member outside refuses it all, nothing is
// stored), and each member's notice has its audit record. It answers how
// many members the message went to.
func (s *Store) MessageMany(ctx context.Context, pr *auth.Principal, ids []int64, text string) (int, error) {
	text, err := CheckMessage(text)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		sel, err := s.Members.SelectionTx(ctx, tx, pr, ids, true)
		if err != nil {
			return err
		}
		now := s.now().UnixMilli()
		flat := make([]any, 0, 5*len(sel))
		for _, b := range sel {
			id := db.NewID()
			flat = append(flat, id, b.ID, KindMessage, text, now)
			if err := audit.Record(ctx, tx, audit.Event{Action: "member.message", Entity: "member", EntityID: db.FormatID(b.ID), OrgPath: b.OrgPath,
				After: map[string]any{"notice": db.FormatID(id), "text": text}}); err != nil {
				return err
			}
		}
		if err := tx.InsertRows(ctx, "member_notices (id, member_id, kind, body, created_at)", 5, flat); err != nil {
			return errs.Internal(err, "notice: message")
		}
		n = len(sel)
		return nil
	})
	return n, err
}

// MessageSource shows staff messages on the member's home page ("给您的
// 消息", internal/inbox): those of the last days, newest first, each
// linking to the notices page.
func (s *Store) MessageSource() inbox.MemberSource { return messageSource{s} }

type messageSource struct{ s *Store }

// messagesShown is how many messages the home page lists at most.
const messagesShown = 5

func (m messageSource) ForMember(ctx context.Context, memberID int64, since time.Time) ([]inbox.MemberItem, error) {
	rows, err := m.s.DB.Query(ctx, "SELECT body, created_at FROM member_notices WHERE member_id = ? AND kind = ? AND created_at >= ? ORDER BY id DESC LIMIT ?",
		memberID, KindMessage, since.UnixMilli(), messagesShown)
	if err != nil {
		return nil, errs.Internal(err, "notice: messages")
	}
	defer rows.Close()
	var out []inbox.MemberItem
	for rows.Next() {
		var body string
		var at int64
		if err := rows.Scan(&body, &at); err != nil {
			return nil, errs.Internal(err, "notice: messages")
		}
		out = append(out, inbox.MemberItem{Kind: KindMessage, State: "sent", Subject: body, At: time.UnixMilli(at).UTC(), Link: "/m/notices"})
	}
	return out, rows.Err()
}
