package mailbox

import (
	"time"

	"gonghui/internal/beijing"
)

// DueAfter is when an answer to a letter received at t is due: the end
// (24:00, Beijing time) of the n-th working day after t's day. Working
// days are Monday to Friday; public holidays and the weekends worked in
// their place wait for the holiday calendar the services module brings.
func DueAfter(t time.Time, n int) time.Time {
	d := beijing.Midnight(t.In(beijing.Zone))
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d.AddDate(0, 0, 1).UTC()
}
