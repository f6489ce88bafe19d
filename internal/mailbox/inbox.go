package mailbox

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/scope"
)

// The suggestion box's kinds of waiting items (see internal/inbox),
// counted where the principal holds letter.write over the addressee:
// new (and forwarded) letters to accept, and accepted letters past their
// due time. Their titles are the letters' subjects and the addressees'
// names, never the writers'.

func letterLink(id, _ int64) string { return "/letters/" + db.FormatID(id) }

const inboxFrom = "letters l JOIN orgs o ON o.id = l.org_id"

// InboxSources are the new letters and the overdue ones.
func (s *Store) InboxSources() []inbox.Source {
	return []inbox.Source{
		&inbox.Query{K: inbox.Kind{Key: "letter_new", Title: "mailbox.inbox.new", Perm: rule.Write, List: "/letters?status=" + string(StatusNew)},
			DB: s.DB, From: inboxFrom, Counted: "letters l",
			Where: "l.status IN (?, ?)", Args: []any{StatusNew, StatusForwarded},
			Path: "l.org_path", Cols: "l.id, 0, l.subject, o.name, l.updated_at", Link: letterLink},
		&overdue{s: s},
	}
}

// overdue is the accepted letters past their due time: what waits
// depends on the clock, so its query is built at each read.
type overdue struct{ s *Store }

func (o *overdue) query() *inbox.Query {
	return &inbox.Query{K: o.Kind(), DB: o.s.DB, From: inboxFrom, Counted: "letters l",
		Where: "l.status = ? AND l.due_at < ?", Args: []any{StatusAccepted, scope.Millis(o.s.now())},
		Path: "l.org_path", Cols: "l.id, 0, l.subject, o.name, l.due_at", Link: letterLink}
}

func (o *overdue) Kind() inbox.Kind {
	return inbox.Kind{Key: "letter_overdue", Title: "mailbox.inbox.overdue", Perm: rule.Write, List: "/letters?overdue=1"}
}

func (o *overdue) Count(ctx context.Context, p *auth.Principal, paths []string) (int, error) {
	return o.query().Count(ctx, p, paths)
}

func (o *overdue) Oldest(ctx context.Context, p *auth.Principal, paths []string, limit int) ([]inbox.Item, error) {
	return o.query().Oldest(ctx, p, paths, limit)
}
