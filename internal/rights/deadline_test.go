package rights

import (
	"strings"
	"testing"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/workday"
)

func day(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, beijing.Zone)
}

// endOf is the end (24:00) of a Beijing day: what a deadline on that day is.
func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, beijing.Zone).AddDate(0, 0, 1)
}

// The deadlines across the National Day holiday of 2025 (1–8 October off,
// Sunday 28 September and Saturday 11 October worked in their place) and
// of 2026 (1–7 October off, Sunday 20 September and Saturday 10 October
// worked), counted in working days and in calendar days.
func TestDeadlinesAcrossNationalDay(t *testing.T) {
	cal := workday.Statutory()
	for _, c := range []struct {
		name  string
		from  time.Time
		term  Term
		want  time.Time
		known bool
	}{
		// Working days: the holiday skipped, the make-up Saturday counted.
		{"accept from the eve of the holiday", day(2025, 9, 30, 10), AcceptTerm, endOf(2025, 10, 11), true},
		// The make-up Sunday before the holiday is a working day.
		{"accept from the Friday before", day(2025, 9, 26, 16), AcceptTerm, endOf(2025, 9, 30), true},
		{"consultation over the 2026 holiday", day(2026, 9, 29, 9), TermOf(KindConsultation), endOf(2026, 10, 12), true},
		// 20 Sep (make-up Sunday) counts, the Mid-Autumn Friday 25 Sep does not.
		{"complaint, 15 working days", day(2026, 9, 18, 9), TermOf(KindComplaint), endOf(2026, 10, 15), true},
		// Calendar days (art. 14): the 15th day falls on the holiday, so the
		// period ends on the first working day after it (civil code art. 203).
		{"mediation ending in the holiday", day(2025, 9, 20, 11), TermOf(KindMediation), endOf(2025, 10, 9), true},
		{"mediation ending on a plain Thursday", day(2025, 9, 10, 11), TermOf(KindMediation), endOf(2025, 9, 25), true},
		// A make-up working day is a working day: the period may end on it.
		{"legal aid ending on the make-up Sunday", day(2025, 9, 21, 11), TermOf(KindLegalAid), endOf(2025, 9, 28), true},
		{"legal aid ending on a plain Saturday", day(2025, 11, 1, 11), TermOf(KindLegalAid), endOf(2025, 11, 10), true},
		// Counted into a year whose holidays are not announced: provisional.
		{"mediation into 2028", day(2027, 12, 20, 9), TermOf(KindMediation), endOf(2028, 1, 4), false},
		{"acceptance into 2028", day(2027, 12, 30, 9), AcceptTerm, endOf(2028, 1, 4), false},
	} {
		got, known := Due(cal, c.from, c.term)
		if !got.Equal(c.want) || known != c.known {
			t.Errorf("%s: due %s known %v, want %s %v", c.name, got.In(beijing.Zone), known, c.want, c.known)
		}
	}
}

func TestReminders(t *testing.T) {
	cal := workday.Statutory()
	for _, c := range []struct{ due, want time.Time }{
		// The deadline's last day is the make-up Saturday: the reminder starts
		// the Friday before.
		{endOf(2025, 10, 11), day(2025, 10, 10, 0)},
		// A Monday's deadline is reminded from the Friday: the weekend between.
		{endOf(2025, 11, 17), day(2025, 11, 14, 0)},
		// The first working day after the holiday: reminded from the last one before it.
		{endOf(2025, 10, 9), day(2025, 9, 30, 0)},
	} {
		if got := RemindFrom(cal, c.due); !got.Equal(c.want) {
			t.Errorf("due %s: reminded from %s, want %s", c.due.In(beijing.Zone), got.In(beijing.Zone), c.want)
		}
	}
}

// An operator's file for a year not yet in the tables makes the
// deadlines counted into it firm, and moves them by its holidays.
func TestDeadlineWithOperatorsYear(t *testing.T) {
	cal, err := workday.Load(strings.NewReader("2028-01-01,元旦,holiday\n2028-01-03,元旦,holiday\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, known := Due(cal, day(2027, 12, 30, 9), AcceptTerm)
	// 31 Dec (Fri) 1; 1–3 Jan off; 4 Jan 2; 5 Jan 3.
	if !known || !got.Equal(endOf(2028, 1, 5)) {
		t.Fatalf("due %s known %v", got.In(beijing.Zone), known)
	}
}
