package signup

import (
	"testing"

	"gonghui/internal/errs"
	"gonghui/internal/i18n"
)

// TestOneRefusalMessage: the portal has room for one message of a refusal;
// for the same refusal it is the same every time, the first field's by name
// ("card" here), whatever a map's order.
func TestOneRefusalMessage(t *testing.T) {
	bad := func() error {
		f := errs.Fields{}
		for _, k := range []string{"name", "mobile", "gender", "card", "tags"} {
			key := "field.invalid_choice"
			if k == "card" || k == "name" {
				key = "field.required"
			}
			f.Add(k, key)
		}
		return f.Err()
	}
	want := i18n.T(i18n.EN, "field.required")
	for i := 0; i < 200; i++ {
		if got := RefusalMessage(i18n.EN, bad()); got != want {
			t.Fatalf("RefusalMessage, try %d: %q, want %q", i, got, want)
		}
	}
}
