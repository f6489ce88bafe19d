package testkit

import (
	"context"
	"testing"

	"gonghui/internal/db"
)

// ForEachEngine runs fn as a subtest on each engine, for tests that make
// their databases themselves.
func ForEachEngine(t *testing.T, fn func(t *testing.T, e db.Dialect)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

// ForEachDSN runs fn as a subtest on each engine with the DSN of a fresh,
// empty database (see NewDSN), for tests that open or migrate it as the
// server or a command does.
func ForEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	ForEachEngine(t, func(t *testing.T, e db.Dialect) { fn(t, NewDSN(t, e)) })
}

// ForEachDBContext is ForEachDB for tests that also want a context.
func ForEachDBContext(t *testing.T, fn func(t *testing.T, ctx context.Context, d *db.DB)) {
	t.Helper()
	ForEachDB(t, func(t *testing.T, d *db.DB) { fn(t, context.Background(), d) })
}

// OpenDSN opens and migrates the database at dsn as another process would
// (no audit key attached), closing it when the test ends.
func OpenDSN(t testing.TB, dsn string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}
