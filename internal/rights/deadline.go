package rights

import (
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/workday"
)

// Deadlines. Each stage of a case has one, counted from the Beijing day of
// the event that starts it (that day itself not counted):
//
//   - Acceptance of a case that waits (new, or transferred to a union):
//     AcceptDays working days. The union's own service rule, after the
//     three working days 《企业劳动争议协商调解规定》 gives a mediation
//     committee to accept an application.
//   - A consultation's answer: 5 working days; a complaint's: 15 working
//     days. The union's own service rules (as the suggestion box's letters).
//   - Legal aid: the decision within 7 days, calendar days, after
//     《法律援助法》 art. 43 (审查并作出是否给予法律援助的决定).
//   - Mediation: 15 days, calendar days, from acceptance: 《劳动争议调解仲裁法》
//     art. 14 ("自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议的，
//     当事人可以依法申请仲裁"), read as the statute's days are read, in
//     calendar days; extended once by the days both parties agree to (at
//     most MaxExtendDays), as the article's "unless agreed" allows.
//
// Calendar days follow the civil law's rule on periods: the first day is
// not counted (《民法典》 art. 201) and a period whose last day falls on a
// statutory rest day ends on the first working day after it (art. 203;
// weekends are rest days). Working days skip public holidays and count
// their make-up working days (internal/workday). A deadline counted into a
// year whose holidays are not announced yet is provisional.

// AcceptDays is how many working days a union has to accept a case.
const AcceptDays = 3

// RemindDays is how many working days before a deadline (the last one
// included) the handler's inbox reminds them of it.
const RemindDays = 2

// Term is how long a stage may take.
type Term struct {
	Days    int
	Working bool // working days; false: calendar days
}

// TermOf is the deadline of handling a case of kind k.
func TermOf(k Kind) Term {
	switch k {
	case KindConsultation:
		return Term{Days: 5, Working: true}
	case KindLegalAid:
		return Term{Days: 7}
	case KindMediation:
		return Term{Days: 15}
	}
	return Term{Days: 15, Working: true}
}

// AcceptTerm is the deadline of accepting a case that waits.
var AcceptTerm = Term{Days: AcceptDays, Working: true}

// Due is the end (24:00 Beijing time) of term counted from t, and whether
// the calendar knows every year the count touched.
func Due(cal *workday.Calendar, t time.Time, term Term) (time.Time, bool) {
	if term.Working {
		return cal.Due(t, term.Days)
	}
	start := beijing.Midnight(t.In(beijing.Zone))
	day := start.AddDate(0, 0, term.Days)
	known := cal.Covers(start.Year())
	for {
		known = known && cal.Covers(day.Year())
		if cal.IsWorkday(day) {
			break
		}
		day = day.AddDate(0, 0, 1)
	}
	return day.AddDate(0, 0, 1).UTC(), known
}

// RemindFrom is when the reminder of a deadline due starts: the start of
// the RemindDays-th working day counted back from the deadline's last day.
func RemindFrom(cal *workday.Calendar, due time.Time) time.Time {
	day := beijing.Midnight(due.In(beijing.Zone)).AddDate(0, 0, -1) // the last day
	for n := 1; n < RemindDays; {
		day = day.AddDate(0, 0, -1)
		if cal.IsWorkday(day) {
			n++
		}
	}
	return day.UTC()
}
