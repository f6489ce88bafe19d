package contract

import (
	"time"

	"gonghui/internal/beijing"
)

// The days of a contract's life. Days are Beijing calendar days written
// YYYY-MM-DD; "on day T" means the whole of that day.
//
// The labour authority's 15 days are counted as periods are in Chinese
// law (民法典 art. 201): the day it received the text is not counted, so
// a text submitted on D may be objected to through D+15, and with no
// objection the contract is in force from D+16 (or from the start of its
// term when that is later). It stops being in force on the day after its
// term ends, or on the day its renewal comes into force when that is
// earlier. Reminders start three calendar months before the term ends
// (the same day of the month, or the month's last day when it has none).

// addDays is day d moved n days ("" when d is not a day).
func addDays(d string, n int) string {
	t, ok := beijing.ParseDay(d)
	if !ok {
		return ""
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// addMonths is day d moved n calendar months, clamped to the last day of
// the target month (31 May less three months is 28 or 29 February).
func addMonths(d string, n int) string {
	t, ok := beijing.ParseDay(d)
	if !ok {
		return ""
	}
	y, m, day := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, beijing.Zone)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, beijing.Zone).Format(time.DateOnly)
}

// ReviewEnds is the last day the authority may object to a text submitted
// on d.
func ReviewEnds(d string) string { return addDays(d, ReviewDays) }

// EffectiveOn is the first day a contract submitted on d with its term
// starting on start is in force, if nobody objects.
func EffectiveOn(submitted, start string) string {
	return max(addDays(submitted, ReviewDays+1), start)
}

// RemindOn is the first day a contract ending on end is expiring.
func RemindOn(end string) string { return addMonths(end, -RemindMonths) }

// days are what a contract's status on a day depends on.
type days struct {
	state                       State
	submitted, effective, lapse string
	remind                      string
	renewed                     bool
}

// statusOn is a contract's status on day t.
func (d days) statusOn(t string) Status {
	switch {
	case d.state != StateSubmitted:
		return StatusDraft
	case t <= ReviewEnds(d.submitted):
		return StatusReview
	case t < d.effective:
		return StatusUpcoming
	case t < d.lapse:
		return StatusInForce
	case d.renewed:
		return StatusSuperseded
	}
	return StatusExpired
}

// expiringOn: in force on day t, within the reminder months, and no
// renewal submitted yet.
func (d days) expiringOn(t string) bool {
	return d.statusOn(t) == StatusInForce && !d.renewed && t >= d.remind
}

// nextChange is the first day after t on which the contract's figures
// (in force, expiring) may change: "" when none will.
func (d days) nextChange(t string) string {
	if d.state != StateSubmitted {
		return ""
	}
	next := ""
	for _, c := range []string{d.effective, d.remind, d.lapse} {
		if c > t && (next == "" || c < next) {
			next = c
		}
	}
	return next
}

// The same rules as SQL over the columns of contracts c, for the lists,
// the counts and the inbox: each takes the day as its arguments.
const (
	sqlInForce  = "(c.state = 'submitted' AND c.effective_on <= ? AND c.lapse_on > ?)"
	sqlExpiring = "(c.state = 'submitted' AND c.effective_on <= ? AND c.lapse_on > ? AND c.renewed = 0 AND c.remind_on <= ?)"
)

// statusSQL is the condition of a contract being in status st on day t,
// with its arguments.
func statusSQL(st Status, t string) (string, []any) {
	// t <= submitted_on+15 (the review window) ⟺ submitted_on >= t-15.
	reviewFrom := addDays(t, -ReviewDays)
	switch st {
	case StatusDraft:
		return "c.state = 'draft'", nil
	case StatusReview:
		return "(c.state = 'submitted' AND c.submitted_on >= ?)", []any{reviewFrom}
	case StatusUpcoming:
		return "(c.state = 'submitted' AND c.submitted_on < ? AND c.effective_on > ?)", []any{reviewFrom, t}
	case StatusInForce:
		return sqlInForce, []any{t, t}
	case StatusExpired:
		return "(c.state = 'submitted' AND c.lapse_on <= ? AND c.renewed = 0)", []any{t}
	case StatusSuperseded:
		return "(c.state = 'submitted' AND c.lapse_on <= ? AND c.renewed = 1)", []any{t}
	}
	return "1 = 0", nil
}
