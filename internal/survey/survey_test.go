package survey

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

func TestSurveySkipRulesValidated(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(false)
		in.Questions[0].ShowIf = &Condition{Question: 1, Option: 0} // a later question: a cycle in the making
		_, err := w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "questions.0.show_if", "survey.rule_not_earlier")

		in = w.input(false)
		in.Questions[3].ShowIf = &Condition{Question: 2, Option: 0} // a rating is no choice
		_, err = w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "questions.3.show_if", "survey.rule_not_choice")

		in = w.input(false)
		in.Questions[1].ShowIf = &Condition{Question: 0, Option: 5}
		in.Questions[1].MinPicks, in.Questions[1].MaxPicks = 3, 2
		in.Questions[2].Scale = 7
		in.Questions[0].Options = []string{"只有一个"}
		_, err = w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "questions.1.show_if", "survey.rule_option")
		wantField(t, err, "questions.1.max_picks", "survey.max_below_min")
		wantField(t, err, "questions.2.scale", "field.invalid_choice")
		wantField(t, err, "questions.0.options", "survey.few_options")

		in = w.input(false)
		in.Questions[1].ShowIf = &Condition{Question: 1, Option: 0} // itself
		_, err = w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "questions.1.show_if", "survey.rule_not_earlier")

		// Nothing was saved by the refusals.
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM surveys").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d surveys saved (%v)", n, err)
		}
	})
}

func TestSurveyAnswersFollowSkipRules(t *testing.T) {
	qs := questions()
	CheckQuestions(errs.Fields{}, qs)
	// Not taking the branch: question 2 is hidden, its answer dropped and not required.
	got, err := Check(qs, map[int]Answer{0: {Choices: []int{1}}, 1: {Choices: []int{0}}, 2: {Number: num(4)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got[1]; ok {
		t.Fatal("an answer to a hidden question was kept")
	}
	// Taking it: question 2 is required.
	_, err = Check(qs, map[int]Answer{0: {Choices: []int{0}}, 2: {Number: num(4)}})
	wantField(t, err, "answers.1", "survey.required")
	_, err = Check(qs, map[int]Answer{0: {Choices: []int{0}}, 1: {Choices: []int{0, 1, 2}}, 2: {Number: num(4)}})
	wantField(t, err, "answers.1", "survey.max_picks")
	_, err = Check(qs, map[int]Answer{0: {Other: str("  ")}, 2: {Number: num(6)}})
	wantField(t, err, "answers.0", "survey.other_empty")
	wantField(t, err, "answers.2", "field.out_of_range")
	_, err = Check(qs, map[int]Answer{0: {Choices: []int{0, 1}}, 2: {Number: num(3)}, 4: {Number: num(1.234)}})
	wantField(t, err, "answers.0", "survey.one_choice")
	wantField(t, err, "answers.4", "survey.two_decimals")

	// The form without JavaScript: every question was shown; the hidden one's input is dropped, even unreadable.
	form := url.Values{"answers.0": {"1"}, "answers.1": {"9"}, "answers.2": {"5"}, "answers.4": {"3"}}
	parsed, err := ParseForm(qs, form)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = Check(qs, parsed); err != nil || len(got) != 3 {
		t.Fatalf("%v %v", got, err)
	}
	form = url.Values{"answers.0": {"other"}, "answers.0.other": {"偶尔"}, "answers.2": {"0x1p1"}}
	_, err = ParseForm(qs, form)
	wantField(t, err, "answers.2", "survey.not_a_number")
}

func TestSurveyOneResponsePerMember(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		for _, anon := range []bool{false, true} {
			v := w.published(t, w.input(anon))
			m := w.add(t, w.tr.UnionA)
			me := signuptest.Self(m)
			var ok, refused atomic.Int32
			fns := make([]func() error, 8)
			for i := range fns {
				fns[i] = func() error {
					err := w.s.Respond(ctx, me, v.ID, yes(4))
					switch {
					case err == nil:
						ok.Add(1)
					case errs.Is(err, errs.KindConflict):
						refused.Add(1)
					default:
						return err
					}
					return nil
				}
			}
			signuptest.Together(t, fns)
			if ok.Load() != 1 || refused.Load() != 7 {
				t.Fatalf("anonymous %v: %d accepted, %d refused", anon, ok.Load(), refused.Load())
			}
			var resp, answers int
			d.QueryRow(ctx, "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?", v.ID).Scan(&resp)
			d.QueryRow(ctx, "SELECT COUNT(*) FROM survey_answers WHERE survey_id = ?", v.ID).Scan(&answers)
			if resp != 1 || answers != 6 {
				t.Fatalf("%d responses, %d answer rows", resp, answers)
			}
			l, err := w.s.ForMemberOne(ctx, me, v.ID)
			if err != nil || !l.Responded || l.CanRespond {
				t.Fatalf("%+v %v", l, err)
			}
			// Closed: nobody else may respond.
			if _, err := w.s.Close(ctx, w.tr.City, v.ID, 0); err != nil {
				t.Fatal(err)
			}
			err = w.s.Respond(ctx, signuptest.Self(w.add(t, w.tr.UnionA)), v.ID, yes(4))
			wantCode(t, err, "not_open")
		}
	})
}

func TestSurveyAnonymity(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		v := w.published(t, w.input(true))
		// The tables themselves: responses carry no member; takers carry
		// no response and no time.
		for _, tc := range []struct{ table, col string }{{"survey_responses", "member_id"}, {"survey_responses", "created_at"},
			{"survey_answers", "member_id"}, {"survey_takers", "created_at"}} {
			if _, err := d.Exec(ctx, "SELECT "+tc.col+" FROM "+tc.table); err == nil {
				t.Errorf("%s has a column %s", tc.table, tc.col)
			}
		}
		for i := range 4 {
			if err := w.s.Respond(ctx, signuptest.Self(w.add(t, w.tr.UnionA)), v.ID, yes(float64(1+i))); err != nil {
				t.Fatal(err)
			}
		}
		var linked int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM survey_takers WHERE survey_id = ? AND response_id IS NOT NULL", v.ID).Scan(&linked)
		if linked != 0 {
			t.Fatalf("%d takers linked to their response", linked)
		}
		// Four responses: withheld everywhere.
		res, err := w.s.Results(ctx, w.tr.City, v.ID, 0)
		if err != nil || !res.Withheld || len(res.Questions) != 0 || res.Responses != 4 {
			t.Fatalf("%+v %v", res, err)
		}
		_, _, err = w.s.Texts(ctx, w.tr.City, v.ID, 3, 0, 0, 10)
		wantCode(t, err, "too_few")
		err = w.s.Export(ctx, w.tr.City, v.ID, func(k string, a ...any) string { return k }, &bytes.Buffer{})
		wantCode(t, err, "too_few")

		// A fifth and a sixth (of another union): the whole shows, the
		// small groups do not.
		w.s.Respond(ctx, signuptest.Self(w.add(t, w.tr.UnionA)), v.ID, yes(5))
		w.s.Respond(ctx, signuptest.Self(w.add(t, w.tr.UnionB)), v.ID, map[int]Answer{0: {Choices: []int{1}}, 2: {Number: num(2)}})
		res, err = w.s.Results(ctx, w.tr.City, v.ID, 0)
		if err != nil || res.Withheld || res.Responses != 6 {
			t.Fatalf("%+v %v", res, err)
		}
		q0 := res.Questions[0]
		if q0.Answered != 6 || q0.Options[0].Count != 5 || q0.Options[1].Count != 1 || fmt.Sprintf("%.1f", q0.Options[0].Percent) != "83.3" {
			t.Fatalf("question 1: %+v", q0)
		}
		if q := res.Questions[1]; q.Answered != 5 || q.Options[0].Count != 5 || q.Options[2].Count != 5 {
			t.Fatalf("question 2: %+v", q)
		}
		if q := res.Questions[2]; q.Answered != 6 || q.Mean != 17.0/6 || q.Options[4].Count != 1 {
			t.Fatalf("question 3: %+v", q)
		}
		byB, err := w.s.Results(ctx, w.tr.City, v.ID, w.tr.Xichang.ID)
		if err != nil || !byB.Withheld || len(byB.Questions) != 0 {
			t.Fatalf("a union of one answer: %+v %v", byB, err)
		}
		bd, err := w.s.Breakdown(ctx, w.tr.City, v.ID, w.tr.Xicheng.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if bd.Parent.Responses != 6 || len(bd.Children) != 2 || bd.Children[0].Responses != 5 || !bd.Children[1].Withheld || bd.Children[1].Responses != 0 {
			t.Fatalf("breakdown %+v", bd)
		}
		texts, total, err := w.s.Texts(ctx, w.tr.City, v.ID, 3, 0, 0, 10)
		if err != nil || total.N != 5 || texts[0].Name != "" {
			t.Fatalf("%+v %+v %v", texts, total, err)
		}
		var buf bytes.Buffer
		if err := w.s.Export(ctx, w.tr.City, v.ID, func(k string, a ...any) string { return k }, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("survey.export.sheet")
		if len(rows) != 7 || strings.Contains(strings.Join(rows[0], "|"), "survey.export.name") {
			t.Fatalf("export rows %v", rows)
		}
		var audited int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'survey.export'").Scan(&audited)
		if audited != 1 {
			t.Fatalf("%d export audits", audited)
		}
	})
}

func TestSurveyNamedResults(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		v := w.published(t, w.input(false))
		m := w.add(t, w.tr.UnionB)
		if err := w.s.Respond(ctx, signuptest.Self(m), v.ID, yes(3)); err != nil {
			t.Fatal(err)
		}
		res, err := w.s.Results(ctx, w.tr.City, v.ID, w.tr.UnionB.ID)
		if err != nil || res.Withheld || res.Responses != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		texts, _, err := w.s.Texts(ctx, w.tr.City, v.ID, 3, 0, 0, 10)
		if err != nil || len(texts) != 1 || texts[0].Name != m.Name {
			t.Fatalf("%+v %v", texts, err)
		}
		// Questions stay once answered; the title may change.
		in := w.input(false)
		in.Questions[3].Title = "别的意见"
		_, err = w.s.Update(ctx, w.tr.City, v.ID, 0, in)
		wantField(t, err, "questions", "survey.questions_frozen")
		in = w.input(false)
		in.Title = "改过的标题"
		if _, err := w.s.Update(ctx, w.tr.City, v.ID, 0, in); err != nil {
			t.Fatal(err)
		}
		// A street sees the city's survey read only, with its own responses
		// (none: the member is of the other street); a member outside the
		// audience cannot answer.
		if got, err := w.s.Get(ctx, w.street, v.ID); err != nil || !got.Partial || got.Responses != 0 {
			t.Fatalf("street reads the city's survey: %+v %v", got, err)
		}
		in = w.input(false)
		in.OrgID, in.AudienceOrgID = w.tr.Dashilan.ID, 0
		sv, err := w.s.Create(ctx, w.street, in)
		if err != nil {
			t.Fatal(err)
		}
		sv, _ = w.s.Publish(ctx, w.street, sv.ID, 0)
		err = w.s.Respond(ctx, signuptest.Self(m), sv.ID, yes(3))
		if !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("outsider answered: %v", err)
		}
		list, err := w.s.ForMember(ctx, signuptest.Self(m))
		if err != nil || len(list) != 1 || !list[0].Responded {
			t.Fatalf("%+v %v", list, err)
		}
	})
}
