package db_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"sync"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// When the server ends every pooled connection (a crashed primary, a
// failover, an administrator), the transactions that follow begin on new
// connections instead of failing one per dead connection.
func TestTxSurvivesLostConnections(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		if e == db.SQLite {
			t.Skip("SQLite opens a file: there is no server connection to lose")
		}
		ctx := context.Background()
		dsn := testkit.NewDSN(t, e)
		// Our connections carry a name of their own, so that ending them
		// touches nobody else's on the shared test server.
		var b [6]byte
		_, _ = rand.Read(b[:])
		app := "gonghui-lost-" + hex.EncodeToString(b[:])
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", app)
		u.RawQuery = q.Encode()
		const conns = 4
		d, err := db.Open(ctx, u.String(), db.Options{MaxConns: conns})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		// Opened first: the pool's connections must not sit idle long
		// enough for the driver's own check on reuse (after a second).
		admin := testkit.OpenDSN(t, dsn)
		// Fill the pool: conns transactions open at once.
		var wg sync.WaitGroup
		inside := make(chan struct{})
		release := make(chan struct{})
		for range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := d.Tx(ctx, func(tx *db.Tx) error {
					inside <- struct{}{}
					<-release
					return nil
				}); err != nil {
					t.Error(err)
				}
			}()
		}
		for range conns {
			<-inside
		}
		close(release)
		wg.Wait()

		var ended int
		if err := admin.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?", app).Scan(&ended); err != nil {
			t.Fatal(err)
		}
		if ended != conns {
			t.Fatalf("ended %d connections, want the pool's %d", ended, conns)
		}
		for left := -1; left != 0; {
			if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", app).Scan(&left); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 2 * conns {
			if err := d.Tx(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", "lost-"+string(rune('a'+i)), "1")
				return err
			}); err != nil {
				t.Fatalf("transaction %d after the connections were ended: %v", i+1, err)
			}
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM settings WHERE name LIKE 'lost-%'").Scan(&n); err != nil || n != 2*conns {
			t.Fatalf("%d rows written, want %d (%v)", n, 2*conns, err)
		}
	})
}
