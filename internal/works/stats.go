package works

import (
	"context"
	"fmt"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/report"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// The calls' figures (see internal/stats), flows by month (Beijing):
//
//	works.held     calls published (not cancelled), by their opening month,
//	               at the publishing organisation
//	works.entries  entries standing (not withdrawn), by the month they were
//	               first handed in, at the entrant's union then
//
// Entries count where the workers are: a street sees how many works its
// own workers sent to the city's call.
const (
	StatPrefix  = "works."
	StatHeld    = StatPrefix + "held"
	StatEntries = StatPrefix + "entries"
)

func month(t time.Time) string { return t.In(beijing.Zone).Format("2006-01") }

func logHeld(ctx context.Context, tx *db.Tx, path string, opens time.Time, delta int64) error {
	return stats.Log(ctx, tx, stats.Change{OrgPath: path, Metric: StatHeld, Month: month(opens), Delta: delta})
}

func logEntry(ctx context.Context, tx *db.Tx, path string, at time.Time, delta int64) error {
	return stats.Log(ctx, tx, stats.Change{OrgPath: path, Metric: StatEntries, Month: month(at), Delta: delta})
}

// StatSource recounts the calls' figures from the rows themselves.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		each := func(query string, args []any, metric string) error {
			rows, err := q.Query(ctx, query, args...)
			if err != nil {
				return fmt.Errorf("works: recount %s: %w", metric, err)
			}
			defer rows.Close()
			for rows.Next() {
				var path string
				var at int64
				if err := rows.Scan(&path, &at); err != nil {
					return fmt.Errorf("works: recount %s: %w", metric, err)
				}
				emit(stats.Change{OrgPath: path, Metric: metric, Month: month(scope.FromMillis(at)), Delta: 1})
			}
			return rows.Err()
		}
		if err := each("SELECT org_path, opens_at FROM works_calls WHERE status = ?", []any{StatusPublished}, StatHeld); err != nil {
			return err
		}
		return each("SELECT member_org_path, created_at FROM works_entries WHERE status <> ?", []any{EntryWithdrawn}, StatEntries)
	}}
}

// Figures are the calls' figures of a subtree over a period.
type Figures struct {
	Held    int `json:"held"`    // calls opened by organisations of the subtree
	Entries int `json:"entries"` // works its workers handed in
}

// FiguresFrom reads the calls' figures of a subtree for the months from …
// to ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	return &Figures{Held: int(f.Flow(StatHeld, from, to)), Entries: int(f.Flow(StatEntries, from, to))}
}

// The calls' part of every dashboard: calls held and works received.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "works", TitleKey: "works.dash.title",
		Desc: "Calls for works (essay and photo contests): calls opened by organisations of the subtree, and works its workers handed in, in the period.",
		Read: FiguresFrom,
		Items: func(c *Figures) []report.Item {
			return []report.Item{
				{Key: "works_held", Label: "works.dash.held", Value: int64(c.Held), Period: true},
				{Key: "works_entries", Label: "works.dash.entries", Value: int64(c.Entries), Period: true}}
		},
		Summary: func(c *Figures, tr report.Translate) []string {
			if c.Held == 0 && c.Entries == 0 {
				return nil
			}
			return []string{tr("works.dash.sentence", report.Num(c.Held), report.Num(c.Entries))}
		},
		Export: func(c *Figures, tr report.Translate) []report.Figure {
			return []report.Figure{{Label: tr("works.dash.held"), Value: c.Held}, {Label: tr("works.dash.entries"), Value: c.Entries}}
		},
		Columns: []report.Column{{Key: "works_entries", Label: "works.dash.entries", Flow: StatEntries}},
	})
}
