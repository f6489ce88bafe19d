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

// ruleCase is one row of a table of inputs to a cnid function: the answer
// wanted and the rule it breaks ("" when it is valid). name may be empty
// for a row whose input names it well enough.
type ruleCase[T ~string | ~byte] struct {
	name, in string
	want     T
	rule     string
}

// checkRules runs fn over every row as a subtest, failing a row whose
// answer or rule is not the one wanted; fname names fn in the messages.
func checkRules[T ~string | ~byte](t *testing.T, fname string, fn func(string) (T, error), tests []ruleCase[T]) {
	t.Helper()
	for _, tt := range tests {
		name := tt.name
		if name == "" {
			name = tt.in
		}
		t.Run(name, func(t *testing.T) {
			got, err := fn(tt.in)
			if r := ruleOf(t, err); r != tt.rule || got != tt.want {
				t.Fatalf("%s(%q) = %q, rule %q; want %q, rule %q", fname, tt.in, got, r, tt.want, tt.rule)
			}
		})
	}
}
