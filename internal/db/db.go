// Package db opens SQLite (pure Go, no cgo) or PostgreSQL (pgx) behind one
// small type, runs the embedded migrations, and keeps every difference between
// the two engines in this package: placeholders, type names, error codes and
// locking. Queries elsewhere are written once, with ? placeholders.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the database handle every store uses. On SQLite it keeps one writer
// connection (writes are serialised by SQLite anyway; one connection in this
// process avoids busy-waiting on our own lock) and a pool of readers.
type DB struct {
	Dialect Dialect
	w       *sql.DB
	r       *sql.DB
	rebinds sync.Map // query text -> rebound text for PostgreSQL
	values  sync.Map // see SetValue
	rs, ws  *stmts   // SQLite: prepared statements of the readers and the writer (stmts.go)

	replica atomic.Pointer[replica] // optional read replica (replica.go)
}

// SetValue attaches v to this handle under key, for code that only gets a
// transaction (see Tx.Value): e.g. the audit chain's key, which belongs to
// the process that opened the database and is not stored in it.
func (d *DB) SetValue(key, v any) { d.values.Store(key, v) }

// Value returns what SetValue attached under key, or nil.
func (d *DB) Value(key any) any {
	v, _ := d.values.Load(key)
	return v
}

// Options tune pool sizes; zero values pick sensible defaults.
type Options struct {
	MaxConns int
	// SQLiteWriterCacheMB is the page cache of SQLite's writer connection
	// (default 64 MiB). Bulk loads raise it so that the random-order
	// indexes (hashes of ID and mobile numbers) stay in memory.
	SQLiteWriterCacheMB int
	// SQLiteBulk is for loading a database that nobody uses yet (the
	// generator): commits are not synced one by one (synchronous=NORMAL;
	// WAL keeps the file consistent, only the last commits may be lost in a
	// power cut, and the load is simply run again).
	SQLiteBulk bool
}

// Open connects to dsn: a postgres:// or postgresql:// URL, or a SQLite file
// path (created with its directory when missing).
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	if opt.MaxConns <= 0 {
		opt.MaxConns = 16
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn, opt)
	}
	return openSQLite(ctx, dsn, opt)
}

func openPostgres(ctx context.Context, dsn string, opt Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(opt.MaxConns)
	pool.SetMaxIdleConns(opt.MaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{Dialect: Postgres, w: pool, r: pool}
	if err := d.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	return d, nil
}

// sqlitePragmas: busy_timeout first so that the following pragmas already wait
// for a lock held by another process; synchronous=FULL because a success answer
// must survive a power cut; _txlock=immediate so a write transaction takes the
// write lock at BEGIN (the busy timeout does not cover a read lock upgraded to a
// write, which would otherwise fail with SQLITE_BUSY at once).
// Each reader keeps a 16 MiB page cache, the writer a larger one (Options).
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"

func openSQLite(ctx context.Context, path string, opt Options) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if path == "" {
		return nil, errors.New("open sqlite: empty path")
	}
	if err := prepareSQLiteFile(path); err != nil {
		return nil, err
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + sqlitePragmas
	cacheMB := opt.SQLiteWriterCacheMB
	if cacheMB <= 0 {
		cacheMB = 64
	}
	// secure_delete: what is deleted or overwritten (an anonymised member's
	// name, an import's sealed file, a session) is zeroed in the file, not
	// left in free pages for anyone who copies it.
	writer := base + fmt.Sprintf("&_pragma=cache_size(-%d)&_pragma=secure_delete(1)&_txlock=immediate", cacheMB*1024)
	if opt.SQLiteBulk {
		writer = strings.Replace(writer, "synchronous(FULL)", "synchronous(NORMAL)", 1) + "&_pragma=wal_autocheckpoint(100000)"
	}
	w, err := sql.Open("sqlite", writer)
	if err != nil {
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", base+"&_pragma=cache_size(-16384)&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite reader: %w", err)
	}
	n := min(opt.MaxConns, 8)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	d := &DB{Dialect: SQLite, w: w, r: r, rs: newStmts(r), ws: newStmts(w)}
	// The first connection turns the file into WAL mode; do it on the writer
	// before any reader opens the file.
	if err := d.pingSQLite(ctx, w); err != nil {
		d.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := d.pingSQLite(ctx, r); err != nil {
		d.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return d, nil
}

// pingSQLite opens a first connection. Several processes starting on a new
// file at once race to turn it into WAL mode, and the loser is told
// SQLITE_BUSY at once: the busy timeout does not cover that change, so the
// connection is tried again, for a few seconds at most.
func (d *DB) pingSQLite(ctx context.Context, pool *sql.DB) error {
	delay := 20 * time.Millisecond
	for try := 0; ; try++ {
		err := pool.PingContext(ctx)
		if err == nil || try == 8 || !d.transient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// Close closes both pools.
func (d *DB) Close() error {
	d.rs.close()
	d.ws.close()
	err := errors.Join(d.closeReplica(), d.w.Close())
	if d.r != d.w {
		err = errors.Join(err, d.r.Close())
	}
	return err
}

// Ping checks that the database answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Pools returns the underlying pools for metrics (writer, reader).
func (d *DB) Pools() (*sql.DB, *sql.DB) { return d.w, d.r }

// Rebind turns ? placeholders into $1, $2... for PostgreSQL. Queries must
// not contain a literal question mark.
func (d *DB) Rebind(q string) string {
	if d.Dialect != Postgres {
		return q
	}
	if v, ok := d.rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(q[i])
	}
	s := b.String()
	d.rebinds.Store(q, s)
	return s
}

// Query runs a read on the reader pool.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.rs.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.r.QueryContext(ctx, d.Rebind(q), args...)
}

// QueryFresh is Query for listings whose best plan depends on the values,
// such as a page of one subtree. pgx prepares and caches statements, and
// after five runs PostgreSQL may switch one to a generic plan, which guesses
// a path range to hold a single row and then sorts a whole city to return
// a page. These run as unnamed statements instead, planned with their
// values each time (about a millisecond); bulk writes keep cached plans.
func (d *DB) QueryFresh(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if d.Dialect == Postgres {
		args = append([]any{pgx.QueryExecModeCacheDescribe}, args...)
	}
	return d.Query(ctx, q, args...)
}

// QueryRow runs a single-row read on the reader pool.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.rs.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.r.QueryRowContext(ctx, d.Rebind(q), args...)
}

// Exec runs one write statement on its own (an implicit transaction).
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := d.retry(ctx, func() error {
		var err error
		if st := d.ws.stmt(ctx, q); st != nil {
			res, err = st.ExecContext(ctx, args...)
			return err
		}
		res, err = d.w.ExecContext(ctx, d.Rebind(q), args...)
		return err
	})
	return res, err
}

// Tx is a write transaction.
type Tx struct {
	tx     *sql.Tx
	d      *DB
	local  map[any]any
	before []func() error
	after  []func()
}

// Value returns what SetValue attached to the transaction's DB under key.
func (t *Tx) Value(key any) any { return t.d.Value(key) }

// AfterCommit runs fn once the transaction has committed (not when it rolls
// back or is retried), for telling the outside world what is now durable.
func (t *Tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

// Local returns what SetLocal kept under key in this transaction, or nil.
// Operations sharing a transaction (see Group) keep rows they locked here,
// so the second one does not read and write the same hot row again.
func (t *Tx) Local(key any) any { return t.local[key] }

// SetLocal keeps v under key for the rest of the transaction.
func (t *Tx) SetLocal(key, v any) {
	if t.local == nil {
		t.local = map[any]any{}
	}
	t.local[key] = v
}

// BeforeCommit runs fn just before the transaction commits (in the order
// registered); an error rolls the transaction back. It writes back what
// the operations kept with SetLocal, once.
func (t *Tx) BeforeCommit(fn func() error) { t.before = append(t.before, fn) }

// commit runs the BeforeCommit functions and commits.
func (t *Tx) commit() error {
	for _, fn := range t.before {
		if err := fn(); err != nil {
			_ = t.tx.Rollback()
			return err
		}
	}
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	t.d.ws.prepareWanted()
	for _, fn := range t.after {
		fn()
	}
	return nil
}

// Dialect of the database the transaction runs on.
func (t *Tx) Dialect() Dialect { return t.d.Dialect }

func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.d.Rebind(q), args...)
}

func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.d.Rebind(q), args...)
}

// stmt is q's statement prepared on the writer, bound to this transaction
// (nil: run q as text; one seen often enough is prepared after commit).
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	st, admit := t.d.ws.get(q)
	if st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if admit {
		t.d.ws.want(q)
	}
	return nil
}

// Tx runs fn in a write transaction, committing when it returns nil. A
// transaction that fails for a transient reason (serialisation failure or
// deadlock on PostgreSQL, a busy database on SQLite) is retried whole, so fn
// must not have side effects outside the transaction.
func (d *DB) Tx(ctx context.Context, fn func(*Tx) error) error {
	return d.retry(ctx, func() error {
		sqlTx, err := d.w.BeginTx(ctx, nil)
		if err != nil {
			return &beginError{err} // see failover.go
		}
		tx := &Tx{tx: sqlTx, d: d}
		if err := fn(tx); err != nil {
			_ = sqlTx.Rollback()
			return err
		}
		return tx.commit()
	})
}

func (d *DB) retry(ctx context.Context, fn func() error) error {
	const attempts = 8
	delay := 5 * time.Millisecond
	for i := 0; ; i++ {
		err := fn()
		if err == nil || i == attempts-1 || !d.transient(err) {
			return err
		}
		slog.Debug("db: retrying transient failure", "attempt", i+1, "err", err)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(delay):
		}
		delay *= 2
	}
}

func (d *DB) transient(err error) bool {
	if d.lostAtBegin(err) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool {
	return isCode(err, "23505", sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// IsForeignKey reports whether err is a foreign-key violation.
func IsForeignKey(err error) bool {
	return isCode(err, "23503", sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

// isCode reports whether err is PostgreSQL's error pgCode or SQLite's
// error with one of sqliteCodes (extended codes).
func isCode(err error, pgCode string, sqliteCodes ...int) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == pgCode
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return slices.Contains(sqliteCodes, se.Code())
	}
	return false
}
