package db_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// fakeLag is a lag source the test sets.
type fakeLag struct {
	lag atomic.Int64
	err atomic.Bool
}

func (f *fakeLag) Lag(context.Context) (time.Duration, error) {
	if f.err.Load() {
		return 0, errors.New("replica unreachable")
	}
	return time.Duration(f.lag.Load()), nil
}

// withApp names the connection, so that a read says which pool served it.
func withApp(t *testing.T, dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func servedBy(t *testing.T, ctx context.Context, r db.StaleReader) string {
	t.Helper()
	var name string
	if err := r.QueryRow(ctx, "SELECT current_setting('application_name')").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestReplicaRouting: Stale reads go to the replica only while its lag was
// measured, recently, under the bound, and the request is not marked to
// read its own writes; SQLite refuses the option with a message.
func TestReplicaRouting(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		d := testkit.OpenDSN(t, withApp(t, dsn, "primary"))
		lag := &fakeLag{}
		clock := time.Unix(1_800_000_000, 0)
		opt := db.ReplicaOptions{MaxLag: 5 * time.Second, Lag: lag, Now: func() time.Time { return clock }}
		if d.Dialect == db.SQLite {
			err := d.AttachReplica(ctx, "postgres://127.0.0.1/x", opt)
			if err == nil || !strings.Contains(err.Error(), "need PostgreSQL") {
				t.Fatalf("SQLite took a replica: %v", err)
			}
			// Without one every Stale read is the primary.
			if r := d.Stale(ctx); r != db.StaleReader(d) {
				t.Fatal("Stale without a replica is not the primary")
			}
			if _, ok := d.Replica(); ok {
				t.Fatal("replica figures without a replica")
			}
			return
		}
		if err := d.AttachReplica(ctx, "mysql://x", opt); err == nil {
			t.Fatal("a non-PostgreSQL replica URL was taken")
		}
		// The "replica" is the same database over its own pool, named.
		if err := d.AttachReplica(ctx, withApp(t, dsn, "replica"), opt); err != nil {
			t.Fatal(err)
		}
		if got := servedBy(t, ctx, d.Stale(ctx)); got != "primary" {
			t.Fatalf("never measured: read on %s", got)
		}
		lag.lag.Store(int64(2 * time.Second))
		if _, err := d.MeasureReplica(ctx); err != nil {
			t.Fatal(err)
		}
		if got := servedBy(t, ctx, d.Stale(ctx)); got != "replica" {
			t.Fatalf("lag 2s under 5s: read on %s", got)
		}
		if got := servedBy(t, ctx, d.Stale(db.ReadPrimary(ctx))); got != "primary" {
			t.Fatalf("a reader of their own writes: read on %s", got)
		}
		rows, err := d.Stale(ctx).QueryFresh(ctx, "SELECT current_setting('application_name') WHERE 1 = ?", 1)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		for rows.Next() {
			_ = rows.Scan(&name)
		}
		rows.Close()
		if name != "replica" {
			t.Fatalf("QueryFresh on %q", name)
		}
		lag.lag.Store(int64(6 * time.Second))
		if _, err := d.MeasureReplica(ctx); err != nil {
			t.Fatal(err)
		}
		if got := servedBy(t, ctx, d.Stale(ctx)); got != "primary" {
			t.Fatalf("lag 6s over 5s: read on %s", got)
		}
		lag.lag.Store(0)
		_, _ = d.MeasureReplica(ctx)
		clock = clock.Add(10 * time.Second) // no measurement since: not trusted
		if got := servedBy(t, ctx, d.Stale(ctx)); got != "primary" {
			t.Fatalf("measurement 10s old: read on %s", got)
		}
		lag.err.Store(true)
		if _, err := d.MeasureReplica(ctx); err == nil {
			t.Fatal("failed measurement reported none")
		}
		if got := servedBy(t, ctx, d.Stale(ctx)); got != "primary" {
			t.Fatalf("lag unknown: read on %s", got)
		}
		st, ok := d.Replica()
		if !ok || st.Reads != 2 || st.Fallback != 5 || st.Lag != -1 || st.MaxLag != 5*time.Second {
			t.Fatalf("figures %+v", st)
		}
	})
}

// TestHeartbeatLagOnAnIdlePrimary: with nothing else written, the beat
// keeps the measured lag within about one beat, so an idle primary does
// not look lagged; a replica that stops seeing beats does.
func TestHeartbeatLagOnAnIdlePrimary(t *testing.T) {
	dsn := testkit.NewDSN(t, db.Postgres)
	ctx := context.Background()
	d := testkit.OpenDSN(t, dsn)
	if err := d.AttachReplica(ctx, dsn, db.ReplicaOptions{MaxLag: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.MeasureReplica(ctx); err == nil {
		t.Fatal("a replica with no heartbeat yet was measured")
	}
	if err := d.Beat(ctx); err != nil {
		t.Fatal(err)
	}
	lag, err := d.MeasureReplica(ctx)
	if err != nil || lag > 5*time.Second {
		t.Fatalf("lag %v, %v just after a beat", lag, err)
	}
	// A heartbeat row an hour old (a replica stuck an hour back).
	if _, err := d.Exec(ctx, "UPDATE db_heartbeat SET beat_at = beat_at - 3600000"); err != nil {
		t.Fatal(err)
	}
	if lag, err = d.MeasureReplica(ctx); err != nil || lag < time.Hour {
		t.Fatalf("lag %v, %v for a beat an hour old", lag, err)
	}
	if err := d.Beat(ctx); err != nil {
		t.Fatal(err)
	}
	if lag, _ = d.MeasureReplica(ctx); lag > 5*time.Second {
		t.Fatalf("lag %v after the beat resumed", lag)
	}
}

// TestRealStreamingReplica runs against a real standby when
// GONGHUI_TEST_REPLICA_URL (the standby) and GONGHUI_TEST_PRIMARY_URL (its
// primary) are set: scripts/replica-test.sh sets one up and runs this.
func TestRealStreamingReplica(t *testing.T) {
	primary, standby := os.Getenv("GONGHUI_TEST_PRIMARY_URL"), os.Getenv("GONGHUI_TEST_REPLICA_URL")
	if primary == "" || standby == "" {
		t.Skip("GONGHUI_TEST_PRIMARY_URL and GONGHUI_TEST_REPLICA_URL not set (scripts/replica-test.sh)")
	}
	ctx := context.Background()
	d := testkit.OpenDSN(t, primary)
	const maxLag = 2 * time.Second
	if err := d.AttachReplica(ctx, standby, db.ReplicaOptions{MaxLag: maxLag}); err != nil {
		t.Fatal(err)
	}
	// waitFor polls until ok or a bound of 30 s of tries.
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for i := 0; i < 300; i++ {
			if ok() {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("never: %s", what)
	}
	var lag time.Duration
	waitFor("the replica's lag measured under the bound", func() bool {
		_ = d.Beat(ctx)
		l, err := d.MeasureReplica(ctx)
		lag = l
		return err == nil && l < maxLag
	})
	t.Logf("idle primary: measured lag %v", lag)
	if _, err := d.Exec(ctx, "INSERT INTO settings (name, value) VALUES ('replica.test', 'x') ON CONFLICT (name) DO UPDATE SET value = excluded.value"); err != nil {
		t.Fatal(err)
	}
	waitFor("the write replayed on the standby", func() bool {
		var v string
		err := d.Stale(ctx).QueryRow(ctx, "SELECT value FROM settings WHERE name = 'replica.test'").Scan(&v)
		return err == nil && v == "x"
	})
	var inRecovery bool
	if err := d.Stale(ctx).QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery); err != nil || !inRecovery {
		t.Fatalf("Stale read not on the standby: %v %v", inRecovery, err)
	}
	// Replay paused: beats go on, the standby's copy ages past the bound
	// and heavy reads move to the primary.
	pause, err := db.Open(ctx, standby, db.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pause.Close()
	if _, err := pause.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	defer pause.Exec(ctx, "SELECT pg_wal_replay_resume()")
	waitFor("the paused standby measured over the bound", func() bool {
		_ = d.Beat(ctx)
		l, err := d.MeasureReplica(ctx)
		lag = l
		return err == nil && l > maxLag
	})
	t.Logf("paused standby: measured lag %v", lag)
	if err := d.Stale(ctx).QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery); err != nil || inRecovery {
		t.Fatalf("a lagged standby served a Stale read: %v %v", inRecovery, err)
	}
	if _, err := pause.Exec(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
	waitFor("the resumed standby back under the bound", func() bool {
		_ = d.Beat(ctx)
		l, err := d.MeasureReplica(ctx)
		return err == nil && l < maxLag
	})
}
