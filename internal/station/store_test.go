package station

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/sheet"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

type world struct {
	s     *Store
	d     *db.DB
	tr    *signuptest.Tree
	clock *signuptest.Clock
	east  *auth.Principal // officer of 大栅栏
	west  *auth.Principal // officer of 西长安街
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	w := &world{s: NewStore(d), d: d, tr: signuptest.NewTree(t, org.NewStore(d)),
		clock: signuptest.NewClock(time.Date(2026, 9, 28, 10, 0, 0, 0, beijing.Zone))} // a Monday
	w.s.SetClock(w.clock.Now)
	w.east = signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
	w.west = signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)
	return w
}

func f64(v float64) *float64 { return &v }

func (w *world) input(name string, lat, lng float64) Input {
	return Input{OrgID: w.tr.Dashilan.ID, Type: TypeWarm, Name: name, Address: "北京市西城区大栅栏街" + name, Lat: f64(lat), Lng: f64(lng),
		Amenities: []Amenity{AmWater, AmCharging, AmSeats}, Phone: "010-6303 1234", Contact: "李站长",
		Hours: HoursText{Mon: "08:00-18:00", Tue: "08:00-18:00", Wed: "08:00-18:00", Thu: "08:00-18:00", Fri: "08:00-18:00", Sat: "休息", Sun: "休息"}}
}

func count(t testing.TB, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Bad input is refused field by field and nothing is stored: places
// outside China, swapped coordinates, overlapping hours, a type that
// does not exist, an organisation out of reach.
func TestCreateRefusesBadInput(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		logged := count(t, d, "stat_log")
		in := w.input("前门驿站", 51.5, -0.12) // London
		in.Hours.Mon = "08:00-12:00,11:00-14:00"
		in.Hours.Exceptions = []ExceptionText{{Date: "2026-13-01", Hours: "休息"}}
		in.Phone = "call me"
		_, err := w.s.Create(ctx, w.east, in)
		testkit.WantField(t, err, "lng", "station.outside_china_lng")
		for field, key := range map[string]string{"hours.mon": "station.hours_overlap", "exceptions.0.date": "station.date_format", "phone": "station.phone_format"} {
			testkit.WantField(t, err, field, key)
		}
		in = w.input("前门驿站", 116.39, 39.90)
		_, err = w.s.Create(ctx, w.east, in)
		testkit.WantField(t, err, "lat", "station.coord_swapped")
		in = w.input("前门驿站", 39.90, 116.39)
		in.Type = "spaceport"
		_, err = w.s.Create(ctx, w.east, in)
		testkit.WantField(t, err, "type", "field.invalid_choice")
		in = w.input("前门驿站", 39.90, 116.39)
		in.OrgID = w.tr.Xichang.ID
		_, err = w.s.Create(ctx, w.east, in)
		testkit.WantField(t, err, "org_id", "field.invalid_id")
		in = w.input("前门驿站", 39.90, 116.39)
		in.Lat, in.LatText = nil, "北纬39度"
		_, err = w.s.Create(ctx, w.east, in)
		testkit.WantField(t, err, "lat", "station.coord_format")
		if n := count(t, d, "stations"); n != 0 {
			t.Fatalf("%d stations stored", n)
		}
		if n := count(t, d, "stat_log") - logged; n != 0 {
			t.Fatalf("%d figures logged", n)
		}
	})
}

func TestCreateReadUpdateScoped(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Written off a Chinese map app: GCJ-02, stored in WGS-84.
		in := w.input("大栅栏暖心驿站", 39.91334545536069, 116.38404722455657)
		in.System = GCJ02
		st, err := w.s.Create(ctx, w.east, in)
		if err != nil {
			t.Fatal(err)
		}
		if Distance(st.Location, Point{39.911954, 116.377817}) > 0.2 || Distance(st.GCJ02, Point{39.91334545536069, 116.38404722455657}) > 0.2 {
			t.Errorf("stored at %v (gcj %v)", st.Location, st.GCJ02)
		}
		if !st.OpenNow || len(st.Code) != 12 || st.Hours.Sat != "" || st.Hours.Mon != "08:00-18:00" {
			t.Errorf("station %+v", st)
		}
		if _, err := w.s.Create(ctx, w.east, w.input("大栅栏暖心驿站", 39.9, 116.4)); err == nil {
			t.Error("a second station of the same name")
		} else {
			testkit.WantField(t, err, "name", "station.name_taken")
		}
		_, err = w.s.Get(ctx, w.west, st.ID)
		testkit.WantKind(t, err, errs.KindNotFound)
		leader := signuptest.Grant(auth.RoleLeader, w.tr.Xicheng)
		if _, err := w.s.Get(ctx, leader, st.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.Update(ctx, leader, st.ID, st.Version, in)
		testkit.WantKind(t, err, errs.KindForbidden)
		_, err = w.s.Update(ctx, w.west, st.ID, st.Version, in)
		testkit.WantKind(t, err, errs.KindNotFound)
		in.Type, in.OrgID = TypeHome, w.tr.UnionA.ID
		up, err := w.s.Update(ctx, w.east, st.ID, st.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if up.Type != TypeHome || up.OrgName != w.tr.UnionA.Name || up.Version != 2 {
			t.Errorf("updated %+v", up)
		}
		_, err = w.s.Update(ctx, w.east, st.ID, st.Version, in)
		testkit.WantCode(t, err, "stale_version")
		if _, err := w.s.SetStatus(ctx, w.east, st.ID, 0, StatusClosed); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.ByCode(ctx, st.Code)
		testkit.WantKind(t, err, errs.KindNotFound)
		// Staff add a type of their own, and it names stations.
		typ, err := w.s.AddType(ctx, w.east, "骑手之家")
		if err != nil {
			t.Fatal(err)
		}
		in2 := w.input("骑手之家（前门）", 39.897, 116.398)
		in2.Type = typ.Code
		if _, err := w.s.Create(ctx, w.east, in2); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.AddType(ctx, w.east, "骑手之家")
		testkit.WantField(t, err, "name", "station.type_taken")
		_, err = w.s.AddType(ctx, leader, "另一个")
		testkit.WantKind(t, err, errs.KindForbidden)
		list, _, err := w.s.List(ctx, w.east, Query{Type: typ.Code})
		if err != nil || len(list) != 1 || list[0].TypeName != "骑手之家" {
			t.Fatalf("list by type: %v %+v", err, list)
		}
		list, _, err = w.s.List(ctx, w.west, Query{})
		if err != nil || len(list) != 0 {
			t.Fatalf("west sees %d", len(list))
		}
		byType, err := w.s.ByType(ctx, w.east, Query{})
		if err != nil || byType[TypeHome] != 1 || byType[typ.Code] != 1 {
			t.Fatalf("by type %v %v", byType, err)
		}
		tot, err := w.s.CountList(ctx, w.east, Query{Status: StatusActive, Amenity: AmCharging})
		if err != nil || tot.N != 1 {
			t.Fatalf("count %+v %v", tot, err)
		}
		recount(t, d)
	})
}

// recount folds the log and checks the rollups against a recount.
func recount(t testing.TB, d *db.DB) {
	t.Helper()
	ss := stats.NewStore(d)
	if err := ss.FoldAll(ctx); err != nil {
		t.Fatal(err)
	}
	bad, err := ss.Check(ctx, StatSource())
	if err != nil || len(bad) != 0 {
		t.Fatalf("figures differ from a recount: %v %+v", err, bad)
	}
}

// Nearest agrees with a brute-force scan over a generated city, with
// and without filters, at points in the middle and at the edge.
func TestNearestMatchesBruteForce(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		rng := rand.New(rand.NewPCG(7, 11))
		type row struct {
			p    Point
			typ  string
			am   []Amenity
			open bool
		}
		var all []row
		var ins []Input
		for i := range 600 {
			in := w.input("驿站"+strconv.Itoa(i), 39.70+rng.Float64()*0.5, 116.10+rng.Float64()*0.6)
			in.Type = BuiltinTypes[i%len(BuiltinTypes)]
			in.Amenities = nil
			for _, a := range Amenities {
				if rng.IntN(3) == 0 {
					in.Amenities = append(in.Amenities, a)
				}
			}
			if i%4 == 0 {
				in.Hours.Mon = "休息" // closed now (a Monday morning)
			}
			ins = append(ins, in)
			all = append(all, row{Point{*in.Lat, *in.Lng}, in.Type, in.Amenities, i%4 != 0})
		}
		if _, err := insertMany(ctx, w.s, w.east, ins); err != nil {
			t.Fatal(err)
		}
		for _, q := range []NearQuery{
			{At: Point{39.95, 116.40}},
			{At: Point{39.95, 116.40}, OpenNow: true, Type: TypeWarm, Amenities: []Amenity{AmWater}},
			{At: Point{40.30, 116.90}, Limit: 5}, // beyond the city's edge
			{At: Point{39.80, 116.20}, Amenities: []Amenity{AmWater, AmCharging, AmToilet}, Limit: 50},
		} {
			got, err := w.s.Nearest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var want []float64
			for _, r := range all {
				if (q.Type == "" || r.typ == q.Type) && (!q.OpenNow || r.open) && hasAll(r.am, q.Amenities) {
					want = append(want, Distance(q.At, r.p))
				}
			}
			slices.Sort(want)
			k := q.Limit
			if k == 0 {
				k = DefaultNear
			}
			want = want[:min(k, len(want))]
			if len(got) != len(want) {
				t.Fatalf("%+v: %d found, want %d", q, len(got), len(want))
			}
			for i := range got {
				if diff := float64(got[i].Distance) - want[i]; diff > 1 || diff < -1 {
					t.Fatalf("%+v: #%d at %d m, want %.0f m", q, i, got[i].Distance, want[i])
				}
				if q.OpenNow && !got[i].OpenNow {
					t.Fatalf("closed station %s", got[i].Name)
				}
			}
		}
		_, err := w.s.Nearest(ctx, NearQuery{At: Point{48.85, 2.35}})
		testkit.WantField(t, err, "lat", "station.outside_china_point")
	})
}

func hasAll(have, want []Amenity) bool {
	for _, a := range want {
		if !slices.Contains(have, a) {
			return false
		}
	}
	return true
}

// insertMany creates stations in one transaction (the generated cities
// of the tests and the benchmark).
func insertMany(ctx context.Context, s *Store, pr *auth.Principal, ins []Input) (int, error) {
	n := 0
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, in := range ins {
			p, f := in.validate()
			if err := f.Err(); err != nil {
				return err
			}
			if err := s.insert(ctx, tx, pr, db.NewID(), p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (w *world) member(t testing.TB, n int, u *org.Org) *auth.Principal {
	t.Helper()
	ms := member.NewStore(w.d, testkit.Keys(t))
	id, err := cnid.MakeResidentID("110102", time.Date(1985, 1, 1+n, 0, 0, 0, 0, time.UTC), n)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ms.Create(ctx, w.tr.City, u.ID, member.Person{Name: "骑手" + string([]rune("甲乙丙丁戊己庚辛")[n%8]), IDNumber: id, Mobile: strconv.Itoa(13700000000 + n), JoinedOn: "2021-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	return signuptest.Self(m)
}

// One visit per member per station per day however many scans arrive at
// once; anonymous visits once per device; claims once per service a day;
// all counted up the tree and among the busiest.
func TestVisitsAndClaims(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		st, err := w.s.Create(ctx, w.east, w.input("前门暖心驿站", 39.897, 116.398))
		if err != nil {
			t.Fatal(err)
		}
		quiet, err := w.s.Create(ctx, w.east, w.input("煤市街驿站", 39.893, 116.393))
		if err != nil {
			t.Fatal(err)
		}
		m1, m2 := w.member(t, 1, w.tr.UnionA), w.member(t, 2, w.tr.UnionB)
		var fns []func() error
		for range 12 {
			fns = append(fns, func() error { _, err := w.s.Visit(ctx, m1, st.Code); return err })
		}
		signuptest.Together(t, fns)
		v, err := w.s.Visit(ctx, m2, st.Code)
		if err != nil || !v.New || v.Today != 2 {
			t.Fatalf("second member: %+v %v", v, err)
		}
		v, err = w.s.Visit(ctx, m1, st.Code)
		if err != nil || v.New || v.Today != 2 {
			t.Fatalf("again: %+v %v", v, err)
		}
		dev := "device0123456789abcdef"
		for range 3 {
			if _, err := w.s.VisitAnonymous(ctx, st.Code, dev); err != nil {
				t.Fatal(err)
			}
		}
		_, err = w.s.VisitAnonymous(ctx, st.Code, "x")
		testkit.WantCode(t, err, "device")
		if _, err := w.s.VisitAnonymous(ctx, quiet.Code, dev); err != nil {
			t.Fatal(err)
		}
		v, err = w.s.Claim(ctx, m1, st.Code, AmWater)
		if err != nil || !slices.Equal(v.Claimed, []Amenity{AmWater}) {
			t.Fatalf("claim: %+v %v", v, err)
		}
		_, err = w.s.Claim(ctx, m1, st.Code, AmWater)
		testkit.WantCode(t, err, "already_claimed")
		_, err = w.s.Claim(ctx, m1, st.Code, AmTyrePump)
		testkit.WantField(t, err, "service", "station.service_not_offered")
		_, err = w.s.Visit(ctx, w.east, st.Code)
		testkit.WantKind(t, err, errs.KindForbidden)
		// The next day counts again.
		w.clock.Add(24 * time.Hour)
		if v, err := w.s.Visit(ctx, m1, st.Code); err != nil || !v.New || v.Today != 1 {
			t.Fatalf("next day: %+v %v", v, err)
		}
		busy, err := w.s.Busiest(ctx, signuptest.Grant(auth.RoleLeader, w.tr.Xicheng), BusyQuery{From: "2026-09-01", To: "2026-09-30"})
		if err != nil || len(busy) != 2 || busy[0].Name != "前门暖心驿站" || busy[0].Visits != 3 || busy[0].Anonymous != 1 || busy[0].Claims != 1 || busy[1].Anonymous != 1 {
			t.Fatalf("busiest: %+v %v", busy, err)
		}
		if busy, err := w.s.Busiest(ctx, w.west, BusyQuery{From: "2026-09-01", To: "2026-09-30"}); err != nil || len(busy) != 0 {
			t.Fatalf("west's busiest: %+v %v", busy, err)
		}
		_, err = w.s.Busiest(ctx, w.east, BusyQuery{From: "2026-09-30", To: "2026-09-01"})
		testkit.WantField(t, err, "to", "station.to_before_from")
		recount(t, d)
		ss := stats.NewStore(d)
		fig, err := ss.Read(ctx, w.tr.Root.ID)
		if err != nil {
			t.Fatal(err)
		}
		f := FiguresFrom(fig, "2026-09", "2026-10")
		if f.Stations != 2 || f.Visits != 3 || f.Anonymous != 2 || f.Claims != 1 || len(f.ByType) != 1 || f.ByType[0] != (TypeCount{TypeWarm, 2}) {
			t.Fatalf("figures %+v", f)
		}
		// Moving a station to another organisation moves its visits' figures.
		in := w.input("前门暖心驿站", 39.897, 116.398)
		in.OrgID = w.tr.UnionA.ID
		if _, err := w.s.Update(ctx, w.east, st.ID, 0, in); err != nil {
			e, _ := errs.As(err)
			t.Fatal(err, e.Fields)
		}
		recount(t, d)
	})
}

func TestLocate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		p, err := w.s.Locate(ctx, "北京市西城区")
		if err != nil || p.From != FromDistrict || Distance(p.At, Point{39.9137, 116.3605}) > 1000 {
			t.Fatalf("西城区: %+v %v", p, err)
		}
		if _, err := w.s.Create(ctx, w.east, w.input("前门驿站", 39.897, 116.398)); err != nil {
			t.Fatal(err)
		}
		p, err = w.s.Locate(ctx, "大栅栏")
		if err != nil || p.From != FromStreet || Distance(p.At, Point{39.897, 116.398}) > 1 {
			t.Fatalf("大栅栏: %+v %v", p, err)
		}
		p, err = w.s.Locate(ctx, "大栅栏街")
		if err != nil || p.From != FromStreet {
			t.Fatalf("大栅栏街: %+v %v", p, err)
		}
		_, err = w.s.Locate(ctx, "火星")
		testkit.WantField(t, err, "place", "station.place_unknown")
	})
}

// An export imports back as it was; a second import adds nothing; bad
// rows are reported by row and column.
func TestImportExport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input("前门驿站", 39.897, 116.398)
		in.Hours.Exceptions = []ExceptionText{{Date: "2026-10-01", Hours: ""}}
		if _, err := w.s.Create(ctx, w.east, in); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if n, err := w.s.Export(ctx, w.east, Query{}, &buf); err != nil || n != 1 {
			t.Fatalf("export %d %v", n, err)
		}
		// Into 西长安街 (the row names no organisation it finds there).
		rows, rep, err := ReadSheet(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil || rep.Invalid != 0 || len(rows) != 1 || rows[0].Input.Hours.Exceptions[0].Date != "2026-10-01" {
			t.Fatalf("read back: %+v %+v %v", rows, rep, err)
		}
		rep, err = w.s.Import(ctx, w.west, bytes.NewReader(buf.Bytes()), int64(buf.Len()), ImportOptions{Mode: sheet.ImportValidRows, OrgID: w.tr.Xichang.ID})
		if err != nil || rep.Invalid != 1 || rep.Imported != 0 || rep.Errors[0].Column != "所属组织" {
			t.Fatalf("import into another street: %+v %v", rep, err)
		}
		bad := csvSheet("名称,类型,地址,纬度,经度,设施,周一\n" +
			"骑手驿站,暖心驿站,前门大街1号,39.9,116.4,饮水、充电,08:00-20:00\n" +
			"伦敦驿站,暖心驿站,伦敦,51.5,-0.1,,\n" +
			"重叠驿站,太空站,前门大街2号,39.9,116.4,饮水,08:00-12:00;11:00-13:00\n")
		rep, err = w.s.Import(ctx, w.east, bytes.NewReader(bad), int64(len(bad)), ImportOptions{Mode: sheet.ImportDryRun, OrgID: w.tr.Dashilan.ID})
		if err != nil || rep.Total != 3 || rep.Valid != 1 || rep.Invalid != 2 || rep.Imported != 0 {
			t.Fatalf("dry run: %+v %v", rep, err)
		}
		cols := map[string]bool{}
		for _, e := range rep.Errors {
			cols[fmt.Sprint(e.Row, e.Column)] = true
		}
		for _, want := range []string{"3经度", "4周一"} {
			if !cols[want] {
				t.Errorf("no error at %s: %+v", want, rep.Errors)
			}
		}
		rep, err = w.s.Import(ctx, w.east, bytes.NewReader(bad), int64(len(bad)), ImportOptions{Mode: sheet.ImportAllOrNothing, OrgID: w.tr.Dashilan.ID})
		if err != nil || rep.Imported != 0 || count(t, d, "stations") != 1 {
			t.Fatalf("all or nothing: %+v %v", rep, err)
		}
		for range 2 {
			rep, err = w.s.Import(ctx, w.east, bytes.NewReader(bad), int64(len(bad)), ImportOptions{Mode: sheet.ImportValidRows, OrgID: w.tr.Dashilan.ID})
			if err != nil {
				t.Fatal(err)
			}
		}
		if rep.Imported != 0 || rep.Skipped != 1 || count(t, d, "stations") != 2 {
			t.Fatalf("second import: %+v", rep)
		}
		recount(t, d)
	})
}

func csvSheet(s string) []byte { return []byte(s) }

func FuzzReadSheet(f *testing.F) {
	f.Add(csvSheet("名称,类型,地址,纬度,经度,设施,周一,例外日期\n驿站,暖心驿站,前门,39.9,116.4,饮水,08:00-20:00,2026-10-01 休息\n"))
	f.Add(csvSheet("名称,地址,纬度,经度\n,,,\n\"a\",\"b\",\"1e9\",\"x\"\n"))
	f.Add(csvSheet("名称,地址\nx,y\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, rep, err := ReadSheet(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if rep.Valid != len(rows) || rep.Valid+rep.Invalid != rep.Total {
			t.Fatalf("report %+v with %d rows", rep, len(rows))
		}
		for _, r := range rows {
			// The organisation and the type are resolved later.
			in := r.Input
			in.OrgID, in.Type = 1, TypeWarm
			if _, f := in.validate(); len(f) != 0 {
				t.Fatalf("row %d passed the sheet but not validate: %v", r.Num, f)
			}
		}
	})
}
