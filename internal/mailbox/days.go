package mailbox

import (
	"time"

	"gonghui/internal/workday"
)

// DueAfter is when an answer to a letter received at t is due: the end
// (24:00, Beijing time) of the n-th working day after t's day, public
// holidays skipped and their make-up working days counted
// (internal/workday).
func DueAfter(t time.Time, n int) time.Time {
	due, _ := workday.Std().Due(t, n)
	return due
}
