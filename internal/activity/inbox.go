package activity

import (
	"gonghui/internal/db"
	"gonghui/internal/inbox"
)

// InboxSource is the registrations waiting for staff approval (see
// internal/inbox), counted where the principal may run the activity:
// Decide asks for activity.write over the activity's organisation.
func (s *Store) InboxSource() inbox.Source {
	return &inbox.Query{K: inbox.Kind{Key: "registration", Title: "inbox.kind.registration", Perm: rule.Write,
		List: "/activities?status=" + string(StatusPublished)},
		DB: s.DB, From: "registrations r JOIN activities a ON a.id = r.activity_id JOIN members m ON m.id = r.member_id JOIN orgs o ON o.id = a.org_id",
		Counted: "registrations r JOIN activities a ON a.id = r.activity_id",
		Where:   "r.status = ?", Args: []any{string(RegPending)},
		Path: "a.org_path", Cols: "r.activity_id, r.member_id, m.name || ' · ' || a.title, o.name, r.created_at",
		Link: func(activityID, _ int64) string {
			return "/activities/" + db.FormatID(activityID) + "?rstatus=" + string(RegPending) + "#registrations"
		}}
}
