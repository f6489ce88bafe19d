package exports

import (
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
	"gonghui/internal/scope"
)

// InboxSource is the export requests waiting for a second person's
// approval (see internal/inbox): counted where the principal may reveal
// members' numbers, never their own requests and not those past their time,
// as the approvers' list on /exports shows them.
func InboxSource(s *member.Store, now func() time.Time) inbox.Source {
	return &inbox.Query{K: inbox.Kind{Key: "export_approval", Title: "inbox.kind.export_approval", Perm: auth.PermMemberReveal, List: "/exports"},
		DB: s.DB, From: "export_requests e JOIN orgs o ON o.id = e.org_id", Counted: "export_requests e", Where: "e.status = ?", Args: []any{string(ExportPending)},
		Mine: func(p *auth.Principal) (string, []any) {
			return "e.requester_id <> ? AND e.expires_at > ?", []any{p.UserID, scope.Millis(now())}
		},
		Path: "e.org_path", Cols: "e.id, 0, e.requester, o.name, e.created_at",
		Link: func(int64, int64) string { return "/exports" }}
}
