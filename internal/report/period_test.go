package report_test

import (
	"testing"

	"gonghui/internal/errs"
	"gonghui/internal/report"
)

// A range of days is refused by the field at fault: a day that is not one,
// an end before the start, or a span of more than MaxYears (1900–2100 is a
// slip of the keyboard, not a question the figures answer).
func TestCheckDaysNamesTheField(t *testing.T) {
	cases := []struct {
		from, to, field, key string
	}{
		{"2026-13-01", "", "from", "field.invalid_date"},
		{"", "2026-02-30", "to", "field.invalid_date"},
		{"2026-05-01", "2026-04-01", "to", "field.date_order"},
		{"1900-01-01", "2100-01-01", "from", "report.range_too_long"},
		{"2016-01-01", "2026-01-02", "from", "report.range_too_long"},
	}
	for _, c := range cases {
		err := report.Period{From: c.from, To: c.to}.Check()
		e, ok := errs.As(err)
		if !ok {
			t.Fatalf("%s–%s accepted", c.from, c.to)
		}
		f, ok := e.Fields[c.field]
		if !ok || len(e.Fields) != 1 || f.Key != c.key {
			t.Fatalf("%s–%s: %+v", c.from, c.to, e.Fields)
		}
	}
	for _, p := range []report.Period{{}, {From: "2016-01-01", To: "2026-01-01"}, {From: "2026-04-01"}, {To: "2026-04-01"}, {From: "2026-04-01", To: "2026-04-01"}} {
		if err := p.Check(); err != nil {
			t.Fatalf("%+v refused: %v", p, err)
		}
	}
}
