package member

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/membertest"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// sortWorld adds members with names and joining dates that tie, so that
// the id tie-break decides pages.
func sortWorld(t *testing.T, w *world) []*Member {
	t.Helper()
	type p struct {
		u      *org.Org
		name   string
		joined string
		tags   []string
	}
	people := []p{
		{w.UnionA, "张伟", "2019-03-01", []string{"party_member"}},
		{w.SubA, "张伟", "2019-03-01", nil},
		{w.UnionA, "王芳", "2021-07-15", []string{"party_member"}},
		{w.UnionB, "李娜", "2018-01-20", []string{"party_member"}},
		{w.SubA, "赵敏", "2021-07-15", []string{"party_member"}},
		{w.UnionB, "张伟", "2020-11-30", nil},
		{w.UnionA, "陈静", "2019-03-01", nil},
	}
	var out []*Member
	for i, x := range people {
		n := 700 + i
		out = append(out, membertest.Must[*Member](t)(w.s.Create(ctx, w.Admin, x.u.ID, Person{Name: x.name, IDNumber: membertest.IDNumber(t, n),
			Mobile: membertest.Mobile(n), JoinedOn: x.joined, Tags: x.tags})))
	}
	return out
}

// listAll follows q's cursors to the end, answering every member listed.
func listAll(t *testing.T, w *world, pr *auth.Principal, q Query) []Member {
	t.Helper()
	var out []Member
	for i := 0; ; i++ {
		ms, next, err := w.s.List(ctx, pr, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ms...)
		if next == "" {
			return out
		}
		if i > 1000 {
			t.Fatal("paging does not end")
		}
		q.After = next
	}
}

// pages lists q two a page, answering the ids in order.
func pages(t *testing.T, w *world, pr *auth.Principal, q Query) []int64 {
	t.Helper()
	q.Limit = 2
	var ids []int64
	for _, m := range listAll(t, w, pr, q) {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestListSorts(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		all := sortWorld(t, w)
		want := func(pr *auth.Principal, s Sort, keep func(*Member) bool) []int64 {
			var ms []*Member
			for _, m := range all {
				if rule.CanRead(pr, m.OrgPath) && (keep == nil || keep(m)) {
					ms = append(ms, m)
				}
			}
			col, desc := s.column()
			slices.SortFunc(ms, func(a, b *Member) int {
				ka, kb := a.Name, b.Name
				if col == sortJoinedCol {
					ka, kb = a.JoinedOn, b.JoinedOn
				}
				c := cmp.Or(cmp.Compare(ka, kb), cmp.Compare(a.ID, b.ID))
				if desc {
					c = -c
				}
				return c
			})
			ids := make([]int64, len(ms))
			for i, m := range ms {
				ids[i] = m.ID
			}
			return ids
		}
		party := func(m *Member) bool { return slices.Contains(m.Tags, "party_member") }
		zhang := func(m *Member) bool { return m.Name == "张伟" }
		// Both ways of finding a sorted page: the subtree's rows sorted
		// (small subtrees), the sort column's index walked (large ones).
		for _, walkFrom := range []int{1 << 30, 1} {
			w.s.sortWalkMin = walkFrom
			for _, s := range []Sort{SortJoined, SortJoinedDesc, SortName, SortNameDesc} {
				for _, pr := range []*auth.Principal{w.Admin, w.DashilanOfficer} {
					t.Run(fmt.Sprintf("%s/%d/%d", s, len(pr.Paths(auth.PermMemberRead)), walkFrom), func(t *testing.T) {
						if got, exp := pages(t, w, pr, Query{Sort: s}), want(pr, s, nil); !slices.Equal(got, exp) {
							t.Fatalf("sort %q: %v, want %v", s, got, exp)
						}
						// A tag filter walks the tag's index; the sort still holds.
						if got, exp := pages(t, w, pr, Query{Sort: s, Tags: []string{"party_member"}}), want(pr, s, party); !slices.Equal(got, exp) {
							t.Fatalf("sort %q with a tag: %v, want %v", s, got, exp)
						}
						// So does a name search (the bigram index).
						if got, exp := pages(t, w, pr, Query{Sort: s, Q: "张伟"}), want(pr, s, zhang); !slices.Equal(got, exp) {
							t.Fatalf("sort %q searching: %v, want %v", s, got, exp)
						}
						// "This union only" and a status.
						onlyA := func(m *Member) bool { return m.OrgID == w.UnionA.ID }
						if got, exp := pages(t, w, pr, Query{Sort: s, Org: w.UnionA.ID, OrgOnly: true, Status: StatusActive}), want(pr, s, onlyA); !slices.Equal(got, exp) {
							t.Fatalf("sort %q in one union: %v, want %v", s, got, exp)
						}
					})
				}
			}
		}
		w.s.sortWalkMin = 0
		// The default order is unchanged by naming it.
		if a, b := pages(t, w, w.Admin, Query{}), pages(t, w, w.Admin, Query{Sort: "org"}); !slices.Equal(a, b) || len(a) != len(all) {
			t.Fatalf("default %v, org %v", a, b)
		}
		// A cursor of one order is refused by another.
		_, next, err := w.s.List(ctx, w.Admin, Query{Sort: SortJoined, Limit: 2})
		if err != nil || next == "" {
			t.Fatalf("first page: %q %v", next, err)
		}
		for _, s := range []Sort{SortOrg, SortJoinedDesc, SortName} {
			_, _, err := w.s.List(ctx, w.Admin, Query{Sort: s, After: next})
			membertest.WantKind(t, err, errs.KindInvalid)
		}
		_, _, err = w.s.List(ctx, w.Admin, Query{Sort: "id_hash"})
		membertest.WantField(t, err, "sort", "field.invalid_choice")
		// The total does not depend on the order.
		for _, s := range []Sort{SortOrg, SortJoinedDesc} {
			tot, err := w.s.Count(ctx, w.DashilanOfficer, Query{Sort: s, JoinedFrom: "2019-01-01"})
			if err != nil || tot.N != 5 {
				t.Fatalf("count sorted %q: %+v %v", s, tot, err)
			}
		}
		// A selection narrows the list (the export of ticked members).
		got := pages(t, w, w.Admin, Query{IDs: []int64{all[3].ID, all[0].ID}, Sort: SortJoined})
		if !slices.Equal(got, []int64{all[3].ID, all[0].ID}) {
			t.Fatalf("selection: %v", got)
		}
	})
}

func TestTagMany(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		a1 := w.add(t, w.UnionA, "周红芳", 801)
		a2 := w.add(t, w.SubA, "陈勇兰", 802, "hardship")
		b1 := w.add(t, w.UnionB, "刘洋", 803)
		audits := func() int {
			return membertest.Count(t, d, "SELECT count(*) FROM audit_log WHERE action = ?", "member.bulk_tag")
		}
		tagsOf := func(m *Member) []string {
			got := membertest.Must[*Member](t)(w.s.Get(ctx, w.Admin, m.ID))
			return got.Tags
		}

		n, err := w.s.TagMany(ctx, w.DashilanOfficer, []int64{a1.ID, a2.ID, a1.ID}, TagChange{Tag: "hardship"})
		if err != nil || n != 2 {
			t.Fatalf("tag: %d %v", n, err)
		}
		if !slices.Contains(tagsOf(a1), "hardship") || !slices.Contains(tagsOf(a2), "hardship") {
			t.Fatal("tag not added")
		}
		if got := audits(); got != 1 { // a2 had it already
			t.Fatalf("%d audit records, want 1", got)
		}
		if got := pages(t, w, w.DashilanOfficer, Query{Tags: []string{"hardship"}}); len(got) != 2 {
			t.Fatalf("the tag's index: %v", got)
		}
		if k := membertest.Count(t, d, "SELECT count(*) FROM member_events WHERE member_id = ? AND kind = ?", a1.ID, string(EventEdited)); k != 1 {
			t.Fatalf("%d history entries", k)
		}

		// One member outside the caller's subtree: nothing changes.
		_, err = w.s.TagMany(ctx, w.DashilanOfficer, []int64{a1.ID, b1.ID}, TagChange{Tag: "hardship", Remove: true})
		membertest.WantField(t, err, "ids", "member.bulk_outside")
		if !slices.Contains(tagsOf(a1), "hardship") {
			t.Fatal("a refused selection changed a member")
		}
		// An unknown member reads the same.
		_, err = w.s.TagMany(ctx, w.DashilanOfficer, []int64{a1.ID, 42}, TagChange{Tag: "hardship", Remove: true})
		membertest.WantField(t, err, "ids", "member.bulk_outside")
		// Read-only staff may not tag.
		_, err = w.s.TagMany(ctx, w.Leader, []int64{a1.ID}, TagChange{Tag: "hardship", Remove: true})
		membertest.WantField(t, err, "ids", "member.bulk_outside")

		_, err = w.s.TagMany(ctx, w.DashilanOfficer, nil, TagChange{Tag: "hardship"})
		membertest.WantField(t, err, "ids", "member.bulk_none")
		many := make([]int64, MaxBulk+1)
		for i := range many {
			many[i] = int64(i + 1)
		}
		_, err = w.s.TagMany(ctx, w.DashilanOfficer, many, TagChange{Tag: "hardship"})
		membertest.WantField(t, err, "ids", "member.bulk_too_many")
		_, err = w.s.TagMany(ctx, w.DashilanOfficer, []int64{a1.ID}, TagChange{Tag: "vip"})
		membertest.WantField(t, err, "tag", "field.invalid_choice")

		// Removing.
		n, err = w.s.TagMany(ctx, w.DashilanOfficer, []int64{a1.ID, a2.ID}, TagChange{Tag: "hardship", Remove: true})
		if err != nil || n != 2 || slices.Contains(tagsOf(a1), "hardship") || slices.Contains(tagsOf(a2), "hardship") {
			t.Fatalf("remove: %d %v", n, err)
		}
		if got := pages(t, w, w.Admin, Query{Tags: []string{"hardship"}}); len(got) != 0 {
			t.Fatalf("the tag's index after removal: %v", got)
		}

		// The selection as read: scoped the same way.
		if _, err := w.s.Selection(ctx, w.DashilanOfficer, []int64{a1.ID, b1.ID}, false); err == nil {
			t.Fatal("read selection across subtrees")
		}
		sel, err := w.s.Selection(ctx, w.Admin, []int64{b1.ID, a1.ID}, false)
		if err != nil || len(sel) != 2 || sel[0].ID != b1.ID {
			t.Fatalf("selection: %+v %v", sel, err)
		}
	})
}
