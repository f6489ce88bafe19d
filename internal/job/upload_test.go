package job

import (
	"bytes"
	"context"
	"os"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

// An uploaded roster is sealed at rest: neither the column nor (on SQLite)
// the database file and its WAL hold a number or a name from it; it opens
// only as its own row, and goes when its job ends.
func TestUploadsSealedAndDropped(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, e db.Dialect) {
		ctx := context.Background()
		dsn := testkit.NewDSN(t, e)
		d := testkit.OpenDSN(t, dsn)
		rootID, users := seed(t, d, 1)
		userID := users[0]
		s := &Store{DB: d, Keys: testkit.Keys(t)}
		secrets := []string{"110102198001020016", "13912345678", "欧阳娜娜"}
		roster := []byte("姓名,身份证号码,联系电话\n欧阳娜娜,110102198001020016,13912345678\n")
		up, err := s.SaveUpload(ctx, userID, "名册.csv", roster)
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.SaveUpload(ctx, userID, "b.csv", []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		var raw []byte
		if err := d.QueryRow(ctx, "SELECT data FROM uploads WHERE id = ?", up).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		for _, sec := range secrets {
			if bytes.Contains(raw, []byte(sec)) {
				t.Fatalf("uploads.data holds %q in clear", sec)
			}
		}
		if e == db.SQLite {
			for _, f := range []string{dsn, dsn + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				for _, sec := range secrets {
					if bytes.Contains(b, []byte(sec)) {
						t.Fatalf("%s holds %q in clear", f, sec)
					}
				}
			}
		}
		got, err := s.LoadUpload(ctx, up, userID)
		if err != nil || !bytes.Equal(got.Data, roster) || got.Size != int64(len(roster)) {
			t.Fatalf("load: %v %+v", err, got)
		}
		// Sealed to its row: pasted onto another upload it does not open.
		if _, err := d.Exec(ctx, "UPDATE uploads SET data = ? WHERE id = ?", raw, other); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadUpload(ctx, other, userID); err == nil {
			t.Fatal("an upload's sealed data opened as another upload")
		}
		// Dropped when its job ends; the job keeps its result.
		j, err := s.Start(ctx, "member_import", userID, rootID, up, "valid-rows")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx, j, map[string]int{"imported": 1}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.DropUpload(ctx, up); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadUpload(ctx, up, userID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("dropped upload: %v", err)
		}
		if jb, err := s.Get(ctx, j, userID); err != nil || jb.UploadID != 0 || jb.Result != `{"imported":1}` {
			t.Fatalf("job after drop %+v %v", jb, err)
		}
	})
}
