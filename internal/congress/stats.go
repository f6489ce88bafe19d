package congress

import (
	"context"
	"fmt"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/report"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// The congress's figures (see internal/stats), flows by month (Beijing)
// at the union owning the session or item:
//
//	congress.sessions  sessions held (held or closed), by the day they were held on
//	congress.motions   motions filed (less those withdrawn), by the month of filing
//	congress.answered  of them, answered, by the month of filing
//	congress.affairs   open-affairs items published (not withdrawn), by the month of publishing
const (
	StatPrefix   = "congress."
	StatSessions = StatPrefix + "sessions"
	StatMotions  = StatPrefix + "motions"
	StatAnswered = StatPrefix + "answered"
	StatAffairs  = StatPrefix + "affairs"
)

func monthOf(t time.Time) string { return t.In(beijing.Zone).Format("2006-01") }

// monthOfDay is the month of a YYYY-MM-DD day.
func monthOfDay(day string) string {
	if len(day) < 7 {
		return ""
	}
	return day[:7]
}

func logFigure(ctx context.Context, tx *db.Tx, path, metric, month string, delta int64) error {
	return stats.Log(ctx, tx, stats.Change{OrgPath: path, Metric: metric, Month: month, Delta: delta})
}

// StatSource recounts the congress's figures from the rows.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		each := func(metric, query string, args ...any) error {
			rows, err := q.Query(ctx, query, args...)
			if err != nil {
				return fmt.Errorf("congress: recount %s: %w", metric, err)
			}
			defer rows.Close()
			for rows.Next() {
				var path, month string
				if err := rows.Scan(&path, &month); err != nil {
					return fmt.Errorf("congress: recount %s: %w", metric, err)
				}
				emit(stats.Change{OrgPath: path, Metric: metric, Month: month, Delta: 1})
			}
			return rows.Err()
		}
		if err := each(StatSessions, "SELECT o.path, substr(s.held_on, 1, 7) FROM congress_sessions s JOIN orgs o ON o.id = s.org_id WHERE s.status <> ?",
			SessionPlanned); err != nil {
			return err
		}
		// Months of instants are worked out in Go (the one time zone).
		stamped := func(metric, query string, args ...any) error {
			rows, err := q.Query(ctx, query, args...)
			if err != nil {
				return fmt.Errorf("congress: recount %s: %w", metric, err)
			}
			defer rows.Close()
			for rows.Next() {
				var path string
				var at int64
				if err := rows.Scan(&path, &at); err != nil {
					return fmt.Errorf("congress: recount %s: %w", metric, err)
				}
				emit(stats.Change{OrgPath: path, Metric: metric, Month: monthOf(scope.FromMillis(at)), Delta: 1})
			}
			return rows.Err()
		}
		// A withdrawn motion counts nowhere: its delegate took it back.
		const motions = "SELECT o.path, m.submitted_at FROM congress_motions m JOIN congress_sessions s ON s.id = m.session_id JOIN orgs o ON o.id = s.org_id WHERE m.status <> 'withdrawn'"
		if err := stamped(StatMotions, motions); err != nil {
			return err
		}
		if err := stamped(StatAnswered, motions+" AND m.answered_at <> 0"); err != nil {
			return err
		}
		return stamped(StatAffairs, "SELECT o.path, a.published_at FROM congress_affairs a JOIN orgs o ON o.id = a.org_id WHERE a.status = ?", AffairPublished)
	}}
}

// Figures are the congress's figures of a subtree over a period.
type Figures struct {
	Sessions int `json:"sessions"` // congress sessions held by unions of the subtree
	Motions  int `json:"motions"`  // motions filed at them
	Answered int `json:"answered"` // of those motions, answered
	Affairs  int `json:"affairs"`  // open-affairs items published
}

// FiguresFrom reads the congress's figures of a subtree for the months
// from … to ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	flow := func(m string) int { return int(f.Flow(m, from, to)) }
	return &Figures{Sessions: flow(StatSessions), Motions: flow(StatMotions), Answered: flow(StatAnswered), Affairs: flow(StatAffairs)}
}

// The congress's part of every dashboard: sessions held, motions filed and
// answered, open-affairs items published.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "congress", TitleKey: "congress.dash.title",
		Desc: "Workers' congress and open affairs (职代会, 厂务公开): sessions held by unions of the subtree, motions filed at them and how many of those were answered, and open-affairs items published, in the period.",
		Read: FiguresFrom,
		Items: func(c *Figures) []report.Item {
			item := func(key string, n int, list string) report.Item {
				return report.Item{Key: "congress_" + key, Label: "congress.dash." + key, Value: int64(n), List: list, Perm: auth.PermCongressRead}
			}
			return []report.Item{item("sessions", c.Sessions, "/congress"), item("motions", c.Motions, "/congress/motions"),
				item("answered", c.Answered, "/congress/motions?status="+string(MotionAnswered)), item("affairs", c.Affairs, "/congress/affairs")}
		},
		Summary: func(c *Figures, tr report.Translate) []string {
			if c.Sessions == 0 && c.Motions == 0 && c.Affairs == 0 {
				return nil
			}
			return []string{tr("congress.report.line", report.Num(c.Sessions), report.Num(c.Motions), report.Num(c.Answered), report.Num(c.Affairs))}
		},
		Export: func(c *Figures, tr report.Translate) []report.Figure {
			return []report.Figure{{Label: tr("congress.dash.sessions"), Value: c.Sessions}, {Label: tr("congress.dash.motions"), Value: c.Motions},
				{Label: tr("congress.dash.answered"), Value: c.Answered}, {Label: tr("congress.dash.affairs"), Value: c.Affairs}}
		},
		Columns: []report.Column{{Key: "congress_motions", Label: "congress.dash.motions", Flow: StatMotions}},
	})
}
