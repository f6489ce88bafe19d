package mailbox

import (
	"context"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/inbox"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
)

// The writer follows their letter on the phone: each step staff take that
// changes what the writer can expect leaves them a member notice (the
// portal's notices, sent by SMS by the notice sender), written in the
// step's transaction. The notice goes to the letter's own member_id,
// which an anonymous letter keeps for exactly this; nothing staff read
// joins member_notices, and the staff's audit record of the step names
// the letter only, so telling the writer reveals them to nobody.

// Kinds of the writer's notices; their words are the messages
// activity.notice.<kind> (the notices page and the SMS read them there).
const (
	NoticeAccepted         = "letter_accepted"
	NoticeForwarded        = "letter_forwarded"
	NoticeAnswered         = "letter_answered"
	NoticeFollowUpAnswered = "letter_follow_up_answered"
	NoticeDeclined         = "letter_declined"
)

// NoticeKinds lists every kind of notice the suggestion box leaves.
var NoticeKinds = []string{NoticeAccepted, NoticeForwarded, NoticeAnswered, NoticeFollowUpAnswered, NoticeDeclined}

// noticeOf is the notice a staff step leaves the writer ("": none).
// Closing an answered letter tells nothing new: the answer was told.
func noticeOf(ev Event, l *Letter) string {
	switch ev.Kind {
	case EvAccepted:
		return NoticeAccepted
	case EvForwarded:
		return NoticeForwarded
	case EvAnswered:
		if l.FollowedUp {
			return NoticeFollowUpAnswered
		}
		return NoticeAnswered
	case EvDeclined:
		return NoticeDeclined
	}
	return ""
}

// tellWriter leaves the writer of l the notice of ev, inside tx.
func tellWriter(ctx context.Context, tx *db.Tx, l *Letter, ev Event, now time.Time) error {
	kind := noticeOf(ev, l)
	if kind == "" || l.memberID == 0 {
		return nil
	}
	return notice.Add(ctx, tx, scope.Millis(now), kind, notice.Ref{LetterID: l.ID}, l.memberID)
}

// MemberSource shows a member's letters on their home page ("给您的消息",
// internal/inbox): those still being handled, and those answered,
// declined or closed lately, each linking to the letter.
func (s *Store) MemberSource() inbox.MemberSource { return memberSource{s} }

type memberSource struct{ s *Store }

// lettersShown is how many letters the home page lists at most.
const lettersShown = 5

// memberState is the home page's word for a status: pending while staff
// still owe an answer, rejected for a declined letter (its reason shown).
func memberState(st Status) string {
	switch st {
	case StatusAnswered:
		return "answered"
	case StatusClosed:
		return "closed"
	case StatusDeclined:
		return "rejected"
	}
	return "pending"
}

func (m memberSource) ForMember(ctx context.Context, memberID int64, since time.Time) ([]inbox.MemberItem, error) {
	rows, err := m.s.DB.Query(ctx, `SELECT l.id, l.subject, l.status, l.updated_at,
		COALESCE((SELECT e.body FROM letter_events e WHERE e.letter_id = l.id AND e.kind = ? ORDER BY e.id DESC LIMIT 1), '')
		FROM letters l WHERE l.member_id = ? AND (l.status IN (?, ?, ?) OR l.updated_at >= ?) ORDER BY l.updated_at DESC, l.id DESC LIMIT ?`,
		EvDeclined, memberID, StatusNew, StatusForwarded, StatusAccepted, scope.Millis(since), lettersShown)
	if err != nil {
		return nil, errs.Internal(err, "mailbox: member's letters")
	}
	defer rows.Close()
	var out []inbox.MemberItem
	for rows.Next() {
		var id, at int64
		var subject, reason string
		var st Status
		if err := rows.Scan(&id, &subject, &st, &at, &reason); err != nil {
			return nil, errs.Internal(err, "mailbox: member's letters")
		}
		out = append(out, inbox.MemberItem{Kind: "letter", State: memberState(st), Subject: subject, Reason: reason,
			At: scope.FromMillis(at), Link: "/m/letters/" + db.FormatID(id)})
	}
	return out, rows.Err()
}

func init() { notice.RegisterKinds(NoticeKinds...) }
