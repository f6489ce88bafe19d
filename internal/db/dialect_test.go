package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func insertSettings(t *testing.T, d *db.DB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := d.Exec(context.Background(), "INSERT INTO settings (name, value) VALUES (?, '')", n); err != nil {
			t.Fatal(err)
		}
	}
}

func names(t *testing.T, q func() ([]string, error)) []string {
	t.Helper()
	got, err := q()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

func collect(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Every SQL part the shim hands out is valid where it is meant to go, on
// each engine: in a join, an outer join, first in a transaction.
func TestShimSQLRunsOnEachEngine(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		insertSettings(t, d, "a", "b")
		const join = "SELECT s.name FROM settings s JOIN settings o ON o.name = s.name LEFT JOIN settings x ON x.name = s.value WHERE s.name = ?"
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.RepeatableRead(ctx); err != nil {
				return err
			}
			for _, q := range []string{
				"SELECT name FROM settings WHERE name = ?" + tx.ForUpdate(),
				"SELECT name FROM settings WHERE name = ?" + tx.ForShare(),
				join + tx.ForUpdateOf("s"),
				join + tx.ForUpdateOfSkipLocked("s"),
			} {
				var got string
				if err := tx.QueryRow(ctx, q, "a").Scan(&got); err != nil || got != "a" {
					t.Errorf("%s: %q %v", q, got, err)
				}
			}
			return tx.LockRows(ctx, "SELECT name FROM settings WHERE name >= ? AND name < ?", "a", "c")
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.AnalyzeFull(ctx); err != nil {
			t.Fatal(err)
		}
		if err := d.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// LikeFold and ContainsFold ignore the case of Latin letters on both
// engines (PostgreSQL's LIKE and strpos alone would not), and take % and _
// in the text literally.
func TestFoldedMatchesIgnoreLatinCase(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		insertSettings(t, d, "Zhang San 工会", "zhang si", "LI WU", "100%_done", "100ab_done")
		likeFold := func(q string) func() ([]string, error) {
			return func() ([]string, error) {
				return collect(d.Query(ctx, "SELECT name FROM settings WHERE "+d.LikeFold("name"), "%"+db.Like(q)+"%"))
			}
		}
		containsFold := func(q string) func() ([]string, error) {
			return func() ([]string, error) {
				return collect(d.Query(ctx, "SELECT name FROM settings WHERE "+d.ContainsFold("name"), d.ContainsFoldArg(q)))
			}
		}
		contains := func(q string) func() ([]string, error) {
			return func() ([]string, error) {
				return collect(d.Query(ctx, "SELECT name FROM settings WHERE "+d.Contains("name"), d.ContainsArg(q)))
			}
		}
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"ZHANG S", []string{"Zhang San 工会", "zhang si"}},
			{"li w", []string{"LI WU"}},
			{"san 工会", []string{"Zhang San 工会"}},
			{"100%_", []string{"100%_done"}},
			{"nobody", nil},
		} {
			for name, q := range map[string]func(string) func() ([]string, error){"LikeFold": likeFold, "ContainsFold": containsFold} {
				if got := names(t, q(c.q)); !slices.Equal(got, c.want) {
					t.Errorf("%s(%q) = %q, want %q", name, c.q, got, c.want)
				}
			}
		}
		if got := names(t, contains("100%_")); !slices.Equal(got, []string{"100%_done"}) {
			t.Errorf("Contains(100%%_) = %q", got)
		}
	})
}

// onPostgres runs fn on PostgreSQL only; why says what SQLite lacks for it.
func onPostgres(t *testing.T, why string, fn func(t *testing.T, ctx context.Context, d *db.DB)) {
	t.Helper()
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		if d.Engine() != "postgres" {
			t.Skip(why)
		}
		fn(t, ctx, d)
	})
}

// The locks behave as their comments say where the engine has row locks.
// SQLite has none to test: its write transactions run one at a time
// (TestConcurrentIncrementsAreSerialised).
func TestRowLocksOnPostgres(t *testing.T) {
	onPostgres(t, "one writer at a time: no row locks to test", func(t *testing.T, ctx context.Context, d *db.DB) {
		insertSettings(t, d, "a", "b", "c")
		claim := func(tx *db.Tx) ([]string, error) {
			return collect(tx.Query(ctx, "SELECT s.name FROM settings s LEFT JOIN settings x ON x.name = s.value ORDER BY s.name LIMIT 1"+tx.ForUpdateOfSkipLocked("s")))
		}
		var inner []string
		var innerErr error
		err := d.Tx(ctx, func(tx *db.Tx) error {
			first, err := claim(tx)
			if err != nil {
				return err
			}
			if !slices.Equal(first, []string{"a"}) {
				t.Errorf("first claim: %q", first)
			}
			if err := tx.LockRows(ctx, "SELECT name FROM settings WHERE name = ?", "b"); err != nil {
				return err
			}
			// Another transaction meanwhile skips both held rows, without
			// waiting for this one.
			innerErr = d.Tx(ctx, func(tx2 *db.Tx) error {
				inner, err = claim(tx2)
				return err
			})
			return nil
		})
		if err != nil || innerErr != nil {
			t.Fatal(err, innerErr)
		}
		if !slices.Equal(inner, []string{"c"}) {
			t.Fatalf("second claim while a and b are held: %q, want c", inner)
		}
	})
}

// RepeatableRead keeps the transaction on the snapshot of its first query
// while others commit; without it PostgreSQL's READ COMMITTED moves on.
func TestRepeatableReadOnPostgres(t *testing.T) {
	onPostgres(t, "one writer at a time: nothing commits during a write transaction", func(t *testing.T, ctx context.Context, d *db.DB) {
		count := func(tx *db.Tx) int {
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM settings WHERE name LIKE 'rr.%'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i, snapshot := range []bool{true, false} {
			var before, after int
			err := d.Tx(ctx, func(tx *db.Tx) error {
				if snapshot {
					if err := tx.RepeatableRead(ctx); err != nil {
						return err
					}
				}
				before = count(tx)
				if _, err := d.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, '')", "rr."+string(rune('a'+i))); err != nil {
					return err
				}
				after = count(tx)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if (before == after) != snapshot {
				t.Errorf("RepeatableRead %v: counted %d then %d", snapshot, before, after)
			}
		}
		// It must come first: PostgreSQL refuses it after a query.
		err := d.Tx(ctx, func(tx *db.Tx) error {
			count(tx)
			return tx.RepeatableRead(ctx)
		})
		if err == nil {
			t.Error("RepeatableRead after a query was accepted")
		}
	})
}

// Pgbench leaves SQLite alone.
func TestPgbenchIsPostgresOnly(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	_, err := d.Pgbench(context.Background(), "", db.PgbenchRun{Tables: []string{"settings"}})
	if !errors.Is(err, db.ErrPostgresOnly) {
		t.Fatalf("got %v", err)
	}
	var n int
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM settings").Scan(&n); err != nil {
		t.Fatalf("settings gone: %v", err)
	}
}
