package rights

import (
	"context"
	"fmt"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/report"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// The cases' figures (see internal/stats), flows by the month (Beijing)
// each case was received, at the union handling it now (a transfer moves
// its figures with it):
//
//	rights.received          cases received
//	rights.kind.<kind>       of them, of each kind
//	rights.closed            closed
//	rights.ontime            closed by their deadline
//	rights.outcome.<outcome> closed with each outcome
//	rights.recovered         money recovered, in fen
//	rights.rated             rated by the worker who filed them
//	rights.satisfied         rated satisfied or fairly satisfied
const (
	StatPrefix    = "rights."
	StatReceived  = StatPrefix + "received"
	StatClosed    = StatPrefix + "closed"
	StatOnTime    = StatPrefix + "ontime"
	StatRecovered = StatPrefix + "recovered"
	StatRated     = StatPrefix + "rated"
	StatSatisfied = StatPrefix + "satisfied"
)

// StatKind and StatOutcome name the figures of one kind and one outcome.
func StatKind(k Kind) string       { return StatPrefix + "kind." + string(k) }
func StatOutcome(o Outcome) string { return StatPrefix + "outcome." + string(o) }

// figures are what one case adds to its union's figures: metric -> value.
type figures struct {
	path, month string
	v           map[string]int64
}

func pointOf(path string, received int64, kind Kind, status Status, outcome Outcome, onTime bool, recovered int64, rating Rating) figures {
	f := figures{path: path, month: scope.FromMillis(received).In(beijing.Zone).Format("2006-01"),
		v: map[string]int64{StatReceived: 1, StatKind(kind): 1}}
	if status == StatusClosed {
		f.v[StatClosed] = 1
		if onTime {
			f.v[StatOnTime] = 1
		}
		if outcome != "" {
			f.v[StatOutcome(outcome)] = 1
		}
	}
	if recovered != 0 {
		f.v[StatRecovered] = recovered
	}
	if rating != "" {
		f.v[StatRated] = 1
		if rating == RateSatisfied || rating == RateFair {
			f.v[StatSatisfied] = 1
		}
	}
	return f
}

func figuresOf(c *Case) figures {
	return pointOf(c.path, scope.Millis(c.ReceivedAt), c.Kind, c.Status, c.Outcome, c.OnTime, c.RecoveredFen, c.Rating)
}

// logFigures logs a case's figures moving from was (the zero value: a new
// case) to now.
func logFigures(ctx context.Context, tx *db.Tx, was, now figures) error {
	var ch []stats.Change
	keys := map[string]bool{}
	for k := range was.v {
		keys[k] = true
	}
	for k := range now.v {
		keys[k] = true
	}
	for m := range keys {
		if was.path == now.path && was.month == now.month {
			if d := now.v[m] - was.v[m]; d != 0 {
				ch = append(ch, stats.Change{OrgPath: now.path, Metric: m, Month: now.month, Delta: d})
			}
			continue
		}
		if was.path != "" && was.v[m] != 0 {
			ch = append(ch, stats.Change{OrgPath: was.path, Metric: m, Month: was.month, Delta: -was.v[m]})
		}
		if now.v[m] != 0 {
			ch = append(ch, stats.Change{OrgPath: now.path, Metric: m, Month: now.month, Delta: now.v[m]})
		}
	}
	if len(ch) == 0 {
		return nil
	}
	return stats.Log(ctx, tx, ch...)
}

// StatSource recounts the cases' figures from the cases.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		rows, err := q.Query(ctx, "SELECT org_path, received_at, kind, status, outcome, on_time, recovered_fen, rating FROM cases")
		if err != nil {
			return fmt.Errorf("rights: recount: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var path string
			var received, recovered int64
			var onTime int
			var k Kind
			var st Status
			var o Outcome
			var r Rating
			if err := rows.Scan(&path, &received, &k, &st, &o, &onTime, &recovered, &r); err != nil {
				return fmt.Errorf("rights: recount: %w", err)
			}
			f := pointOf(path, received, k, st, o, onTime == 1, recovered, r)
			for m, v := range f.v {
				emit(stats.Change{OrgPath: path, Metric: m, Month: f.month, Delta: v})
			}
		}
		return rows.Err()
	}}
}

// Figures are the cases' figures of a subtree over a period (cases
// received in it).
type Figures struct {
	Received     int             `json:"received"`
	ByKind       map[Kind]int    `json:"by_kind"`
	Closed       int             `json:"closed"`
	OnTime       int             `json:"on_time"`
	ByOutcome    map[Outcome]int `json:"by_outcome"`
	RecoveredFen int64           `json:"recovered_fen"`
	Rated        int             `json:"rated"`
	Satisfied    int             `json:"satisfied"`
}

// OnTimePercent is the share of closed cases closed by their deadline, in
// whole percent; -1 when none is closed.
func (f *Figures) OnTimePercent() int { return percent(f.OnTime, f.Closed) }

// FiguresFrom reads the figures of a subtree for the months from … to
// ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	flow := func(m string) int64 { return f.Flow(m, from, to) }
	out := &Figures{Received: int(flow(StatReceived)), Closed: int(flow(StatClosed)), OnTime: int(flow(StatOnTime)),
		RecoveredFen: flow(StatRecovered), Rated: int(flow(StatRated)), Satisfied: int(flow(StatSatisfied)),
		ByKind: map[Kind]int{}, ByOutcome: map[Outcome]int{}}
	for _, k := range Kinds {
		out.ByKind[k] = int(flow(StatKind(k)))
	}
	for _, o := range Outcomes {
		out.ByOutcome[o] = int(flow(StatOutcome(o)))
	}
	return out
}

// The cases' part of every dashboard and period report: cases received by
// kind, closed by outcome, the on-time rate and the money recovered.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "cases", TitleKey: "case.dash.title",
		Desc: "Rights cases (法律服务与维权) received in the period by unions of the subtree: by kind, closed and by outcome, closed by their deadline, money recovered (fen), rated by the worker and found satisfying.",
		Read: FiguresFrom,
		Items: func(f *Figures) []report.Item {
			item := func(key string, n int64) report.Item {
				return report.Item{Key: "cases_" + key, Label: "case.dash." + key, Value: n, Period: true}
			}
			return []report.Item{item("received", int64(f.Received)), item("closed", int64(f.Closed)), item("on_time", int64(f.OnTime)),
				{Key: "cases_recovered", Label: "case.dash.recovered_yuan", Value: f.RecoveredFen / 100}}
		},
		Summary: func(f *Figures, tr report.Translate) []string {
			if f.Received == 0 {
				return nil
			}
			line := tr("case.report.line", report.Num(f.Received), report.Num(f.ByKind[KindConsultation]), report.Num(f.ByKind[KindLegalAid]),
				report.Num(f.ByKind[KindMediation]), report.Num(f.ByKind[KindComplaint]), report.Num(f.Closed), FormatFen(f.RecoveredFen))
			if p := f.OnTimePercent(); p >= 0 {
				line += tr("case.report.on_time", p)
			}
			return []string{line}
		},
		Export: func(f *Figures, tr report.Translate) []report.Figure {
			out := []report.Figure{{Label: tr("case.dash.received"), Value: f.Received}}
			for _, k := range Kinds {
				out = append(out, report.Figure{Label: tr("case.dash.kind", tr("case.kind."+string(k))), Value: f.ByKind[k]})
			}
			out = append(out, report.Figure{Label: tr("case.dash.closed"), Value: f.Closed}, report.Figure{Label: tr("case.dash.on_time"), Value: f.OnTime})
			for _, o := range Outcomes {
				out = append(out, report.Figure{Label: tr("case.dash.outcome", tr("case.outcome."+string(o))), Value: f.ByOutcome[o]})
			}
			if p := f.OnTimePercent(); p >= 0 {
				out = append(out, report.Figure{Label: tr("case.dash.on_time_rate"), Value: fmt.Sprintf("%d%%", p)})
			}
			return append(out, report.Figure{Label: tr("case.dash.recovered_yuan"), Value: FormatFen(f.RecoveredFen)},
				report.Figure{Label: tr("case.dash.rated"), Value: f.Rated}, report.Figure{Label: tr("case.dash.satisfied"), Value: f.Satisfied})
		},
		Columns: []report.Column{{Key: "cases_received", Label: "case.dash.received", Flow: StatReceived},
			{Key: "cases_closed", Label: "case.dash.closed", Flow: StatClosed}},
	})
}
