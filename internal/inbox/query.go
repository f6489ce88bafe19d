package inbox

import (
	"context"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Query is a Source over one table of requests with a status: what most
// modules' kinds are. Its clauses are SQL fragments of the module's own
// tables; Query adds the scope, the count, the order and the limit, so
// that every kind counts and lists alike.
type Query struct {
	K    Kind
	DB   *db.DB
	From string // tables and joins: "join_applications a JOIN orgs o ON o.id = a.org_id"
	// Counted is From without the joins only the items' columns need
	// ("join_applications a"): on PostgreSQL planning a join costs more
	// than counting a few rows, on every page (the badge). "" is From.
	Counted string
	// Where holds what waits, with its arguments: "a.status = ?"; an
	// index should lead with its columns and then Path, so a count is one
	// range scan.
	Where string
	Args  []any
	// Mine narrows by principal (nil: no narrowing): "e.requester_id <> ?".
	Mine func(p *auth.Principal) (string, []any)
	Path string // the column scoped to the principal's subtrees: "a.org_path"
	// Cols are the item's columns: two ids (the second 0 when one names
	// it), its title in words, its organisation's name and since when it
	// waits (Unix milliseconds), in this order.
	Cols string
	Link func(id, sub int64) string
}

// Kind implements Source.
func (q *Query) Kind() Kind { return q.K }

func (q *Query) where(from string, p *auth.Principal, paths []string) (string, []any) {
	in, inArgs := scope.SQL(q.Path, paths)
	parts, args := []string{q.Where, in}, append(append([]any{}, q.Args...), inArgs...)
	if q.Mine != nil {
		w, a := q.Mine(p)
		parts, args = append(parts, w), append(args, a...)
	}
	return " FROM " + from + " WHERE " + strings.Join(parts, " AND "), args
}

// Count implements Source.
func (q *Query) Count(ctx context.Context, p *auth.Principal, paths []string) (int, error) {
	counted := q.Counted
	if counted == "" {
		counted = q.From
	}
	from, args := q.where(counted, p, paths)
	var n int
	if err := q.DB.QueryRow(ctx, "SELECT COUNT(*)"+from, args...).Scan(&n); err != nil {
		return 0, errs.Internal(err, "inbox: count "+q.K.Key)
	}
	return n, nil
}

// Oldest implements Source: the items waiting longest first.
func (q *Query) Oldest(ctx context.Context, p *auth.Principal, paths []string, limit int) ([]Item, error) {
	from, args := q.where(q.From, p, paths)
	rows, err := q.DB.Query(ctx, "SELECT "+q.Cols+from+" ORDER BY 5, 1 LIMIT ?", append(args, scope.PageLimit(limit))...)
	if err != nil {
		return nil, errs.Internal(err, "inbox: list "+q.K.Key)
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var id, sub, since int64
		it := Item{Kind: q.K.Key}
		if err := rows.Scan(&id, &sub, &it.Title, &it.OrgName, &since); err != nil {
			return nil, errs.Internal(err, "inbox: list "+q.K.Key)
		}
		it.ID, it.Since, it.Link = db.FormatID(id), scope.FromMillis(since), q.Link(id, sub)
		if sub != 0 {
			it.ID += "-" + db.FormatID(sub)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "inbox: list "+q.K.Key)
	}
	return out, nil
}
