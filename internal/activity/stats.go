package activity

import (
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/signup"
	"gonghui/internal/stats"
)

// The activities' figures (see internal/stats), flows by the month the
// activity starts (Beijing time), at the publishing organisation:
//
//	act.held           activities published or finished
//	act.cancelled      activities called off
//	act.registrations  places taken at held activities (confirmed and walk-ins)
//	act.attended       members who checked in at least once at held activities
//
// They are logged from the activity's row as the transaction that locked
// it ends (signup.Lock), so a storm of sign-ups logs once per commit.
const (
	StatPrefix        = "act."
	StatHeld          = StatPrefix + "held"
	StatCancelled     = StatPrefix + "cancelled"
	StatRegistrations = StatPrefix + "registrations"
	StatAttended      = StatPrefix + "attended"
)

// statMetrics name the values of an activity's stats.Point, in order.
var statMetrics = []string{StatHeld, StatCancelled, StatRegistrations, StatAttended}

// activityFigures is what an activity adds to its organisation's figures.
func activityFigures(path string, starts int64, status Status, places, attended int64) stats.Point {
	f := stats.Point{Path: path, Month: time.UnixMilli(starts).In(beijing.Zone).Format("2006-01")}
	switch status {
	case StatusPublished, StatusFinished:
		f.Values = [4]int64{1, 0, places, attended}
	case StatusCancelled:
		f.Values = [4]int64{0, 1, 0, 0}
	}
	return f
}

// Figures is what the activity adds to its organisation's figures now.
func (st *seats) Figures() stats.Point {
	return activityFigures(st.orgPath, st.starts, st.status, int64(st.Count(string(RegConfirmed))+st.Count(string(RegWalkIn))), int64(st.Attended))
}

// StatSource recounts the activities' figures from the registrations and
// check-ins themselves (not the counters in the activities' rows), so a
// check compares the counters too.
func StatSource() stats.Source {
	return signup.StatSource("activity", StatPrefix, statMetrics, `SELECT a.org_path, a.starts_at, a.status,
			(SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status IN (?, ?)),
			(SELECT COUNT(DISTINCT c.member_id) FROM checkins c WHERE c.activity_id = a.id)
			FROM activities a WHERE a.status <> ?`, []any{RegConfirmed, RegWalkIn, StatusDraft},
		func(row signup.Scanner) (stats.Point, error) {
			var path string
			var starts, places, attended int64
			var status Status
			err := row.Scan(&path, &starts, &status, &places, &attended)
			return activityFigures(path, starts, status, places, attended), err
		})
}

// FiguresFrom reads the activity figures of a subtree for the months
// from … to ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	return &Figures{Held: int(f.Flow(StatHeld, from, to)), Cancelled: int(f.Flow(StatCancelled, from, to)),
		Registrations: int(f.Flow(StatRegistrations, from, to)), Attended: int(f.Flow(StatAttended, from, to))}
}
