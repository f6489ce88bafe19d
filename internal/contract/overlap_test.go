package contract

import (
	"crypto/rand"
	"strings"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/report"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

// One contract of a kind per employer at a time: an overlapping term is
// the field error of the employer's row and stores nothing; another kind,
// a term after it, or the renewal taking over from its predecessor are
// allowed.
func TestContractOverlap(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-03-01")
		a := EmployerInput{EmployerID: w.empA.ID, Workers: 200}
		c := EmployerInput{EmployerID: w.empC.ID, Workers: 30}
		first, err := w.s.Create(ctx, w.street, w.input("2026-01-01", "2027-12-31", a))
		if err != nil {
			t.Fatal(err)
		}
		// A regional contract whose second employer already has one.
		_, err = w.s.Create(ctx, w.street, w.input("2027-06-01", "2028-05-31", c, a))
		testkit.WantField(t, err, "employers.1.employer_id", "contract.overlaps")
		if e, _ := errs.As(err); len(e.Fields) != 1 {
			t.Fatalf("fields %+v", e.Fields)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM contracts"); n != 1 {
			t.Fatalf("contracts after refusal: %d", n)
		}
		// The same days but another kind: a special wage contract.
		wage := w.input("2026-01-01", "2027-12-31", a)
		wage.Kind, wage.WageIncrease = KindWage, 350
		if _, err := w.s.Create(ctx, w.street, wage); err != nil {
			t.Fatal(err)
		}
		// The day after it ends: no overlap.
		next, err := w.s.Create(ctx, w.street, w.input("2028-01-01", "2028-12-31", a))
		if err != nil {
			t.Fatal(err)
		}
		// Editing it back into the first one's term is refused too.
		_, err = w.s.Update(ctx, w.street, next.ID, next.Version, w.input("2027-12-31", "2028-12-31", a))
		testkit.WantField(t, err, "employers.0.employer_id", "contract.overlaps")
		// Editing the first contract itself is no overlap with itself.
		if _, err := w.s.Update(ctx, w.street, first.ID, first.Version, w.input("2026-01-01", "2027-11-30", a)); err != nil {
			t.Fatal(err)
		}

		// A renewal takes over before its predecessor ends: allowed.
		if _, err := w.s.Submit(ctx, w.street, first.ID, "2026-01-05"); err != nil {
			t.Fatal(err)
		}
		// Renewing the first one now would start on 2027-12-01, inside the
		// contract already made for 2028: refused, nothing made.
		_, err = w.s.Renew(ctx, w.street, first.ID)
		testkit.WantCode(t, err, "overlap")
		if n := count(t, d, "SELECT COUNT(*) FROM contracts WHERE previous_id = ?", first.ID); n != 0 {
			t.Fatalf("renewals after refusal: %d", n)
		}
		// Without the later contract in the way, the renewal is made; its
		// term may then be moved to start early, overlapping only the
		// contract it renews.
		if _, err := d.Exec(ctx, "DELETE FROM contract_employers WHERE contract_id = ?", next.ID); err != nil {
			t.Fatal(err)
		}
		r, err := w.s.Renew(ctx, w.street, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := w.input("2027-06-01", "2029-05-31", a)
		if _, err := w.s.Update(ctx, w.street, r.ID, r.Version, in); err != nil {
			t.Fatalf("renewal starting early: %v", err)
		}
	})
}

func count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two processes create contracts of one kind for the same employer at
// once, with overlapping terms: one is saved, the others get the field
// error, on both engines.
func TestContractOverlapAcrossProcesses(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		a, b := testkit.OpenDSN(t, dsn), testkit.OpenDSN(t, dsn)
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		for _, d := range []*db.DB{a, b} {
			if _, err := audit.Attach(d, audit.Options{Key: key}); err != nil {
				t.Fatal(err)
			}
		}
		w := newWorld(t, a, "2026-03-01")
		other := NewStore(b, testkit.Keys(t))
		other.SetClock(w.clock.Now)
		var fns []func() error
		refused := make([]bool, 8)
		for i := range 8 {
			st := w.s
			if i%2 == 1 {
				st = other
			}
			in := w.input("2026-0"+string(rune('1'+i%4))+"-01", "2027-12-31", EmployerInput{EmployerID: w.empA.ID, Workers: 100 + i})
			fns = append(fns, func() error {
				_, err := st.Create(ctx, w.street, in)
				if e, ok := errs.As(err); ok && e.Fields["employers.0.employer_id"].Key == "contract.overlaps" {
					refused[i] = true
					return nil
				}
				return err
			})
		}
		signuptest.Together(t, fns)
		n := 0
		for _, r := range refused {
			if r {
				n++
			}
		}
		if saved := count(t, a, "SELECT COUNT(*) FROM contract_employers WHERE employer_id = ?", w.empA.ID); saved != 1 || n != 7 {
			t.Fatalf("saved %d, refused %d of 8", saved, n)
		}
	})
}

// The form's picker finds employers by name, pinyin initials or credit
// code, only within the caller's subtrees; Employer refuses any other.
func TestContractEmployerSearch(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-03-01")
		code, err := cnid.MakeCreditCode("91110101MA01ABCD0")
		if err != nil {
			t.Fatal(err)
		}
		coded, err := w.tr.Orgs.CreateEmployer(ctx, w.tr.City, org.EmployerInput{OwnerOrgID: w.tr.Dashilan.ID, Name: "北京前门大碗茶有限公司",
			Category: "170", Employees: 80, CreditCode: code})
		if err != nil {
			t.Fatal(err)
		}
		find := func(q string) []string {
			t.Helper()
			out, err := w.s.SearchEmployers(ctx, w.street, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range out {
				names = append(names, c.Name)
			}
			return names
		}
		for q, want := range map[string]int{"甲": 1, "大碗茶": 1, "bjqm": 1, strings.ToLower(code[:9] + " " + code[9:]): 1, "乙公司": 0, "": 3} {
			if got := find(q); len(got) != want {
				t.Errorf("search %q: %v, want %d", q, got, want)
			}
		}
		_, err = w.s.SearchEmployers(ctx, w.street, string(make([]byte, MaxSearch+1)), 20)
		testkit.WantField(t, err, "q", "field.too_long")
		if c, err := w.s.Employer(ctx, w.street, coded.ID); err != nil || c.CreditCode != code {
			t.Fatalf("employer %+v %v", c, err)
		}
		if _, err := w.s.Employer(ctx, w.street, w.empB.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another street's employer: %v", err)
		}
		if got, err := w.s.SearchEmployers(ctx, w.other, "甲", 20); err != nil || len(got) != 0 {
			t.Fatalf("neighbour finds %v %v", got, err)
		}
	})
}

// The period report counts contracts in force, and covered employers and
// workers, as of the period's last day, and those whose term ends within
// the period; without a period, as of today.
func TestContractFiguresAsOfPeriodEnd(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2027-03-01")
		a := EmployerInput{EmployerID: w.empA.ID, Workers: 200}
		c := EmployerInput{EmployerID: w.empC.ID, Workers: 30}
		make := func(kind Kind, start, end, submitted string, e EmployerInput) {
			t.Helper()
			in := w.input(start, end, e)
			in.Kind, in.SignedOn = kind, submitted
			if kind == KindWage {
				in.WageIncrease = 300
			}
			k, err := w.s.Create(ctx, w.street, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Submit(ctx, w.street, k.ID, submitted); err != nil {
				t.Fatal(err)
			}
		}
		make(KindComprehensive, "2025-01-01", "2026-06-30", "2025-01-05", a) // in force 2025-01-21 … 2026-06-30
		make(KindComprehensive, "2026-03-01", "2028-02-29", "2026-02-01", c) // from 2026-03-01
		make(KindWage, "2026-08-01", "2027-07-31", "2026-07-01", a)          // from 2026-08-01
		st := stats.NewStore(d)
		if err := st.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		rp := &report.Reporter{Orgs: w.tr.Orgs, Members: member.NewStore(d, testkit.Keys(t)), Stats: st, Now: w.clock.Now}
		for _, c := range []struct {
			from, to                              string
			inForce, expiring, employers, workers int64
		}{
			{"", "", 2, 0, 2, 230},                     // today: the second and the wage contract, neither within three months of its end
			{"2025-07-01", "2025-12-31", 1, 0, 1, 200}, // only the first, ending later
			{"2026-01-01", "2026-06-30", 2, 1, 2, 230}, // the first ends on the period's last day
			{"2026-07-01", "2026-07-31", 1, 0, 1, 30},  // between the first and the wage contract
			{"", "2026-05-01", 2, 1, 2, 230},           // no start: the reminder months on its last day
			{"2026-07-01", "2030-12-31", 2, 0, 2, 230}, // past today: counted as of today
			{"2024-01-01", "2024-12-31", 0, 0, 0, 0},   // before any
		} {
			dash, err := rp.Dashboard(ctx, w.street, w.tr.Dashilan.ID, report.Period{From: c.from, To: c.to})
			if err != nil {
				t.Fatalf("%s–%s: %v", c.from, c.to, err)
			}
			f, ok := dash.Section("contracts").(*Figures)
			if !ok {
				t.Fatalf("no contracts section")
			}
			if f.InForce != c.inForce || f.Expiring != c.expiring || f.Employers != c.employers || f.Workers != c.workers {
				t.Errorf("%s–%s: in force %d, expiring %d, employers %d, workers %d; want %d %d %d %d", c.from, c.to,
					f.InForce, f.Expiring, f.Employers, f.Workers, c.inForce, c.expiring, c.employers, c.workers)
			}
		}
	})
}
