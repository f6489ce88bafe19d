package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"gonghui/internal/errs"
)

// Group gathers write transactions that arrive together into one durable
// commit (group commit). A hot row — an activity's seat counter — allows
// one commit at a time, and each commit waits for the disk; answering
// every caller from one shared commit multiplies the rate by the number
// gathered, while each caller still gets its own exact answer.
//
// Each function passed to Do runs inside the shared transaction, after
// the ones queued before it, and sees their writes. It must return a
// refusal (an *errs.Error that is not internal) before it writes anything:
// a refusal is that caller's answer and the others carry on. Any other
// error aborts the shared transaction; every function of the batch is then
// run again in a transaction of its own, so one failure reaches only its
// own caller. Functions must therefore be safe to run twice, like those
// given to Tx.
type Group struct {
	d   *DB
	max int
	par int // batches committing at once

	mu      sync.Mutex
	queue   []*groupOp
	leading int

	batches, ops atomic.Int64
}

type groupOp struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

// NewGroup returns a Group committing at most max functions together.
func (d *DB) NewGroup(max int) *Group {
	if max <= 0 {
		max = 128
	}
	return &Group{d: d, max: max, par: 1}
}

// NewSpreadGroup is NewGroup for functions that share no hot row (each
// writes rows of its own caller, such as a taker's paper): on PostgreSQL
// up to four batches commit at once on their own connections, since one
// batch runs its statements one round trip after another while the
// server could run the others; on SQLite, with its one writer, it is
// NewGroup.
func (d *DB) NewSpreadGroup(max int) *Group {
	g := d.NewGroup(max)
	if d.Dialect == Postgres {
		g.par = 4
	}
	return g
}

// Do runs fn in a transaction shared with the other calls waiting at the
// same moment, and returns once that transaction is durable (nil) or fn's
// own refusal or failure.
func (g *Group) Do(ctx context.Context, fn func(*Tx) error) error {
	op := &groupOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, op)
	if g.leading < g.par {
		g.leading++
		go g.lead()
	}
	g.mu.Unlock()
	// The answer is awaited even when ctx ends: once fn has run, a commit
	// may follow, and the caller must not report a failure that did not
	// happen. A function whose context ended before its turn is skipped.
	return <-op.done
}

// Stats returns how many shared transactions committed and how many
// functions they held, since the Group was made.
func (g *Group) Stats() (batches, ops int64) { return g.batches.Load(), g.ops.Load() }

// lead commits batches until the queue is empty.
func (g *Group) lead() {
	for {
		g.mu.Lock()
		n := min(len(g.queue), g.max)
		if n == 0 {
			g.leading--
			g.mu.Unlock()
			return
		}
		batch := make([]*groupOp, n)
		copy(batch, g.queue)
		g.queue = g.queue[n:]
		if len(g.queue) == 0 {
			g.queue = nil // let the backing array go
		}
		g.mu.Unlock()
		g.run(batch)
	}
}

// run commits one batch, falling back to one transaction per function when
// the shared one fails.
func (g *Group) run(batch []*groupOp) {
	live := batch[:0:0]
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.done <- err
			continue
		}
		live = append(live, op)
	}
	if len(live) == 0 {
		return
	}
	answers := make([]error, len(live))
	err := g.d.retry(context.Background(), func() error {
		sqlTx, err := g.d.w.BeginTx(context.Background(), nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		tx := &Tx{tx: sqlTx, d: g.d}
		for i, op := range live {
			answers[i] = op.fn(tx)
			if answers[i] != nil && !refusal(answers[i]) {
				_ = sqlTx.Rollback()
				return errAbortBatch
			}
		}
		return tx.commit()
	})
	if err == nil {
		g.batches.Add(1)
		g.ops.Add(int64(len(live)))
		for i, op := range live {
			op.done <- answers[i]
		}
		return
	}
	if len(live) == 1 && !errors.Is(err, errAbortBatch) {
		live[0].done <- err
		return
	}
	for _, op := range live {
		op.done <- g.d.Tx(op.ctx, op.fn)
	}
}

var errAbortBatch = errors.New("db: group transaction aborted")

// refusal reports whether err is a caller's answer rather than a failure.
func refusal(err error) bool {
	e, ok := errs.As(err)
	return ok && e.Kind != errs.KindInternal
}
