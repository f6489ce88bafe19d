package audit_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

func TestQueryFilter(t *testing.T) {
	for _, c := range []struct {
		query string
		field string // the field with an error, "" none
	}{
		{"kind=pii.reveal&from=2026-01-01&to=2026-01-31&actor=12&entity=member&object=7", ""},
		{"kind=area:pii", ""},
		{"entity=registration&object=3/9", ""},
		{"kind=pii", "kind"},
		{"kind=area:nope", "kind"},
		{"actor=abc", "actor"},
		{"entity=table", "entity"},
		{"object=7", "object"},
		{"entity=member&object=x7", "object"},
		{"from=2026-02-30", "from"},
		{"to=yesterday", "to"},
		{"from=2026-02-02&to=2026-02-01", "to"},
	} {
		v, _ := url.ParseQuery(c.query)
		q := audit.QueryOf(v)
		f, err := q.Filter([]string{"/1/"})
		var e *errs.Error
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.query, err)
		case c.field != "" && (!errors.As(err, &e) || e.Fields[c.field].Key == ""):
			t.Errorf("%s: want an error on %s, got %v", c.query, c.field, err)
		}
		if got := q.Values().Encode(); c.field == "" && got != v.Encode() {
			t.Errorf("%s: the URL again is %s", c.query, got)
		}
		if c.query == "kind=pii.reveal&from=2026-01-01&to=2026-01-31&actor=12&entity=member&object=7" &&
			(f.Kind != "pii.reveal" || f.ActorID != 12 || f.EntityID != "7" || f.To.Sub(f.From).Hours() != 31*24) {
			t.Errorf("filter %+v", f)
		}
	}
}

// Words names objects only within the reader's subtrees, labels fields in
// words, keeps personal numbers masked and has words for an action the
// catalogue lacks.
func TestWords(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgs := org.NewStore(d)
		root, err := orgs.CreateRoot(ctx, "北京市总工会", org.KindCity, "")
		if err != nil {
			t.Fatal(err)
		}
		sys := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleAdmin, OrgID: root.ID, OrgPath: root.Path}}}
		east, err := orgs.Create(ctx, sys, org.CreateInput{ParentID: root.ID, Name: "大栅栏街道总工会", Kind: org.KindStreet})
		if err != nil {
			t.Fatal(err)
		}
		west, err := orgs.Create(ctx, sys, org.CreateInput{ParentID: root.ID, Name: "西长安街街道总工会", Kind: org.KindStreet})
		if err != nil {
			t.Fatal(err)
		}
		events := []audit.Event{
			{Action: "org.update", Entity: "org", EntityID: db.FormatID(east.ID), OrgPath: east.Path,
				Before: map[string]any{"name": "旧名"}, After: map[string]any{"name": "新名", "parent_id": db.FormatID(root.ID), "reason": "更名"}},
			{Action: "org.update", Entity: "org", EntityID: db.FormatID(west.ID), OrgPath: east.Path},
			{Action: "future.thing", Entity: "gadget", EntityID: "1", OrgPath: east.Path,
				After: map[string]any{"id_number": "110101198501010011", "mystery": true}},
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			for _, ev := range events {
				if err := audit.Record(ctx, tx, ev); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		paths := []string{east.Path}
		entries, err := audit.List(ctx, d, audit.Filter{Paths: paths, Limit: 3})
		if err != nil || len(entries) != 3 {
			t.Fatal(entries, err)
		}
		if n, err := audit.Count(ctx, d, audit.Filter{Paths: paths, Area: "org"}); err != nil || n < 2 {
			t.Errorf("count %d, %v", n, err)
		}
		lines, err := audit.Words(ctx, d, i18n.ZH, paths, entries)
		if err != nil {
			t.Fatal(err)
		}
		future, hidden, named := lines[0], lines[1], lines[2]
		if s := named.Sentence(i18n.ZH); s != "系统 修改了组织 大栅栏街道总工会 的信息（理由：更名）" {
			t.Errorf("sentence %q", s)
		}
		if named.Page != "org" || named.PageID != east.ID {
			t.Errorf("page %s %d", named.Page, named.PageID)
		}
		want := map[string][2]string{"姓名/名称": {"旧名", "新名"}, "上级组织": {"", "您范围之外的组织"}}
		for _, c := range named.Changes {
			if w, ok := want[c.Label]; !ok || w != [2]string{c.Before, c.After} {
				t.Errorf("change %+v", c)
			}
		}
		if hidden.Object != "您范围之外的组织" || hidden.Page != "" {
			t.Errorf("a west org for an east reader: %+v", hidden)
		}
		if s := future.Sentence(i18n.ZH); s != "系统 进行了一项未登记的操作" {
			t.Errorf("an uncatalogued action: %q", s)
		}
		for _, c := range future.Changes {
			if strings.Contains(c.After, "198501010011") || strings.Contains(c.Label, "mystery") {
				t.Errorf("change %+v", c)
			}
		}
	})
}
