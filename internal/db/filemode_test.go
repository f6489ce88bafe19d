package db_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"gonghui/internal/db"
)

func fileMode(t *testing.T, p string) os.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// A new SQLite database, its WAL and shared-memory files and the directory
// made for it are private to the server's account.
func TestSQLiteFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data", "city")
	path := filepath.Join(dir, "gonghui.db")
	d, err := db.Open(ctx, path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil { // writes, so the WAL exists
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := fileMode(t, p); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), m)
		}
	}
	for _, p := range []string{dir, filepath.Dir(dir)} {
		if m := fileMode(t, p); m != 0o700 {
			t.Errorf("directory %s: mode %v, want 0700", p, m)
		}
	}
}

// A database file left readable by others is narrowed when opened.
func TestSQLiteExistingFileIsNarrowed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gonghui.db")
	d, err := db.Open(ctx, path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	d.Close()
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Stat(p); err != nil {
			continue // the WAL goes when the last connection closes
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err = db.Open(ctx, path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := fileMode(t, p); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), m)
		}
	}
}
