package db

import (
	"context"
	"strings"
)

// BatchSize is how many of n remaining rows the next statement takes: 500,
// or for the rest the largest power of two that fits. Statements thus come
// in a dozen shapes, not in every size from 1 to 500, which keeps the
// per-query-text caches (our PostgreSQL rebinding, the server's plans) small.
func BatchSize(n int) int {
	if n >= 500 {
		return 500
	}
	b := 1
	for b*2 <= n {
		b *= 2
	}
	return b
}

// InsertRows inserts flat rows of ncols values with multi-row INSERTs of
// up to 500 rows, well under the bound-parameter limits of both engines
// (32766 on SQLite, 65535 on PostgreSQL). One statement per 500 rows rather
// than per row is what makes a 100,000-row city load in seconds.
func (t *Tx) InsertRows(ctx context.Context, into string, ncols int, flat []any) error {
	row := "(" + Placeholders(ncols) + ")"
	stmts := map[int]string{}
	for len(flat) > 0 {
		n := BatchSize(len(flat) / ncols)
		q, ok := stmts[n]
		if !ok {
			q = "INSERT INTO " + into + " VALUES " + strings.Repeat(row+", ", n-1) + row
			stmts[n] = q
		}
		if _, err := t.Exec(ctx, q, flat[:n*ncols]...); err != nil {
			return err
		}
		flat = flat[n*ncols:]
	}
	return nil
}

// Placeholders returns "?, ?, ..." for n values.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// Analyze refreshes the planner's statistics after a bulk load: ANALYZE on
// PostgreSQL; on SQLite, PRAGMA optimize with a bounded sample per index.
func (d *DB) Analyze(ctx context.Context) error {
	if d.Dialect == Postgres {
		_, err := d.w.ExecContext(ctx, "ANALYZE")
		return err
	}
	if _, err := d.w.ExecContext(ctx, "PRAGMA analysis_limit = 1000"); err != nil {
		return err
	}
	_, err := d.w.ExecContext(ctx, "PRAGMA optimize = 0x10002")
	return err
}

// AnalyzeFull refreshes the planner's statistics from every row, after a
// load into tables nobody reads yet (the generator). On PostgreSQL it is
// VACUUM ANALYZE: the VACUUM also marks the new pages all-visible, which is
// what lets counts read their covering indexes alone. On SQLite it is a
// full ANALYZE; SQLite's VACUUM would only rewrite the whole file.
func (d *DB) AnalyzeFull(ctx context.Context) error {
	q := "ANALYZE"
	if d.Dialect == Postgres {
		q = "VACUUM ANALYZE"
	}
	_, err := d.Exec(ctx, q)
	return err
}
