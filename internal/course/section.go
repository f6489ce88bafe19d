package course

import (
	"gonghui/internal/auth"
	"gonghui/internal/report"
)

// The courses' part of every dashboard (see report.Section): the terms
// starting in the period, their applications, places and attendance.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "courses", TitleKey: "dash.courses",
		Desc: "course terms starting in the period's months, their applications, places taken and session attendances (person-sessions)",
		Read: FiguresFrom,
		Items: func(c *Figures) []report.Item {
			return []report.Item{
				{Key: "terms", Label: "dash.f.terms", Value: int64(c.Terms), List: "/courses", Perm: auth.PermActivityRead},
				{Key: "applications", Label: "dash.f.applications", Value: int64(c.Applications)},
				{Key: "enrolled", Label: "dash.f.enrolled", Value: int64(c.Enrolled)},
				{Key: "attendance", Label: "dash.f.attendance", Value: int64(c.Attendance)},
			}
		},
	})
}
