package contract

import (
	"context"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/org"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// world is signuptest's tree with an employer organised by each union
// (甲公司 by UnionA under Dashilan, 乙公司 by UnionB under Xichang) and a
// third owned by Dashilan with no union; the store's clock stands at 09:00
// Beijing time on the day given.
type world struct {
	s                *Store
	d                *db.DB
	tr               *signuptest.Tree
	clock            *signuptest.Clock
	empA, empB, empC *org.Employer
	street, other    *auth.Principal // officers of Dashilan and Xichang
}

func at(day string) time.Time {
	t, ok := beijing.ParseDay(day)
	if !ok {
		panic(day)
	}
	return t.Add(9 * time.Hour)
}

func newWorld(t testing.TB, d *db.DB, day string) *world {
	t.Helper()
	w := &world{d: d, tr: signuptest.NewTree(t, org.NewStore(d)), clock: signuptest.NewClock(at(day))}
	w.s = NewStore(d, testkit.Keys(t))
	w.s.SetClock(w.clock.Now)
	emp := func(owner, union *org.Org, name string) *org.Employer {
		e, err := w.tr.Orgs.CreateEmployer(ctx, w.tr.City, org.EmployerInput{OwnerOrgID: owner.ID, Name: name, Category: "170", Employees: 300})
		if err != nil {
			t.Fatal(err)
		}
		if union != nil {
			if err := w.tr.Orgs.LinkEmployer(ctx, w.tr.City, union.ID, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		return e
	}
	w.empA, w.empB, w.empC = emp(w.tr.Dashilan, w.tr.UnionA, "甲公司"), emp(w.tr.Xichang, w.tr.UnionB, "乙公司"), emp(w.tr.Dashilan, nil, "丙商店")
	w.street, w.other = signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan), signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)
	return w
}

func (w *world) input(start, end string, emps ...EmployerInput) Input {
	cov := CoverEmployer
	if len(emps) > 1 {
		cov = CoverRegional
	}
	return Input{OrgID: w.tr.Dashilan.ID, Title: "大栅栏街道区域性集体合同", Kind: KindComprehensive, Coverage: cov, UnionRep: "李主席", EmployerRep: "王经理",
		SignedOn: start, StartsOn: start, EndsOn: end, Employers: emps}
}

func (w *world) figures(t testing.TB, o *org.Org) *Figures {
	t.Helper()
	st := stats.NewStore(w.d)
	if err := st.FoldAll(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := st.Read(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return FiguresFrom(f, "", "")
}

func TestDays(t *testing.T) {
	for _, c := range []struct{ submitted, start, reviewEnds, effective string }{
		{"2026-01-20", "2026-01-01", "2026-02-04", "2026-02-05"}, // across a month end
		{"2024-02-14", "2024-01-01", "2024-02-29", "2024-03-01"}, // a leap February
		{"2026-02-14", "2026-01-01", "2026-03-01", "2026-03-02"}, // an ordinary one
		{"2026-12-20", "2026-12-01", "2027-01-04", "2027-01-05"}, // across the year's end
		{"2026-03-01", "2026-07-01", "2026-03-16", "2026-07-01"}, // the term starts later
	} {
		if got := ReviewEnds(c.submitted); got != c.reviewEnds {
			t.Errorf("ReviewEnds(%s) = %s, want %s", c.submitted, got, c.reviewEnds)
		}
		if got := EffectiveOn(c.submitted, c.start); got != c.effective {
			t.Errorf("EffectiveOn(%s, %s) = %s, want %s", c.submitted, c.start, got, c.effective)
		}
	}
	for end, want := range map[string]string{"2027-05-31": "2027-02-28", "2028-05-31": "2028-02-29", "2027-12-31": "2027-09-30", "2027-03-15": "2026-12-15"} {
		if got := RemindOn(end); got != want {
			t.Errorf("RemindOn(%s) = %s, want %s", end, got, want)
		}
	}
	if got := sameTerm("2025-01-01", "2027-12-31", "2028-01-01"); got != "2030-12-31" {
		t.Errorf("three years on: %s", got)
	}
	if got := sameTerm("2025-01-10", "2025-03-20", "2025-03-21"); got != "2025-05-29" {
		t.Errorf("same days on: %s", got)
	}
	d := days{state: StateSubmitted, submitted: "2026-01-20", effective: "2026-02-05", lapse: "2027-01-01", remind: "2026-09-30"}
	for day, want := range map[string]Status{"2026-01-20": StatusReview, "2026-02-04": StatusReview, "2026-02-05": StatusInForce,
		"2026-12-31": StatusInForce, "2027-01-01": StatusExpired} {
		if got := d.statusOn(day); got != want {
			t.Errorf("status on %s = %s, want %s", day, got, want)
		}
	}
	if d.expiringOn("2026-09-29") || !d.expiringOn("2026-09-30") || d.expiringOn("2027-01-01") {
		t.Error("expiring from the reminder day to the end")
	}
	if got := d.nextChange("2026-02-05"); got != "2026-09-30" {
		t.Errorf("next change %s", got)
	}
}

func TestBadInputStoresNothing(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-03-01")
		in := w.input("2026-06-01", "2026-05-31", EmployerInput{EmployerID: w.empA.ID, Workers: 120})
		_, err := w.s.Create(ctx, w.street, in)
		testkit.WantField(t, err, "ends_on", "contract.ends_before_start")
		in = w.input("2026-01-01", "2029-06-30", EmployerInput{EmployerID: w.empA.ID, Workers: 0})
		in.Title, in.Kind, in.Coverage = " ", "nope", CoverRegional
		_, err = w.s.Create(ctx, w.street, in)
		for field, key := range map[string]string{"title": "field.required", "kind": "field.invalid_choice", "ends_on": "contract.term_too_long",
			"employers": "contract.many_employers"} {
			testkit.WantField(t, err, field, key)
		}
		// An employer of another street, and a wage contract without wage terms.
		in = w.input("2026-01-01", "2026-12-31", EmployerInput{EmployerID: w.empB.ID, Workers: 10})
		in.Kind = KindWage
		_, err = w.s.Create(ctx, w.street, in)
		testkit.WantField(t, err, "wage_increase", "contract.wage_terms_required")
		in.WageIncrease = 350
		_, err = w.s.Create(ctx, w.street, in)
		testkit.WantField(t, err, "employers.0.employer_id", "contract.employer_outside")
		var n int
		if err := d.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM contracts) + (SELECT COUNT(*) FROM contract_employers) + (SELECT COUNT(*) FROM contract_events)").Scan(&n); err != nil || n != 0 {
			t.Fatalf("stored %d rows (%v)", n, err)
		}
	})
}

func TestLifecycleScopeAndFigures(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-01-10")
		c, err := w.s.Create(ctx, w.street, w.input("2026-01-01", "2028-12-31", EmployerInput{EmployerID: w.empA.ID, Workers: 120},
			EmployerInput{EmployerID: w.empC.ID, Workers: 15}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != StatusDraft || c.Workers != 135 || len(c.Employers) != 2 {
			t.Fatalf("draft: %+v", c)
		}
		// Another street's officer sees nothing of it.
		if _, err := w.s.Get(ctx, w.other, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other street: %v", err)
		}
		if _, err := w.s.Submit(ctx, w.other, c.ID, ""); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other street submits: %v", err)
		}
		if items, _, err := w.s.List(ctx, w.other, Query{}); err != nil || len(items) != 0 {
			t.Fatalf("other street's list: %v %v", items, err)
		}
		_, err = w.s.Submit(ctx, w.street, c.ID, "2026-01-11")
		testkit.WantField(t, err, "submitted_on", "contract.day_in_future")

		// Submitted on 20 January: under review through 4 February.
		w.clock.Set(at("2026-01-21"))
		if c, err = w.s.Submit(ctx, w.street, c.ID, "2026-01-20"); err != nil || c.Status != StatusReview || c.EffectiveOn != "2026-02-05" {
			t.Fatalf("submit: %+v %v", c, err)
		}
		w.clock.Set(at("2026-01-25"))
		_, err = w.s.Object(ctx, w.street, c.ID, "2026-01-19", "工资条款低于最低工资标准")
		testkit.WantField(t, err, "objected_on", "contract.objection_window")
		if c, err = w.s.Object(ctx, w.street, c.ID, "", "工资条款低于最低工资标准"); err != nil || c.Status != StatusDraft {
			t.Fatalf("object: %+v %v", c, err)
		}
		if c, err = w.s.Submit(ctx, w.street, c.ID, ""); err != nil || c.EffectiveOn != "2026-02-10" {
			t.Fatalf("submit again: %+v %v", c, err)
		}
		// The day turns at midnight in Beijing (16:00 UTC), not in UTC.
		w.clock.Set(time.Date(2026, 2, 9, 15, 59, 0, 0, time.UTC))
		if c, _ = w.s.Get(ctx, w.street, c.ID); c.Status != StatusReview && c.Status != StatusUpcoming {
			t.Fatalf("before midnight: %s", c.Status)
		}
		w.clock.Set(time.Date(2026, 2, 9, 16, 1, 0, 0, time.UTC))
		if c, _ = w.s.Get(ctx, w.street, c.ID); c.Status != StatusInForce {
			t.Fatalf("after midnight: %s", c.Status)
		}
		_, err = w.s.Object(ctx, w.street, c.ID, "2026-02-01", "迟到的异议")
		testkit.WantCode(t, err, "in_force")

		// The list and the totals agree with the page.
		items, _, err := w.s.List(ctx, w.street, Query{Status: StatusInForce})
		tot, terr := w.s.Totals(ctx, w.tr.City, Query{})
		if err != nil || terr != nil || len(items) != 1 || tot.ByStatus[StatusInForce] != 1 || tot.Employers != 2 || tot.Registry != 3 || tot.Workers != 135 {
			t.Fatalf("list %v %v, totals %+v %v", items, err, tot, terr)
		}
		// The figures follow once settled; the recount agrees throughout.
		if f := w.figures(t, w.tr.Root); f.InForce != 0 || f.Signed != 1 {
			t.Fatalf("before settling: %+v", f)
		}
		if n, err := w.s.Settle(ctx); err != nil || n != 3 {
			t.Fatalf("settle: %d %v", n, err)
		}
		if n, _ := w.s.Settle(ctx); n != 0 {
			t.Fatalf("settled twice: %d", n)
		}
		f := w.figures(t, w.tr.Root)
		if f.InForce != 1 || f.Employers != 2 || f.Workers != 135 || f.Registry != 3 || f.CoveragePermille() != 667 {
			t.Fatalf("root: %+v", f)
		}
		if f := w.figures(t, w.tr.UnionA); f.Employers != 1 || f.Workers != 120 || f.InForce != 0 {
			t.Fatalf("union A: %+v", f)
		}
		if f := w.figures(t, w.tr.Xichang); f.Employers != 0 || f.InForce != 0 {
			t.Fatalf("Xichang: %+v", f)
		}
		bad, err := stats.NewStore(d).Check(ctx, StatSource(), org.StatSource())
		if err != nil || len(bad) != 0 {
			t.Fatalf("recount: %v %v", bad, err)
		}
		// At the end of its term it lapses: settled, nothing is covered.
		w.clock.Set(at("2029-01-01"))
		if _, err := w.s.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if f := w.figures(t, w.tr.Root); f.InForce != 0 || f.Employers != 0 || f.Workers != 0 || f.Expiring != 0 {
			t.Fatalf("after the end: %+v", f)
		}
		if c, _ = w.s.Get(ctx, w.street, c.ID); c.Status != StatusExpired {
			t.Fatalf("after the end: %s", c.Status)
		}
	})
}

func TestExpiringAndRenewal(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2025-01-20")
		in := w.input("2025-01-01", "2025-12-31", EmployerInput{EmployerID: w.empA.ID, Workers: 120})
		in.OrgID, in.Title, in.Kind, in.WageIncrease, in.MinWage = w.tr.UnionA.ID, "甲公司工资专项集体合同", KindWage, 500, 2540_00
		c, err := w.s.Create(ctx, w.street, in)
		if err == nil {
			c, err = w.s.Submit(ctx, w.street, c.ID, "")
		}
		if err != nil {
			e, _ := errs.As(err)
			t.Fatalf("%v %+v", err, e.Fields)
		}
		unionStaff := signuptest.Grant(auth.RoleOfficer, w.tr.UnionA)
		src := w.s.InboxSource()
		count := func() int {
			n, err := src.Count(ctx, unionStaff, []string{w.tr.UnionA.Path})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := w.s.Renew(ctx, w.street, c.ID); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("renewed under review: %v", err)
		}
		w.clock.Set(at("2025-09-29"))
		if count() != 0 {
			t.Fatal("reminded early")
		}
		w.clock.Set(at("2025-09-30"))
		items, err := src.Oldest(ctx, unionStaff, []string{w.tr.UnionA.Path}, 10)
		if err != nil || len(items) != 1 || items[0].Link != "/contracts/"+db.FormatID(c.ID) {
			t.Fatalf("reminder: %v %v", items, err)
		}
		if exp, _, _ := w.s.List(ctx, w.street, Query{Expiring: true}); len(exp) != 1 {
			t.Fatalf("expiring filter: %v", exp)
		}
		if _, err := w.s.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if f := w.figures(t, w.tr.Dashilan); f.InForce != 1 || f.Expiring != 1 {
			t.Fatalf("expiring figures: %+v", f)
		}

		// The renewal: a draft for the next year, linked both ways.
		r, err := w.s.Renew(ctx, w.street, c.ID)
		if err != nil || r.StartsOn != "2026-01-01" || r.EndsOn != "2026-12-31" || r.PreviousID != c.ID || r.WageIncrease != 500 || len(r.Employers) != 1 {
			t.Fatalf("renew: %+v %v", r, err)
		}
		if _, err := w.s.Renew(ctx, w.street, c.ID); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("renewed twice: %v", err)
		}
		if count() != 1 {
			t.Fatal("a draft renewal stops the reminder")
		}
		if _, err = w.s.Submit(ctx, w.street, r.ID, ""); err != nil {
			t.Fatal(err)
		}
		if count() != 0 {
			t.Fatal("the reminder stays after the renewal was submitted")
		}
		// An objection to the renewal brings the reminder back.
		if _, err := w.s.Object(ctx, w.street, r.ID, "", "条款需要重新协商"); err != nil {
			t.Fatal(err)
		}
		if count() != 1 {
			t.Fatal("the reminder did not come back")
		}
		if _, err = w.s.Submit(ctx, w.street, r.ID, ""); err != nil {
			t.Fatal(err)
		}
		w.clock.Set(at("2026-01-01"))
		old, _ := w.s.Get(ctx, w.street, c.ID)
		det, err := w.s.Detail(ctx, w.street, r.ID)
		if err != nil || old.Status != StatusSuperseded || det.Status != StatusInForce || len(det.Chain) != 2 || det.Chain[0].ID != c.ID || !det.Chain[1].Current {
			t.Fatalf("after the renewal took over: old %s, new %+v %v", old.Status, det, err)
		}
		if _, err := w.s.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if f := w.figures(t, w.tr.Root); f.InForce != 1 || f.Expiring != 0 || f.Employers != 1 || f.Workers != 120 || f.Signed != 2 {
			t.Fatalf("after the renewal: %+v", f)
		}
		bad, err := stats.NewStore(d).Check(ctx, StatSource(), org.StatSource())
		if err != nil || len(bad) != 0 {
			t.Fatalf("recount: %v %v", bad, err)
		}
	})
}

func TestFileSealed(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-01-10")
		c, err := w.s.Create(ctx, w.street, w.input("2026-01-01", "2026-12-31", EmployerInput{EmployerID: w.empC.ID, Workers: 8}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.s.Upload(ctx, w.street, c.ID, "x.pdf", []byte("<html>not a pdf</html>"))
		testkit.WantField(t, err, "file", "contract.file_type")
		pdf := []byte("%PDF-1.4\n集体合同文本\n%%EOF")
		if _, err := w.s.Upload(ctx, w.other, c.ID, "x.pdf", pdf); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other street uploads: %v", err)
		}
		f, err := w.s.Upload(ctx, w.street, c.ID, `C:\合同\"最终版".PDF`, pdf)
		if err != nil || f.Name != "_最终版_.pdf" || f.ContentType != TypePDF {
			t.Fatalf("upload: %+v %v", f, err)
		}
		var raw []byte
		if err := d.QueryRow(ctx, "SELECT data FROM contract_files WHERE contract_id = ?", c.ID).Scan(&raw); err != nil || string(raw) == string(pdf) {
			t.Fatalf("not sealed: %v", err)
		}
		_, data, err := w.s.FileData(ctx, w.street, c.ID)
		if err != nil || string(data) != string(pdf) {
			t.Fatalf("read back: %v", err)
		}
		if _, _, err := w.s.FileData(ctx, w.other, c.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other street reads: %v", err)
		}
	})
}
