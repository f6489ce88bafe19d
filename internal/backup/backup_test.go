package backup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/pii"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

// world is a database with an organisation tree, the keys' check values
// recorded as a server records them, and rows whose text COPY must escape.
type world struct {
	dsn  string
	d    *db.DB
	keys *pii.Keyring
}

func newWorld(t *testing.T, e db.Dialect) *world {
	t.Helper()
	ctx := context.Background()
	dsn := testkit.NewDSN(t, e)
	d := testkit.OpenDSN(t, dsn)
	keys := testkit.Keys(t)
	put := func(name, value string) {
		if _, err := d.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", name, value); err != nil {
			t.Fatal(err)
		}
	}
	put(settingKCV, keys.CheckValue())
	for id, v := range keys.KeyCheckValues() {
		put(settingKeyCheck+id, v)
	}
	put("test.escapes", "tab\there\nnew line\\backslash\r 工会 \\N")
	tree := orgtree.New(t, org.NewStore(d), auth.RoleAdmin)
	_ = ctx
	for i := range 5 {
		tree.Org(tree.Root, fmt.Sprintf("第%d区总工会", i+1), org.KindDistrict)
	}
	return &world{dsn: dsn, d: d, keys: keys}
}

// writer keeps committing pairs of rows, each pair in one transaction,
// until stopped: a consistent backup holds both rows of a pair or neither.
func (w *world) writer(t *testing.T) (stop func() int64) {
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			i := n.Load()
			err := w.d.Tx(ctx, func(tx *db.Tx) error {
				for _, side := range []string{"a", "b"} {
					if _, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)", fmt.Sprintf("pair.%s.%06d", side, i), "x"); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				if ctx.Err() == nil {
					t.Errorf("writer: %v", err)
				}
				return
			}
			n.Add(1)
		}
	}()
	return func() int64 { cancel(); wg.Wait(); return n.Load() }
}

func TestBackupWhileWritingRestoresConsistently(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		w := newWorld(t, e)
		stop := w.writer(t)
		// Let some pairs land first, so the backup is taken mid-stream.
		for {
			var n int
			if err := w.d.QueryRow(ctx, "SELECT count(*) FROM settings WHERE name LIKE 'pair.%'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n >= 20 {
				break
			}
		}
		res, err := Create(ctx, w.d, Options{Dir: t.TempDir(), Keys: w.keys})
		written := stop()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(filepath.Base(res.Path), Prefix) {
			t.Fatalf("backup named %s", res.Path)
		}
		for _, f := range res.Manifest.Files {
			st, err := os.Stat(filepath.Join(res.Path, f.Name))
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, %v", f.Name, st.Mode().Perm(), err)
			}
		}
		target := testkit.NewDSN(t, e)
		r, err := Restore(ctx, RestoreOptions{From: res.Path, DSN: target, Keys: w.keys})
		if err != nil {
			t.Fatal(err)
		}
		defer r.DB.Close()
		var a, b, orgs int64
		var escapes string
		q := "SELECT (SELECT count(*) FROM settings WHERE name LIKE 'pair.a.%'), (SELECT count(*) FROM settings WHERE name LIKE 'pair.b.%'), (SELECT count(*) FROM orgs), (SELECT value FROM settings WHERE name = 'test.escapes')"
		if err := r.DB.QueryRow(ctx, q).Scan(&a, &b, &orgs, &escapes); err != nil {
			t.Fatal(err)
		}
		if a != b || a < 10 || a > written {
			t.Errorf("restored %d a-rows and %d b-rows of %d pairs written: not one consistent snapshot", a, b, written)
		}
		if orgs != 6 || r.Manifest.Rows("orgs") != 6 {
			t.Errorf("orgs: restored %d, manifest %d, want 6", orgs, r.Manifest.Rows("orgs"))
		}
		if escapes != "tab\there\nnew line\\backslash\r 工会 \\N" {
			t.Errorf("escapes came back as %q", escapes)
		}
		if got := r.Manifest.Rows("settings"); got < 2*a {
			t.Errorf("manifest counts %d settings rows, restored pairs alone are %d", got, 2*a)
		}
		// The restored database's own sums equal the manifest's (Restore
		// compared them); the source has moved on since.
		src, err := Sums(ctx, w.d)
		if err != nil {
			t.Fatal(err)
		}
		if err := CompareSums(r.Manifest, src); err == nil {
			t.Error("the source, written to after the backup, still matches the manifest")
		}
	})
}

func TestRestoreRefusals(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		w := newWorld(t, e)
		res, err := Create(ctx, w.d, Options{Dir: t.TempDir(), Keys: w.keys})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Restore(ctx, RestoreOptions{From: res.Path, DSN: testkit.NewDSN(t, e), Keys: testkit.Keys(t)})
		if err == nil || !strings.Contains(err.Error(), "wrong keys") || !strings.Contains(err.Error(), w.keys.CheckValue()) {
			t.Errorf("other keys: %v", err)
		}
		_, err = Restore(ctx, RestoreOptions{From: res.Path, DSN: w.dsn, Keys: w.keys})
		if err == nil || !strings.Contains(err.Error(), "already holds") {
			t.Errorf("restore into the source: %v", err)
		}
		// A newer schema, signed by someone holding the keys (a newer gonghui).
		m := *res.Manifest
		m.SchemaVersion = 9999
		resign(t, res.Path, &m, w.keys)
		_, err = Restore(ctx, RestoreOptions{From: res.Path, DSN: testkit.NewDSN(t, e), Keys: w.keys})
		if err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
			t.Errorf("newer schema: %v", err)
		}
	})
}

// resign rewrites a backup's manifest and MAC, as someone holding the keys
// (or a bug in gonghui) could: the checks after the MAC must still catch
// what does not match.
func resign(t *testing.T, dir string, m *Manifest, keys *pii.Keyring) {
	t.Helper()
	os.Remove(filepath.Join(dir, ManifestFile))
	os.Remove(filepath.Join(dir, MACFile))
	if err := writeManifest(dir, m, keys); err != nil {
		t.Fatal(err)
	}
}

func TestTamperedBackupsFail(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		w := newWorld(t, e)
		fresh := func() *Result {
			res, err := Create(ctx, w.d, Options{Dir: t.TempDir(), Keys: w.keys})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		dataFile := func(res *Result, table string) string {
			if res.Manifest.Method == MethodFile {
				return filepath.Join(res.Path, DBFile)
			}
			return filepath.Join(res.Path, filepath.FromSlash(tableFile(table)))
		}

		// One byte changed in the data.
		res := fresh()
		p := dataFile(res, "orgs")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0x40
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = Check(res.Path, w.keys)
		var dmg *Damaged
		if !errors.As(err, &dmg) || !strings.Contains(err.Error(), "checksum differs") {
			t.Errorf("changed byte: %v", err)
		}

		// The manifest edited without the keys.
		res = fresh()
		mf := filepath.Join(res.Path, ManifestFile)
		data, _ = os.ReadFile(mf)
		if err := os.WriteFile(mf, []byte(strings.Replace(string(data), `"rows": 6`, `"rows": 7`, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Check(res.Path, w.keys); err == nil || !strings.Contains(err.Error(), "MAC does not match") {
			t.Errorf("edited manifest: %v", err)
		}

		// A table missing from the data, the manifest re-signed to match
		// the files: the restore's comparison of tables finds it.
		res = fresh()
		m := *res.Manifest
		if m.Method == MethodRows {
			if err := os.Remove(dataFile(res, "orgs")); err != nil {
				t.Fatal(err)
			}
			if _, err := Check(res.Path, w.keys); err == nil || !strings.Contains(err.Error(), "tables/orgs.rows.gz: missing") {
				t.Errorf("missing table file: %v", err)
			}
			return
		}
		cp, err := db.Open(ctx, filepath.Join(res.Path, DBFile), db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cp.Exec(ctx, "DROP TABLE login_throttle"); err != nil {
			t.Fatal(err)
		}
		cp.Close()
		os.Remove(filepath.Join(res.Path, DBFile+"-wal"))
		os.Remove(filepath.Join(res.Path, DBFile+"-shm"))
		if m.Files, err = listFiles(res.Path); err != nil {
			t.Fatal(err)
		}
		var files []FileSum
		for _, f := range m.Files {
			if f.Name == DBFile {
				files = append(files, f)
			}
		}
		m.Files = files
		resign(t, res.Path, &m, w.keys)
		_, err = Restore(ctx, RestoreOptions{From: res.Path, DSN: testkit.NewDSN(t, e), Keys: w.keys})
		if err == nil || !strings.Contains(err.Error(), "table login_throttle: missing from the restored database") {
			t.Errorf("missing table: %v", err)
		}
	})
}

func TestRowEncodingRoundTrip(t *testing.T) {
	in := []any{nil, int64(-1 << 62), 3.25, "文字\t\n", []byte{0, 1, 255}, true}
	var b []byte
	for _, v := range in {
		var err error
		if b, err = appendValue(b, v); err != nil {
			t.Fatal(err)
		}
	}
	r := strings.NewReader(string(b))
	got, err := decodeRow(bufioReader(r), len(in))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]any{nil, int64(-1 << 62), 3.25, "文字\t\n", []byte{0, 1, 255}, int64(1)})
	if fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if _, err := decodeRow(bufioReader(strings.NewReader(string(b[:len(b)-3]))), len(in)); err == nil {
		t.Error("a row cut short decoded")
	}
}

func bufioReader(r *strings.Reader) *bufio.Reader { return bufio.NewReader(r) }
