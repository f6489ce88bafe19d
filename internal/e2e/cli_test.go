package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/pii"
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
	skipShort(t, "runs the binary")
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		if out, code := gonghui(t, "", "migrate", "--db", dsn); code != 0 || !strings.Contains(out, "version") {
			t.Fatalf("migrate: %d %s", code, out)
		}
		keyFile := testkit.KeyFileFor(dsn)
		if out, code := gonghui(t, "", "generate", "--orgs", "1000", "--db", dsn, "--key-file", keyFile); code != 0 {
			t.Fatalf("generate: %d %s", code, out)
		}
		if out, code := gonghui(t, "", "generate", "--members", "300", "--db", dsn, "--key-file", keyFile); code != 0 || !strings.Contains(out, "generated 300 members") {
			t.Fatalf("generate --members: %d %s", code, out)
		}
		if out, code := gonghui(t, "", "generate", "--members", "-1", "--db", dsn, "--key-file", keyFile); code == 0 {
			t.Fatalf("generate --members -1 accepted: %s", out)
		}
		d, err := db.Open(context.Background(), dsn, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		testkit.KeyAudit(t, d, keyFile)
		var rootID int64
		var orgs int
		if err := d.QueryRow(context.Background(), "SELECT id FROM orgs WHERE depth = 0").Scan(&rootID); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(context.Background(), "SELECT count(*) FROM orgs").Scan(&orgs); err != nil || orgs < 900 || orgs > 1100 {
			t.Fatalf("generated %d organisations (%v), want about 1000", orgs, err)
		}
		checkCardVerify(t, d, dsn, keyFile)

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

		// An administrator made on the command line signs in, and must enrol
		// in two-step verification before anything else (no --demo here).
		srv := testkit.StartServer(t, dsn, nil)
		if code, body := postJSON(t, srv.URL+"/api/v1/auth/token", "", map[string]string{"username": "ops", "password": "Operator-Pass-1"}); code != 403 || !strings.Contains(jsonString(body), "mfa_enrolment_required") {
			t.Fatalf("the new administrator without two-step verification: %d %v", code, body)
		}
		srv.Stop()
		// The security check says so.
		if out, code := gonghui(t, "", "security", "check", "--db", dsn, "--key-file", testkit.KeyFileFor(dsn)); code != 1 || !strings.Contains(out, "[GAP] two-factor coverage") || !strings.Contains(out, "ops") {
			t.Fatalf("security check: %d %s", code, out)
		}

		if out, code := gonghui(t, "", "audit", "verify", "--db", dsn, "--key-file", keyFile); code != 0 || !strings.Contains(out, "intact") {
			t.Fatalf("audit verify on an untouched log: %d %s", code, out)
		}
		if _, err := d.Exec(context.Background(), "UPDATE audit_log SET actor_name = 'nobody' WHERE seq = 1"); err != nil {
			t.Fatal(err)
		}
		if out, code := gonghui(t, "", "audit", "verify", "--db", dsn, "--key-file", keyFile); code != 1 || !strings.Contains(out, "entry 1") {
			t.Fatalf("audit verify missed an edit: %d %s", code, out)
		}
	})
}

// checkCardVerify signs a generated member's card and checks it with
// "gonghui card verify": valid, forged when altered, revoked once the
// member has left; offline with the published key too.
func checkCardVerify(t *testing.T, d *db.DB, dsn, keyFile string) {
	t.Helper()
	ctx := context.Background()
	keys, err := pii.Load(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	s := member.NewStore(d, keys)
	var id int64
	var path string
	if err := d.QueryRow(ctx, "SELECT id, org_path FROM members WHERE status = 'active' ORDER BY id LIMIT 1").Scan(&id, &path); err != nil {
		t.Fatal(err)
	}
	staff := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgPath: path}}}
	c, err := s.Card(ctx, staff, id)
	if err != nil {
		t.Fatal(err)
	}
	if out, code := gonghui(t, c.Payload+"\n", "card", "verify", "--db", dsn, "--key-file", keyFile); code != 0 || !strings.HasPrefix(out, "valid") || !strings.Contains(out, c.Member.Name) {
		t.Fatalf("card verify: %d %s", code, out)
	}
	pub, err := s.PublicKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out, code := gonghui(t, c.Payload, "card", "verify", "--public-key", pub); code != 0 || !strings.Contains(out, "offline") {
		t.Fatalf("card verify offline: %d %s", code, out)
	}
	bad := []byte(c.Payload)
	bad[len(bad)-5] ^= 1
	if out, code := gonghui(t, string(bad), "card", "verify", "--db", dsn, "--key-file", keyFile); code != 1 || !strings.HasPrefix(out, "forged") {
		t.Fatalf("altered card: %d %s", code, out)
	}
	if out, code := gonghui(t, "hello", "card", "verify", "--db", dsn, "--key-file", keyFile); code != 1 || !strings.HasPrefix(out, "forged") {
		t.Fatalf("garbage: %d %s", code, out)
	}
	if _, err := s.SetStatus(ctx, staff, id, member.StatusChange{Status: member.StatusLeft}); err != nil {
		t.Fatal(err)
	}
	if out, code := gonghui(t, c.Payload, "card", "verify", "--db", dsn, "--key-file", keyFile); code != 1 || !strings.HasPrefix(out, "revoked") {
		t.Fatalf("card of a member who left: %d %s", code, out)
	}
}

// Anyone re-runs a published draw with the binary alone: the order is the
// SHA-256 of "seed:ticket", and a seed that does not match its published
// hash is refused.
func TestLotteryCommand(t *testing.T) {
	skipShort(t, "runs the binary")
	out, code := gonghui(t, "", "lottery", "--seed", "abc", "--tickets", "1-5,7", "--capacity", "3",
		"--seed-hash", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
	if code != 0 || !strings.Contains(out, "1\t3\tdrawn\t0ffad30e053a638aa0db9a80224c76381c7bdd2840a118263bada12198e7976b") ||
		!strings.Contains(out, "4\t7\twaiting") {
		t.Fatalf("lottery: %d %s", code, out)
	}
	if out, code := gonghui(t, "", "lottery", "--seed", "abd", "--tickets", "1-5", "--seed-hash", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); code == 0 {
		t.Fatalf("a seed not matching its hash was accepted: %s", out)
	}
	if out, code := gonghui(t, "", "lottery", "--seed", "abc", "--tickets", "0-3"); code == 0 {
		t.Fatalf("ticket 0 accepted: %s", out)
	}
}

// The figures of a generated city agree with a recount; a rollup edited
// behind the product's back is found by `stats check` and put right by
// `stats rebuild`.
func TestStatsCommands(t *testing.T) {
	skipShort(t, "runs the binary")
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		if out, code := gonghui(t, "", "generate", "--orgs", "400", "--members", "2000", "--db", dsn, "--key-file", testkit.KeyFileFor(dsn)); code != 0 {
			t.Fatalf("generate: %d %s", code, out)
		}
		if out, code := gonghui(t, "", "stats", "check", "--db", dsn); code != 0 || !strings.Contains(out, "agree") {
			t.Fatalf("check after generating: %d %s", code, out)
		}
		d, err := db.Open(context.Background(), dsn, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var active int64
		if err := d.QueryRow(context.Background(), "SELECT value FROM stat_rollups r JOIN orgs o ON o.id = r.org_id WHERE o.depth = 0 AND r.metric = 'member.status.active' AND r.month = ''").Scan(&active); err != nil {
			t.Fatal(err)
		}
		var rows int64
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM members WHERE status = 'active'").Scan(&rows); err != nil || rows != active {
			t.Fatalf("root counts %d active members, the rows %d (%v)", active, rows, err)
		}
		var orgs, orgRows int64
		if err := d.QueryRow(context.Background(), "SELECT SUM(value) FROM stat_rollups r JOIN orgs o ON o.id = r.org_id WHERE o.depth = 0 AND r.metric LIKE 'org.kind.%'").Scan(&orgs); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM orgs").Scan(&orgRows); err != nil || orgs != orgRows || orgs < 400 {
			t.Fatalf("root counts %d organisations, the rows %d (%v)", orgs, orgRows, err)
		}
		if _, err := d.Exec(context.Background(), "UPDATE stat_rollups SET value = value + 5 WHERE metric IN ('member.status.active', 'org.employers') AND month = ''"); err != nil {
			t.Fatal(err)
		}
		if out, code := gonghui(t, "", "stats", "check", "--db", dsn); code != 1 || !strings.Contains(out, "differ") {
			t.Fatalf("check after tampering: %d %s", code, out)
		}
		if out, code := gonghui(t, "", "stats", "rebuild", "--db", dsn); code != 0 {
			t.Fatalf("rebuild: %d %s", code, out)
		}
		if out, code := gonghui(t, "", "stats", "check", "--db", dsn); code != 0 {
			t.Fatalf("check after rebuilding: %d %s", code, out)
		}
		// The benchmark suite runs on the generated city and prints its
		// table (its figures are measured on a large city, not here).
		out, code := gonghui(t, "", "bench", "city", "--db", dsn, "--key-file", testkit.KeyFileFor(dsn), "--runs", "2", "--import", "200", "--signups", "100")
		if code != 0 {
			t.Fatalf("bench city: %d %s", code, out)
		}
		for _, want := range []string{"dashboard, city root", "dashboard, busiest street", "districts side by side", "import of 200 rows", "sign-ups"} {
			if !strings.Contains(out, want) {
				t.Fatalf("bench city lacks %q:\n%s", want, out)
			}
		}
	})
}
