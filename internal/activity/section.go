package activity

import (
	"gonghui/internal/auth"
	"gonghui/internal/report"
)

// The activities' part of every dashboard (see report.Section): what was
// held in the period, and held and attended per child side by side.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "activities", TitleKey: "dash.activities",
		Read: FiguresFrom,
		Items: func(a *Figures) []report.Item {
			item := func(key string, n int) report.Item {
				return report.Item{Key: key, Label: "dash.f." + key, Value: int64(n), List: "/activities", Period: true, Perm: auth.PermActivityRead}
			}
			return []report.Item{item("held", a.Held), item("registrations", a.Registrations), item("attended", a.Attended)}
		},
		Summary: func(a *Figures, tr report.Translate) []string {
			return []string{tr("report.s.activities", report.Num(a.Held), report.Num(a.Registrations), report.Num(a.Attended))}
		},
		Export: func(a *Figures, tr report.Translate) []report.Figure {
			return []report.Figure{{Label: tr("report.f.activities"), Value: a.Held}, {Label: tr("report.f.registrations"), Value: a.Registrations},
				{Label: tr("report.f.attended"), Value: a.Attended}}
		},
		Columns: []report.Column{
			{Key: "activities", Label: "report.f.activities", Flow: StatHeld},
			{Key: "attended", Label: "report.f.attended", Flow: StatAttended},
		},
	})
}
