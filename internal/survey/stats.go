package survey

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

// The surveys' figures (see internal/stats), flows by month (Beijing):
//
//	survey.held       surveys published (open or closed), by their opening
//	                  month, at the publishing organisation
//	survey.responses  responses, by month, at the responder's union
//
// Responses count where the workers are: a street's dashboard shows how
// many of its own workers answered the city's survey.
const (
	StatPrefix    = "survey."
	StatHeld      = StatPrefix + "held"
	StatResponses = StatPrefix + "responses"
)

func month(t time.Time) string { return t.In(beijing.Zone).Format("2006-01") }

func logHeld(ctx context.Context, tx *db.Tx, path string, opens time.Time, delta int64) error {
	return stats.Log(ctx, tx, stats.Change{OrgPath: path, Metric: StatHeld, Month: month(opens), Delta: delta})
}

func logResponse(ctx context.Context, tx *db.Tx, path, mon string) error {
	return stats.Log(ctx, tx, stats.Change{OrgPath: path, Metric: StatResponses, Month: mon, Delta: 1})
}

// StatSource recounts the surveys' figures from the surveys and the
// responses themselves.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		rows, err := q.Query(ctx, "SELECT org_path, opens_at FROM surveys WHERE status IN (?, ?)", StatusPublished, StatusClosed)
		if err != nil {
			return fmt.Errorf("survey: recount held: %w", err)
		}
		for rows.Next() {
			var path string
			var at int64
			if err := rows.Scan(&path, &at); err != nil {
				rows.Close()
				return fmt.Errorf("survey: recount held: %w", err)
			}
			emit(stats.Change{OrgPath: path, Metric: StatHeld, Month: month(scope.FromMillis(at)), Delta: 1})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = q.Query(ctx, "SELECT org_path, month, COUNT(*) FROM survey_responses GROUP BY org_path, month")
		if err != nil {
			return fmt.Errorf("survey: recount responses: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var path, mon string
			var n int64
			if err := rows.Scan(&path, &mon, &n); err != nil {
				return fmt.Errorf("survey: recount responses: %w", err)
			}
			emit(stats.Change{OrgPath: path, Metric: StatResponses, Month: mon, Delta: n})
		}
		return rows.Err()
	}}
}

// Figures are the surveys' figures of a subtree over a period.
type Figures struct {
	Held      int `json:"held"`      // surveys opened by organisations of the subtree
	Responses int `json:"responses"` // responses of the subtree's workers
}

// FiguresFrom reads the surveys' figures of a subtree for the months
// from … to ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	return &Figures{Held: int(f.Flow(StatHeld, from, to)), Responses: int(f.Flow(StatResponses, from, to))}
}

// The surveys' part of every dashboard (report.Section).
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "surveys", TitleKey: "survey.dash.title",
		Desc: "Surveys: surveys opened by organisations of the subtree, and responses of its workers, in the period.",
		Read: FiguresFrom,
		Items: func(v *Figures) []report.Item {
			return []report.Item{{Key: "survey_held", Label: "survey.dash.held", Value: int64(v.Held), Period: true},
				{Key: "survey_responses", Label: "survey.dash.responses", Value: int64(v.Responses), Period: true}}
		},
		Summary: func(v *Figures, tr report.Translate) []string {
			if v.Held == 0 && v.Responses == 0 {
				return nil
			}
			return []string{tr("survey.report.line", report.Num(v.Held), report.Num(v.Responses))}
		},
		Export: func(v *Figures, tr report.Translate) []report.Figure {
			return []report.Figure{{Label: tr("survey.dash.held"), Value: v.Held}, {Label: tr("survey.dash.responses"), Value: v.Responses}}
		},
	})
}
