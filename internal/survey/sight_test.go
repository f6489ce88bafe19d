package survey

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// TestSurveySeenFromBelow: staff below a survey's publisher see it once it
// is published and its audience reaches their subtree, read only, with
// results, written answers, breakdown and workbook counted over their own
// subtree; MinGroup withholds an anonymous subtree of fewer responses
// everywhere; a survey that does not reach them is NotFound.
func TestSurveySeenFromBelow(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		east := w.street // Dashilan, above UnionA
		west := signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)
		district := signuptest.Grant(auth.RoleOfficer, w.tr.Xicheng)
		in := w.input(true)
		draft, err := w.s.Create(ctx, w.tr.City, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Get(ctx, east, draft.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a street reads the city's draft: %v", err)
		}
		v := w.published(t, in)
		for range 5 {
			if err := w.s.Respond(ctx, signuptest.Self(w.add(t, w.tr.UnionA)), v.ID, yes(4)); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 {
			if err := w.s.Respond(ctx, signuptest.Self(w.add(t, w.tr.UnionB)), v.ID, yes(1)); err != nil {
				t.Fatal(err)
			}
		}

		// The list: the city's draft is not there, the published survey is, partial.
		list, _, err := w.s.List(ctx, east, Query{})
		if err != nil || len(list) != 1 || list[0].ID != v.ID || !list[0].Partial || list[0].Responses != 5 {
			t.Fatalf("the street's list: %+v %v", list, err)
		}
		if total, err := w.s.CountList(ctx, east, Query{}); err != nil || total.N != 1 {
			t.Fatalf("the street's total %+v %v", total, err)
		}
		if mine, _, err := w.s.List(ctx, w.tr.City, Query{}); err != nil || len(mine) != 2 || mine[0].Partial || mine[1].Partial {
			t.Fatalf("the city's list: %+v %v", mine, err)
		}

		// The eastern street: its five responses, its own subtree only.
		res, err := w.s.Results(ctx, east, v.ID, 0)
		if err != nil || !res.Partial || res.Withheld || res.Responses != 5 || res.OrgName != w.tr.Dashilan.Name {
			t.Fatalf("the street's results: %+v %v", res, err)
		}
		if q := res.Questions[2]; q.Answered != 5 || q.Mean != 4 {
			t.Fatalf("the street's ratings: %+v", q)
		}
		for _, org := range []int64{w.tr.UnionB.ID, w.tr.Xicheng.ID, w.tr.Root.ID} {
			_, err := w.s.Results(ctx, east, v.ID, org)
			wantField(t, err, "org", "field.invalid_id")
			_, _, err = w.s.Texts(ctx, east, v.ID, 3, org, 0, 10)
			wantField(t, err, "org", "field.invalid_id")
			_, err = w.s.Breakdown(ctx, east, v.ID, org, 0, 10)
			wantField(t, err, "org", "field.invalid_id")
		}
		if _, total, err := w.s.Texts(ctx, east, v.ID, 3, 0, 0, 10); err != nil || total.N != 5 {
			t.Fatalf("the street's texts %+v %v", total, err)
		}
		bd, err := w.s.Breakdown(ctx, east, v.ID, 0, 0, 10)
		if err != nil || bd.Parent.OrgID != w.tr.Dashilan.ID || bd.Parent.Responses != 5 || bd.Up != 0 ||
			len(bd.Children) != 1 || bd.Children[0].OrgID != w.tr.UnionA.ID || bd.Children[0].Responses != 5 {
			t.Fatalf("the street's breakdown %+v %v", bd, err)
		}
		if bd, err = w.s.Breakdown(ctx, east, v.ID, w.tr.UnionA.ID, 0, 10); err != nil || bd.Up != w.tr.Dashilan.ID {
			t.Fatalf("the union's breakdown %+v %v", bd, err)
		}
		var buf bytes.Buffer
		tr := func(k string, a ...any) string { return k }
		if err := w.s.Export(ctx, east, v.ID, tr, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("survey.export.sheet")
		sum, _ := f.GetRows("survey.export.summary")
		if len(rows) != 6 || !strings.Contains(cells(sum), "survey.export.partial") {
			t.Fatalf("the street's workbook: %d rows, summary %v", len(rows), sum)
		}
		var at string
		d.QueryRow(ctx, "SELECT org_path FROM audit_log WHERE action = 'survey.export'").Scan(&at)
		if at != w.tr.Dashilan.Path {
			t.Fatalf("the export is audited at %q", at)
		}

		// The western street: three responses, withheld everywhere.
		res, err = w.s.Results(ctx, west, v.ID, 0)
		if err != nil || !res.Withheld || len(res.Questions) != 0 || res.Responses != 3 {
			t.Fatalf("the western street's results: %+v %v", res, err)
		}
		_, _, err = w.s.Texts(ctx, west, v.ID, 3, 0, 0, 10)
		wantCode(t, err, "too_few")
		wantCode(t, w.s.Export(ctx, west, v.ID, tr, &bytes.Buffer{}), "too_few")
		bd, err = w.s.Breakdown(ctx, west, v.ID, 0, 0, 10)
		if err != nil || !bd.Parent.Withheld || bd.Parent.Responses != 0 || !bd.Children[0].Withheld {
			t.Fatalf("the western street's breakdown %+v %v", bd, err)
		}

		// Read only: nothing a street does changes the city's survey.
		if _, err := w.s.Close(ctx, east, v.ID, 0); err == nil {
			t.Fatal("a street closed the city's survey")
		}
		if _, err := w.s.Update(ctx, east, v.ID, 0, w.input(true)); err == nil {
			t.Fatal("a street edited the city's survey")
		}

		// Published by the city to the eastern street only: the district
		// (between them) sees it all, the western street not at all.
		in = w.input(false)
		in.AudienceOrgID = w.tr.Dashilan.ID
		narrow := w.published(t, in)
		m := w.add(t, w.tr.UnionA)
		if err := w.s.Respond(ctx, signuptest.Self(m), narrow.ID, yes(5)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Get(ctx, west, narrow.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("the western street reads a survey not for it: %v", err)
		}
		if _, err := w.s.Results(ctx, west, narrow.ID, 0); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("the western street reads results not for it: %v", err)
		}
		if list, _, err := w.s.List(ctx, west, Query{}); err != nil || len(list) != 1 {
			t.Fatalf("the western street's list %+v %v", list, err)
		}
		res, err = w.s.Results(ctx, district, narrow.ID, 0)
		if err != nil || !res.Partial || res.Responses != 1 || res.OrgName != w.tr.Dashilan.Name {
			t.Fatalf("the district's results: %+v %v", res, err)
		}
		texts, _, err := w.s.Texts(ctx, district, narrow.ID, 3, 0, 0, 10)
		if err != nil || len(texts) != 1 || texts[0].Name != m.Name {
			t.Fatalf("the district's texts of a named survey %+v %v", texts, err)
		}
	})
}

func cells(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}
