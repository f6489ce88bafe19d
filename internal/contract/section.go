package contract

import (
	"context"
	"fmt"
	"slices"

	"gonghui/internal/org"
	"gonghui/internal/report"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// Figures are the collective contracts' figures of a subtree: levels as
// of the last settling (today) or, for a period, as of its last day
// (figuresOn), and contracts signed in the period.
type Figures struct {
	InForce   int64 `json:"in_force"`  // contracts in force, negotiated in the subtree
	Expiring  int64 `json:"expiring"`  // of them, ending within three months with no renewal submitted; for a period, ending within it
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
		Desc: "Collective contracts (集体合同): contracts in force and expiring within three months (as of today; for a period, in force on its last day and with terms ending within it, not renewed), employers and workers covered by a contract in force (an employer counts once however many contracts cover it; its workers as the most any of them covers), the employers in the registry, and contracts signed in the period.",
		Read: FiguresFrom,
		On:   figuresOn,
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

// figuresOn recounts the figures that depend on the day for a period
// ending on day to, from the rows of the subtree at path: contracts in
// force on that day, those whose term ends within the period (from … to;
// with no start, the reminder months' rule on day to) with no renewal,
// and the employers and workers covered on that day. The registry's count
// and the signatures stay as the rollups have them.
func figuresOn(ctx context.Context, q stats.Queryer, path, from, to string, f *Figures) error {
	in, args := scope.SQL("o.path", []string{path})
	one := func(dst *int64, sql string, args ...any) error {
		rows, err := q.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("contract: figures as of %s: %w", to, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(dst); err != nil {
				return fmt.Errorf("contract: figures as of %s: %w", to, err)
			}
		}
		return rows.Err()
	}
	from0 := "SELECT COUNT(*) FROM contracts c JOIN orgs o ON o.id = c.org_id WHERE " + in + " AND "
	if err := one(&f.InForce, from0+sqlInForce, append(slices.Clone(args), to, to)...); err != nil {
		return err
	}
	var err error
	if from != "" {
		err = one(&f.Expiring, from0+"c.state = 'submitted' AND c.renewed = 0 AND c.effective_on <= ? AND c.ends_on >= ? AND c.ends_on <= ?",
			append(slices.Clone(args), to, from, to)...)
	} else {
		err = one(&f.Expiring, from0+sqlExpiring, append(slices.Clone(args), to, to, to)...)
	}
	if err != nil {
		return err
	}
	emp, eargs := within([]string{path})
	rows, err := q.Query(ctx, `SELECT COUNT(*), COALESCE(SUM(w), 0) FROM (SELECT ce.employer_id, MAX(ce.workers) AS w FROM contract_employers ce
		JOIN contracts c ON c.id = ce.contract_id JOIN employers e ON e.id = ce.employer_id
		WHERE `+sqlInForce+` AND `+emp+` GROUP BY ce.employer_id) x`, append([]any{to, to}, eargs...)...)
	if err != nil {
		return fmt.Errorf("contract: coverage as of %s: %w", to, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&f.Employers, &f.Workers); err != nil {
			return fmt.Errorf("contract: coverage as of %s: %w", to, err)
		}
	}
	return rows.Err()
}
