package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
)

// SQLite compiles every statement it is given: with the pure-Go driver a
// submission spent a fifth of its time in SQLite's parser, running the
// same dozen statements over and over. So on SQLite each pool keeps the
// statements it runs often prepared (pgx already caches PostgreSQL's).
//
// A statement is kept once it has been seen admitTimes times, and never
// dropped (closing one another goroutine has just taken would fail its
// query); texts built with lists of varying length are many but rarely
// repeated, so at most maxStmts are kept per pool and the rest are
// compiled each time, as before.
const (
	admitTimes = 3
	maxStmts   = 2000
)

// stmts are one pool's prepared statements.
type stmts struct {
	pool    *sql.DB
	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	seen    map[string]int
	wanted  map[string]bool // seen inside transactions, prepared after them
	running atomic.Bool
}

func newStmts(pool *sql.DB) *stmts {
	return &stmts{pool: pool, m: map[string]*sql.Stmt{}, seen: map[string]int{}, wanted: map[string]bool{}}
}

// cacheable: only single statements that read or change rows (a migration's
// script of several statements must not be cut to its first).
func cacheable(q string) bool {
	if strings.Contains(q, ";") {
		return false
	}
	head := strings.ToUpper(strings.TrimSpace(q))
	for _, p := range []string{"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"} {
		if strings.HasPrefix(head, p) {
			return true
		}
	}
	return false
}

// get answers q's prepared statement, and whether q has now been seen
// often enough to be prepared (when it is not yet).
func (c *stmts) get(q string) (*sql.Stmt, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st != nil {
		return st, false
	}
	if !cacheable(q) {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxStmts || len(c.seen) >= 4*maxStmts {
		return nil, false
	}
	c.seen[q]++
	return nil, c.seen[q] >= admitTimes
}

// stmt answers q's prepared statement, preparing it now if q has been
// seen often enough (outside a transaction: the pool has a connection to
// spare); nil: run q as text.
func (c *stmts) stmt(ctx context.Context, q string) *sql.Stmt {
	st, admit := c.get(q)
	if st == nil && admit {
		st = c.prepare(ctx, q)
	}
	return st
}

// prepare prepares q on the pool and keeps it; nil when it cannot (the
// caller then runs q as text).
func (c *stmts) prepare(ctx context.Context, q string) *sql.Stmt {
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[q]; old != nil {
		st.Close()
		return old
	}
	c.m[q] = st
	delete(c.seen, q)
	return st
}

// want notes q, seen inside a transaction, for preparing once the pool's
// connection is free again (preparing on the pool from inside a
// transaction would wait for the writer's only connection: itself).
func (c *stmts) want(q string) {
	c.mu.Lock()
	c.wanted[q] = true
	c.mu.Unlock()
}

// prepareWanted prepares, in the background, what transactions wanted.
func (c *stmts) prepareWanted() {
	if c == nil || !c.running.CompareAndSwap(false, true) {
		return
	}
	c.mu.Lock()
	list := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		list = append(list, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	if len(list) == 0 {
		c.running.Store(false)
		return
	}
	go func() {
		defer c.running.Store(false)
		for _, q := range list {
			c.prepare(context.Background(), q)
		}
	}()
}

// close closes every kept statement (before the pool).
func (c *stmts) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	clear(c.m)
}
