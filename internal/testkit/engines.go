package testkit

import (
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
