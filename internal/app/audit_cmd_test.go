package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/pii"
	"gonghui/internal/testkit"
)

// `gonghui audit verify` says which check failed, in words and in its exit
// status: intact 0, edited 1, cut off 3, forged checkpoint 4.
func TestAuditVerifyCommand(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		dir := t.TempDir()
		keyFile, anchor := filepath.Join(dir, "k.key"), filepath.Join(dir, "anchor.log")
		keys, err := pii.LoadOrCreate(keyFile, pii.Standard)
		if err != nil {
			t.Fatal(err)
		}
		d, err := openDB(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		chain, err := attachAudit(ctx, d, Config{AuditAnchor: anchor, AuditAnchorEvery: 4}, keys, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			if err := d.Tx(ctx, func(tx *db.Tx) error {
				return audit.Record(ctx, tx, audit.Event{Action: "pii.reveal", Entity: "member", EntityID: "m1", OrgPath: "/1/"})
			}); err != nil {
				t.Fatal(err)
			}
		}
		chain.Close()
		verify := func(extra ...string) (int, string) {
			var out, errOut bytes.Buffer
			args := append([]string{"audit", "verify", "--db", dsn, "--key-file", keyFile}, extra...)
			code := RunCommand(ctx, args, nil, &out, &errOut)
			return code, out.String() + errOut.String()
		}
		if code, out := verify("--anchor", anchor); code != 0 || !strings.Contains(out, "intact: 10 entries (10 keyed, 0 from before keying), 3 checkpoints") {
			t.Fatalf("untouched: %d %s", code, out)
		}

		// A forged checkpoint line.
		forged := filepath.Join(dir, "forged.log")
		if err := os.WriteFile(forged, []byte(`{"seq":3,"hash":"00","at":1,"mac":"00"}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, out := verify("--anchor", forged); code != 4 || !strings.Contains(out, "entry 3: [anchor_mac]") {
			t.Fatalf("forged checkpoint: %d %s", code, out)
		}

		// The newest three removed and the head moved back.
		var hash string
		if err := d.QueryRow(ctx, "SELECT hash FROM audit_log WHERE seq = 7").Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "DELETE FROM audit_log WHERE seq > 7"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "UPDATE audit_head SET seq = 7, hash = ? WHERE id = 1", hash); err != nil {
			t.Fatal(err)
		}
		if code, out := verify(); code != 3 || !strings.Contains(out, "[head_mac]") {
			t.Fatalf("cut off, no anchor: %d %s", code, out)
		}
		if code, out := verify("--anchor", anchor); code != 3 || !strings.Contains(out, "entry 10: [truncated] the log ends at entry 7") {
			t.Fatalf("cut off, with the anchor: %d %s", code, out)
		}

		// An edited entry wins over the rest.
		if _, err := d.Exec(ctx, "UPDATE audit_log SET actor_name = 'nobody' WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		if code, out := verify("--anchor", anchor); code != 1 || !strings.Contains(out, "entry 2: [hash]") {
			t.Fatalf("edited: %d %s", code, out)
		}

		// Another installation's key: every entry fails, and it says why.
		other := filepath.Join(dir, "other.key")
		if _, err := pii.LoadOrCreate(other, pii.Standard); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if code := RunCommand(ctx, []string{"audit", "verify", "--db", dsn, "--key-file", other}, nil, &out, &out); code != 1 || !strings.Contains(out.String(), "is --key-file this installation's key file?") {
			t.Fatalf("wrong key: %d %s", code, out.String())
		}
		if code := RunCommand(ctx, []string{"audit", "verify", "--db", dsn, "--key-file", keyFile, "--anchor", filepath.Join(dir, "none")}, nil, &out, &out); code != 2 {
			t.Fatalf("missing anchor file: %d", code)
		}
		if code := RunCommand(ctx, []string{"audit", "verify", "--db", dsn, "--key-file", filepath.Join(dir, "none.key")}, nil, &out, &out); code != 2 {
			t.Fatalf("missing key file: %d", code)
		}
		if _, err := os.Stat(filepath.Join(dir, "none.key")); err == nil {
			t.Fatal("audit verify made a key file")
		}
	})
}

// A server keys a log written before the upgrade at start: the switch-over
// is an audit.keyed entry, and the log then verifies with the key.
func TestServerSignsUnkeyedLog(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		dir := t.TempDir()
		d, err := openDB(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Action: "org.create", Entity: "org", EntityID: "1"})
		}); err != nil {
			t.Fatal(err)
		}
		anchor := filepath.Join(dir, "anchor.log")
		m, err := Open(ctx, Config{DB: dsn, KeyFile: filepath.Join(dir, "k.key"), AuditAnchor: anchor, MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
		var action string
		if err := d.QueryRow(ctx, "SELECT action FROM audit_log WHERE seq = 2").Scan(&action); err != nil || action != "audit.keyed" {
			t.Fatalf("switch-over entry: %q %v", action, err)
		}
		var out bytes.Buffer
		code := RunCommand(ctx, []string{"audit", "verify", "--db", dsn, "--key-file", filepath.Join(dir, "k.key"), "--anchor", anchor}, nil, &out, &out)
		if code != 0 || !strings.Contains(out.String(), "intact: 2 entries (1 keyed, 1 from before keying), 1 checkpoints") {
			t.Fatalf("after the server's start: %d %s", code, out.String())
		}
	})
}
