package member

import (
	"context"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/inbox"
)

// The registry's requests that wait for staff of a union (see
// internal/inbox): applications to join and transfers on each side
// (corrections are internal/member/privacy's). Each is decided by whoever
// may change members where it lies, so each counts only where the
// principal holds member.write.

// InboxSources are the member module's kinds of waiting items, in the
// workbench's order.
func (s *Store) InboxSources() []inbox.Source {
	return []inbox.Source{
		&inbox.Query{K: inbox.Kind{Key: "join_application", Title: "inbox.kind.join_application", Perm: rule.Write, List: "/applications"},
			DB: s.DB, From: "join_applications a JOIN orgs o ON o.id = a.org_id", Counted: "join_applications a", Where: "a.status = ?", Args: []any{string(AppPending)},
			Path: "a.org_path", Cols: "a.id, 0, a.name, o.name, a.created_at",
			Link: func(id, _ int64) string { return "/applications/" + db.FormatID(id) }},
		// The source union releases a requested transfer, then the target
		// union accepts the released one.
		s.transferKind("transfer_release", "out", TransferRequested, "t.from_path", "m.name || ' → ' || tgo.name, fo.name, t.requested_at"),
		s.transferKind("transfer_accept", "in", TransferReleased, "t.to_path", "m.name || ' ← ' || fo.name, tgo.name, t.released_at"),
	}
}

// transferKind is the transfers in status waiting for the side at path
// (direction, as the transfers page filters them); cols are the item's
// title, organisation and since.
func (s *Store) transferKind(key, direction string, status TransferStatus, path, cols string) inbox.Source {
	return &inbox.Query{K: inbox.Kind{Key: key, Title: "inbox.kind." + key, Perm: rule.Write,
		List: "/transfers?direction=" + direction + "&status=" + string(status)},
		DB: s.DB, From: "transfers t JOIN members m ON m.id = t.member_id JOIN orgs fo ON fo.id = t.from_org_id JOIN orgs tgo ON tgo.id = t.to_org_id",
		Counted: "transfers t", Where: "t.status = ?", Args: []any{string(status)}, Path: path, Cols: "t.id, 0, " + cols,
		Link: func(id, _ int64) string { return "/transfers/" + db.FormatID(id) }}
}

// MemberInboxSource is what the registry tells a member in the portal
// (see internal/inbox): their applications and transfers, open or settled
// lately.
func (s *Store) MemberInboxSource() inbox.MemberSource { return memberInbox{s} }

type memberInbox struct{ s *Store }

// Keep adds it to out in its state: open ones always, settled ones when
// decided (at *decided) since since.
func Keep(out []inbox.MemberItem, it inbox.MemberItem, state string, decided *time.Time, since time.Time) []inbox.MemberItem {
	it.State = state
	if !it.Open() {
		if decided == nil || decided.Before(since) {
			return out
		}
		it.At = *decided
	}
	return append(out, it)
}

func (m memberInbox) ForMember(ctx context.Context, memberID int64, since time.Time) ([]inbox.MemberItem, error) {
	var out []inbox.MemberItem
	apps, err := m.s.OwnApplications(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		// An application turned transfer follows as the transfer.
		if a.Status != AppTransfer {
			out = Keep(out, inbox.MemberItem{Kind: "application", Subject: a.OrgName, Reason: a.Reason, At: a.CreatedAt, Link: "/m/account#applications"},
				string(a.Status), a.DecidedAt, since)
		}
	}
	ts, err := m.s.OwnTransfers(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		state := "rejected" // or cancelled: it did not go through
		switch t.Status {
		case TransferRequested, TransferReleased:
			state = "pending"
		case TransferAccepted:
			state = "approved"
		}
		out = Keep(out, inbox.MemberItem{Kind: "transfer", Subject: t.ToOrgName, Reason: t.Reason, At: t.RequestedAt, Link: "/m/account#transfers"},
			state, t.DecidedAt, since)
	}
	return out, nil
}
