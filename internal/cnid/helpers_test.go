package cnid

import (
	"errors"
	"testing"
	"time"
)

// testNow is the pinned "today" of the tests: 15 June 2025, noon in Beijing.
var testNow = time.Date(2025, time.June, 15, 4, 0, 0, 0, time.UTC)

// pinNow fixes Now for the duration of a test so that future-date rules do
// not depend on when the suite runs.
func pinNow(tb testing.TB, at time.Time) {
	tb.Helper()
	old := Now
	Now = func() time.Time { return at }
	tb.Cleanup(func() { Now = old })
}

// ruleOf returns the Rule of a cnid error, "" for nil, and fails the test for
// any other kind of error, since callers rely on errors.As succeeding.
func ruleOf(tb testing.TB, err error) string {
	tb.Helper()
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v (%T) is not a *cnid.Error", err, err)
	}
	return e.Rule
}
