package org

import (
	"slices"
	"strings"
	"testing"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

func TestOfficers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		defer func(f func() time.Time) { now = f }(now)
		now = func() time.Time { return time.Date(2024, 3, 1, 10, 0, 0, 0, beijing.Zone) }

		good := OfficerInput{Name: "张中喜", Position: "exec_vice_chair", TermStart: "2021-06-01", TermEnd: "2026-05-31"}
		cases := []struct {
			name       string
			edit       func(*OfficerInput)
			field, key string
		}{
			{"no name", func(o *OfficerInput) { o.Name = "" }, "name", "field.required"},
			{"long name", func(o *OfficerInput) { o.Name = strings.Repeat("张", 51) }, "name", "field.too_long"},
			{"no position", func(o *OfficerInput) { o.Position = "" }, "position", "field.required"},
			{"bad position", func(o *OfficerInput) { o.Position = "boss" }, "position", "field.invalid_choice"},
			{"no start", func(o *OfficerInput) { o.TermStart = "" }, "term_start", "field.required"},
			{"bad start", func(o *OfficerInput) { o.TermStart = "2021-13-01" }, "term_start", "field.invalid_date"},
			{"bad end", func(o *OfficerInput) { o.TermEnd = "2026-05-32" }, "term_end", "field.invalid_date"},
			{"end before start", func(o *OfficerInput) { o.TermEnd = "2021-05-31" }, "term_end", "field.date_order"},
			{"long note", func(o *OfficerInput) { o.Note = strings.Repeat("记", 1001) }, "note", "field.too_long"},
		}
		for _, c := range cases {
			in := good
			c.edit(&in)
			before := takeSnapshot(t, d)
			_, err := w.s.AddOfficer(ctx, w.admin, w.unionA.ID, in)
			wantField(t, err, c.field, c.key)
			if takeSnapshot(t, d) != before {
				t.Errorf("%s: failed add changed the database", c.name)
			}
		}
		add := func(name, pos, start, end string) *Officer {
			o, err := w.s.AddOfficer(ctx, w.dashilanOfficer, w.unionA.ID, OfficerInput{Name: name, Position: pos, TermStart: start, TermEnd: end})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		old := add("王建斌", "chair", "2016-06-01", "2021-05-31")
		vice := add("张中喜", "vice_chair", "2021-06-01", "2026-05-31")
		chair := add("陈振海", "chair", "2021-06-01", "")
		next := add("林育才", "chair", "2026-06-01", "2031-05-31")
		if !chair.Current || old.Current || next.Current || !vice.Current {
			t.Errorf("current: %v %v %v %v", old.Current, vice.Current, chair.Current, next.Current)
		}
		list, err := w.s.Officers(ctx, w.dashilanLeader, w.unionA.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range list {
			got = append(got, o.Name)
		}
		if want := []string{"陈振海", "张中喜", "林育才", "王建斌"}; !slices.Equal(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
		// Scope.
		_, err = w.s.AddOfficer(ctx, w.dashilanLeader, w.unionA.ID, good)
		wantKind(t, err, errs.KindForbidden)
		_, err = w.s.AddOfficer(ctx, w.dashilanOfficer, w.unionB.ID, good)
		wantKind(t, err, errs.KindNotFound)
		_, err = w.s.GetOfficer(ctx, grant("leader", w.xichang), chair.ID)
		wantKind(t, err, errs.KindNotFound)
		_, err = w.s.UpdateOfficer(ctx, grant("officer", w.xichang), chair.ID, good)
		wantKind(t, err, errs.KindNotFound)
		_, err = w.s.UpdateOfficer(ctx, w.dashilanLeader, chair.ID, good)
		wantKind(t, err, errs.KindForbidden)
		wantKind(t, w.s.RemoveOfficer(ctx, w.dashilanLeader, chair.ID), errs.KindForbidden)
		wantKind(t, w.s.RemoveOfficer(ctx, grant("officer", w.xichang), chair.ID), errs.KindNotFound)
		// Update and remove.
		in := OfficerInput{Name: "陈振海", Position: "chair", TermStart: "2021-06-01", TermEnd: "2024-02-29", Note: "调任"}
		up, err := w.s.UpdateOfficer(ctx, w.dashilanOfficer, chair.ID, in)
		if err != nil || up.Current || up.Note != "调任" {
			t.Fatalf("update: %+v %v", up, err)
		}
		in.TermEnd = "2021-01-01"
		_, err = w.s.UpdateOfficer(ctx, w.dashilanOfficer, chair.ID, in)
		wantField(t, err, "term_end", "field.date_order")
		if g, err := w.s.GetOfficer(ctx, w.dashilanLeader, chair.ID); err != nil || *g != *up {
			t.Errorf("read back %+v %v", g, err)
		}
		if err := w.s.RemoveOfficer(ctx, w.dashilanOfficer, old.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.GetOfficer(ctx, w.admin, old.ID)
		wantKind(t, err, errs.KindNotFound)
		wantKind(t, w.s.RemoveOfficer(ctx, w.admin, old.ID), errs.KindNotFound)
		for id, want := range map[int64][]string{
			old.ID:   {"officer.remove", "officer.create"},
			chair.ID: {"officer.update", "officer.create"},
		} {
			var acts []string
			for _, e := range auditOf(t, w, "officer", id) {
				acts = append(acts, e.Action)
			}
			if !slices.Equal(acts, want) {
				t.Errorf("audit of %d: %v", id, acts)
			}
		}
	})
}
