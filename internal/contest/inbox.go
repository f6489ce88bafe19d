package contest

import (
	"gonghui/internal/db"
	"gonghui/internal/inbox"
)

// InboxSource is the submitted papers whose short answers wait for staff
// to grade them (see internal/inbox), counted where the principal runs
// the contest: GradeShort asks for contest.write over its publisher. Each
// item links to the contest's attempts, filtered to those waiting.
func (s *Store) InboxSource() inbox.Source {
	return &inbox.Query{K: inbox.Kind{Key: "short_answer", Title: "inbox.kind.short_answer", Perm: rule.Write,
		List: "/contests?status=" + string(StatusPublished)},
		DB: s.DB, From: "attempts a JOIN contests c ON c.id = a.contest_id JOIN members m ON m.id = a.member_id JOIN orgs o ON o.id = c.org_id",
		Counted: "attempts a JOIN contests c ON c.id = a.contest_id",
		Where:   "a.pending > 0 AND a.status = ?", Args: []any{AttemptSubmitted},
		Path: "c.org_path", Cols: "a.contest_id, a.id, m.name || ' · ' || c.title, o.name, a.submitted_at",
		Link: func(contestID, _ int64) string {
			return "/contests/" + db.FormatID(contestID) + "/attempts?pending=1"
		}}
}
