package mailbox

import (
	"context"
	"fmt"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/report"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// The suggestion box's figures (see internal/stats), flows by the month
// (Beijing) each letter was received, at the union it is addressed to now
// (a forward moves the letter's figures with it):
//
//	mailbox.received   letters received
//	mailbox.answered   of them, answered
//	mailbox.ontime     answered by their due time (the first answer)
//	mailbox.closed     closed (已办结)
//	mailbox.rated      whose answer the writer rated
//	mailbox.satisfied  rated satisfied or fairly satisfied
const (
	StatPrefix    = "mailbox."
	StatReceived  = StatPrefix + "received"
	StatAnswered  = StatPrefix + "answered"
	StatOnTime    = StatPrefix + "ontime"
	StatClosed    = StatPrefix + "closed"
	StatRated     = StatPrefix + "rated"
	StatSatisfied = StatPrefix + "satisfied"
)

var metrics = []string{StatReceived, StatAnswered, StatOnTime, StatClosed, StatRated, StatSatisfied}

// figures are what one letter adds to its addressee's figures.
type figures struct {
	path, month string
	v           [6]int64
}

func n(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func pointOf(path string, received int64, status Status, answered, onTime bool, rating Rating) figures {
	return figures{path: path, month: scope.FromMillis(received).In(beijing.Zone).Format("2006-01"),
		v: [6]int64{1, n(answered), n(answered && onTime), n(status == StatusClosed), n(rating != ""),
			n(rating == RateSatisfied || rating == RateFair)}}
}

func figuresOf(l *Letter) figures {
	return pointOf(l.path, scope.Millis(l.ReceivedAt), l.Status, l.AnsweredAt != nil, l.onTime, l.Rating)
}

// logFigures logs a letter's figures moving from was (the zero value: a
// new letter) to now.
func logFigures(ctx context.Context, tx *db.Tx, was, now figures) error {
	if was == now {
		return nil
	}
	var ch []stats.Change
	for i, m := range metrics {
		if was.path != "" && was.v[i] != 0 {
			ch = append(ch, stats.Change{OrgPath: was.path, Metric: m, Month: was.month, Delta: -was.v[i]})
		}
		if now.v[i] != 0 {
			ch = append(ch, stats.Change{OrgPath: now.path, Metric: m, Month: now.month, Delta: now.v[i]})
		}
	}
	return stats.Log(ctx, tx, ch...)
}

// StatSource recounts the suggestion box's figures from the letters.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		rows, err := q.Query(ctx, "SELECT org_path, received_at, status, answered_at, on_time, rating FROM letters")
		if err != nil {
			return fmt.Errorf("mailbox: recount: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var path string
			var received, answered int64
			var onTime int
			var st Status
			var r Rating
			if err := rows.Scan(&path, &received, &st, &answered, &onTime, &r); err != nil {
				return fmt.Errorf("mailbox: recount: %w", err)
			}
			f := pointOf(path, received, st, answered != 0, onTime == 1, r)
			for i, m := range metrics {
				if f.v[i] != 0 {
					emit(stats.Change{OrgPath: path, Metric: m, Month: f.month, Delta: f.v[i]})
				}
			}
		}
		return rows.Err()
	}}
}

// Figures are the suggestion box's figures of a subtree over a period
// (letters received in it).
type Figures struct {
	Received  int `json:"received"`  // letters addressed to unions of the subtree
	Answered  int `json:"answered"`  // of them, answered
	OnTime    int `json:"on_time"`   // answered by their due time
	Closed    int `json:"closed"`    // closed (已办结)
	Rated     int `json:"rated"`     // whose answer the writer rated
	Satisfied int `json:"satisfied"` // rated satisfied or fairly satisfied
}

// SatisfiedPercent is the share of rated answers the writers found
// satisfying, in whole percent; -1 when none was rated.
func (f *Figures) SatisfiedPercent() int {
	if f.Rated == 0 {
		return -1
	}
	return int((int64(f.Satisfied)*100 + int64(f.Rated)/2) / int64(f.Rated))
}

// FiguresFrom reads the figures of a subtree for the months from … to
// ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	flow := func(m string) int { return int(f.Flow(m, from, to)) }
	return &Figures{Received: flow(StatReceived), Answered: flow(StatAnswered), OnTime: flow(StatOnTime), Closed: flow(StatClosed),
		Rated: flow(StatRated), Satisfied: flow(StatSatisfied)}
}

// The suggestion box's part of every dashboard: letters received,
// answered (on time), closed, and the writers' satisfaction.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "letters", TitleKey: "mailbox.dash.title",
		Desc: "The suggestion box (职工心声): letters received in the period by unions of the subtree, answered, answered by their due time, closed, rated by their writers and found satisfying (satisfied or fairly satisfied).",
		Read: FiguresFrom,
		Items: func(f *Figures) []report.Item {
			item := func(key string, n int) report.Item {
				return report.Item{Key: "letters_" + key, Label: "mailbox.dash." + key, Value: int64(n), Period: true}
			}
			return []report.Item{item("received", f.Received), item("answered", f.Answered), item("on_time", f.OnTime), item("closed", f.Closed)}
		},
		Summary: func(f *Figures, tr report.Translate) []string {
			if f.Received == 0 {
				return nil
			}
			if p := f.SatisfiedPercent(); p >= 0 {
				return []string{tr("mailbox.report.line", report.Num(f.Received), report.Num(f.Closed), p)}
			}
			return []string{tr("mailbox.report.line_unrated", report.Num(f.Received), report.Num(f.Closed))}
		},
		Export: func(f *Figures, tr report.Translate) []report.Figure {
			return []report.Figure{{Label: tr("mailbox.dash.received"), Value: f.Received}, {Label: tr("mailbox.dash.answered"), Value: f.Answered},
				{Label: tr("mailbox.dash.on_time"), Value: f.OnTime}, {Label: tr("mailbox.dash.closed"), Value: f.Closed},
				{Label: tr("mailbox.dash.rated"), Value: f.Rated}, {Label: tr("mailbox.dash.satisfied"), Value: f.Satisfied}}
		},
		Columns: []report.Column{{Key: "letters_received", Label: "mailbox.dash.received", Flow: StatReceived}},
	})
}
