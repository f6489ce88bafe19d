package db_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func TestMigrateIsIdempotentAndVersioned(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		ms, _ := db.Migrations()
		v, err := d.SchemaVersion(ctx)
		if err != nil || v != ms[len(ms)-1].Version {
			t.Fatalf("version %d, %v", v, err)
		}
		if err := d.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		// The runner recorded the oldest version a program may know: the
		// highest bound any applied migration declares.
		want := 0
		for _, m := range ms {
			want = max(want, m.Oldest)
		}
		c, err := d.SchemaCompat(ctx)
		if err != nil || c.Oldest != want || c.Behind() {
			t.Fatalf("compat %+v, %v; want oldest %d", c, err, want)
		}
		known := ms[len(ms)-1].Version
		// A newer program applied a step that keeps this one working: this
		// program starts (with a warning) and migrating changes nothing.
		if _, err := d.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", 9999, "future", 0); err != nil {
			t.Fatal(err)
		}
		if err := d.CheckSchema(ctx); err != nil {
			t.Fatalf("compatible newer schema refused: %v", err)
		}
		if err := d.Migrate(ctx); err != nil {
			t.Fatalf("compatible newer schema refused by migrate: %v", err)
		}
		if c, _ := d.SchemaCompat(ctx); !c.Behind() || c.Have != 9999 || c.Known != known {
			t.Fatalf("compat %+v", c)
		}
		// A step that breaks programs older than itself: refused, saying why.
		setOldest := func(v string) {
			t.Helper()
			if _, err := d.Exec(ctx, "UPDATE settings SET value = ? WHERE name = 'schema.oldest_known'", v); err != nil {
				t.Fatal(err)
			}
		}
		setOldest("9999")
		var stale *db.StaleError
		if err := d.CheckSchema(ctx); !errors.As(err, &stale) || stale.Oldest != 9999 || stale.Known != known || stale.Have != 9999 {
			t.Fatalf("want StaleError naming 9999, got %v", err)
		}
		if err := d.Migrate(ctx); !errors.As(err, &stale) {
			t.Fatalf("migrate: want StaleError, got %v", err)
		}
		// The bound is this program's own version: it may still run.
		setOldest(strconv.Itoa(known))
		if err := d.CheckSchema(ctx); err != nil {
			t.Fatalf("program at the bound refused: %v", err)
		}
		// A database that does not say (migrated before the rule): refused.
		if _, err := d.Exec(ctx, "DELETE FROM settings WHERE name = 'schema.oldest_known'"); err != nil {
			t.Fatal(err)
		}
		if err := d.CheckSchema(ctx); !errors.As(err, &stale) || stale.Oldest != -1 {
			t.Fatalf("want StaleError without a bound, got %v", err)
		}
	})
}

func TestTxRollsBackAndUniqueIsDetected(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", "a", "1"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM settings WHERE name = ?", "a").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back row visible: %d %v", n, err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", "a", "1"); err != nil {
			t.Fatal(err)
		}
		_, err = d.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", "a", "2")
		if !db.IsUnique(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
	})
}

// Concurrent read-modify-write transactions must not lose updates: on SQLite
// BEGIN IMMEDIATE serialises them, on PostgreSQL the row lock does.
func TestConcurrentIncrementsAreSerialised(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "INSERT INTO settings (name, value) VALUES ('n', '0')"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		const workers, each = 8, 25
		for range workers {
			wg.Go(func() {
				for range each {
					err := d.Tx(ctx, func(tx *db.Tx) error {
						var v int
						if err := tx.QueryRow(ctx, "SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'n'"+tx.ForUpdate()).Scan(&v); err != nil {
							return err
						}
						_, err := tx.Exec(ctx, "UPDATE settings SET value = ? WHERE name = 'n'", strconv.Itoa(v+1))
						return err
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		var v int
		if err := d.QueryRow(ctx, "SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'n'").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != workers*each {
			t.Fatalf("lost updates: %d, want %d", v, workers*each)
		}
	})
}

func TestIDs(t *testing.T) {
	seen := map[int64]bool{}
	var last int64
	for range 20000 {
		id := db.NewID()
		if id <= last || seen[id] {
			t.Fatalf("id %d not increasing/unique after %d", id, last)
		}
		seen[id] = true
		last = id
		if s := db.FormatID(id); true {
			if back, ok := db.ParseID(s); !ok || back != id {
				t.Fatalf("round trip %s", s)
			}
		}
	}
	for _, bad := range []string{"", "0", "-1", "abc", "1e3", "99999999999999999999"} {
		if _, ok := db.ParseID(bad); ok {
			t.Errorf("ParseID(%q) accepted", bad)
		}
	}
}

func TestLikeEscapes(t *testing.T) {
	if got := db.Like(`50%_a\b`); got != `50\%\_a\\b` {
		t.Fatalf("got %q", got)
	}
}
