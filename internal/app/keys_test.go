package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/job"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/pii"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

func keysConfig(dsn, keyFile string) Config {
	return Config{DB: dsn, KeyFile: keyFile, KeyProfile: "standard", MaxConns: 4, SQLiteCacheMB: 8, Addr: "127.0.0.1:0"}
}

// keysSetup is the configuration of a server on dsn with its key file,
// gonghui.key, in a fresh directory dir.
func keysSetup(t *testing.T, dsn string) (dir, keyFile string, cfg Config) {
	dir = t.TempDir()
	keyFile = filepath.Join(dir, "gonghui.key")
	return dir, keyFile, keysConfig(dsn, keyFile)
}

func openMain(t *testing.T, cfg Config) *Main {
	t.Helper()
	m, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("open: %s", describe(err))
	}
	return m
}

// keysWorld is a union with one member in it, and a principal who may
// reveal members' numbers.
type keysWorld struct {
	union    *org.Org
	officer  *auth.Principal
	memberID int64
	idNumber string
	mobile   string
}

func seedMember(t *testing.T, m *Main) *keysWorld {
	t.Helper()
	ctx := t.Context()
	tree := orgtree.New(t, m.Orgs, auth.RoleOfficer)
	w := &keysWorld{officer: tree.By}
	w.union = tree.Chain(tree.Root, []string{"西城区总工会", "大栅栏街道总工会", "甲公司工会"},
		[]org.Kind{org.KindDistrict, org.KindStreet, org.KindGrassroots})
	var err error
	if w.idNumber, err = cnid.MakeResidentID("110102", time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), 1); err != nil {
		t.Fatal(err)
	}
	w.mobile = "13912345678"
	mb, err := m.Members.Create(ctx, w.officer, w.union.ID, member.Person{Name: "李四", IDNumber: w.idNumber, Mobile: w.mobile})
	if err != nil {
		t.Fatal(err)
	}
	w.memberID = mb.ID
	return w
}

// Starting on an existing database without its key file, or with another
// one, fails with a message that says what to do, and makes no key file;
// with the right file it starts and reads what it sealed. Before, a missing
// file was silently replaced by a new key.
func TestOpenRefusesMissingOrWrongKeys(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		dir, keyFile, cfg := keysSetup(t, dsn)
		m := openMain(t, cfg)
		w := seedMember(t, m)
		m.Close()

		// Missing: refused, and no file made.
		if err := os.Rename(keyFile, keyFile+".bak"); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, cfg)
		if err == nil {
			t.Fatal("started without its key file")
		}
		if msg := describe(err); !strings.Contains(msg, keyFile) || !strings.Contains(msg, "does not exist") || !strings.Contains(msg, "--key-file") || !strings.Contains(msg, "backup") {
			t.Fatalf("message: %s", msg)
		}
		if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
			t.Fatalf("a key file was made: %v", err)
		}
		// Every command that opens the database with keys refuses alike.
		for _, args := range [][]string{
			{"user", "add", "--username", "ops", "--password-stdin", "--role", "admin", "--org", db.FormatID(w.union.ID)},
			{"generate", "--members", "1", "--activities", "0"},
			{"card", "verify"},
			{"keys", "check"},
			{"keys", "rotate", "--grace", "0"},
		} {
			var out, errb bytes.Buffer
			code := RunCommand(ctx, append(args, "--db", dsn, "--key-file", keyFile), strings.NewReader("Zq7-mK2-vR9x-Lp\n"), &out, &errb)
			if code == 0 || !strings.Contains(errb.String(), "does not exist") {
				t.Fatalf("%v: exit %d: %s%s", args, code, out.String(), errb.String())
			}
			if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
				t.Fatalf("%v made a key file", args)
			}
		}

		// Another installation's keys: refused, by file and by content.
		other := filepath.Join(dir, "other.key")
		if _, err := pii.LoadOrCreate(other, pii.Standard); err != nil {
			t.Fatal(err)
		}
		_, err = Open(ctx, keysConfig(dsn, other))
		if err == nil || !strings.Contains(describe(err), "do not belong") {
			t.Fatalf("another key file: %v", err)
		}
		content, _ := os.ReadFile(other)
		t.Setenv("GONGHUI_KEYS", string(content))
		_, err = Open(ctx, cfg)
		if err == nil || !strings.Contains(describe(err), "GONGHUI_KEYS") {
			t.Fatalf("another key in GONGHUI_KEYS: %v", err)
		}
		t.Setenv("GONGHUI_KEYS", "")

		// The right one: starts and reads back what it sealed.
		if err := os.Rename(keyFile+".bak", keyFile); err != nil {
			t.Fatal(err)
		}
		m = openMain(t, cfg)
		rv, err := m.Members.Reveal(ctx, w.officer, w.memberID, "核对")
		m.Close()
		if err != nil || rv.IDNumber != w.idNumber || rv.Mobile != w.mobile {
			t.Fatalf("reveal %+v %v", rv, err)
		}

		// A database sealed before check values were recorded: the key
		// must open its data before its check value is recorded.
		d, err := db.Open(ctx, dsn, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "DELETE FROM settings WHERE name LIKE 'keys.%'"); err != nil {
			t.Fatal(err)
		}
		d.Close()
		if _, err = Open(ctx, keysConfig(dsn, other)); err == nil || !strings.Contains(describe(err), "do not open the data") {
			t.Fatalf("another key file on an unrecorded database: %v", err)
		}
		m = openMain(t, cfg)
		m.Close()
		if _, err = Open(ctx, keysConfig(dsn, other)); err == nil {
			t.Fatal("another key file accepted once the check value is recorded")
		}
	})
}

// A fresh database needs no set-up, also when several processes start on it
// at once: one key file is made and every process agrees on it.
func TestOpenFreshDatabaseTogether(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		dsn := testkit.NewDSN(t, e)
		keyFile := filepath.Join(t.TempDir(), "gonghui.key")
		var wg sync.WaitGroup
		errc := make(chan error, 3)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, err := Open(context.Background(), keysConfig(dsn, keyFile))
				if err == nil {
					m.Close()
				}
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatalf("concurrent start: %s", describe(err))
			}
		}
		if e == db.SQLite {
			// Without --key-file, the file is made beside the database.
			dsn := testkit.NewDSN(t, e)
			m := openMain(t, keysConfig(dsn, ""))
			m.Close()
			if _, err := os.Stat(filepath.Join(filepath.Dir(dsn), "gonghui.key")); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// keys rotate adds a key, a running server follows it, and every sealed
// value (ID numbers and mobiles of members and applications, TOTP secrets,
// the card signing key, uploads) is re-sealed with it and still reads the
// same; keyed hashes do not change, so duplicates are still found.
func TestKeysRotate(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		dir, keyFile, cfg := keysSetup(t, dsn)
		m := openMain(t, cfg)
		defer m.Close()
		w := seedMember(t, m)
		appIDNumber, err := cnid.MakeResidentID("110102", time.Date(1990, 3, 4, 0, 0, 0, 0, time.UTC), 2)
		if err != nil {
			t.Fatal(err)
		}
		app, err := m.Members.Apply(ctx, w.union.ID, member.ApplyInput{Name: "王五", IDNumber: appIDNumber, Mobile: "13712345678", EmployerName: "某公司", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		uid, err := m.Auth.Bootstrap(ctx, auth.NewUser{Username: "ops", Name: "ops", Kind: auth.KindStaff, OrgID: w.union.ID, Password: "Zq7-mK2-vR9x-Lp"}, auth.RoleOfficer)
		if err != nil {
			t.Fatal(err)
		}
		staff := &auth.Principal{UserID: uid, Username: "ops"}
		enr, err := m.Auth.BeginTOTP(ctx, staff)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := m.Members.PublicKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		jobs := &job.Store{DB: m.DB, Keys: m.Members.Keys}
		upload := []byte("姓名,身份证号码\n李四," + w.idNumber + "\n")
		upID, err := jobs.SaveUpload(ctx, uid, "r.csv", upload)
		if err != nil {
			t.Fatal(err)
		}
		oldKeys, _ := os.ReadFile(keyFile)

		var out, errb bytes.Buffer
		if code := RunCommand(ctx, []string{"keys", "rotate", "--db", dsn, "--key-file", keyFile, "--grace", "0", "--batch", "1"}, nil, &out, &errb); code != 0 {
			t.Fatalf("rotate: %d %s %s", code, out.String(), errb.String())
		}
		if !strings.Contains(out.String(), "added key k2") || !strings.Contains(out.String(), "every sealed value is under key k2") {
			t.Fatalf("rotate said: %s", out.String())
		}
		// The rotation's entry is keyed like the server's before it.
		if rep, err := audit.Check(ctx, m.DB, audit.VerifyOptions{}); err != nil || len(rep.Problems) > 0 {
			t.Fatalf("audit chain after the rotation: %v %v", rep.Problems, err)
		}
		counts, err := countSealed(ctx, m.DB)
		if err != nil {
			t.Fatal(err)
		}
		// member id+mobile, application id+mobile, TOTP, card key, upload.
		if counts["k1"] != 0 || counts["k2"] != 7 || len(counts) != 1 {
			t.Fatalf("sealed values by key after rotation: %v", counts)
		}

		// The running server loads the new key and seals with it.
		if m.Members.Keys.Current() != "k1" {
			t.Fatalf("server switched before it looked: %s", m.Members.Keys.Current())
		}
		if err := followKeys(ctx, m.DB, m.Members.Keys, m.Config); err != nil {
			t.Fatal(err)
		}
		if got := m.Members.Keys.Current(); got != "k2" {
			t.Fatalf("server seals with %s after the rotation", got)
		}
		rv, err := m.Members.Reveal(ctx, w.officer, w.memberID, "核对")
		if err != nil || rv.IDNumber != w.idNumber || rv.Mobile != w.mobile {
			t.Fatalf("reveal after rotation %+v %v", rv, err)
		}
		a, err := m.Members.GetApplication(ctx, w.officer, app.ID)
		if err != nil || a.IDNumber == "" || a.Mobile == "" {
			t.Fatalf("application after rotation %+v %v", a, err)
		}
		if got, err := m.Auth.PendingTOTP(ctx, staff); err != nil || got.Secret != enr.Secret {
			t.Fatalf("TOTP secret after rotation: %v", err)
		}
		if got, err := member.NewStore(m.DB, m.Members.Keys).PublicKey(ctx); err != nil || got != pub {
			t.Fatalf("card key after rotation: %v", err)
		}
		if got, err := jobs.LoadUpload(ctx, upID, uid); err != nil || !bytes.Equal(got.Data, upload) {
			t.Fatalf("upload after rotation: %v", err)
		}
		// Keyed hashes are unchanged: the same person is still found.
		if _, err := m.Members.Create(ctx, w.officer, w.union.ID, member.Person{Name: "李四", IDNumber: w.idNumber}); err == nil {
			t.Fatal("a second membership for the same ID number after rotation")
		}

		// Again: nothing left to do.
		out.Reset()
		if code := RunCommand(ctx, []string{"keys", "rewrap", "--db", dsn, "--key-file", keyFile}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "members.id_sealed: 0 re-sealed") {
			t.Fatalf("rewrap again: %d %s %s", code, out.String(), errb.String())
		}
		out.Reset()
		if code := RunCommand(ctx, []string{"keys", "check", "--db", dsn, "--key-file", keyFile}, nil, &out, &errb); code != 0 ||
			!strings.Contains(out.String(), m.Members.Keys.CheckValue()) || !strings.Contains(out.String(), "* k2") {
			t.Fatalf("check: %d %s %s", code, out.String(), errb.String())
		}
		// A copy of the key file from before the rotation is refused.
		stale := filepath.Join(dir, "stale.key")
		if err := os.WriteFile(stale, oldKeys, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, keysConfig(dsn, stale)); err == nil || !strings.Contains(describe(err), "lack key k2") {
			t.Fatalf("stale key file: %v", err)
		}
		// A new process with the current file seals with k2.
		m2 := openMain(t, cfg)
		defer m2.Close()
		if m2.Members.Keys.Current() != "k2" {
			t.Fatalf("new process seals with %s", m2.Members.Keys.Current())
		}
	})
}
