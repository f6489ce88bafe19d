package dashboard

import (
	"testing"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/i18n"
)

// In December this year and the last twelve months are the same days, in
// January this month and this year are: one shortcut is current, never two.
func TestOnePresetIsCurrent(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 12, 7, 10, 0, 0, 0, beijing.Zone),
		time.Date(2027, 1, 9, 10, 0, 0, 0, beijing.Zone),
		time.Date(2026, 6, 15, 10, 0, 0, 0, beijing.Zone),
	} {
		for i, np := range presetPeriods(now) {
			got := presetLinks(i18n.ZH, now, "/x", &dashboardData{Period: np.Period})
			current := 0
			for _, p := range got {
				if p.Current {
					current++
				}
			}
			if current != 1 {
				t.Fatalf("%s, period %s: %d shortcuts current", now.Format(time.DateOnly), np.Key, current)
			}
			first := 0
			for presetPeriods(now)[first].Period != np.Period {
				first++
			}
			if !got[first].Current || first > i {
				t.Fatalf("%s: %s is not the current shortcut of its own period", now.Format(time.DateOnly), np.Key)
			}
		}
		if got := presetLinks(i18n.ZH, now, "/x", &dashboardData{Period: presetPeriods(now)[2].Period, Invalid: true}); got[2].Current {
			t.Fatal("a shortcut is current for a period that was refused")
		}
	}
}
