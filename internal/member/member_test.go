package member

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/membertest"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

func TestCreateValidates(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		good := Person{Name: "张中喜", IDNumber: membertest.IDNumber(t, 1), Mobile: "13812345678", JoinedOn: "2020-01-02"}
		cases := []struct {
			name  string
			edit  func(p *Person)
			field string
			key   string
		}{
			{"no name", func(p *Person) { p.Name = " " }, "name", "field.required"},
			{"digits in name", func(p *Person) { p.Name = "张3" }, "name", "member.name_chars"},
			{"bad check char", func(p *Person) { p.IDNumber = p.IDNumber[:17] + otherCheck(p.IDNumber[17]) }, "id_number", "member.id_number.check"},
			{"excel float", func(p *Person) { p.IDNumber = "1.10102198E+17" }, "id_number", "member.id_number_float"},
			{"short id", func(p *Person) { p.IDNumber = "11010219800101" }, "id_number", "member.id_number.length"},
			{"bad mobile", func(p *Person) { p.Mobile = "12345" }, "mobile", "field.mobile.invalid"},
			{"future date", func(p *Person) { p.JoinedOn = "2999-01-01" }, "joined_on", "member.date_future"},
			{"bad date", func(p *Person) { p.JoinedOn = "2020-02-30" }, "joined_on", "field.invalid_date"},
			{"date before the federation existed", func(p *Person) { p.JoinedOn = "1900-01-01" }, "joined_on", "member.joined_too_early"},
			{"unknown tag", func(p *Person) { p.Tags = []string{"king"} }, "tags", "field.invalid_choice"},
			{"foreign employer", func(p *Person) { p.EmployerID = w.EmpB.ID }, "employer_id", "member.employer_not_here"},
		}
		for _, c := range cases {
			p := good
			c.edit(&p)
			_, err := w.s.Create(ctx, w.Admin, w.UnionA.ID, p)
			membertest.WantField(t, err, c.field, c.key)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members"); n != 0 {
			t.Fatalf("bad input wrote %d members", n)
		}
		// Federations above a street hold no members.
		_, err := w.s.Create(ctx, w.Admin, w.Xicheng.ID, good)
		membertest.WantField(t, err, "org_id", "member.org_kind")
		// Outside the caller's subtree: the union does not exist for it.
		_, err = w.s.Create(ctx, w.DashilanOfficer, w.UnionB.ID, good)
		membertest.WantField(t, err, "org_id", "field.invalid_id")
		_, err = w.s.Create(ctx, w.Leader, w.UnionA.ID, good)
		membertest.WantKind(t, err, errs.KindForbidden)

		good.EmployerID = w.EmpA.ID
		m, err := w.s.Create(ctx, w.DashilanOfficer, w.SubA.ID, good)
		if err != nil {
			t.Fatal(err)
		}
		// Sex and birth date are masked with the ID number; a reveal shows them.
		if m.EmployerName != "甲公司" || m.Gender != "" || m.BirthDate != MaskedBirthDate {
			t.Fatalf("member %+v", m)
		}
		if rv, err := w.s.Reveal(ctx, w.DashilanOfficer, m.ID, "核对"); err != nil || rv.Gender != "male" && rv.Gender != "female" || rv.BirthDate != "1980-01-02" {
			t.Fatalf("revealed %+v %v", rv, err)
		}
		if !strings.HasPrefix(m.IDNumber, "110") || !strings.Contains(m.IDNumber, "*") || m.Mobile != "138****5678" {
			t.Fatalf("not masked: %s %s", m.IDNumber, m.Mobile)
		}
	})
}

func otherCheck(c byte) string {
	if c == '1' {
		return "2"
	}
	return "1"
}

// The plain numbers are nowhere in the database: not in the members table,
// not in the history, not in the audit log.
func TestPersonalDataSealed(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		id := membertest.IDNumber(t, 7)
		m, err := w.s.Create(ctx, w.Admin, w.UnionA.ID, Person{Name: "李四", IDNumber: id, Mobile: "13912345678"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Reveal(ctx, w.Admin, m.ID, "核对"); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"members", "member_events", "audit_log", "member_grams"} {
			rows, err := d.Query(ctx, "SELECT * FROM "+table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					if strings.Contains(s, id) || strings.Contains(s, "13912345678") {
						t.Fatalf("%s.%s holds a plain number", table, cols[i])
					}
				}
			}
			rows.Close()
		}
	})
}

func TestRevealNeedsPermissionAndIsAudited(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		id := membertest.IDNumber(t, 8)
		m, err := w.s.Create(ctx, w.Admin, w.UnionA.ID, Person{Name: "王五", IDNumber: id, Mobile: "13900001111"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.s.Reveal(ctx, w.Leader, m.ID, "")
		membertest.WantKind(t, err, errs.KindForbidden)
		_, err = w.s.Reveal(ctx, w.XichangOf, m.ID, "")
		membertest.WantKind(t, err, errs.KindNotFound)
		r, err := w.s.Reveal(ctx, w.DashilanOfficer, m.ID, "核对身份")
		if err != nil {
			t.Fatal(err)
		}
		if r.IDNumber != id || r.Mobile != "13900001111" {
			t.Fatalf("revealed %+v", r)
		}
		entries, err := audit.List(ctx, d, audit.Filter{Paths: []string{w.Root.Path}})
		if err != nil {
			t.Fatal(err)
		}
		reveals := 0
		for _, e := range entries {
			if e.Action == "pii.reveal" && e.EntityID == db.FormatID(m.ID) {
				reveals++
			}
		}
		if reveals != 1 {
			t.Fatalf("%d reveal records, want 1", reveals)
		}
	})
}

func TestOnePersonOneMembership(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		p := Person{Name: "赵六", IDNumber: membertest.IDNumber(t, 9), Mobile: "13700001111"}
		if _, err := w.s.Create(ctx, w.Admin, w.UnionA.ID, p); err != nil {
			t.Fatal(err)
		}
		_, err := w.s.Create(ctx, w.Admin, w.UnionA.ID, p)
		membertest.WantField(t, err, "id_number", "member.already_member")
		_, err = w.s.Create(ctx, w.Admin, w.UnionB.ID, p)
		membertest.WantField(t, err, "id_number", "member.member_elsewhere")
		q := Person{Name: "钱七", IDNumber: membertest.IDNumber(t, 10), Mobile: "13700001111"}
		_, err = w.s.Create(ctx, w.Admin, w.UnionB.ID, q)
		membertest.WantField(t, err, "mobile", "member.mobile_taken")

		// Many at once, for the same person, at two unions: one wins.
		r := Person{Name: "孙八", IDNumber: membertest.IDNumber(t, 11)}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := w.UnionA
				if i%2 == 1 {
					u = w.UnionB
				}
				_, err := w.s.Create(ctx, w.Admin, u.ID, r)
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if !errs.Is(err, errs.KindConflict) {
					t.Errorf("create: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d creates succeeded, want 1", ok)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members WHERE name = ?", "孙八"); n != 1 {
			t.Fatalf("%d rows", n)
		}
	})
}

func TestListSearchAndScope(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		names := []string{"王伟", "王伟民", "王小伟", "张中喜", "李伟", "欧阳王伟", "张三"}
		var made []*Member
		for i, n := range names {
			u := w.UnionA
			if i%3 == 2 {
				u = w.UnionB
			}
			tags := []string{}
			if i%2 == 0 {
				tags = append(tags, string(TagModelWorker))
			}
			made = append(made, w.add(t, u, n, 100+i, tags...))
		}
		// Extra members to page through.
		for i := range 60 {
			w.add(t, w.SubA, "职工"+string(rune('甲'+i)), 200+i)
		}
		find := func(p *auth.Principal, q Query) []string {
			t.Helper()
			var out []string
			for _, m := range listAll(t, w, p, q) {
				out = append(out, m.Name)
			}
			slices.Sort(out)
			return out
		}
		check := func(p *auth.Principal, q Query, want ...string) {
			t.Helper()
			slices.Sort(want)
			if got := find(p, q); !slices.Equal(got, want) {
				t.Fatalf("%+v: got %v, want %v", q, got, want)
			}
		}
		check(w.Admin, Query{Q: "王伟"}, "王伟", "王伟民", "欧阳王伟")
		check(w.Admin, Query{Q: "王"}, "王伟", "王伟民", "王小伟")
		check(w.Admin, Query{Q: "伟民"}, "王伟民")
		check(w.Admin, Query{Q: "zzx"}, "张中喜")
		check(w.Admin, Query{Q: "ZZ"}, "张中喜")
		check(w.Admin, Query{Q: membertest.IDNumber(t, 103)}, "张中喜")
		check(w.Admin, Query{Q: membertest.Mobile(103)}, "张中喜")
		check(w.Admin, Query{Q: "+86 " + membertest.Mobile(103)}, "张中喜")
		// Pages search numbers by token, so URLs never hold the number.
		for _, n := range []string{membertest.IDNumber(t, 103), "+86 " + membertest.Mobile(103)} {
			tok, ok := w.s.NumberToken(n)
			if !ok || strings.Contains(tok, n) {
				t.Fatalf("token of %s: %q %v", n, tok, ok)
			}
			check(w.Admin, Query{Q: tok}, "张中喜")
			check(w.DashilanOfficer, Query{Q: tok}, "张中喜")
			check(w.XichangOf, Query{Q: tok})
		}
		if _, ok := w.s.NumberToken("王伟"); ok {
			t.Fatal("a name became a number token")
		}
		if kind, ok := IsNumberToken("mobile:" + strings.Repeat("0", 64)); !ok || kind != "mobile" {
			t.Fatal("a mobile token was not recognised")
		}
		check(w.Admin, Query{Tags: []string{string(TagModelWorker)}}, "王伟", "王小伟", "李伟", "张三")
		// The dashilan officer sees unionA's subtree only.
		check(w.DashilanOfficer, Query{Q: "王伟"}, "王伟", "王伟民")
		check(w.DashilanOfficer, Query{Q: membertest.IDNumber(t, 102)})
		check(w.XichangOf, Query{}, "王小伟", "欧阳王伟")
		check(w.Nobody, Query{})
		check(w.Admin, Query{Org: w.UnionA.ID, OrgOnly: true, Q: "王"}, "王伟", "王伟民")
		all := find(w.DashilanOfficer, Query{Limit: 7})
		if len(all) != 65 {
			t.Fatalf("paged %d members, want 65", len(all))
		}
		// Someone else's union as a filter: refused, not empty.
		_, _, err := w.s.List(ctx, w.DashilanOfficer, Query{Org: w.UnionB.ID})
		membertest.WantField(t, err, "org", "field.invalid_id")
		// A reversed range is refused, not answered with nobody.
		_, _, err = w.s.List(ctx, w.Admin, Query{JoinedFrom: "2030-01-01", JoinedTo: "2020-01-01"})
		membertest.WantField(t, err, "joined_to", "field.date_order")
		_, _, err = w.s.List(ctx, w.Admin, Query{After: "bm9wZQ"})
		membertest.WantKind(t, err, errs.KindInvalid)
		// A cursor of another kind of listing is refused.
		_, next, err := w.s.List(ctx, w.Admin, Query{Limit: 1})
		if err != nil || next == "" {
			t.Fatal(err)
		}
		_, _, err = w.s.List(ctx, w.Admin, Query{Q: "王伟", After: next})
		membertest.WantKind(t, err, errs.KindInvalid)
		// Get outside the scope answers NotFound.
		_, err = w.s.Get(ctx, w.DashilanOfficer, made[2].ID)
		membertest.WantKind(t, err, errs.KindNotFound)
	})
}

func TestStatusAndRejoin(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		m := w.add(t, w.UnionA, "周九", 300)
		_, err := w.s.SetStatus(ctx, w.Admin, m.ID, StatusChange{Status: "gone"})
		membertest.WantField(t, err, "status", "field.invalid_choice")
		if _, err := w.s.SetStatus(ctx, w.Admin, m.ID, StatusChange{Status: StatusLeft, Note: "离职"}); err != nil {
			t.Fatal(err)
		}
		// Having left, the person may join another union: the same row.
		again, err := w.s.Create(ctx, w.Admin, w.UnionB.ID, Person{Name: "周九", IDNumber: membertest.IDNumber(t, 300), JoinedOn: "2024-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != m.ID || again.OrgID != w.UnionB.ID || again.Status != StatusActive || again.CardSerial != 2 {
			t.Fatalf("rejoined %+v", again)
		}
		if kinds := w.history(t, w.Admin, m.ID); kinds != "joined,status,rejoined" {
			t.Fatalf("history %v", kinds)
		}
	})
}

func TestEdit(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		m := w.add(t, w.UnionA, "吴十", 400)
		other := w.add(t, w.UnionA, "郑一", 401)
		in := Update{Person: Person{Name: "吴拾", IDNumber: membertest.IDNumber(t, 400), Mobile: membertest.Mobile(400), Job: "焊工", Tags: []string{"craftsman"}}, Version: m.Version}
		got, err := w.s.Edit(ctx, w.Admin, m.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "吴拾" || got.Job != "焊工" || got.Version != m.Version+1 || got.JoinedOn != m.JoinedOn {
			t.Fatalf("edited %+v", got)
		}
		// The old version is stale now.
		_, err = w.s.Edit(ctx, w.Admin, m.ID, in)
		membertest.WantKind(t, err, errs.KindConflict)
		in.Version = got.Version
		in.IDNumber = membertest.IDNumber(t, 401)
		_, err = w.s.Edit(ctx, w.Admin, m.ID, in)
		membertest.WantField(t, err, "id_number", "member.id_number_taken")
		in.IDNumber, in.Mobile = membertest.IDNumber(t, 400), membertest.Mobile(401)
		_, err = w.s.Edit(ctx, w.Admin, m.ID, in)
		membertest.WantField(t, err, "mobile", "member.mobile_taken")
		_ = other
		// The new tag is found, as are the two together; none was there before.
		for _, tags := range [][]string{{"craftsman"}, {"craftsman", "model_worker"}} {
			want := 1
			if len(tags) == 2 {
				want = 0
			}
			if page, _, err := w.s.List(ctx, w.Admin, Query{Tags: tags}); err != nil || len(page) != want {
				t.Fatalf("tags %v: %d %v", tags, len(page), err)
			}
		}
		// The new name is found, the old one is not.
		page, _, err := w.s.List(ctx, w.Admin, Query{Q: "吴拾"})
		if err != nil || len(page) != 1 {
			t.Fatalf("search new name: %v %v", page, err)
		}
		page, _, _ = w.s.List(ctx, w.Admin, Query{Q: "吴十"})
		if len(page) != 0 {
			t.Fatalf("old name still found")
		}
	})
}

func TestMovingAUnionMovesItsMembers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		w.add(t, w.SubA, "冯二", 500)
		if _, err := w.Orgs.Move(ctx, w.Admin, w.UnionA.ID, w.Xichang.ID); err != nil {
			t.Fatal(err)
		}
		page, _, err := w.s.List(ctx, w.XichangOf, Query{Q: "冯二"})
		if err != nil || len(page) != 1 {
			t.Fatalf("after move: %v %v", page, err)
		}
		page, _, _ = w.s.List(ctx, w.DashilanOfficer, Query{})
		if len(page) != 0 {
			t.Fatalf("the old street still sees %d members", len(page))
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM member_events WHERE org_path NOT LIKE ?", w.Xichang.Path+"%"); n != 0 {
			t.Fatalf("%d events kept the old path", n)
		}
	})
}

var _ = org.KindCity

// history is the kinds of member id's history as pr sees it, oldest first,
// joined by commas.
func (w *world) history(t *testing.T, pr *auth.Principal, id int64) string {
	t.Helper()
	h, err := w.s.History(ctx, pr, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range h {
		kinds = append(kinds, string(e.Kind))
	}
	return strings.Join(kinds, ",")
}
