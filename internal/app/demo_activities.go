package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
)

// demoActivity is one activity of the demo, drawn from the seeds.
type demoActivity struct {
	org       string // publisher
	in        activity.Input
	day, hour int // days from today (Beijing), starting hour
	minutes   int // length
	signUps   int // demo members of the audience signed up by staff
	checkedIn int // of whom checked in (the activity must be running)
}

var demoActivityList = []demoActivity{
	{org: "北京理工大学工会", day: 3, hour: 14, minutes: 150, signUps: 60,
		in: activity.Input{Title: "“永远跟党走、奋斗新征程”环湖健步走", Kind: "walk", Organiser: "北京理工大学校工会、人文学院工会",
			Venue: "良乡校区北湖", Address: "北京市房山区良乡高教园区", Capacity: 600, Waitlist: true,
			Checkpoints:    []activity.CheckpointInput{{Name: "明理"}, {Name: "增信"}, {Name: "崇德"}, {Name: "力行"}},
			StampsRequired: 4, Prize: "活动纪念品",
			Description: "沿环北湖布置“学史明理”“学史增信”“学史崇德”“学史力行”4个篇章、35幅党史知识展板。\n每完成一个环节，在活动记录卡上加盖一枚印章，集齐四枚印章即可领取活动奖品。"}},
	{org: "北京市西城区总工会", day: 7, hour: 9, minutes: 150, signUps: 40,
		in: activity.Input{Title: "参观香山革命纪念馆", Kind: "themed_education", Organiser: "北京市西城区总工会",
			Venue: "香山革命纪念馆", Address: "北京市海淀区买卖街40号", Capacity: 100, Waitlist: true,
			Checkpoints: []activity.CheckpointInput{{Name: "入馆签到", RotateSeconds: 30}},
			Description: "重温中国共产党在香山领导中国人民夺取全国胜利和党中央筹建中华人民共和国的光辉历史。"}},
	{org: "北京市平谷区兴谷开发区总工会", day: 10, hour: 9, minutes: 180, signUps: 8,
		in: activity.Input{Title: "“关爱智障儿童”志愿服务", Kind: "volunteering", Organiser: "兴谷开发区总工会",
			Venue: "平谷区七彩阳光康复中心", Capacity: 14, Approval: true,
			Description: "将蛋糕、礼物、学习用品送到孩子手中，与孩子一起做游戏、做手工。"}},
	{org: "北京市西城区总工会", day: 0, hour: -1, minutes: 180, signUps: 30, checkedIn: 18,
		in: activity.Input{Title: "观影：《我和我的祖国》", Kind: "screening", Organiser: "北京市西城区总工会",
			Venue: "西城区职工之家影厅", Capacity: 120, WalkIns: true,
			Checkpoints: []activity.CheckpointInput{{Name: "入场", RotateSeconds: 30}}}},
}

// demoActivities publishes the demo's activities with some sign-ups and,
// for the one under way, some check-ins.
func demoActivities(ctx context.Context, m *Main, byName map[string]int64) error {
	now := time.Now()
	today := beijing.Midnight(now)
	for _, da := range demoActivityList {
		orgID, ok := byName[da.org]
		if !ok {
			slog.Warn("demo: organisation for activity not found", "org", da.org)
			continue
		}
		var path string
		if err := m.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", orgID).Scan(&path); err != nil {
			return fmt.Errorf("demo activity %s: %w", da.in.Title, err)
		}
		pr := &auth.Principal{Username: "demo", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: orgID, OrgPath: path}}}
		start := today.AddDate(0, 0, da.day).Add(time.Duration(da.hour) * time.Hour)
		if da.hour < 0 {
			start = now.Add(-20 * time.Minute).Truncate(time.Minute)
		}
		in := da.in
		in.OrgID = orgID
		in.StartsAt, in.EndsAt = start.Format(time.RFC3339), start.Add(time.Duration(da.minutes)*time.Minute).Format(time.RFC3339)
		if da.hour < 0 {
			in.RegOpensAt, in.RegClosesAt = start.Add(-72*time.Hour).Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)
		}
		a, err := m.Acts.Create(ctx, pr, in)
		if err != nil {
			return fmt.Errorf("demo activity %s: %w", in.Title, err)
		}
		if a, err = m.Acts.Publish(ctx, pr, a.ID); err != nil {
			return fmt.Errorf("demo activity %s: %w", in.Title, err)
		}
		ids, err := demoMembersUnder(ctx, m, path, "ASC", da.signUps)
		if err != nil {
			return err
		}
		for i, id := range ids {
			if _, _, err := m.Acts.Register(ctx, pr, a.ID, id); err != nil {
				return fmt.Errorf("demo sign-up for %s: %w", in.Title, err)
			}
			if i < da.checkedIn {
				if _, _, err := m.Acts.CheckIn(ctx, pr, a.ID, activity.CheckInInput{MemberID: id}); err != nil {
					return fmt.Errorf("demo check-in for %s: %w", in.Title, err)
				}
			}
		}
		slog.Info("demo activity published", "title", in.Title, "id", db.FormatID(a.ID), "sign_ups", len(ids))
	}
	return nil
}

// demoMembersUnder lists up to n active members of a subtree, by id in the
// given order ("ASC" or "DESC", so two demo uses pick different people).
func demoMembersUnder(ctx context.Context, m *Main, path, order string, n int) ([]int64, error) {
	rows, err := m.DB.Query(ctx, "SELECT id FROM members WHERE org_path >= ? AND org_path < ? AND status = 'active' ORDER BY id "+order+" LIMIT ?",
		path, audit.PathEnd(path), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
