package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func gonghui(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(testkit.Binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// The operator's commands on both engines: migrate, generate a city, add a
// user who can then sign in through the API, and verify the audit chain
// before and after someone edits a row behind the product's back.
func TestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	for _, engine := range testkit.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := testkit.NewDSN(t, engine)
			if out, code := gonghui(t, "", "migrate", "--db", dsn); code != 0 || !strings.Contains(out, "version") {
				t.Fatalf("migrate: %d %s", code, out)
			}
			if out, code := gonghui(t, "", "generate", "--orgs", "1000", "--db", dsn); code != 0 {
				t.Fatalf("generate: %d %s", code, out)
			}
			if out, code := gonghui(t, "", "generate", "--orgs", "1000", "--members", "10", "--db", dsn); code == 0 {
				t.Fatalf("generate --members must refuse until the registry exists: %s", out)
			}
			d, err := db.Open(context.Background(), dsn, db.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var rootID int64
			var orgs int
			if err := d.QueryRow(context.Background(), "SELECT id FROM orgs WHERE depth = 0").Scan(&rootID); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(context.Background(), "SELECT count(*) FROM orgs").Scan(&orgs); err != nil || orgs < 900 || orgs > 1100 {
				t.Fatalf("generated %d organisations (%v), want about 1000", orgs, err)
			}

			// Bad input is refused with the rule named, and nothing is made.
			out, code := gonghui(t, "short\n", "user", "add", "--username", "ops", "--password-stdin", "--role", "admin", "--org", db.FormatID(rootID), "--db", dsn, "--key-file", testkit.KeyFileFor(dsn))
			if code == 0 || !strings.Contains(out, "password") {
				t.Fatalf("weak password accepted: %d %s", code, out)
			}
			out, code = gonghui(t, "Operator-Pass-1\n", "user", "add", "--username", "ops", "--password-stdin", "--role", "king", "--org", db.FormatID(rootID), "--db", dsn, "--key-file", testkit.KeyFileFor(dsn))
			if code == 0 || !strings.Contains(out, "role") {
				t.Fatalf("unknown role accepted: %d %s", code, out)
			}
			out, code = gonghui(t, "Operator-Pass-1\n", "user", "add", "--username", "ops", "--password-stdin", "--role", "admin", "--org", db.FormatID(rootID), "--db", dsn, "--key-file", testkit.KeyFileFor(dsn))
			if code != 0 {
				t.Fatalf("user add: %d %s", code, out)
			}

			srv := testkit.StartServer(t, dsn, nil)
			if code, body := postJSON(t, srv.URL+"/api/v1/auth/token", "", map[string]string{"username": "ops", "password": "Operator-Pass-1"}); code != 200 {
				t.Fatalf("the new account cannot sign in: %d %v", code, body)
			}
			srv.Stop()

			if out, code := gonghui(t, "", "audit", "verify", "--db", dsn); code != 0 || !strings.Contains(out, "intact") {
				t.Fatalf("audit verify on an untouched log: %d %s", code, out)
			}
			if _, err := d.Exec(context.Background(), "UPDATE audit_log SET actor_name = 'nobody' WHERE seq = 1"); err != nil {
				t.Fatal(err)
			}
			if out, code := gonghui(t, "", "audit", "verify", "--db", dsn); code != 1 || !strings.Contains(out, "entry 1") {
				t.Fatalf("audit verify missed an edit: %d %s", code, out)
			}
		})
	}
}
