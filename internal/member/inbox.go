package member

import (
	"context"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/inbox"
)

// The registry's requests that wait for staff of a union (see
// internal/inbox): applications to join, transfers on each side, and
// members' corrections. Each is decided by whoever may change members
// where it lies, so each counts only where the principal holds
// member.write.

// InboxSources are the member module's kinds of waiting items, in the
// workbench's order.
func (s *Store) InboxSources() []inbox.Source {
	return []inbox.Source{
		&inbox.Query{K: inbox.Kind{Key: "join_application", Title: "inbox.kind.join_application", Perm: rule.Write, List: "/applications"},
			DB: s.DB, From: "join_applications a JOIN orgs o ON o.id = a.org_id", Counted: "join_applications a", Where: "a.status = ?", Args: []any{string(AppPending)},
			Path: "a.org_path", Cols: "a.id, 0, a.name, o.name, a.created_at",
			Link: func(id, _ int64) string { return "/applications/" + db.FormatID(id) }},
		// The source union releases a requested transfer...
		&inbox.Query{K: inbox.Kind{Key: "transfer_release", Title: "inbox.kind.transfer_release", Perm: rule.Write,
			List: "/transfers?direction=out&status=" + string(TransferRequested)},
			DB: s.DB, From: "transfers t JOIN members m ON m.id = t.member_id JOIN orgs fo ON fo.id = t.from_org_id JOIN orgs tgo ON tgo.id = t.to_org_id",
			Counted: "transfers t",
			Where:   "t.status = ?", Args: []any{string(TransferRequested)},
			Path: "t.from_path", Cols: "t.id, 0, m.name || ' → ' || tgo.name, fo.name, t.requested_at", Link: transferLink},
		// ...then the target union accepts the released one.
		&inbox.Query{K: inbox.Kind{Key: "transfer_accept", Title: "inbox.kind.transfer_accept", Perm: rule.Write,
			List: "/transfers?direction=in&status=" + string(TransferReleased)},
			DB: s.DB, From: "transfers t JOIN members m ON m.id = t.member_id JOIN orgs fo ON fo.id = t.from_org_id JOIN orgs tgo ON tgo.id = t.to_org_id",
			Counted: "transfers t",
			Where:   "t.status = ?", Args: []any{string(TransferReleased)},
			Path: "t.to_path", Cols: "t.id, 0, m.name || ' ← ' || fo.name, tgo.name, t.released_at", Link: transferLink},
		// A correction is decided where the member is now (PendingCorrections).
		&inbox.Query{K: inbox.Kind{Key: "correction", Title: "inbox.kind.correction", Perm: rule.Write, List: "/corrections"},
			DB: s.DB, From: "correction_requests c JOIN members m ON m.id = c.member_id JOIN orgs o ON o.id = m.org_id",
			Counted: "correction_requests c JOIN members m ON m.id = c.member_id",
			Where:   "c.status = ?", Args: []any{CorrectionPending},
			Path: "m.org_path", Cols: "c.id, 0, m.name, o.name, c.created_at",
			Link: func(id, _ int64) string { return "/corrections#c-" + db.FormatID(id) }},
	}
}

func transferLink(id, _ int64) string { return "/transfers/" + db.FormatID(id) }

// MemberInboxSource is what the registry tells a member in the portal
// (see internal/inbox): their applications, corrections and transfers,
// open or settled lately.
func (s *Store) MemberInboxSource() inbox.MemberSource { return memberInbox{s} }

type memberInbox struct{ s *Store }

// settled is an item decided at *at: kept when since then.
func settled(it inbox.MemberItem, at *time.Time, since time.Time, out []inbox.MemberItem) []inbox.MemberItem {
	if at == nil || at.Before(since) {
		return out
	}
	it.At = *at
	return append(out, it)
}

func (m memberInbox) ForMember(ctx context.Context, memberID int64, since time.Time) ([]inbox.MemberItem, error) {
	var out []inbox.MemberItem
	apps, err := m.s.OwnApplications(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		it := inbox.MemberItem{Kind: "application", Subject: a.OrgName, Reason: a.Reason, At: a.CreatedAt, Link: "/m/account#applications"}
		switch a.Status {
		case AppPending:
			it.State = "pending"
			out = append(out, it)
		case AppApproved, AppRejected:
			it.State = string(a.Status)
			out = settled(it, a.DecidedAt, since, out)
		} // an application turned transfer follows as the transfer
	}
	cs, err := m.s.OwnCorrections(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		it := inbox.MemberItem{Kind: "correction", State: c.Status, SubjectKey: "rights.field." + c.Field, Reason: c.Reason, At: c.CreatedAt, Link: "/m/data#correct"}
		if c.Status == CorrectionPending {
			out = append(out, it)
		} else {
			out = settled(it, c.DecidedAt, since, out)
		}
	}
	ts, err := m.s.OwnTransfers(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		it := inbox.MemberItem{Kind: "transfer", Subject: t.ToOrgName, Reason: t.Reason, At: t.RequestedAt, Link: "/m/account#transfers"}
		switch t.Status {
		case TransferRequested, TransferReleased:
			it.State = "pending"
			out = append(out, it)
		case TransferAccepted:
			it.State = "approved"
			out = settled(it, t.DecidedAt, since, out)
		default:
			it.State = "rejected"
			out = settled(it, t.DecidedAt, since, out)
		}
	}
	return out, nil
}
