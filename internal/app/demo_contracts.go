package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/contract"
)

// demoContract is one collective contract of the demo: negotiated by org,
// covering up to employers of its subtree, its term starting months before
// today (Beijing) and lasting years; renewed, it has a predecessor that
// ended the day before.
type demoContract struct {
	org, title     string
	kind           contract.Kind
	employers      int
	startedAgo     int // months
	years          int
	wage, minWage  int // hundredths of a percent, fen
	renewal, draft bool
}

var demoContractList = []demoContract{
	// Regional contracts of the street, one about to expire (a reminder).
	{org: "北京市西城区大栅栏街道总工会", title: "大栅栏街道区域性集体合同", kind: contract.KindComprehensive, employers: 6, startedAgo: 34, years: 3},
	{org: "北京市西城区大栅栏街道总工会", title: "大栅栏街道区域性工资专项集体合同", kind: contract.KindWage, employers: 6, startedAgo: 4, years: 1,
		wage: 500, minWage: 2540_00, renewal: true},
	{org: "北京市西城区大栅栏街道总工会", title: "大栅栏街道女职工权益保护专项集体合同（草案）", kind: contract.KindFemale, employers: 4, startedAgo: -1, years: 3, draft: true},
	{org: "北京市西城区总工会", title: "西城区餐饮行业集体合同", kind: contract.KindComprehensive, employers: 8, startedAgo: 10, years: 2},
}

// demoContracts drafts, submits and renews the demo's collective
// contracts, as the street's and the district's officers would.
func demoContracts(ctx context.Context, m *Main, byName map[string]int64) error {
	today := beijing.Midnight(time.Now())
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	covered := map[contract.Kind]map[int64]bool{}
	for _, dc := range demoContractList {
		orgID, ok := byName[dc.org]
		if !ok {
			slog.Warn("demo: organisation for contract not found", "org", dc.org)
			continue
		}
		var path string
		if err := m.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", orgID).Scan(&path); err != nil {
			return err
		}
		pr := &auth.Principal{Username: "demo", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: orgID, OrgPath: path}}}
		choices, err := m.Contracts.Choices(ctx, pr)
		if err != nil {
			return err
		}
		// An employer holds one contract of a kind at a time: the
		// district's industry contract takes employers the street's
		// regional one of the same kind does not cover.
		choices = slices.DeleteFunc(choices, func(c contract.Choice) bool { return covered[dc.kind][c.ID] })
		n := min(dc.employers, len(choices))
		if n < 2 {
			slog.Warn("demo: too few employers for a contract", "org", dc.org)
			continue
		}
		in := contract.Input{OrgID: orgID, Title: dc.title, Kind: dc.kind, Coverage: contract.CoverRegional, UnionRep: "工会主席", EmployerRep: "企业方首席代表",
			WageIncrease: dc.wage, MinWage: int64(dc.minWage)}
		if dc.org == "北京市西城区总工会" {
			in.Coverage = contract.CoverIndustry
		}
		if covered[dc.kind] == nil {
			covered[dc.kind] = map[int64]bool{}
		}
		for i := range n {
			in.Employers = append(in.Employers, contract.EmployerInput{EmployerID: choices[i].ID, Workers: 20 + 17*i})
			covered[dc.kind][choices[i].ID] = true
		}
		start := today.AddDate(0, -dc.startedAgo, 0)
		if dc.renewal {
			// The predecessor: the year before, renewed into this one.
			prev := in
			prev.Title = dc.title + "（上一期）"
			prev.SignedOn, prev.StartsOn, prev.EndsOn = day(start.AddDate(-1, 0, -20)), day(start.AddDate(-1, 0, 0)), day(start.AddDate(0, 0, -1))
			p, err := m.Contracts.Create(ctx, pr, prev)
			if err == nil {
				_, err = m.Contracts.Submit(ctx, pr, p.ID, day(start.AddDate(-1, 0, -18)))
			}
			if err != nil {
				return fmt.Errorf("demo contract %s: %w", prev.Title, err)
			}
			r, err := m.Contracts.Renew(ctx, pr, p.ID)
			if err != nil {
				return fmt.Errorf("demo renewal %s: %w", dc.title, err)
			}
			in.SignedOn, in.StartsOn, in.EndsOn = day(start.AddDate(0, 0, -20)), r.StartsOn, r.EndsOn
			if _, err := m.Contracts.Update(ctx, pr, r.ID, r.Version, in); err != nil {
				return fmt.Errorf("demo renewal %s: %w", dc.title, err)
			}
			if _, err := m.Contracts.Submit(ctx, pr, r.ID, day(start.AddDate(0, 0, -18))); err != nil {
				return fmt.Errorf("demo renewal %s: %w", dc.title, err)
			}
			continue
		}
		in.SignedOn, in.StartsOn, in.EndsOn = day(start.AddDate(0, 0, -20)), day(start), day(start.AddDate(dc.years, 0, -1))
		if dc.draft {
			in.SignedOn = day(today)
		}
		c, err := m.Contracts.Create(ctx, pr, in)
		if err == nil && !dc.draft {
			_, err = m.Contracts.Submit(ctx, pr, c.ID, day(start.AddDate(0, 0, -18)))
		}
		if err != nil {
			return fmt.Errorf("demo contract %s: %w", dc.title, err)
		}
	}
	return nil
}
