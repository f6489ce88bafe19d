package inbox_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
	"gonghui/internal/member/privacy"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

var ctx = context.Background()

// world is two streets of one district, each with a union:
//
//	root ── xicheng ─┬─ dashilan ── unionA
//	                 └─ xichang ─── unionB
type world struct {
	t                                *testing.T
	m                                *member.Store
	acts                             *activity.Store
	reg                              *inbox.Registry
	root, dashilan, xichang          *org.Org
	unionA, unionB                   *org.Org
	empA, empB                       *org.Employer
	city, dashilanOfficer, xichangOf *auth.Principal
	n                                int
}

func newWorld(t *testing.T, d *db.DB) *world {
	w := &world{t: t, m: member.NewStore(d, testkit.Keys(t))}
	w.acts = activity.NewStore(d, w.m)
	tr := orgtree.New(t, org.NewStore(d), auth.RoleOfficer)
	w.root, w.city = tr.Root, tr.By
	xicheng := tr.Org(w.root, "北京市西城区总工会", org.KindDistrict)
	w.dashilan = tr.Org(xicheng, "大栅栏街道总工会", org.KindStreet)
	w.xichang = tr.Org(xicheng, "西长安街街道总工会", org.KindStreet)
	w.unionA = tr.Org(w.dashilan, "甲公司工会", org.KindGrassroots)
	w.unionB = tr.Org(w.xichang, "乙公司工会", org.KindGrassroots)
	w.empA = tr.Employer(w.unionA, "甲公司", "91110102A0000001X")
	w.empB = tr.Employer(w.unionB, "乙公司", "91110102B0000002X")
	w.dashilanOfficer = orgtree.Grant(auth.RoleOfficer, w.dashilan)
	w.dashilanOfficer.UserID = 11
	w.xichangOf = orgtree.Grant(auth.RoleOfficer, w.xichang)
	w.xichangOf.UserID = 12
	w.reg = inbox.New(append(w.m.InboxSources(), privacy.InboxSource(w.m), exports.InboxSource(w.m, time.Now), w.acts.InboxSource())...)
	return w
}

func (w *world) person(name string) (id, mobile string) {
	w.t.Helper()
	w.n++
	id, err := cnid.MakeResidentID("110102", time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w.n), 0)
	if err != nil {
		w.t.Fatal(err)
	}
	return id, strconv.Itoa(13900000000 + w.n)
}

func (w *world) add(u *org.Org, name string) *member.Member {
	w.t.Helper()
	id, mob := w.person(name)
	m, err := w.m.Create(ctx, w.city, u.ID, member.Person{Name: name, IDNumber: id, Mobile: mob, JoinedOn: "2020-05-01"})
	if err != nil {
		w.t.Fatalf("add %s: %v", name, err)
	}
	return m
}

func (w *world) apply(u *org.Org, e *org.Employer, name string) {
	w.t.Helper()
	id, mob := w.person(name)
	if _, err := w.m.Apply(ctx, u.ID, member.ApplyInput{Name: name, IDNumber: id, Mobile: mob, EmployerID: e.ID, Consent: true}); err != nil {
		w.t.Fatalf("apply %s: %v", name, err)
	}
}

// counts is what Groups answers p, kind by kind, checked against Total.
func (w *world) counts(p *auth.Principal) map[string]int {
	w.t.Helper()
	gs, err := w.reg.Groups(ctx, p, 3)
	if err != nil {
		w.t.Fatal(err)
	}
	out, sum := map[string]int{}, 0
	for _, g := range gs {
		if g.Count == 0 || len(g.Items) == 0 || len(g.Items) > 3 {
			w.t.Fatalf("group %s: count %d with %d items", g.Key, g.Count, len(g.Items))
		}
		for i, it := range g.Items {
			if it.Kind != g.Key || it.Title == "" || it.OrgName == "" || !strings.HasPrefix(it.Link, "/") {
				w.t.Fatalf("group %s: item %+v", g.Key, it)
			}
			if i > 0 && it.Since.Before(g.Items[i-1].Since) {
				w.t.Fatalf("group %s: items not oldest first: %+v", g.Key, g.Items)
			}
		}
		out[g.Key] = g.Count
		sum += g.Count
	}
	total, err := w.reg.Total(ctx, p)
	if err != nil {
		w.t.Fatal(err)
	}
	if total != sum {
		w.t.Fatalf("total %d, groups add up to %d", total, sum)
	}
	return out
}

func want(t *testing.T, who string, got map[string]int, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %v, want %v", who, got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Fatalf("%s: %v, want %v", who, got, want)
		}
	}
}

func TestInboxScopedByKindAndSubtree(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		leader := orgtree.Grant(auth.RoleLeader, w.dashilan)
		want(t, "empty", w.counts(w.dashilanOfficer), nil)

		// Two applications at 大栅栏, one at 西长安街.
		w.apply(w.unionA, w.empA, "张小一")
		w.apply(w.unionA, w.empA, "王小二")
		w.apply(w.unionB, w.empB, "李小三")
		// A transfer out of 大栅栏 into 西长安街.
		mover := w.add(w.unionA, "赵小四")
		tr, err := w.m.RequestTransfer(ctx, w.dashilanOfficer, member.TransferRequest{MemberID: mover.ID, ToOrgID: w.unionB.ID})
		if err != nil {
			t.Fatal(err)
		}
		// A correction at 大栅栏.
		asker := w.add(w.unionA, "钱小五")
		if _, err := privacy.RequestCorrection(ctx, w.m, asker.ID, privacy.CorrectionInput{Field: "job", Value: "焊工"}); err != nil {
			t.Fatal(err)
		}
		// A full-number export of 大栅栏 asked for by one of its officers.
		w.m.Policy.ApprovalRows = 1
		if _, err := exports.RequestExport(ctx, w.m, w.dashilanOfficer, member.Query{}, "年度核查"); err != nil {
			t.Fatal(err)
		}
		// A registration waiting for approval at 大栅栏's union.
		start := time.Now().Add(48 * time.Hour)
		in := activity.Input{OrgID: w.unionA.ID, Title: "参观展览馆", Kind: "themed_education", Venue: "展览馆", Approval: true,
			StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(3 * time.Hour).Format(time.RFC3339)}
		a, err := w.acts.Create(ctx, w.city, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.acts.Publish(ctx, w.city, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.acts.Register(ctx, &auth.Principal{Kind: auth.KindMember, MemberID: asker.ID}, a.ID, asker.ID); err != nil {
			t.Fatal(err)
		}

		want(t, "大栅栏 officer", w.counts(w.dashilanOfficer),
			map[string]int{"join_application": 2, "transfer_release": 1, "correction": 1, "registration": 1})
		// Another officer of 大栅栏 approves the export; nobody their own.
		other := orgtree.Grant(auth.RoleOfficer, w.dashilan)
		other.UserID = 21
		want(t, "another 大栅栏 officer", w.counts(other),
			map[string]int{"join_application": 2, "transfer_release": 1, "correction": 1, "registration": 1, "export_approval": 1})
		want(t, "西长安街 officer", w.counts(w.xichangOf), map[string]int{"join_application": 1})
		want(t, "leader (decides none of these)", w.counts(leader), nil)
		want(t, "member", w.counts(&auth.Principal{Kind: auth.KindMember, MemberID: asker.ID}), nil)
		city := w.counts(w.city)
		if city["join_application"] != 3 || city["transfer_release"] != 1 {
			t.Fatalf("city: %v", city)
		}

		// Released, the transfer leaves 大栅栏's inbox for 西长安街's.
		if _, err := w.m.DecideTransfer(ctx, w.dashilanOfficer, tr.ID, member.TransferDecision{Action: "release"}); err != nil {
			t.Fatal(err)
		}
		if got := w.counts(w.dashilanOfficer); got["transfer_release"] != 0 || got["transfer_accept"] != 0 {
			t.Fatalf("大栅栏 after release: %v", got)
		}
		want(t, "西长安街 after release", w.counts(w.xichangOf), map[string]int{"join_application": 1, "transfer_accept": 1})
	})
}

func TestNilRegistryCountsNothing(t *testing.T) {
	var r *inbox.Registry
	n, err := r.Total(ctx, orgtree.Grant(auth.RoleOfficer))
	if err != nil || n != 0 {
		t.Fatalf("total %d, %v", n, err)
	}
	gs, err := r.Groups(ctx, nil, 3)
	if err != nil || gs == nil || len(gs) != 0 {
		t.Fatalf("groups %v, %v", gs, err)
	}
}
