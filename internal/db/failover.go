package db

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// When the PostgreSQL server a pool's connections lead to goes away (the
// primary crashes or is stopped for a failover), every idle connection in
// the pool is dead, but the driver finds that out only by using it, once
// per connection, failing a request each time (it checks a connection
// before reuse only after a second idle, and under load none is idle that
// long). A transaction is different from a lone statement: when it cannot
// even begin, nothing was sent that could have been written, so it is
// safe to try again on another connection. Tx does, through retry, after
// closing the pool's idle connections: the new ones go to whichever host
// now accepts writes (a multi-host URL with target_session_attrs=read-write).
// A failure after BEGIN is never retried for this: the outcome of a commit
// whose answer was lost is unknown.

// beginError is a transaction that could not begin.
type beginError struct{ err error }

func (e *beginError) Error() string { return "begin: " + e.err.Error() }
func (e *beginError) Unwrap() error { return e.err }

// lostAtBegin reports whether err is a transaction that could not begin
// because its connection or server was lost, and if so drops the pool's
// idle connections, which are likely as dead.
func (d *DB) lostAtBegin(err error) bool {
	var be *beginError
	if d.Dialect != Postgres || !errors.As(err, &be) || !connLost(be.err) {
		return false
	}
	n := d.w.Stats().MaxOpenConnections
	d.w.SetMaxIdleConns(0) // closes every idle connection now
	d.w.SetMaxIdleConns(n)
	return true
}

// connLost reports whether err says the connection to the server is gone
// or could not be made: a network error, the stream cut short, or the
// server ending the session (class 08 connection exceptions, 57P01-57P03:
// administrator or crash shutdown, not accepting connections now).
func connLost(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne)
}
