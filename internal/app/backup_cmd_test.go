package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/backup"
	"gonghui/internal/db"
	"gonghui/internal/pii"
	"gonghui/internal/testkit"
)

// The operator's round: generate, back up, export the keys, import them
// on the "new machine", restore, verify; and the refusals on the way.
func TestBackupRestoreCommands(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		dsn := testkit.NewDSN(t, e)
		dir := t.TempDir()
		keyFile := filepath.Join(dir, "city.key")
		run := func(stdin string, args ...string) (int, string) {
			var out bytes.Buffer
			code := RunCommand(ctx, args, strings.NewReader(stdin), &out, &out)
			return code, out.String()
		}
		if code, out := run("", "generate", "--db", dsn, "--key-file", keyFile, "--orgs", "400", "--members", "200", "--activities", "0"); code != 0 {
			t.Fatalf("generate: %s", out)
		}
		code, out := run("", "backup", "--db", dsn, "--key-file", keyFile, "--to", filepath.Join(dir, "backups"))
		if code != 0 {
			t.Fatalf("backup: %s", out)
		}
		path := regexp.MustCompile(`backup (\S+)\n`).FindStringSubmatch(out)
		if path == nil || !strings.Contains(out, "members: 200") {
			t.Fatalf("backup said: %s", out)
		}
		bk := path[1]
		// The backup is in the source's log, after the copy (so not in it).
		if e := lastEntry(t, dsn); e.Action != "backup.create" || e.EntityID != filepath.Base(bk) ||
			!strings.Contains(e.After, `"command":"gonghui backup --db `) || !strings.Contains(e.After, `"members":200`) || !strings.Contains(e.After, `"run_by":"`) {
			t.Fatalf("the backup's entry: %+v", e)
		}
		// A backup that cannot be written is in the log too, with the error.
		notADir := filepath.Join(dir, "a-file")
		if err := os.WriteFile(notADir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if code, out := run("", "backup", "--db", dsn, "--key-file", keyFile, "--to", notADir); code == 0 {
			t.Fatalf("a backup into a file: %s", out)
		}
		if e := lastEntry(t, dsn); e.Action != "backup.create_failed" || !strings.Contains(e.After, `"error":"backup: `) {
			t.Fatalf("the failed backup's entry: %+v", e)
		}

		// The keys travel apart, sealed.
		export := filepath.Join(dir, "keys.export")
		pass := "a long passphrase for the safe\n"
		if code, out := run(pass, "keys", "export", "--db", dsn, "--key-file", keyFile, "--to", export, "--passphrase-stdin"); code != 0 {
			t.Fatalf("keys export: %s", out)
		}
		keys, err := pii.Load(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		if e := lastEntry(t, dsn); e.Action != "keys.export" || !strings.Contains(e.After, `"key_check":"`+keys.CheckValue()+`"`) || strings.Contains(e.After, "a long passphrase") {
			t.Fatalf("the export's entry: %+v", e)
		}
		newKey := filepath.Join(dir, "new", "gonghui.key")
		if code, out := run("a wrong passphrase\n", "keys", "import", "--from", export, "--key-file", newKey, "--passphrase-stdin"); code == 0 || !strings.Contains(out, "wrong passphrase") {
			t.Fatalf("import with a wrong passphrase: %d %s", code, out)
		}
		if code, out := run(pass, "keys", "import", "--from", export, "--key-file", newKey, "--passphrase-stdin"); code != 0 {
			t.Fatalf("keys import: %s", out)
		}
		st, err := os.Stat(newKey)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("imported key file: %v %v", st, err)
		}
		// Imported for a database that is there: recorded in its log.
		if code, out := run(pass, "keys", "import", "--from", export, "--db", dsn, "--key-file", filepath.Join(dir, "again.key"), "--passphrase-stdin"); code != 0 || !strings.Contains(out, "recorded in the audit log") {
			t.Fatalf("keys import for the database: %d %s", code, out)
		}
		if e := lastEntry(t, dsn); e.Action != "keys.import" || !strings.Contains(e.After, "again.key") {
			t.Fatalf("the import's entry: %+v", e)
		}

		// Another installation's keys are refused with both check values.
		other := filepath.Join(dir, "other.key")
		if _, err := pii.LoadOrCreate(other, pii.Standard); err != nil {
			t.Fatal(err)
		}
		target := testkit.NewDSN(t, e)
		if code, out := run("", "restore", "--from", bk, "--db", target, "--key-file", other); code == 0 || !strings.Contains(out, "wrong keys: this backup needs the key file with check value") {
			t.Fatalf("restore with other keys: %d %s", code, out)
		}
		code, out = run("", "restore", "--from", bk, "--db", target, "--key-file", newKey)
		if code != 0 || !strings.Contains(out, "audit chain intact") || !strings.Contains(out, "figures agree with a recount") || !strings.Contains(out, "200 members") {
			t.Fatalf("restore: %d %s", code, out)
		}
		// The restored log is the backup's plus the restore's own entry, the
		// newest, and its chain verifies under the keys.
		if e := lastEntry(t, target); e.Action != "backup.restore" || e.EntityID != filepath.Base(bk) || !strings.Contains(e.After, `"audit_entries":`) {
			t.Fatalf("the restore's entry: %+v", e)
		}
		mf, err := backup.ReadManifest(bk, nil)
		if err != nil {
			t.Fatal(err)
		}
		restored := testkit.OpenDSN(t, target)
		var n int64
		if err := restored.QueryRow(ctx, "SELECT count(*) FROM audit_log").Scan(&n); err != nil || n != mf.Rows("audit_log")+1 {
			t.Fatalf("restored log holds %d entries (%v), the backup %d", n, err, mf.Rows("audit_log"))
		}
		if code, out := run("", "audit", "verify", "--db", target, "--key-file", newKey); code != 0 || !strings.Contains(out, "intact") {
			t.Fatalf("audit verify of the restored database: %d %s", code, out)
		}
		if code, out := run("", "restore", "--from", bk, "--db", target, "--key-file", newKey); code == 0 || !strings.Contains(out, "already holds") {
			t.Fatalf("restore into a non-empty database: %d %s", code, out)
		}
		verify := []string{"backup", "verify", bk, "--key-file", newKey}
		if !db.IsFileDSN(dsn) {
			verify = append(verify, "--scratch", testkit.NewDSN(t, e))
		}
		if code, out := run("", verify...); code != 0 || !strings.Contains(out, "verified") || !strings.Contains(out, "not recorded") {
			t.Fatalf("backup verify: %d %s", code, out)
		}
		// Told the installation's database, it records the outcome there.
		verify = append(verify[:len(verify):len(verify)], "--db", dsn)
		if !db.IsFileDSN(dsn) {
			verify[len(verify)-3] = testkit.NewDSN(t, e) // a fresh scratch
		}
		if code, out := run("", verify...); code != 0 || !strings.Contains(out, "recorded in the audit log") {
			t.Fatalf("backup verify --db: %d %s", code, out)
		}
		if e := lastEntry(t, dsn); e.Action != "backup.verify" || e.EntityID != filepath.Base(bk) || !strings.Contains(e.After, `"audit_entries":`) {
			t.Fatalf("the verification's entry: %+v", e)
		}
		if code, out := run("", "audit", "verify", "--db", dsn, "--key-file", keyFile); code != 0 {
			t.Fatalf("audit verify of the source after its backups: %d %s", code, out)
		}

		// A backup of a database whose audit log was edited behind the
		// chain's back restores its rows, but fails the audit check.
		d := testkit.OpenDSN(t, dsn)
		if _, err := d.Exec(ctx, "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = (SELECT min(seq) FROM audit_log)"); err != nil {
			t.Fatal(err)
		}
		code, out = run("", "backup", "--db", dsn, "--key-file", keyFile, "--to", filepath.Join(dir, "backups"))
		if code != 0 {
			t.Fatalf("backup: %s", out)
		}
		bk2 := regexp.MustCompile(`backup (\S+)\n`).FindStringSubmatch(out)[1]
		if code, out := run("", "restore", "--from", bk2, "--db", testkit.NewDSN(t, e), "--key-file", keyFile); code == 0 || !strings.Contains(out, "audit chain broken") {
			t.Fatalf("restore of an edited audit log: %d %s", code, out)
		}
		// Its verification fails, and the failure is in the log.
		verify = []string{"backup", "verify", bk2, "--key-file", keyFile, "--db", dsn}
		if !db.IsFileDSN(dsn) {
			verify = append(verify, "--scratch", testkit.NewDSN(t, e))
		}
		if code, out := run("", verify...); code == 0 || !strings.Contains(out, "audit chain broken") {
			t.Fatalf("verify of an edited audit log: %d %s", code, out)
		}
		if e := lastEntry(t, dsn); e.Action != "backup.verify_failed" || !strings.Contains(e.After, "audit chain broken") {
			t.Fatalf("the failed verification's entry: %+v", e)
		}
	})
}

// lastEntry is the newest entry of the audit log of the database at dsn.
func lastEntry(t *testing.T, dsn string) audit.Entry {
	t.Helper()
	d := testkit.OpenDSN(t, dsn)
	var e audit.Entry
	err := d.QueryRow(context.Background(), "SELECT action, entity_id, after_json FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&e.Action, &e.EntityID, &e.After)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
