package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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

		// The keys travel apart, sealed.
		export := filepath.Join(dir, "keys.export")
		pass := "a long passphrase for the safe\n"
		if code, out := run(pass, "keys", "export", "--db", dsn, "--key-file", keyFile, "--to", export, "--passphrase-stdin"); code != 0 {
			t.Fatalf("keys export: %s", out)
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
		if code, out := run("", "restore", "--from", bk, "--db", target, "--key-file", newKey); code == 0 || !strings.Contains(out, "already holds") {
			t.Fatalf("restore into a non-empty database: %d %s", code, out)
		}
		verify := []string{"backup", "verify", bk, "--key-file", newKey}
		if !db.IsFileDSN(dsn) {
			verify = append(verify, "--scratch", testkit.NewDSN(t, e))
		}
		if code, out := run("", verify...); code != 0 || !strings.Contains(out, "verified") {
			t.Fatalf("backup verify: %d %s", code, out)
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
	})
}
