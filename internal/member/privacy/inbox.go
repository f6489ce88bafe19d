package privacy

import (
	"context"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
)

// InboxSource is the members' corrections waiting for staff (see
// internal/inbox), decided where the member is now (PendingCorrections) by
// whoever may change members there.
func InboxSource(s *member.Store) inbox.Source {
	return &inbox.Query{K: inbox.Kind{Key: "correction", Title: "inbox.kind.correction", Perm: auth.PermMemberWrite, List: "/corrections"},
		DB: s.DB, From: "correction_requests c JOIN members m ON m.id = c.member_id JOIN orgs o ON o.id = m.org_id",
		Counted: "correction_requests c JOIN members m ON m.id = c.member_id",
		Where:   "c.status = ?", Args: []any{CorrectionPending},
		Path: "m.org_path", Cols: "c.id, 0, m.name, o.name, c.created_at",
		Link: func(id, _ int64) string { return "/corrections#c-" + db.FormatID(id) }}
}

// MemberInboxSource tells a member in the portal about their corrections,
// open or settled lately.
func MemberInboxSource(s *member.Store) inbox.MemberSource { return memberInbox{s} }

type memberInbox struct{ s *member.Store }

func (m memberInbox) ForMember(ctx context.Context, memberID int64, since time.Time) ([]inbox.MemberItem, error) {
	cs, err := OwnCorrections(ctx, m.s, memberID)
	if err != nil {
		return nil, err
	}
	var out []inbox.MemberItem
	for _, c := range cs {
		out = member.Keep(out, inbox.MemberItem{Kind: "correction", SubjectKey: "rights.field." + c.Field, Reason: c.Reason, At: c.CreatedAt, Link: "/m/data#correct"},
			c.Status, c.DecidedAt, since)
	}
	return out, nil
}
