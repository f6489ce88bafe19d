package db

import (
	"context"
	"strings"
)

// This file holds the SQL that differs between the engines, so that code
// outside this package writes each query once and asks here for the parts
// that cannot be written the same way. dialect_boundary_test.go keeps it so.
//
// Most differences are about locks. A write transaction on SQLite starts
// with BEGIN IMMEDIATE and holds the database's only write lock until it
// ends: nothing else commits meanwhile, so every row it reads is already as
// good as locked and it reads one snapshot throughout. PostgreSQL locks
// rows, and READ COMMITTED lets each statement see what others committed
// since; there the lock has to be asked for, row by row.

// Engine names the engine ("sqlite" or "postgres") for logs and reports.
// Code must not branch on it: add a method here instead.
func (d *DB) Engine() string { return string(d.Dialect) }

// ForUpdate is the row-locking suffix for a SELECT inside a transaction:
// " FOR UPDATE" on PostgreSQL; empty on SQLite, whose write transaction
// already holds the whole database.
func (t *Tx) ForUpdate() string {
	if t.d.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ForUpdateOf locks only the rows of the table under alias in a SELECT
// over a join: " FOR UPDATE OF alias" on PostgreSQL (a plain FOR UPDATE
// would lock the joined rows too, such as an organisation's, and queue
// unrelated writers behind them, and it refuses the nullable side of an
// outer join); empty on SQLite (see ForUpdate).
func (t *Tx) ForUpdateOf(alias string) string {
	if t.d.Dialect == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// ForUpdateOfSkipLocked claims rows of the table under alias that no other
// transaction holds, for work queues that several processes drain: " FOR
// UPDATE OF alias SKIP LOCKED" on PostgreSQL, so that a second process
// takes the next rows instead of waiting for the first one's; empty on
// SQLite, where the second process waits for the write lock and then finds
// the first one's rows already done.
func (t *Tx) ForUpdateOfSkipLocked(alias string) string {
	if t.d.Dialect == Postgres {
		return " FOR UPDATE OF " + alias + " SKIP LOCKED"
	}
	return ""
}

// ForShare is the suffix of a SELECT that reads a row the transaction
// relies on without changing it: " FOR SHARE" on PostgreSQL, which lets
// other readers share the row but makes a writer that holds it (an
// organisation's subtree being moved) finish first, so the row read is
// current; empty on SQLite (see ForUpdate).
func (t *Tx) ForShare() string {
	if t.d.Dialect == Postgres {
		return " FOR SHARE"
	}
	return ""
}

// LockRows locks the rows the SELECT q returns, waiting for transactions
// that hold any of them, and reads nothing. On PostgreSQL it runs q with
// FOR UPDATE: a statement after it then starts once those transactions
// have committed and sees their rows, which under READ COMMITTED it might
// otherwise miss (a child organisation inserted while its parent's subtree
// is rewritten). On SQLite it runs nothing, for the write transaction
// already excludes every other writer.
func (t *Tx) LockRows(ctx context.Context, q string, args ...any) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	rows, err := t.Query(ctx, q+" FOR UPDATE", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// RepeatableRead makes the rest of the transaction read one snapshot, taken
// at its first query, so that figures recounted over several statements
// agree with each other. It must come before any other statement of the
// transaction. On PostgreSQL it sets the isolation level REPEATABLE READ;
// on SQLite it does nothing, since no other writer can commit while the
// write transaction runs.
func (t *Tx) RepeatableRead(ctx context.Context) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	_, err := t.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
	return err
}

// Like escapes s for use inside a LIKE pattern with ESCAPE '\'.
func Like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// LikeFold is a condition that col matches the LIKE pattern given as its
// argument (escaped with Like, ESCAPE '\'), ignoring the case of Latin
// letters on both engines: ILIKE on PostgreSQL, whose LIKE is
// case-sensitive; LIKE on SQLite, whose LIKE already ignores ASCII case.
func (d *DB) LikeFold(col string) string {
	if d.Dialect == Postgres {
		return col + ` ILIKE ? ESCAPE '\'`
	}
	return col + ` LIKE ? ESCAPE '\'`
}

// Contains is a condition that col contains the text given as its
// argument (see ContainsArg). On PostgreSQL it is strpos rather than
// LIKE '%…%', whose selectivity the planner badly underestimates; on
// SQLite it is LIKE (which ignores ASCII case there).
func (d *DB) Contains(col string) string {
	if d.Dialect == Postgres {
		return "strpos(" + col + ", ?) > 0"
	}
	return col + ` LIKE ? ESCAPE '\'`
}

// ContainsArg is the argument of Contains for the text q.
func (d *DB) ContainsArg(q string) string {
	if d.Dialect == Postgres {
		return q
	}
	return "%" + Like(q) + "%"
}

// ContainsFold is Contains ignoring the case of Latin letters on both
// engines (see ContainsFoldArg). On PostgreSQL it compares lower-cased
// text with strpos, not ILIKE '%…%': the planner guesses such a pattern to
// match almost nothing and would then sort every match of an index range
// instead of walking them in order. On SQLite it is LIKE, which already
// ignores ASCII case.
func (d *DB) ContainsFold(col string) string {
	if d.Dialect == Postgres {
		return "strpos(lower(" + col + "), ?) > 0"
	}
	return col + ` LIKE ? ESCAPE '\'`
}

// ContainsFoldArg is the argument of ContainsFold for the text q.
func (d *DB) ContainsFoldArg(q string) string {
	if d.Dialect == Postgres {
		return strings.ToLower(q)
	}
	return "%" + Like(q) + "%"
}

// TableByIndex names table (as alias) for a FROM clause, reading it through
// index: "table AS alias INDEXED BY index" on SQLite, "table AS alias" on
// PostgreSQL. For the few queries whose best index SQLite's planner cannot
// see: without per-value statistics it takes any closed range (a subtree's
// paths) to hold 1/64 of an index and prefers it to a one-sided range (a
// deadline passed) that in fact holds far fewer rows. PostgreSQL's planner
// has the histograms and chooses for itself.
func (d *DB) TableByIndex(table, alias, index string) string {
	if d.Dialect == Postgres {
		return table + " AS " + alias
	}
	return table + " AS " + alias + " INDEXED BY " + index
}
