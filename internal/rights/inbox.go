package rights

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/scope"
)

// The cases' kinds of waiting items (see internal/inbox). Titles are the
// cases' titles and the unions' names, never a worker's.
//
//   - case_new: cases waiting to be accepted, for staff holding case.write
//     over the union they wait at.
//   - case_due: the handler's reminder: their cases whose deadline is in
//     its last RemindDays working days (narrowed to the handler).
//   - case_overdue: the escalation: open cases past their deadline, for the
//     supervisors (case.supervise over the union).
//
// The last two depend on the clock, so their queries are built at each
// read.

func caseLink(id, _ int64) string { return "/cases/" + db.FormatID(id) }

const inboxFrom = "cases c JOIN orgs o ON o.id = c.org_id"

// InboxSources are the cases to accept, the handler's reminders and the
// supervisors' escalations.
func (s *Store) InboxSources() []inbox.Source {
	return []inbox.Source{
		&inbox.Query{K: inbox.Kind{Key: "case_new", Title: "case.inbox.new", Perm: rule.Write, List: "/cases?status=" + string(StatusNew)},
			DB: s.DB, From: inboxFrom, Counted: "cases c",
			Where: "c.status IN (?, ?)", Args: []any{StatusNew, StatusTransferred},
			Path: "c.org_path", Cols: "c.id, 0, c.title, o.name, c.updated_at", Link: caseLink},
		&clocked{s: s, kind: inbox.Kind{Key: "case_due", Title: "case.inbox.due", Perm: rule.Write, List: "/cases?mine=1&status=" + string(StatusHandling)},
			query: func(s *Store, now int64) *inbox.Query {
				return &inbox.Query{DB: s.DB, From: inboxFrom, Counted: "cases c",
					Where: "c.status = ? AND c.remind_at <= ? AND c.due_at > ?", Args: []any{StatusHandling, now, now},
					Mine: func(p *auth.Principal) (string, []any) { return "c.handler_id = ?", []any{p.UserID} },
					Path: "c.org_path", Cols: "c.id, 0, c.title, o.name, c.remind_at", Link: caseLink}
			}},
		&clocked{s: s, kind: inbox.Kind{Key: "case_overdue", Title: "case.inbox.overdue", Perm: auth.PermCaseSupervise, List: "/cases?overdue=1"},
			query: func(s *Store, now int64) *inbox.Query {
				return &inbox.Query{DB: s.DB, From: inboxFrom, Counted: "cases c",
					Where: "c.status IN (?, ?, ?) AND c.due_at <= ?", Args: []any{StatusNew, StatusTransferred, StatusHandling, now},
					Path: "c.org_path", Cols: "c.id, 0, c.title, o.name, c.due_at", Link: caseLink}
			}},
	}
}

// clocked is a kind whose query depends on the time of the read.
type clocked struct {
	s     *Store
	kind  inbox.Kind
	query func(s *Store, now int64) *inbox.Query
}

func (c *clocked) q() *inbox.Query {
	q := c.query(c.s, scope.Millis(c.s.now()))
	q.K = c.kind
	return q
}

func (c *clocked) Kind() inbox.Kind { return c.kind }

func (c *clocked) Count(ctx context.Context, p *auth.Principal, paths []string) (int, error) {
	return c.q().Count(ctx, p, paths)
}

func (c *clocked) Oldest(ctx context.Context, p *auth.Principal, paths []string, limit int) ([]inbox.Item, error) {
	return c.q().Oldest(ctx, p, paths, limit)
}
