package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/congress"
)

// demoCongress holds a workers' congress at the employer (with a union)
// that has the most demo members under the street of the demo's officer:
// a session held last week with delegates, attendance, an agenda item
// voted on, a motion seconded and waiting for review, and an item of open
// affairs. Nothing is made when no such employer has six members.
func demoCongress(ctx context.Context, m *Main, byName map[string]int64) error {
	streetID, ok := byName["北京市西城区大栅栏街道总工会"]
	if !ok {
		return nil
	}
	var streetPath string
	if err := m.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", streetID).Scan(&streetPath); err != nil {
		return fmt.Errorf("demo congress: %w", err)
	}
	var employerID int64
	var unionPath string
	err := m.DB.QueryRow(ctx, `SELECT e.id, o.path FROM employers e JOIN org_employers oe ON oe.employer_id = e.id JOIN orgs o ON o.id = oe.org_id
		WHERE o.path >= ? AND o.path < ? ORDER BY (SELECT COUNT(*) FROM members mm WHERE mm.org_path >= o.path AND mm.org_path < o.path || '~'
		AND mm.status = 'active' AND (mm.employer_id IS NULL OR mm.employer_id = e.id)) DESC, e.id LIMIT 1`,
		streetPath, audit.PathEnd(streetPath)).Scan(&employerID, &unionPath)
	if err != nil {
		slog.Info("demo congress: no employer with a union under the street", "err", err)
		return nil
	}
	ids, err := demoMembersUnder(ctx, m, unionPath, "ASC", 9)
	if err != nil || len(ids) < 6 {
		slog.Info("demo congress: too few members", "members", len(ids), "err", err)
		return err
	}
	staff := &auth.Principal{Kind: auth.KindStaff, Username: "demo", Name: "演示数据",
		Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: streetID, OrgPath: streetPath}}}
	held := time.Now().In(beijing.Zone).AddDate(0, 0, -7).Format("2006-01-02")
	ses, err := m.Congress.CreateSession(ctx, staff, congress.SessionInput{EmployerID: employerID, Term: 3, Meeting: 2, HeldOn: held, Place: "职工之家多功能厅"})
	if err != nil {
		return fmt.Errorf("demo congress: %w", err)
	}
	cats := []congress.Category{congress.CatFrontline, congress.CatFrontline, congress.CatTechnician, congress.CatFrontline, congress.CatManager,
		congress.CatFrontline, congress.CatLeader, congress.CatFrontline, congress.CatTechnician}
	var present []int64
	for i, id := range ids {
		g := []string{"male", "female"}[i%2]
		if _, err := m.Congress.AddDelegate(ctx, staff, ses.ID, congress.DelegateInput{MemberID: id, Category: cats[i], Gender: g, ElectedOn: held}); err != nil {
			return fmt.Errorf("demo congress: delegate: %w", err)
		}
		if i < len(ids)-1 {
			present = append(present, id)
		}
	}
	if _, err := m.Congress.SetAttendance(ctx, staff, ses.ID, present); err != nil {
		return fmt.Errorf("demo congress: attendance: %w", err)
	}
	item, err := m.Congress.AddAgendaItem(ctx, staff, ses.ID, congress.AgendaInput{Title: "审议《工资专项集体合同（草案）》"})
	if err != nil {
		return fmt.Errorf("demo congress: agenda: %w", err)
	}
	if _, err := m.Congress.SetStatus(ctx, staff, ses.ID, congress.SessionHeld); err != nil {
		return fmt.Errorf("demo congress: status: %w", err)
	}
	if _, err := m.Congress.RecordVote(ctx, staff, item.ID, congress.VoteInput{For: len(present) - 1, Abstain: 1}); err != nil {
		return fmt.Errorf("demo congress: vote: %w", err)
	}
	self := func(id int64) *auth.Principal { return &auth.Principal{Kind: auth.KindMember, MemberID: id} }
	mo, err := m.Congress.Submit(ctx, self(ids[0]), ses.ID, congress.MotionInput{Title: "夜班职工增加餐补",
		Reason: "夜班职工晚餐只能自带或吃泡面，长期下来影响身体健康。", Proposal: "食堂开设夜宵窗口，一线夜班职工每餐补贴八元。"})
	if err != nil {
		return fmt.Errorf("demo congress: motion: %w", err)
	}
	for _, id := range ids[1:3] {
		if _, err := m.Congress.Second(ctx, self(id), mo.ID); err != nil {
			return fmt.Errorf("demo congress: second: %w", err)
		}
	}
	if _, err := m.Congress.Publish(ctx, staff, congress.AffairInput{EmployerID: employerID, Category: congress.AffairWages, Title: "年度工资调整方案",
		Body: "经职工代表大会审议通过，全员基本工资上调3%，一线岗位另加岗位津贴每月200元，自下月起执行。"}); err != nil {
		return fmt.Errorf("demo congress: open affairs: %w", err)
	}
	slog.Info("demo congress held", "session", ses.ID, "delegates", len(ids))
	return nil
}
