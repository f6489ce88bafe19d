package activity

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// world is a small tree:
//
//	root 北京市总工会
//	└── xicheng 西城区总工会
//	    ├── dashilan 大栅栏街道总工会
//	    │   └── unionA 甲公司工会
//	    └── xichang 西长安街街道总工会
//	        └── unionB 乙公司工会
type world struct {
	s                                *Store
	m                                *member.Store
	o                                *org.Store
	d                                *db.DB
	clock                            *clock
	root, xicheng, dashilan, xichang *org.Org
	unionA, unionB                   *org.Org
	city, dashilanOfficer, leader    *auth.Principal
	xichangOfficer                   *auth.Principal
	seq                              int
	mobiles                          map[int64]string
}

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func grant(role auth.Role, orgs ...*org.Org) *auth.Principal {
	p := &auth.Principal{UserID: 1, Username: "t", Kind: "staff"}
	for _, o := range orgs {
		p.Grants = append(p.Grants, auth.Grant{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name})
	}
	return p
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	ms := member.NewStore(d, testkit.Keys(t))
	w := &world{m: ms, o: org.NewStore(d), d: d, clock: &clock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, beijing.Zone)}}
	w.s = NewStore(d, ms)
	w.s.SetClock(w.clock.now)
	var err error
	if w.root, err = w.o.CreateRoot(ctx, "北京市总工会", org.KindCity, "110000"); err != nil {
		t.Fatal(err)
	}
	w.city = grant(auth.RoleOfficer, w.root)
	mk := func(parent *org.Org, name string, kind org.Kind) *org.Org {
		t.Helper()
		o, err := w.o.Create(ctx, w.city, org.CreateInput{ParentID: parent.ID, Name: name, Kind: kind})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	w.xicheng = mk(w.root, "北京市西城区总工会", org.KindDistrict)
	w.dashilan = mk(w.xicheng, "大栅栏街道总工会", org.KindStreet)
	w.xichang = mk(w.xicheng, "西长安街街道总工会", org.KindStreet)
	w.unionA = mk(w.dashilan, "甲公司工会", org.KindGrassroots)
	w.unionB = mk(w.xichang, "乙公司工会", org.KindGrassroots)
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

// self is a member's own principal.
func self(m *member.Member) *auth.Principal {
	return &auth.Principal{Kind: auth.KindMember, MemberID: m.ID, Username: m.Name}
}

// input is a valid activity starting an hour after the world's clock.
func (w *world) input(o *org.Org) Input {
	start := w.clock.now().Add(time.Hour)
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

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
}

func wantField(t testing.TB, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("error %v, want field %s", err, field)
	}
	f, ok := e.Fields[field]
	if !ok {
		t.Fatalf("error %v has no field %s", err, field)
	}
	if key != "" && f.Key != key {
		t.Fatalf("field %s: %s, want %s", field, f.Key, key)
	}
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
