package signup

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"gonghui/internal/beijing"

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

// TestWhen: a day with its hours, two days, another year.
func TestWhen(t *testing.T) {
	year := time.Now().In(beijing.Zone).Year()
	start := time.Date(year, 12, 1, 9, 0, 0, 0, beijing.Zone)
	wd := []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[start.Weekday()]
	if got, want := When(i18n.ZH, start.UTC(), start.Add(150*time.Minute).UTC()), "12月1日 "+wd+" 09:00–11:30"; got != want {
		t.Errorf("one day: %q, want %q", got, want)
	}
	if got := When(i18n.EN, start, start.Add(150*time.Minute)); !strings.HasPrefix(got, "Dec 1 ") || !strings.HasSuffix(got, " 09:00–11:30") {
		t.Errorf("in English: %q", got)
	}
	if got := When(i18n.ZH, start, start.AddDate(0, 0, 1)); !strings.Contains(got, " – 12月2日 ") {
		t.Errorf("two days: %q", got)
	}
	if got := DayLabel(i18n.ZH, time.Date(year-1, 3, 5, 12, 0, 0, 0, beijing.Zone)); !strings.HasPrefix(got, strconv.Itoa(year-1)+"年3月5日 ") {
		t.Errorf("another year: %q", got)
	}
}
