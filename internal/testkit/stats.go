package testkit

import "testing"

// Recounted fails t when the folded figures differ from a recount: bad and
// err are what stats.Store.Check answered (testkit cannot import stats,
// whose own tests use testkit), and when names the moment checked.
func Recounted[T any](t testing.TB, when string, bad []T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("%s: %d figures differ from a recount, e.g. %+v", when, len(bad), bad[0])
	}
}

// RecountCheck returns a check, named by the moment it is made at, that
// the figures check folds and compares (a stats.Store.Check) agree with a
// recount.
func RecountCheck[T any](t testing.TB, check func() ([]T, error)) func(when string) {
	return func(when string) {
		t.Helper()
		bad, err := check()
		Recounted(t, when, bad, err)
	}
}
