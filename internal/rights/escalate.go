package rights

import (
	"context"
	"log/slog"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Escalation. Past its deadline an open case waits in its supervisors'
// inbox (case_overdue, built at each read). The timeline records that
// moment once: a sweep on every server process finds the cases whose
// pending escalation (escalate_at, the deadline that still has to be
// escalated) has passed, and for each clears it with a conditional update
// and writes the entry in the same transaction. Of two processes sweeping
// at once, the second's update finds escalate_at cleared (PostgreSQL
// re-reads the row after the first commits; SQLite writes one at a time)
// and writes nothing. A new deadline (accepted, transferred, extended)
// sets escalate_at again; closing clears it.

// EscalateEvery is how often Run sweeps.
const EscalateEvery = time.Minute

// escalateBatch bounds one sweep's read; the next sweep takes the rest.
const escalateBatch = 500

// Escalate writes the timeline entry of every open case whose deadline
// has passed and is not escalated yet, and answers how many it wrote.
func (s *Store) Escalate(ctx context.Context) (int, error) {
	now := scope.Millis(s.now())
	n := 0
	for {
		rows, err := s.DB.Query(ctx, "SELECT id, escalate_at FROM cases WHERE escalate_at > 0 AND escalate_at <= ? ORDER BY escalate_at, id LIMIT ?",
			now, escalateBatch)
		if err != nil {
			return n, errs.Internal(err, "rights: escalate")
		}
		type due struct{ id, at int64 }
		var todo []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.at); err != nil {
				rows.Close()
				return n, errs.Internal(err, "rights: escalate")
			}
			todo = append(todo, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, errs.Internal(err, "rights: escalate")
		}
		for _, d := range todo {
			done, err := s.escalate(ctx, d.id, d.at)
			if err != nil {
				return n, err
			}
			if done {
				n++
			}
		}
		if len(todo) < escalateBatch {
			return n, nil
		}
	}
}

// escalate writes case id's escalation of the deadline at, unless another
// process did. The pending mark is cleared whatever is found, so that a
// row the sweep cannot act on (closed, its deadline moved) leaves the
// range rather than being read again at every sweep.
func (s *Store) escalate(ctx context.Context, id, at int64) (bool, error) {
	var done bool
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE cases SET escalate_at = 0 WHERE id = ? AND escalate_at = ?", id, at)
		if err != nil {
			return errs.Internal(err, "rights: escalate")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return errs.Internal(err, "rights: escalate")
			}
			return nil // another process took it
		}
		// The row is this transaction's now: read what it is.
		var st Status
		var dueAt int64
		if err := tx.QueryRow(ctx, "SELECT status, due_at FROM cases WHERE id = ?", id).Scan(&st, &dueAt); err != nil {
			return errs.Internal(err, "rights: escalate")
		}
		if st == StatusClosed || dueAt != at {
			return nil
		}
		done = true
		// The system acted: no account, no union.
		return addEvent(ctx, tx, id, Event{Kind: EvEscalated, At: s.stamp()}, 0)
	})
	return done, err
}

// Run sweeps for overdue cases now and every EscalateEvery until ctx ends.
// It is safe on every server process at once (see Escalate).
func (s *Store) Run(ctx context.Context) {
	t := time.NewTicker(EscalateEvery)
	defer t.Stop()
	for {
		if n, err := s.Escalate(ctx); err != nil {
			slog.Warn("escalate overdue cases", "err", err)
		} else if n > 0 {
			slog.Info("overdue cases escalated", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
