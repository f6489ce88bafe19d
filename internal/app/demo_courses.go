package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/course"
)

// demoCourse is one course of the demo with one term.
type demoCourse struct {
	org      string
	in       course.CourseInput
	term     course.TermInput
	startIn  int // days from today to the first day
	weeks    int
	closeIn  int // days from today to the end of enrolment
	applying int // demo members of the audience who apply
	group    string
}

var demoCourseList = []demoCourse{
	{org: "北京市西城区总工会", in: course.CourseInput{Title: "太极拳", Category: "taiji", Description: "二十四式简化太极拳，零基础可学。"},
		term: course.TermInput{Name: "冬季班", Teacher: "王老师", Venue: "西城区职工之家二楼活动室", Capacity: 30,
			Schedule: []course.Slot{{Weekday: 2, Start: "19:00", Minutes: 90}, {Weekday: 4, Start: "19:00", Minutes: 90}}},
		startIn: 14, weeks: 8, closeIn: 7, applying: 45, group: "太极拳兴趣小组"},
	{org: "北京理工大学工会", in: course.CourseInput{Title: "瑜伽", Category: "yoga", Description: "教职工瑜伽课，请自备瑜伽垫。"},
		term: course.TermInput{Name: "春季学期班", Teacher: "李老师", Venue: "良乡校区体育馆", Capacity: 40,
			Schedule: []course.Slot{{Weekday: 3, Start: "12:10", Minutes: 50}}},
		startIn: 21, weeks: 12, closeIn: 10, applying: 25, group: "瑜伽兴趣小组"},
	{org: "北京市平谷区兴谷开发区总工会", in: course.CourseInput{Title: "广场舞", Category: "dance"},
		term: course.TermInput{Name: "第一期", Teacher: "张老师", Venue: "兴谷开发区职工文化广场", Capacity: 0,
			Schedule: []course.Slot{{Weekday: 6, Start: "09:00", Minutes: 60}}},
		startIn: 10, weeks: 6, closeIn: 5, applying: 12},
}

// demoCourses creates the demo's courses, publishes their terms and has
// some members apply (the draw is left to the staff who try it).
func demoCourses(ctx context.Context, m *Main, byName map[string]int64) error {
	today := beijing.Midnight(time.Now())
	for _, dc := range demoCourseList {
		orgID, ok := byName[dc.org]
		if !ok {
			slog.Warn("demo: organisation for course not found", "org", dc.org)
			continue
		}
		var path string
		if err := m.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", orgID).Scan(&path); err != nil {
			return err
		}
		pr := &auth.Principal{Username: "demo", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: orgID, OrgPath: path}}}
		in := dc.in
		in.OrgID = orgID
		c, err := m.Courses.CreateCourse(ctx, pr, in)
		if err != nil {
			return fmt.Errorf("demo course %s: %w", in.Title, err)
		}
		ti := dc.term
		first := today.AddDate(0, 0, dc.startIn)
		ti.StartsOn, ti.EndsOn = first.Format(time.DateOnly), first.AddDate(0, 0, 7*dc.weeks-1).Format(time.DateOnly)
		ti.EnrolClosesAt = today.AddDate(0, 0, dc.closeIn).Add(20 * time.Hour).Format(time.RFC3339)
		t, err := m.Courses.CreateTerm(ctx, pr, c.ID, ti)
		if err != nil {
			return fmt.Errorf("demo term %s: %w", in.Title, err)
		}
		if _, err := m.Courses.PublishTerm(ctx, pr, t.ID); err != nil {
			return fmt.Errorf("demo term %s: %w", in.Title, err)
		}
		if dc.group != "" {
			if _, err := m.Courses.CreateGroup(ctx, pr, c.ID, course.GroupInput{Name: dc.group}); err != nil {
				return fmt.Errorf("demo group %s: %w", dc.group, err)
			}
		}
		ids, err := demoMembersUnder(ctx, m, path, "DESC", dc.applying)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, _, err := m.Courses.Apply(ctx, pr, t.ID, id); err != nil {
				return fmt.Errorf("demo application for %s: %w", in.Title, err)
			}
		}
		slog.Info("demo course published", "title", in.Title, "applications", len(ids))
	}
	return nil
}
