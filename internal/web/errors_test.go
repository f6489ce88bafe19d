package web

import (
	"testing"

	"gonghui/internal/errs"
	"gonghui/internal/i18n"
)

// severalBadFields is a refusal with a different message on each of several
// fields: a map's random order would pick a different one now and then.
func severalBadFields() error {
	f := errs.Fields{}
	f.Add("name", "field.required")
	f.Add("mobile", "field.mobile.invalid")
	f.Add("gender", "field.invalid_choice")
	f.Add("card", "field.required")
	f.Add("tags", "field.invalid_choice")
	return f.Err()
}

// TestOneMessageForSeveralBadFields: where a page has room for one message
// (an import row, a scan, a form without inputs, the member portal), the
// message for the same refusal is the same every time: the first field's by
// name ("card" here).
func TestOneMessageForSeveralBadFields(t *testing.T) {
	want := i18n.T(i18n.EN, "field.required")
	for i := 0; i < 200; i++ {
		if got := ErrMessage(i18n.EN, severalBadFields()); got != want {
			t.Fatalf("errMessage, try %d: %q, want %q", i, got, want)
		}
	}
	// Without fields, the error's own message.
	if got, want := ErrMessage(i18n.EN, errs.Forbidden()), i18n.T(i18n.EN, "error.forbidden"); got != want {
		t.Fatalf("errMessage without fields: %q, want %q", got, want)
	}
}
