package course

import (
	"gonghui/internal/signup"
	"gonghui/internal/stats"
)

// The courses' figures (see internal/stats), flows by the month a term
// starts, at the organisation that runs the course; cancelled and draft
// terms count for nothing:
//
//	course.terms         terms published (open, drawn or finished)
//	course.applications  members applying, enrolled or waiting
//	course.enrolled      places taken
//	course.attendance    session attendances (person-sessions)
//
// They are logged from the term's row as the transaction that locked it
// ends (signup.Lock).
const (
	StatPrefix       = "course."
	StatTerms        = StatPrefix + "terms"
	StatApplications = StatPrefix + "applications"
	StatEnrolled     = StatPrefix + "enrolled"
	StatAttendance   = StatPrefix + "attendance"
)

// statMetrics name the values of a term's stats.Point, in order.
var statMetrics = []string{StatTerms, StatApplications, StatEnrolled, StatAttendance}

// termFigures is what a term adds to its organisation's figures.
func termFigures(path, startsOn string, status TermStatus, applications, enrolled, attendance int64) stats.Point {
	f := stats.Point{Path: path}
	if len(startsOn) >= 7 {
		f.Month = startsOn[:7]
	}
	switch status {
	case TermOpen, TermDrawn, TermFinished:
		f.Values = [4]int64{1, applications, enrolled, attendance}
	}
	return f
}

// Figures is what the term adds to its organisation's figures now.
func (st *termRow) Figures() stats.Point {
	applied, enrolled, waiting := st.Count(string(EnrolApplied)), st.Count(string(EnrolEnrolled)), st.Count(string(EnrolWaiting))
	return termFigures(st.orgPath, st.startsOn, st.status, int64(applied+enrolled+waiting), int64(enrolled), int64(st.Attended))
}

// StatSource recounts the courses' figures from the enrolments and
// attendances themselves, so a check compares the terms' counters too.
func StatSource() stats.Source {
	return signup.StatSource("course", StatPrefix, statMetrics, `SELECT t.org_path, t.starts_on, t.status,
			(SELECT COUNT(*) FROM enrolments e WHERE e.term_id = t.id AND e.status IN (?, ?, ?)),
			(SELECT COUNT(*) FROM enrolments e WHERE e.term_id = t.id AND e.status = ?),
			(SELECT COUNT(*) FROM session_attendance a WHERE a.term_id = t.id)
			FROM course_terms t WHERE t.status IN (?, ?, ?)`,
		[]any{EnrolApplied, EnrolEnrolled, EnrolWaiting, EnrolEnrolled, TermOpen, TermDrawn, TermFinished},
		func(row signup.Scanner) (stats.Point, error) {
			var path, startsOn string
			var status TermStatus
			var applications, enrolled, attendance int64
			err := row.Scan(&path, &startsOn, &status, &applications, &enrolled, &attendance)
			return termFigures(path, startsOn, status, applications, enrolled, attendance), err
		})
}

// Figures are the course terms run by the organisations of a subtree in a
// period (by the month each term starts).
type Figures struct {
	Terms        int `json:"terms"`
	Applications int `json:"applications"`
	Enrolled     int `json:"enrolled"`
	Attendance   int `json:"attendance"` // person-sessions
}

// FiguresFrom reads the course figures of a subtree for the months
// from … to ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	return &Figures{Terms: int(f.Flow(StatTerms, from, to)), Applications: int(f.Flow(StatApplications, from, to)),
		Enrolled: int(f.Flow(StatEnrolled, from, to)), Attendance: int(f.Flow(StatAttendance, from, to))}
}
