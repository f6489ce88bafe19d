package db_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonghui/internal/db"
)

// What is deleted leaves no trace in the SQLite file or its WAL: an
// anonymised member's name, or a roster once its import is done, must not
// be readable from free pages of a copied file.
func TestSQLiteDeletesLeaveNoTrace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	d, err := db.Open(ctx, path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Exec(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	marker := "张秘密-" + strings.Repeat("x", 64)
	big := strings.Repeat(marker, 200) // spills onto overflow pages
	for i, v := range []string{marker, big} {
		if _, err := d.Exec(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", i+1, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Exec(ctx, "DELETE FROM t"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("张秘密")) {
			t.Fatalf("%s still holds deleted text", filepath.Base(p))
		}
	}
}
