package activity

import (
	"context"
	"strconv"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// world is the sign-up tests' organisation tree (signuptest.Tree) with
// the activity store and its officers.
type world struct {
	s                                *Store
	m                                *member.Store
	o                                *org.Store
	d                                *db.DB
	clock                            *signuptest.Clock
	root, xicheng, dashilan, xichang *org.Org
	unionA, unionB                   *org.Org
	city, dashilanOfficer, leader    *auth.Principal
	xichangOfficer                   *auth.Principal
	seq                              int
	mobiles                          map[int64]string
}

var (
	grant     = signuptest.Grant
	self      = signuptest.Self
	wantCode  = signuptest.WantCode
	wantField = signuptest.WantField
)

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	ms := member.NewStore(d, testkit.Keys(t))
	tr := signuptest.NewTree(t, org.NewStore(d))
	w := &world{m: ms, o: tr.Orgs, d: d, clock: signuptest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, beijing.Zone)),
		root: tr.Root, xicheng: tr.Xicheng, dashilan: tr.Dashilan, xichang: tr.Xichang, unionA: tr.UnionA, unionB: tr.UnionB, city: tr.City}
	w.s = NewStore(d, ms)
	w.s.SetClock(w.clock.Now)
	w.dashilanOfficer = grant(auth.RoleOfficer, w.dashilan)
	w.xichangOfficer = grant(auth.RoleOfficer, w.xichang)
	w.leader = grant(auth.RoleLeader, w.dashilan)
	return w
}

// add makes a member of union u.
func (w *world) add(t testing.TB, u *org.Org, tags ...string) *member.Member {
	t.Helper()
	w.seq++
	n := w.seq
	id, err := cnid.MakeResidentID("110102", time.Date(1980+n%20, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
	if err != nil {
		t.Fatal(err)
	}
	mob := strconv.Itoa(13900000000 + n)
	m, err := w.m.Create(ctx, w.city, u.ID, member.Person{Name: chineseName(n), IDNumber: id, Mobile: mob, JoinedOn: "2020-05-01", Tags: tags})
	if err != nil {
		t.Fatalf("add member %d: %v", n, err)
	}
	if w.mobiles == nil {
		w.mobiles = map[int64]string{}
	}
	w.mobiles[m.ID] = mob
	return m
}

// input is a valid activity starting an hour after the world's clock.
func (w *world) input(o *org.Org) Input {
	start := w.clock.Now().Add(time.Hour)
	return Input{OrgID: o.ID, Title: "参观中国共产党历史展览馆", Kind: "themed_education", Venue: "中国共产党历史展览馆",
		StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(3 * time.Hour).Format(time.RFC3339)}
}

// published creates and publishes an activity.
func (w *world) published(t testing.TB, pr *auth.Principal, in Input) *Activity {
	t.Helper()
	a, err := w.s.Create(ctx, pr, in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if a, err = w.s.Publish(ctx, pr, a.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return a
}

// counts reads the registrations by status from the rows themselves.
func counts(t testing.TB, d *db.DB, activityID int64) map[RegStatus]int {
	t.Helper()
	rows, err := d.Query(ctx, "SELECT status, COUNT(*) FROM registrations WHERE activity_id = ? GROUP BY status", activityID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[RegStatus]int{}
	for rows.Next() {
		var s RegStatus
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// chineseName makes a distinct valid name for each n.
func chineseName(n int) string {
	sur := []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
	giv := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
	return string(sur[n%len(sur)]) + string(giv[(n/len(sur))%len(giv)]) + string(giv[(n/len(sur)/len(giv))%len(giv)])
}
