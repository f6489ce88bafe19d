package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/member"
	"gonghui/internal/rights"
	"gonghui/internal/scope"
)

// demoCases gives the demo's street federation (大栅栏) a few rights cases
// in every stage, as the seeds describe them: a collective wage dispute of
// forty couriers taken in from the 12351 hotline and being mediated (with
// a confidential note), a consultation answered, a legal-aid application
// past its deadline (the district leader's escalation), and a case a
// member filed from the phone. They are dated back by a store on its own
// clock, so that the deadlines fall where the story needs them.
func demoCases(ctx context.Context, m *Main, byName map[string]int64) error {
	const street = "北京市西城区大栅栏街道总工会"
	orgID, ok := byName[street]
	if !ok {
		slog.Warn("demo: organisation for cases not found", "org", street)
		return nil
	}
	var path string
	var userID int64
	if err := m.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", orgID).Scan(&path); err != nil {
		return err
	}
	if err := m.DB.QueryRow(ctx, "SELECT id FROM users WHERE username = ?", "dashilan").Scan(&userID); err != nil {
		return fmt.Errorf("demo cases: the street's officer: %w", err)
	}
	pr := &auth.Principal{UserID: userID, Username: "dashilan", Name: "大栅栏街道会籍管理员", Kind: auth.KindStaff,
		Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: orgID, OrgPath: path}}}
	now := time.Now()
	at := now
	s := rights.NewStore(m.DB, m.Cases.Keys)
	s.SetClock(func() time.Time { return at })

	// Forty couriers of one depot: one case.
	var couriers []rights.WorkerInput
	family := []rune("王李张刘陈杨赵黄周吴")
	given := []string{"小军", "建国", "海涛", "志强", "文博", "立新", "晓东", "国华"}
	for i := range 40 {
		couriers = append(couriers, rights.WorkerInput{Name: string(family[i%len(family)]) + given[i%len(given)], Mobile: fmt.Sprintf("1370000%04d", 100+i)})
	}
	at = now.AddDate(0, 0, -6)
	c, err := s.TakeIn(ctx, pr, rights.Input{OrgID: orgID, Kind: rights.KindMediation, Channel: rights.ChannelHotline,
		Title: "某快递站拖欠 40 名快递员两个月工资", Facts: "12351 热线来电：前门某快递站自九月起拖欠 40 名快递员工资，站点负责人称总部未结算，快递员多次讨要无果，要求工会协调。",
		EmployerName: "北京某速递服务有限公司", Workers: couriers,
		Claims: []rights.ClaimInput{{Kind: rights.ClaimWages, AmountFen: 40 * 650000}, {Kind: rights.ClaimOvertime, AmountFen: 1850000}}}, nil)
	if err != nil {
		return fmt.Errorf("demo case: %w", err)
	}
	at = now.AddDate(0, 0, -5)
	if c, err = s.Accept(ctx, pr, c.ID, 0, 0); err != nil {
		return fmt.Errorf("demo case: accept: %w", err)
	}
	if _, err := s.AddNote(ctx, pr, c.ID, "站点负责人私下表示总部资金链紧张，可先支付一个月工资；此信息勿向快递员透露，以免影响调解。", true); err != nil {
		return fmt.Errorf("demo case: note: %w", err)
	}
	if _, err := s.AddNote(ctx, pr, c.ID, "已约双方下周二上午在街道职工服务中心调解。", false); err != nil {
		return fmt.Errorf("demo case: note: %w", err)
	}

	// A consultation answered on the spot.
	at = now.AddDate(0, 0, -12)
	c, err = s.TakeIn(ctx, pr, rights.Input{OrgID: orgID, Kind: rights.KindConsultation, Channel: rights.ChannelWalkIn, Title: "试用期被辞退是否有补偿",
		Facts: "来访职工在试用期第五个月被辞退，询问能否要求经济补偿。", Workers: []rights.WorkerInput{{Name: "孙丽"}}}, nil)
	if err != nil {
		return fmt.Errorf("demo case: %w", err)
	}
	if c, err = s.Accept(ctx, pr, c.ID, 0, 0); err != nil {
		return err
	}
	at = now.AddDate(0, 0, -11)
	if _, err := s.Close(ctx, pr, c.ID, rights.CloseInput{Outcome: rights.OutcomeAnswered, Note: "已告知试用期最长六个月及解除条件，建议先与单位协商。"}); err != nil {
		return fmt.Errorf("demo case: close: %w", err)
	}

	// Legal aid past its seven days: the district leader sees it escalated.
	at = now.AddDate(0, 0, -14)
	c, err = s.TakeIn(ctx, pr, rights.Input{OrgID: orgID, Kind: rights.KindLegalAid, Channel: rights.ChannelWalkIn, Title: "工伤认定后单位拒付工伤待遇",
		Facts: "职工在仓库搬运时摔伤，已认定工伤，单位拒绝支付停工留薪期工资，申请法律援助。", EmployerName: "北京某物流有限公司",
		Workers: []rights.WorkerInput{{Name: "马强", Mobile: "13600001234"}}, Claims: []rights.ClaimInput{{Kind: rights.ClaimInjury, AmountFen: 4800000}}}, nil)
	if err != nil {
		return fmt.Errorf("demo case: %w", err)
	}
	at = now.AddDate(0, 0, -13)
	if _, err := s.Accept(ctx, pr, c.ID, 0, 0); err != nil {
		return err
	}

	// A member of the street files from the phone.
	var memberID int64
	in, args := scope.SQL("org_path", []string{path})
	if err := m.DB.QueryRow(ctx, "SELECT id FROM members WHERE status = ? AND "+in+" ORDER BY id LIMIT 1", append([]any{member.StatusActive}, args...)...).Scan(&memberID); err != nil {
		slog.Warn("demo: no member to file a case", "err", err)
		return nil
	}
	at = now.AddDate(0, 0, -1)
	self := &auth.Principal{Kind: auth.KindMember, MemberID: memberID}
	if _, err := s.File(ctx, self, rights.Input{OrgID: orgID, Kind: rights.KindComplaint, Title: "单位不给缴纳社会保险",
		Facts: "入职一年多，单位一直没有给我缴纳社会保险，问过人事也没有答复。", EmployerName: "北京某餐饮管理有限公司",
		Claims: []rights.ClaimInput{{Kind: rights.ClaimInsurance, AmountFen: 1560000}}}, nil); err != nil {
		return fmt.Errorf("demo case: file: %w", err)
	}
	slog.Info("demo rights cases created")
	return nil
}
