package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

// Functions given to a Group at the same moment share commits; each gets
// its own answer: a refusal reaches only its caller, a failure makes the
// batch fall back to one transaction per function, so the others commit.
func TestGroupAnswersEachCallerExactly(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "CREATE TABLE group_t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO group_t (id, n) VALUES (1, 0)"); err != nil {
			t.Fatal(err)
		}
		g := d.NewGroup(64)
		const n = 300
		var wg sync.WaitGroup
		results := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = g.Do(ctx, func(tx *db.Tx) error {
					switch {
					case i%10 == 3: // refused before writing
						return errs.Conflict("no", "no")
					case i%50 == 7: // fails after writing: the batch falls back
						if _, err := tx.Exec(ctx, "UPDATE group_t SET n = n + 1000 WHERE id = 1"); err != nil {
							return err
						}
						return errors.New("boom")
					}
					_, err := tx.Exec(ctx, "UPDATE group_t SET n = n + 1 WHERE id = 1")
					return err
				})
			}()
		}
		wg.Wait()
		want := 0
		for i, err := range results {
			switch {
			case i%10 == 3:
				if e, ok := errs.As(err); !ok || e.Code != "no" {
					t.Fatalf("%d: %v, want the refusal", i, err)
				}
			case i%50 == 7:
				if err == nil || err.Error() != "boom" {
					t.Fatalf("%d: %v, want its own failure", i, err)
				}
			default:
				if err != nil {
					t.Fatalf("%d: %v", i, err)
				}
				want++
			}
		}
		var got int
		if err := d.QueryRow(ctx, "SELECT n FROM group_t WHERE id = 1").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("counter %d, want %d: a failed or refused function's write was kept, or a success was lost", got, want)
		}
		batches, ops := g.Stats()
		if ops == 0 || batches > ops {
			t.Fatalf("stats: %d batches, %d ops", batches, ops)
		}
		t.Logf("%d operations committed in %d shared transactions", ops, batches)
		// A caller whose context has ended before its turn is not run.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		ran := false
		if err := g.Do(cctx, func(*db.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
			t.Fatalf("cancelled caller: %v, ran %v", err, ran)
		}
	})
}

// A spread group (several batches at once on PostgreSQL) commits every
// caller's own row exactly once and answers each, however many arrive.
func TestSpreadGroupCommitsEveryCaller(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "CREATE TABLE spread_t (id INTEGER PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		g := d.NewSpreadGroup(16)
		const n = 400
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = g.Do(ctx, func(tx *db.Tx) error {
					_, err := tx.Exec(ctx, "INSERT INTO spread_t (id) VALUES (?)", i)
					return err
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("caller %d: %v", i, err)
			}
		}
		var k int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM spread_t").Scan(&k); err != nil || k != n {
			t.Fatalf("%d rows for %d callers (%v)", k, n, err)
		}
		if batches, ops := g.Stats(); ops != n || batches < 1 {
			t.Fatalf("%d operations in %d batches", ops, batches)
		}
	})
}
