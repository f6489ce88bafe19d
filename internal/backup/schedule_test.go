package backup

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/pii"
	"gonghui/internal/testkit"
)

func TestScheduleOneProcessOfSeveral(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		w := newWorld(t, e)
		dir := t.TempDir()
		// Three "processes" on one database (each its own handle), one clock.
		now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		var scheds []*Schedule
		for range 3 {
			d := testkit.OpenDSN(t, w.dsn)
			keyAudit(t, d, w.keys)
			scheds = append(scheds, &Schedule{DB: d, Every: 24 * time.Hour, Keep: 2, Command: "gonghui serve --backup-every 24h", Options: Options{Dir: dir, Keys: w.keys, Now: clock}})
		}
		tick := func() int {
			var wg sync.WaitGroup
			var mu sync.Mutex
			made := 0
			for _, s := range scheds {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := s.Tick(ctx)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						made++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			return made
		}
		if n := tick(); n != 1 {
			t.Fatalf("first tick: %d processes made a backup, want 1", n)
		}
		if n := tick(); n != 0 {
			t.Fatalf("a tick before the next is due made %d backups", n)
		}
		last, err := LastSuccess(ctx, w.d)
		if err != nil || !last.Equal(now) {
			t.Fatalf("last success %v, %v; want %v", last, err, now)
		}
		// Four days later, one at a time: retention keeps the newest two.
		for range 4 {
			now = now.Add(24 * time.Hour)
			if n := tick(); n != 1 {
				t.Fatalf("day tick: %d backups", n)
			}
		}
		list, err := List(dir)
		if err != nil || len(list) != 2 {
			t.Fatalf("kept %v, %v; want 2", list, err)
		}
		if !strings.HasSuffix(list[1], now.Format(stampLayout)) {
			t.Errorf("newest kept is %s, want the one of %s", list[1], now)
		}
		// Each of the five backups has its entry, from the process that
		// made it, naming the backup; the chain they extend is intact.
		made := auditEntries(t, w.d, "backup.create")
		if len(made) != 5 {
			t.Fatalf("%d backup.create entries, want 5: %v", len(made), made)
		}
		newest := made[len(made)-1]
		if newest.EntityID != filepath.Base(list[1]) || !strings.Contains(newest.After, `"command":"gonghui serve --backup-every 24h"`) ||
			!strings.Contains(newest.After, `"run_by":"`) || !strings.Contains(newest.After, `"members":`) {
			t.Errorf("the newest backup's entry: %+v", newest)
		}
		verifyAudit(t, w.d, w.keys)
	})
}

// A scheduled backup that fails is in the log with its error, and the
// time of the last success does not move.
func TestScheduleFailureIsAudited(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		w := newWorld(t, e)
		keyAudit(t, w.d, w.keys)
		notADir := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		s := &Schedule{DB: w.d, Every: time.Hour, Keep: 1, Command: "gonghui serve --backup-every 1h", Options: Options{Dir: notADir, Keys: w.keys}}
		if ok, err := s.Tick(ctx); ok || err == nil {
			t.Fatalf("a backup into a file: %v %v", ok, err)
		}
		failed := auditEntries(t, w.d, "backup.create_failed")
		if len(failed) != 1 || !strings.Contains(failed[0].After, `"error":"backup: `) || !strings.Contains(failed[0].After, notADir) {
			t.Fatalf("failure entries: %+v", failed)
		}
		if last, err := LastSuccess(ctx, w.d); err != nil || !last.IsZero() {
			t.Errorf("last success after a failure: %v %v", last, err)
		}
		verifyAudit(t, w.d, w.keys)
	})
}

func TestScheduleLeaseOfADeadHolderRunsOut(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, db.SQLite)
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	s := &Schedule{DB: w.d, Every: time.Hour, Keep: 1, Lease: 10 * time.Minute, Options: Options{Dir: t.TempDir(), Keys: w.keys, Now: func() time.Time { return now }}}
	held, err := s.claim(ctx) // a process takes the turn and dies
	if err != nil || held == "" {
		t.Fatalf("claim: %q %v", held, err)
	}
	other := &Schedule{DB: w.d, Every: time.Hour, Keep: 1, Lease: 10 * time.Minute, Options: s.Options}
	if ok, err := other.Tick(ctx); ok || err != nil {
		t.Fatalf("took a held turn: %v %v", ok, err)
	}
	now = now.Add(11 * time.Minute)
	if ok, err := other.Tick(ctx); !ok || err != nil {
		t.Fatalf("did not take the turn after the lease ran out: %v %v", ok, err)
	}
}

func TestPruneTouchesOnlyCompleteBackups(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, db.SQLite)
	dir := t.TempDir()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		if _, err := Create(ctx, w.d, Options{Dir: dir, Keys: w.keys, Now: func() time.Time { return at.Add(time.Duration(i) * time.Hour) }}); err != nil {
			t.Fatal(err)
		}
	}
	// An operator's directory, one named like ours without a manifest (a
	// copy cut short), and a backup being written.
	for _, n := range []string{"notes", Prefix + "20200101T000000Z", "." + Prefix + "20200101T000000Z-1.partial"} {
		if err := os.Mkdir(filepath.Join(dir, n), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := Prune(dir, 1)
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v, %v", removed, err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := "." + Prefix + "20200101T000000Z-1.partial " + Prefix + "20200101T000000Z " + Prefix + "20260101T020000Z notes"
	if strings.Join(names, " ") != want {
		t.Errorf("left %v, want %s", names, want)
	}
}

func TestKeyExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.key")
	keys, err := pii.LoadOrCreate(path, pii.Standard)
	if err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SealKeys(content, "short"); err == nil {
		t.Error("a short passphrase was taken")
	}
	sealed, err := SealKeys(content, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), string(content[:20])) {
		t.Error("the export holds the key file in clear")
	}
	got, check, err := OpenKeys(sealed, "correct horse battery staple")
	if err != nil || string(got) != string(content) || check != keys.CheckValue() {
		t.Fatalf("open: %v, check %s", err, check)
	}
	if _, _, err := OpenKeys(sealed, "correct horse battery stapler"); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Errorf("wrong passphrase: %v", err)
	}
}

// keyAudit keys d's audit chain as a server or command does.
func keyAudit(t *testing.T, d *db.DB, keys *pii.Keyring) {
	t.Helper()
	c, err := audit.Attach(d, audit.Options{Key: keys.DeriveKey(audit.KeyLabel), Hash: keys.MACHash()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
}

// auditEntries lists d's entries of one action, oldest first.
func auditEntries(t *testing.T, d *db.DB, action string) []audit.Entry {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT entity_id, after_json FROM audit_log WHERE action = ? ORDER BY seq", action)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e := audit.Entry{Action: action}
		if err := rows.Scan(&e.EntityID, &e.After); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// verifyAudit checks d's whole chain under the keys.
func verifyAudit(t *testing.T, d *db.DB, keys *pii.Keyring) {
	t.Helper()
	v, err := audit.NewVerifier(keys.DeriveKey(audit.KeyLabel), keys.MACHash())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Check(context.Background(), d, audit.VerifyOptions{Key: v})
	if err != nil || len(rep.Problems) > 0 || rep.Entries == 0 {
		t.Fatalf("audit chain: %d entries, %v, %v", rep.Entries, rep.Problems, err)
	}
}
