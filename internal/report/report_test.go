package report_test

import (
	"context"
	"gonghui/internal/report"
	"strconv"
	"testing"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

func grant(o *org.Org) *auth.Principal {
	return &auth.Principal{UserID: 1, Username: "t", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: o.ID, OrgPath: o.Path}}}
}

// The dashboard's figures equal counts made directly from the rows: a
// transferred member once, at the target; a retired member among those who
// left; a cancelled registration not attendance.
func TestDashboardMatchesTheRows(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		os := org.NewStore(d)
		tree := orgtree.New(t, os, auth.RoleOfficer)
		root := tree.Root
		city := grant(root)
		tree.By = city
		mk := tree.Org
		xicheng := mk(root, "北京市西城区总工会", org.KindDistrict)
		chaoyang := mk(root, "北京市朝阳区总工会", org.KindDistrict)
		street := mk(xicheng, "大栅栏街道总工会", org.KindStreet)
		unionA := mk(street, "甲公司工会", org.KindGrassroots)
		unionB := mk(chaoyang, "乙公司工会", org.KindGrassroots)
		// Employers: a private one organised by union A, a new-forms platform
		// not organised, a state-owned one organised.
		for _, e := range []struct {
			name, cat string
			newForms  bool
			union     *org.Org
			employees int
		}{{"甲公司", "170", false, unionA, 100}, {"某配送平台", "170", true, nil, 300}, {"国有乙厂", "110", false, unionB, 50}} {
			emp, err := os.CreateEmployer(ctx, city, org.EmployerInput{OwnerOrgID: street.ID, Name: e.name, Category: e.cat, NewForms: e.newForms, Employees: e.employees})
			if err != nil {
				t.Fatal(err)
			}
			if e.union != nil {
				if err := os.LinkEmployer(ctx, city, e.union.ID, emp.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		ms := member.NewStore(d, testkit.Keys(t))
		acts := activity.NewStore(d, ms)
		st := stats.NewStore(d)
		r := &report.Reporter{Orgs: os, Members: ms, Stats: st}
		var ids []int64
		for i := range 12 {
			u := unionA
			if i%3 == 0 {
				u = unionB
			}
			id, _ := cnid.MakeResidentID("110102", time.Date(1980+i, 1, 1+i, 0, 0, 0, 0, time.UTC), i)
			tags := []string{}
			if i%2 == 0 {
				tags = []string{"platform_worker"}
			}
			m, err := ms.Create(ctx, city, u.ID, member.Person{Name: "王" + string([]rune("一二三四五六七八九十甲乙")[i]) + "明",
				IDNumber: id, Mobile: strconv.Itoa(13700000000 + i), JoinedOn: "2026-0" + strconv.Itoa(1+i%3) + "-15", Tags: tags})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		if _, err := ms.SetStatus(ctx, city, ids[1], member.StatusChange{Status: member.StatusRetired, On: "2026-03-20"}); err != nil {
			t.Fatal(err)
		}
		tr, err := ms.RequestTransfer(ctx, city, member.TransferRequest{MemberID: ids[0], ToOrgID: unionA.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []string{"release", "accept"} {
			if _, err := ms.DecideTransfer(ctx, city, tr.ID, member.TransferDecision{Action: step}); err != nil {
				t.Fatal(err)
			}
		}
		// An activity under way with two registrations, one cancelled, one check-in.
		start := time.Now().Add(10 * time.Minute)
		a, err := acts.Create(ctx, city, activity.Input{OrgID: street.ID, Title: "健步走", Kind: "walk",
			StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(2 * time.Hour).Format(time.RFC3339)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := acts.Publish(ctx, city, a.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{ids[2], ids[4]} {
			if _, _, err := acts.Register(ctx, city, a.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := acts.CancelRegistration(ctx, city, a.ID, ids[4]); err != nil {
			t.Fatal(err)
		}
		if _, _, err := acts.CheckIn(ctx, city, a.ID, activity.CheckInInput{MemberID: ids[2]}); err != nil {
			t.Fatal(err)
		}
		if err := st.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}

		direct := func(q string, args ...any) int64 {
			var n int64
			if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, o := range []*org.Org{root, xicheng, chaoyang, street, unionA, unionB} {
			lo, hi := o.Path, audit.PathEnd(o.Path)
			dash, err := r.Dashboard(ctx, city, o.ID, report.Period{From: "2026-02-01", To: "2026-03-31"})
			if err != nil {
				t.Fatal(err)
			}
			m := dash.Members
			if want := direct("SELECT COUNT(*) FROM members WHERE org_path >= ? AND org_path < ? AND status = 'active'", lo, hi); m.Active != want {
				t.Fatalf("%s: active %d, rows %d", o.Name, m.Active, want)
			}
			if want := direct("SELECT COUNT(*) FROM members WHERE org_path >= ? AND org_path < ? AND status = 'active' AND (tags & 16) <> 0", lo, hi); m.ByTag["platform_worker"] != want {
				t.Fatalf("%s: platform workers %d, rows %d", o.Name, m.ByTag["platform_worker"], want)
			}
			if want := direct("SELECT COUNT(*) FROM member_events WHERE org_path >= ? AND org_path < ? AND kind = 'joined' AND on_date >= '2026-02-01' AND on_date <= '2026-03-31'", lo, hi); m.Joined != want {
				t.Fatalf("%s: joined %d, rows %d", o.Name, m.Joined, want)
			}
			// Joinings by tag: members are created with their tags and
			// keep them, so the rows tell the tags they joined with.
			if want := direct("SELECT COUNT(*) FROM member_events e JOIN members x ON x.id = e.member_id WHERE e.org_path >= ? AND e.org_path < ? AND e.kind = 'joined' AND e.on_date >= '2026-02-01' AND e.on_date <= '2026-03-31' AND (x.tags & 16) <> 0", lo, hi); m.JoinedByTag["platform_worker"] != want {
				t.Fatalf("%s: platform workers joined %d, rows %d", o.Name, m.JoinedByTag["platform_worker"], want)
			}
			if want := direct("SELECT COUNT(*) FROM members WHERE org_path >= ? AND org_path < ? AND status = 'retired'", lo, hi); m.Left != want {
				t.Fatalf("%s: left %d, rows %d", o.Name, m.Left, want)
			}
		}
		dash, _ := r.Dashboard(ctx, city, root.ID, report.Period{})
		if dash.Employers != 3 || dash.OrganisedEmployers != 2 || dash.NonPublic != 2 || dash.NonPublicOrganised != 1 ||
			dash.NewForms != 1 || dash.NewFormsOrganised != 0 || dash.Employees != 450 || dash.MembershipRate != 0.0244 {
			t.Fatalf("employers: %+v", dash)
		}
		if dash.Members.TransferIn != 1 || dash.Members.TransferOut != 1 || dash.Members.Active != 11 {
			t.Fatalf("root: %+v", dash.Members)
		}
		if a, ok := dash.Section("activities").(*activity.Figures); !ok || a.Held != 1 || a.Registrations != 1 || a.Attended != 1 {
			t.Fatalf("activities: %+v", dash.Section("activities"))
		}
		b, _ := r.Dashboard(ctx, city, unionB.ID, report.Period{})
		if b.Members.Active != 3 || b.Members.TransferOut != 1 || b.Members.TransferIn != 0 {
			t.Fatalf("union B: %+v", b.Members)
		}
		kids, err := r.Children(ctx, city, root.ID, report.Period{}, "active")
		if err != nil || len(kids) != 2 || kids[0].OrgID != xicheng.ID || kids[0].Active != 8 || kids[1].Active != 3 {
			t.Fatalf("children: %+v %v", kids, err)
		}
		if _, err := r.Children(ctx, city, root.ID, report.Period{}, "shoe_size"); err == nil {
			t.Fatal("unknown sort accepted")
		}
		if _, err := r.Dashboard(ctx, city, root.ID, report.Period{From: "2026-05-01", To: "2026-04-01"}); err == nil {
			t.Fatal("backwards period accepted")
		}
		// A range past today is counted up to today, and says so.
		r.Now = func() time.Time { return time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC) }
		late, err := r.Dashboard(ctx, city, root.ID, report.Period{From: "2026-01-01", To: "2026-12-31"})
		if err != nil || !late.ClampedToToday || late.Period.To != "2026-06-15" || late.Members.Months[len(late.Members.Months)-1].Month != "2026-06" {
			t.Fatalf("period past today: %+v %v", late, err)
		}
		r.Now = nil
		if _, err := r.Dashboard(ctx, grant(chaoyang), xicheng.ID, report.Period{}); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another district's dashboard: %v", err)
		}
	})
}
