// Package testkit holds test helpers: a fresh database on each engine, and
// (in other files) servers and a browser.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/db"
)

// PostgresURL is the server the PostgreSQL half of the suite runs against;
// empty means SQLite only.
func PostgresURL() string { return os.Getenv("GONGHUI_TEST_POSTGRES_URL") }

// Engines lists the engines this run tests.
func Engines() []db.Dialect {
	if PostgresURL() != "" {
		return []db.Dialect{db.SQLite, db.Postgres}
	}
	return []db.Dialect{db.SQLite}
}

// ForEachDB runs fn as a subtest on a fresh, migrated database of each engine.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, NewDB(t, e))
		})
	}
}

// NewDB returns a fresh, migrated database, removed when the test ends.
func NewDB(t testing.TB, e db.Dialect) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), NewDSN(t, e), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Key the audit chain as the server does, with a key of this database's
	// own: tests in parallel each have theirs.
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if _, err := audit.Attach(d, audit.Options{Key: key}); err != nil {
		t.Fatal(err)
	}
	return d
}

// NewDSN makes an empty database and returns its DSN: a file in a temporary
// directory on SQLite, a new schema on PostgreSQL (dropped at the end).
func NewDSN(t testing.TB, e db.Dialect) string {
	t.Helper()
	if e == db.SQLite {
		return filepath.Join(t.TempDir(), "test.db")
	}
	base := PostgresURL()
	if base == "" {
		t.Skip("GONGHUI_TEST_POSTGRES_URL not set")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
