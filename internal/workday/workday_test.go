package workday

import (
	"strings"
	"testing"
	"time"

	"gonghui/internal/beijing"
)

func day(s string) time.Time {
	t, ok := beijing.ParseDay(s)
	if !ok {
		panic(s)
	}
	return t
}

// The National Day holiday of 2026 runs 1–7 October (with the Mid-Autumn
// festival before it); Sunday 27 September and Saturday 10 October are worked.
func TestNationalDay2026(t *testing.T) {
	c := Statutory()
	for _, tc := range []struct {
		date string
		work bool
	}{
		{"2026-09-30", true},  // Wednesday
		{"2026-10-01", false}, // holiday
		{"2026-10-05", false}, // Monday, holiday
		{"2026-10-07", false}, // Wednesday, holiday
		{"2026-10-08", true},  // Thursday
		{"2026-10-10", true},  // Saturday, worked in the holiday's place
		{"2026-10-11", false}, // Sunday
		{"2026-12-07", true},  // Monday
	} {
		if got := c.IsWorkday(day(tc.date)); got != tc.work {
			t.Errorf("IsWorkday(%s) = %v, want %v", tc.date, got, tc.work)
		}
	}
	if d, ok := c.Lookup(day("2026-10-10")); !ok || !d.Work || !strings.Contains(d.Name, "国庆") {
		t.Errorf("Lookup(2026-10-10) = %+v, %v", d, ok)
	}
}

func TestDueAcrossNationalDay(t *testing.T) {
	c := Statutory()
	// Received on Tuesday 29 September 2026: working days 30 Sep, 8, 9,
	// 10 (Saturday, worked), 12 … so the 5th is Monday 12 October and the
	// 15th is Monday 26 October.
	for _, tc := range []struct {
		n    int
		want string
	}{{1, "2026-09-30"}, {2, "2026-10-08"}, {4, "2026-10-10"}, {5, "2026-10-12"}, {15, "2026-10-26"}} {
		due, known := c.Due(day("2026-09-29").Add(15*time.Hour), tc.n)
		if !known {
			t.Errorf("Due(+%d) not known", tc.n)
		}
		// Due is the end of the day: midnight starting the next one.
		if got := beijing.Day(due.Add(-time.Second)); got != tc.want {
			t.Errorf("Due(2026-09-29, %d) ends %s, want %s", tc.n, got, tc.want)
		}
	}
	if n := c.Between(day("2026-09-29"), day("2026-10-12")); n != 5 {
		t.Errorf("Between = %d, want 5", n)
	}
}

func TestUnknownYearAndOperatorFile(t *testing.T) {
	c := Statutory()
	far := c.LastYear() + 1
	if c.Covers(far) {
		t.Fatalf("covers %d", far)
	}
	start := time.Date(far, 1, 1, 0, 0, 0, 0, beijing.Zone).AddDate(0, 0, -3)
	if _, known := c.Due(start, 10); known {
		t.Error("a deadline counted into an unannounced year is said to be known")
	}
	file := "# next year, announced late\n" +
		time.Date(far, 1, 1, 0, 0, 0, 0, beijing.Zone).Format(time.DateOnly) + ",元旦,holiday\n\n" +
		"2026-10-09,test,holiday\n"
	c2, err := Load(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Covers(far) || c2.LastYear() != far {
		t.Errorf("after the file: covers %v, last %d", c2.Covers(far), c2.LastYear())
	}
	if c2.IsWorkday(day("2026-10-09")) || !c.IsWorkday(day("2026-10-09")) {
		t.Error("the operator's correction did not replace the statutory day, or leaked into it")
	}
	for _, bad := range []string{"2026-13-01,x,holiday", "2026-10-09,,work", "2026-10-09,x,maybe", "2026-10-09,x", "20261009,x,work"} {
		if _, err := Load(strings.NewReader(bad)); err == nil {
			t.Errorf("Load(%q) accepted", bad)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("2028-01-01,元旦,holiday\n2028-02-05,春节调休,work\n")
	f.Add("# comment\n\n2026-10-09,x,holiday")
	f.Add("2026-02-30,x,holiday")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Load(strings.NewReader(s))
		if err != nil {
			return
		}
		if c.LastYear() < Statutory().LastYear() {
			t.Fatalf("a file shrank the calendar to %d", c.LastYear())
		}
	})
}
