package backup_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/backup"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestRestoreDrill is the restore drill `.ci/run` runs with the real
// binary (GONGHUI_BACKUP_DRILL=1): a small city, a server running, staff
// accounts being added while `gonghui backup` runs, then `gonghui
// restore` into another database and `gonghui backup verify`, with the
// times printed. Set GONGHUI_DRILL_MEMBERS for a larger city.
func TestRestoreDrill(t *testing.T) {
	if os.Getenv("GONGHUI_BACKUP_DRILL") != "1" {
		t.Skip("set GONGHUI_BACKUP_DRILL=1 to run the restore drill")
	}
	members := "3000"
	if v := os.Getenv("GONGHUI_DRILL_MEMBERS"); v != "" {
		members = v
	}
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		bin := testkit.Binary(t)
		dsn := testkit.NewDSN(t, e)
		keyFile := testkit.KeyFileFor(dsn)
		env := append(os.Environ(), "GONGHUI_KEY_FILE="+keyFile)
		run := func(args ...string) (string, time.Duration) {
			t.Helper()
			start := time.Now()
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("gonghui %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return string(out), time.Since(start)
		}
		_, took := run("generate", "--db", dsn, "--orgs", "400", "--members", members, "--activities", "40")
		t.Logf("%s: generate %s members: %s", e, members, took.Round(time.Millisecond))
		testkit.StartServer(t, dsn, nil)

		// Writers while the backup runs: another generator adding members,
		// and staff accounts added one after another (audit entries).
		d := testkit.OpenDSN(t, dsn)
		var root int64
		if err := d.QueryRow(context.Background(), "SELECT id FROM orgs WHERE depth = 0").Scan(&root); err != nil {
			t.Fatal(err)
		}
		// Staff accounts are added one after another by separate processes
		// (rows, grants and audit entries in each transaction) while the
		// server folds figures. Not the generator: it recounts its figures
		// only at its end, so a copy taken half way rightly fails the
		// figures' check.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				cmd := exec.Command(bin, "user", "add", "--db", dsn, "--username", fmt.Sprintf("drill%d", i), "--password-stdin", "--role", "leader", "--org", db.FormatID(root))
				cmd.Env = env
				cmd.Stdin = strings.NewReader("Drill-Passw0rd-" + fmt.Sprint(i) + "-xyzzy\n")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("writer user add: %v\n%s", err, out)
					return
				}
			}
		}()
		// Back up once the writer has written.
		base, _ := strconv.Atoi(members)
		for {
			var u int
			if err := d.QueryRow(context.Background(), "SELECT count(*) FROM users").Scan(&u); err != nil {
				t.Fatal(err)
			}
			if u > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		dir := t.TempDir()
		out, took := run("backup", "--db", dsn, "--to", dir)
		close(stop)
		wg.Wait()
		t.Logf("%s: backup while writing: %s\n%s", e, took.Round(time.Millisecond), out)
		m := regexp.MustCompile(`backup (\S+)\n`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no backup path in %s", out)
		}
		bk := m[1]

		target := testkit.NewDSN(t, e)
		out, took = run("restore", "--from", bk, "--db", target)
		t.Logf("%s: restore (recovery time): %s\n%s", e, took.Round(time.Millisecond), out)
		verify := []string{"backup", "verify", bk}
		if e != db.SQLite {
			verify = append(verify, "--scratch", testkit.NewDSN(t, e))
		}
		out, took = run(verify...)
		t.Logf("%s: verify: %s\n%s", e, took.Round(time.Millisecond), out)

		// The restored city is the backup's: counts as the manifest says,
		// and no fewer members than were there before the writers began.
		r := testkit.OpenDSN(t, target)
		mf, err := backup.ReadManifest(bk, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"members", "audit_log", "users", "stat_rollups"} {
			var n int64
			if err := r.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			want := mf.Rows(table)
			if table == "audit_log" {
				want++ // the restore's own entry, recorded after its checks
			}
			if n != want {
				t.Errorf("%s: restored %d rows, want %d (the manifest says %d)", table, n, want, mf.Rows(table))
			}
		}
		var newest string
		if err := r.QueryRow(context.Background(), "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&newest); err != nil || newest != "backup.restore" {
			t.Errorf("the restored log's newest entry is %q (%v), want backup.restore", newest, err)
		}
		// With its entry, the restored chain still verifies.
		out, _ = run("audit", "verify", "--db", target)
		t.Logf("%s: audit verify of the restored database:\n%s", e, out)
		if mf.Rows("members") != int64(base) || mf.Rows("users") < 1 {
			t.Errorf("the backup holds %d members and %d accounts", mf.Rows("members"), mf.Rows("users"))
		}
		if _, err := os.Stat(filepath.Join(bk, backup.ManifestFile)); err != nil {
			t.Fatal(err)
		}
	})
}
