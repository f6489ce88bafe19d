package contest

import (
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

func TestTeams(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		a1, a2, a3 := w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionA)
		b1 := w.add(t, w.tr.UnionB)
		xichang := signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)

		// The street enters a team for its own subtree only.
		orgs, err := w.s.TeamOrgs(ctx, w.street, c.ID)
		if err != nil || len(orgs) != 1 || orgs[0].ID != w.tr.Dashilan.ID {
			t.Fatalf("team orgs %+v %v", orgs, err)
		}
		_, err = w.s.CreateTeam(ctx, w.street, c.ID, TeamInput{OrgID: w.tr.Xichang.ID, Name: "西长安街队"})
		wantField(t, err, "org_id", "contest.team.org_outside")
		_, err = w.s.CreateTeam(ctx, w.street, c.ID, TeamInput{OrgID: w.tr.Dashilan.ID, Name: "  "})
		wantField(t, err, "name", "field.required")
		_, err = w.s.CreateTeam(ctx, w.street, c.ID, TeamInput{OrgID: w.tr.Dashilan.ID, Name: string(make([]rune, MaxTeamName+1))})
		wantField(t, err, "name", "")
		team, err := w.s.CreateTeam(ctx, w.street, c.ID, TeamInput{OrgID: w.tr.Dashilan.ID, Name: " 大栅栏代表队 "})
		if err != nil || team.Name != "大栅栏代表队" || team.Size != 0 || !team.CanWrite || team.OrgName != "大栅栏街道总工会" {
			t.Fatalf("create: %+v %v", team, err)
		}
		_, err = w.s.CreateTeam(ctx, w.tr.City, c.ID, TeamInput{OrgID: w.tr.Dashilan.ID, Name: "大栅栏代表队"})
		wantField(t, err, "name", "contest.team.name_taken")
		bt, err := w.s.CreateTeam(ctx, xichang, c.ID, TeamInput{OrgID: w.tr.Xichang.ID, Name: "西长安街队"})
		if err != nil {
			t.Fatal(err)
		}

		// Another subtree's officer sees neither the team nor may change it.
		if _, err := w.s.Team(ctx, xichang, team.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other street read: %v", err)
		}
		if _, err := w.s.AddTeamMember(ctx, xichang, team.ID, b1.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other street added: %v", err)
		}
		if err := w.s.DeleteTeam(ctx, xichang, team.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other street deleted: %v", err)
		}

		// Members from the team's subtree, one team each, up to the cap.
		_, err = w.s.AddTeamMember(ctx, w.street, team.ID, b1.ID)
		wantField(t, err, "member_id", "contest.team.member_outside")
		_, err = w.s.AddTeamMember(ctx, w.street, team.ID, 987654321)
		wantField(t, err, "member_id", "contest.team.member_outside")
		if _, err := w.s.SetTeamRules(ctx, w.street, c.ID, TeamRules{MaxMembers: 2}); !errs.Is(err, errs.KindForbidden) && !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("street set the publisher's rules: %v", err)
		}
		_, err = w.s.SetTeamRules(ctx, w.tr.City, c.ID, TeamRules{MaxMembers: -1, Scoring: "median"})
		wantField(t, err, "max_members", "field.out_of_range")
		wantField(t, err, "scoring", "field.invalid_choice")
		if _, err := w.s.SetTeamRules(ctx, w.tr.City, c.ID, TeamRules{MaxMembers: 2}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []int64{a1.ID, a2.ID, a2.ID} {
			if _, err := w.s.AddTeamMember(ctx, w.street, team.ID, m); err != nil {
				t.Fatalf("add %d: %v", m, err)
			}
		}
		_, err = w.s.AddTeamMember(ctx, w.street, team.ID, a3.ID)
		wantField(t, err, "member_id", "contest.team.full")
		_, err = w.s.SetTeamRules(ctx, w.tr.City, c.ID, TeamRules{MaxMembers: 1})
		wantField(t, err, "max_members", "contest.team.cap_below_size")
		second, err := w.s.CreateTeam(ctx, w.street, c.ID, TeamInput{OrgID: w.tr.UnionA.ID, Name: "甲公司队"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.s.AddTeamMember(ctx, w.street, second.ID, a1.ID)
		wantField(t, err, "member_id", "contest.team.member_taken")
		if _, err := w.s.AddTeamMember(ctx, xichang, bt.ID, b1.ID); err != nil {
			t.Fatal(err)
		}

		// Scores: a1 takes 20 points, a2 not yet: the average is 10; b1
		// takes 12 alone.
		w.take(t, c, a1, 10)
		w.take(t, c, b1, 6)
		got, err := w.s.Team(ctx, w.street, team.ID)
		if err != nil || got.Size != 2 || got.Taken != 1 || got.Score != 10 || len(got.Members) != 2 || !got.Members[0].Taken || got.Members[1].Taken {
			t.Fatalf("team %+v %v", got, err)
		}
		rows, n, rules, err := w.s.TeamBoard(ctx, w.tr.City, c.ID, 0, 0)
		if err != nil || n != 3 || rules.Scoring != ScoreAverage || rows[0].TeamID != bt.ID || rows[0].Score != 12 || rows[1].TeamID != team.ID || rows[1].Rank != 2 || rows[2].Rank != 3 {
			t.Fatalf("board %+v %d %v", rows, n, err)
		}
		// The street sees its own teams, ranked among all.
		rows, n, _, err = w.s.TeamBoard(ctx, w.street, c.ID, 0, 0)
		if err != nil || n != 2 || rows[0].TeamID != team.ID || rows[0].Rank != 2 || !rows[0].Mine {
			t.Fatalf("street board %+v %d %v", rows, n, err)
		}
		// Summed, 大栅栏 leads.
		if _, err := w.s.SetTeamRules(ctx, w.tr.City, c.ID, TeamRules{MaxMembers: 3, Scoring: ScoreSum}); err != nil {
			t.Fatal(err)
		}
		rows, _, _, _ = w.s.TeamBoard(ctx, w.tr.City, c.ID, 0, 0)
		if rows[0].TeamID != team.ID || rows[0].Score != 20 {
			t.Fatalf("summed %+v", rows)
		}

		// Rename at a stale version, remove a member, withdraw a team.
		_, err = w.s.UpdateTeam(ctx, w.street, team.ID, 1, TeamInput{Name: "新名字"})
		wantCode(t, err, "stale")
		_, err = w.s.UpdateTeam(ctx, w.street, team.ID, 0, TeamInput{Name: "甲公司队"})
		wantField(t, err, "name", "contest.team.name_taken")
		if got, err = w.s.UpdateTeam(ctx, w.street, team.ID, got.Version, TeamInput{Name: "大栅栏一队"}); err != nil || got.Name != "大栅栏一队" {
			t.Fatalf("rename %+v %v", got, err)
		}
		_, err = w.s.RemoveTeamMember(ctx, w.street, team.ID, a3.ID)
		wantField(t, err, "member_id", "contest.team.not_member")
		if got, err = w.s.RemoveTeamMember(ctx, w.street, team.ID, a2.ID); err != nil || got.Size != 1 || got.Score != 20 {
			t.Fatalf("remove %+v %v", got, err)
		}
		if err := w.s.DeleteTeam(ctx, w.street, second.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Team(ctx, w.street, second.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("deleted team: %v", err)
		}
		var audited int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'contest.team_%'").Scan(&audited); err != nil || audited < 10 {
			t.Fatalf("audited %d %v", audited, err)
		}

		// Closed: teams stay as they are.
		w.clock.Add(8 * 24 * time.Hour)
		_, err = w.s.AddTeamMember(ctx, w.street, team.ID, a3.ID)
		wantCode(t, err, "teams_closed")
		_, err = w.s.CreateTeam(ctx, w.street, c.ID, TeamInput{OrgID: w.tr.Dashilan.ID, Name: "迟到队"})
		wantCode(t, err, "teams_closed")
	})
}
