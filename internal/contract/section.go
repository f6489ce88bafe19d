package contract

import (
	"gonghui/internal/org"
	"gonghui/internal/report"
	"gonghui/internal/stats"
)

// Figures are the collective contracts' figures of a subtree: levels as
// of the last settling (today), and contracts signed in the period.
type Figures struct {
	InForce   int64 `json:"in_force"`  // contracts in force, negotiated in the subtree
	Expiring  int64 `json:"expiring"`  // of them, ending within three months with no renewal submitted
	Employers int64 `json:"employers"` // employers of the subtree covered by a contract in force
	Registry  int64 `json:"registry"`  // employers of the subtree in the registry
	Workers   int64 `json:"workers"`   // workers covered at those employers
	Signed    int64 `json:"signed"`    // contracts signed in the period and submitted for review
}

// CoveragePermille is the share of the registry's employers covered, in
// tenths of a percent; -1 when the registry has none.
func (f *Figures) CoveragePermille() int64 {
	if f.Registry == 0 {
		return -1
	}
	return (f.Employers*1000 + f.Registry/2) / f.Registry
}

// FiguresFrom reads a subtree's figures for the months from … to.
func FiguresFrom(f *stats.Figures, from, to string) *Figures {
	return &Figures{InForce: f.Levels[StatInForce], Expiring: f.Levels[StatExpiring], Employers: f.Levels[StatEmployers],
		Registry: f.Levels[org.StatEmployers], Workers: f.Levels[StatWorkers], Signed: f.Flow(StatSigned, from, to)}
}

// permille writes tenths of a percent as "12.5%".
func permille(n int64) string {
	return report.Num(n/10) + "." + string(rune('0'+n%10)) + "%"
}

// The contracts' part of every dashboard and period report.
func init() {
	report.Register(report.SectionOf[*Figures]{
		Name: "contracts", TitleKey: "contract.dash.title",
		Desc: "Collective contracts (集体合同): contracts in force and expiring within three months (as of today), employers and workers covered by a contract in force (an employer counts once however many contracts cover it; its workers as the most any of them covers), the employers in the registry, and contracts signed in the period.",
		Read: FiguresFrom,
		Items: func(f *Figures) []report.Item {
			item := func(key, label string, n int64, list string) report.Item {
				return report.Item{Key: "contracts_" + key, Label: "contract.dash." + label, Value: n, List: list, Perm: rule.Read}
			}
			signed := item("signed", "signed", f.Signed, "")
			signed.Period = true
			return []report.Item{item("in_force", "in_force", f.InForce, "/contracts?status=in_force"), item("expiring", "expiring", f.Expiring, "/contracts?expiring=1"),
				item("employers", "employers", f.Employers, ""), item("workers", "workers", f.Workers, ""), signed}
		},
		Summary: func(f *Figures, tr report.Translate) []string {
			if f.InForce == 0 && f.Signed == 0 {
				return nil
			}
			line := tr("contract.report.line", report.Num(f.InForce), report.Num(f.Expiring), report.Num(f.Employers), report.Num(f.Workers))
			if p := f.CoveragePermille(); p >= 0 {
				line += tr("contract.report.coverage", permille(p))
			}
			return []string{line, tr("contract.report.signed", report.Num(f.Signed))}
		},
		Export: func(f *Figures, tr report.Translate) []report.Figure {
			return []report.Figure{{Label: tr("contract.dash.in_force"), Value: f.InForce}, {Label: tr("contract.dash.expiring"), Value: f.Expiring},
				{Label: tr("contract.dash.employers"), Value: f.Employers}, {Label: tr("contract.dash.registry"), Value: f.Registry},
				{Label: tr("contract.dash.workers"), Value: f.Workers}, {Label: tr("contract.dash.signed"), Value: f.Signed}}
		},
		Columns: []report.Column{{Key: "contracts_signed", Label: "contract.dash.signed", Flow: StatSigned}},
	})
}
