package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Read replicas (optional, PostgreSQL only). A heavy read that may be a few
// seconds old (a dashboard, a staff list, an export) asks for d.Stale(ctx)
// and gets the replica while its measured lag is under the bound, else the
// primary. Nothing reads the replica unless its call site says so: member
// pages, sign-in and every read inside a write transaction stay on the
// primary, and a request marked with ReadPrimary (a person who has just
// written) too.

// StaleReader is what a read-only call site needs: *DB is one (the primary).
type StaleReader interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	QueryFresh(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// LagSource measures how far the replica is behind the primary.
type LagSource interface {
	Lag(ctx context.Context) (time.Duration, error)
}

// ReplicaOptions of AttachReplica.
type ReplicaOptions struct {
	MaxLag time.Duration // reads go to the replica only under this lag (default 5s)
	// Lag measures the lag (nil: the heartbeat, heartbeatLag).
	Lag LagSource
	// Every is how often RunReplica beats and measures (default 1s); a
	// measurement older than three of them counts as none.
	Every time.Duration
	// Now is the clock the measurements' age is judged by (nil: time.Now).
	Now func() time.Time
}

type replica struct {
	pool     *sql.DB
	opt      ReplicaOptions
	lag      atomic.Int64 // nanoseconds, last measured
	at       atomic.Int64 // when it was measured (Unix ns); 0: never or failed
	reads    atomic.Int64 // Stale reads served by the replica
	fallback atomic.Int64 // Stale reads sent to the primary instead
}

// AttachReplica connects the read replica at dsn. SQLite has no replicas:
// it is refused there, as is a replica that is not PostgreSQL.
func (d *DB) AttachReplica(ctx context.Context, dsn string, opt ReplicaOptions) error {
	if d.Dialect != Postgres {
		return errors.New("--read-database-url: read replicas need PostgreSQL, and this database is SQLite: leave the option empty")
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return errors.New("--read-database-url: give a postgres:// URL of a streaming replica of the database")
	}
	if opt.MaxLag <= 0 {
		opt.MaxLag = 5 * time.Second
	}
	if opt.Every <= 0 {
		opt.Every = time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("--read-database-url: %w", err)
	}
	pool := stdlib.OpenDB(*cfg)
	w, _ := d.Pools()
	n := max(w.Stats().MaxOpenConnections, 4)
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	var standby bool
	if err := pool.QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&standby); err != nil {
		pool.Close()
		return fmt.Errorf("--read-database-url: connect: %w", err)
	}
	if !standby {
		slog.Warn("db: the read database is not a standby (pg_is_in_recovery is false); its lag is measured all the same")
	}
	r := &replica{pool: pool, opt: opt}
	if r.opt.Lag == nil {
		r.opt.Lag = heartbeatLag{primary: d.w, replica: pool}
	}
	d.replica.Store(r)
	return nil
}

// ReplicaStats are the replica's figures for /metrics.
type ReplicaStats struct {
	Lag      time.Duration // last measured; -1 when the last measurement failed or is too old
	MaxLag   time.Duration
	Reads    int64 // reads served by the replica
	Fallback int64 // reads that could have gone to it and went to the primary
}

// Replica reports the replica's figures, and false when there is none.
func (d *DB) Replica() (ReplicaStats, bool) {
	r := d.replica.Load()
	if r == nil {
		return ReplicaStats{}, false
	}
	lag := time.Duration(-1)
	if l, ok := r.current(); ok {
		lag = l
	}
	return ReplicaStats{Lag: lag, MaxLag: r.opt.MaxLag, Reads: r.reads.Load(), Fallback: r.fallback.Load()}, true
}

// current is the last lag measured, if it is recent enough to trust.
func (r *replica) current() (time.Duration, bool) {
	at := r.at.Load()
	if at == 0 || r.opt.Now().Sub(time.Unix(0, at)) > 3*r.opt.Every {
		return 0, false
	}
	return time.Duration(r.lag.Load()), true
}

// MeasureReplica measures the lag once (RunReplica does it every second).
func (d *DB) MeasureReplica(ctx context.Context) (time.Duration, error) {
	r := d.replica.Load()
	if r == nil {
		return 0, errors.New("db: no read replica")
	}
	lag, err := r.opt.Lag.Lag(ctx)
	if err != nil {
		r.at.Store(0)
		return 0, err
	}
	r.lag.Store(int64(lag))
	r.at.Store(r.opt.Now().UnixNano())
	return lag, nil
}

// RunReplica beats on the primary and measures the replica's lag every
// second until ctx ends; without a replica it returns at once. Any number
// of processes may beat: the row moves at most about once a second.
func (d *DB) RunReplica(ctx context.Context) {
	r := d.replica.Load()
	if r == nil {
		return
	}
	t := time.NewTicker(r.opt.Every)
	defer t.Stop()
	for {
		if err := d.Beat(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("db: heartbeat for the read replica", "err", err)
		}
		if _, err := d.MeasureReplica(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("db: read replica's lag unknown; heavy reads go to the primary", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// nowMS is the primary's clock in Unix milliseconds: beats and measurements
// use one clock, so the nodes' clocks do not matter.
const nowMS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

// Beat moves the heartbeat row to the primary's clock, unless another
// process did within the last half second.
func (d *DB) Beat(ctx context.Context) error {
	if d.Dialect != Postgres {
		return nil
	}
	_, err := d.w.ExecContext(ctx, "UPDATE db_heartbeat SET beat_at = "+nowMS+" WHERE id = 1 AND beat_at < "+nowMS+" - 500")
	return err
}

// heartbeatLag is how old the replica's copy of the heartbeat is by the
// primary's clock: an upper bound of the lag (the row moves every second, so
// an up-to-date replica shows up to a second), and one that grows when the
// replica stops replaying even while the primary is idle.
type heartbeatLag struct{ primary, replica *sql.DB }

func (h heartbeatLag) Lag(ctx context.Context) (time.Duration, error) {
	var beat, now int64
	if err := h.replica.QueryRowContext(ctx, "SELECT beat_at FROM db_heartbeat WHERE id = 1").Scan(&beat); err != nil {
		return 0, fmt.Errorf("read the replica's heartbeat: %w", err)
	}
	if err := h.primary.QueryRowContext(ctx, "SELECT "+nowMS).Scan(&now); err != nil {
		return 0, fmt.Errorf("read the primary's clock: %w", err)
	}
	if beat == 0 {
		return 0, errors.New("no heartbeat on the replica yet")
	}
	return time.Duration(max(now-beat, 0)) * time.Millisecond, nil
}

type primaryKey struct{}

// ReadPrimary marks ctx's reads for the primary: a person who has just
// written reads it back from there, whatever a call site's Stale asks.
func ReadPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// ReadsPrimary reports whether ctx was marked by ReadPrimary.
func ReadsPrimary(ctx context.Context) bool {
	v, _ := ctx.Value(primaryKey{}).(bool)
	return v
}

// Stale returns where a read that may be up to the lag bound old goes: the
// replica when there is one, its lag was measured recently and is under
// the bound, and ctx is not marked by ReadPrimary; else the primary (d).
// Call it for one read at a time, never for what a write decides on.
func (d *DB) Stale(ctx context.Context) StaleReader {
	r := d.replica.Load()
	if r == nil {
		return d
	}
	if lag, ok := r.current(); !ok || lag > r.opt.MaxLag || ReadsPrimary(ctx) {
		r.fallback.Add(1)
		return d
	}
	return replicaReader{d: d, r: r}
}

// replicaReader reads from the replica; a query the replica fails at once
// (it is down, say) is asked of the primary instead.
type replicaReader struct {
	d *DB
	r *replica
}

func (rr replicaReader) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := rr.r.pool.QueryContext(ctx, rr.d.Rebind(q), args...)
	if err != nil && ctx.Err() == nil {
		rr.r.fallback.Add(1)
		slog.Warn("db: read replica failed a read; asked the primary", "err", err)
		return rr.d.Query(ctx, q, args...)
	}
	rr.r.reads.Add(1)
	return rows, err
}

func (rr replicaReader) QueryFresh(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	// As DB.QueryFresh: planned with its values each time.
	rows, err := rr.r.pool.QueryContext(ctx, rr.d.Rebind(q), append([]any{pgx.QueryExecModeCacheDescribe}, args...)...)
	if err != nil && ctx.Err() == nil {
		rr.r.fallback.Add(1)
		slog.Warn("db: read replica failed a read; asked the primary", "err", err)
		return rr.d.QueryFresh(ctx, q, args...)
	}
	rr.r.reads.Add(1)
	return rows, err
}

// QueryRow cannot fall back (a Row's error shows at Scan), so it is one
// row's read on the replica when Stale chose it.
func (rr replicaReader) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	rr.r.reads.Add(1)
	return rr.r.pool.QueryRowContext(ctx, rr.d.Rebind(q), args...)
}

// closeReplica closes the replica's pool, if any.
func (d *DB) closeReplica() error {
	if r := d.replica.Swap(nil); r != nil {
		return r.pool.Close()
	}
	return nil
}
