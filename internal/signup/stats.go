package signup

import (
	"context"
	"fmt"

	"gonghui/internal/stats"
)

// StatSource recounts a host's figures (see internal/stats) from the rows
// of query, each read by scan as the figures of one host, so a check
// compares the counters kept in the hosts' rows too. name starts the
// errors ("activity", "course").
func StatSource(name, prefix string, metrics []string, query string, args []any, scan func(Scanner) (stats.Point, error)) stats.Source {
	return stats.Source{Prefix: prefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("%s: recount: %w", name, err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scan(rows)
			if err != nil {
				return fmt.Errorf("%s: recount: %w", name, err)
			}
			for _, c := range p.Changes(metrics, 1) {
				emit(c)
			}
		}
		return rows.Err()
	}}
}
