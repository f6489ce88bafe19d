package contest

import (
	"gonghui/internal/report"
	"gonghui/internal/stats"
)

// Figures are the contests' figures of a subtree over a period.
type Figures struct {
	Held   int `json:"held"`   // contests opened by organisations of the subtree
	Takers int `json:"takers"` // workers of the subtree who handed in a paper
	Papers int `json:"papers"` // papers they handed in
	Passed int `json:"passed"` // takers whose counting attempt passed
}

// FiguresFrom reads the contests' figures of a subtree for the months
// from … to ("YYYY-MM", inclusive; empty bounds are open).
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	return &Figures{Held: int(f.Flow(StatHeld, from, to)), Takers: int(f.Flow(StatTakers, from, to)),
		Papers: int(f.Flow(StatPapers, from, to)), Passed: int(f.Flow(StatPassed, from, to))}
}

// The contests' part of every dashboard (report.Section): contests held,
// takers, papers and passes in the period; takers side by side per child.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "contests", TitleKey: "dash.contests",
		Desc: "Knowledge contests and quizzes: contests opened by organisations of the subtree, and its workers who took them (takers, papers handed in, passes), in the period.",
		Read: FiguresFrom,
		Items: func(c *Figures) []report.Item {
			item := func(key string, n int) report.Item {
				return report.Item{Key: "contest_" + key, Label: "dash.f.contest_" + key, Value: int64(n), Period: true}
			}
			return []report.Item{item("held", c.Held), item("takers", c.Takers), item("papers", c.Papers), item("passed", c.Passed)}
		},
		Summary: func(c *Figures, tr report.Translate) []string {
			if c.Held == 0 && c.Papers == 0 {
				return nil
			}
			return []string{tr("report.s.contests", report.Num(c.Held), report.Num(c.Takers), report.Num(c.Papers), report.Num(c.Passed))}
		},
		Export: func(c *Figures, tr report.Translate) []report.Figure {
			return []report.Figure{{Label: tr("report.f.contests"), Value: c.Held}, {Label: tr("report.f.contest_takers"), Value: c.Takers},
				{Label: tr("report.f.contest_papers"), Value: c.Papers}, {Label: tr("report.f.contest_passed"), Value: c.Passed}}
		},
		Columns: []report.Column{
			{Key: "contest_takers", Label: "report.f.contest_takers", Flow: StatTakers},
		},
	})
}
