package survey

import (
	"context"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/sheet"
)

// MaxExportRows bounds the responses one workbook holds.
const MaxExportRows = 50000

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// Export writes a survey's results as an .xlsx workbook: a summary sheet
// (each question's counts and percentages, means of ratings and numbers)
// and a sheet of one row per response. A named survey's rows carry the
// member and their union; an anonymous survey's carry neither and are
// shuffled, and its export is refused (409 too_few) below MinGroup
// responses. The export is audited.
func (s *Store) Export(ctx context.Context, pr *auth.Principal, id int64, tr Translate, out io.Writer) error {
	v, g, err := s.View(ctx, pr, id)
	if err != nil {
		return err
	}
	res, err := s.results(ctx, v, g, 0)
	if err != nil {
		return err
	}
	if res.Withheld {
		return errs.Conflict("too_few", "survey.withheld", MinGroup)
	}
	rows, err := s.responseRows(ctx, v, g.Paths)
	if err != nil {
		return err
	}
	// The record sits where the reader is when they read from below.
	at := v.OrgPath
	if !g.Whole {
		at = g.Paths[0]
	}
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "survey.export", Entity: "survey", EntityID: db.FormatID(id), OrgPath: at,
			After: map[string]any{"responses": len(rows), "anonymous": v.Anonymous, "partial": !g.Whole}})
	}); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	fail := func(err error) error { return errs.Internal(err, "survey: export") }
	sum := clip(tr("survey.export.summary"))
	if err := f.SetSheetName("Sheet1", sum); err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sum)
	if err != nil {
		return fail(err)
	}
	r := 1
	put := func(w *excelize.StreamWriter, vals ...any) error {
		for i, x := range vals {
			if s, ok := x.(string); ok {
				vals[i] = sheet.Neutralize(s)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		r++
		return w.SetRow(cell, vals)
	}
	lines := [][]any{{v.Title}, {tr("survey.export.responses"), res.Responses}}
	if res.Partial {
		lines = append(lines, []any{tr("survey.export.partial")})
	}
	if v.Anonymous {
		lines = append(lines, []any{tr("survey.export.anonymous")})
	}
	lines = append(lines, []any{}, []any{tr("survey.export.question"), tr("survey.export.answer"), tr("survey.export.count"), tr("survey.export.percent")})
	for _, q := range res.Questions {
		head := strconv.Itoa(q.Index+1) + ". " + q.Question.Title
		lines = append(lines, []any{head, tr("survey.export.answered"), q.Answered})
		for _, o := range q.Options {
			label := o.Label
			if o.Other {
				label = tr("survey.other")
			}
			lines = append(lines, []any{"", label, o.Count, strconv.FormatFloat(o.Percent, 'f', 1, 64) + "%"})
		}
		if q.Question.Type == Rating || q.Question.Type == Number {
			lines = append(lines, []any{"", tr("survey.export.mean"), strconv.FormatFloat(q.Mean, 'f', 2, 64)})
		}
	}
	for _, l := range lines {
		if err := put(sw, l...); err != nil {
			return fail(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fail(err)
	}
	name := clip(tr("survey.export.sheet"))
	if _, err := f.NewSheet(name); err != nil {
		return fail(err)
	}
	if sw, err = f.NewStreamWriter(name); err != nil {
		return fail(err)
	}
	r = 1
	head := []any{tr("survey.export.number")}
	if !v.Anonymous {
		head = append(head, tr("survey.export.name"), tr("survey.export.union"))
	}
	for i, q := range v.Questions {
		head = append(head, strconv.Itoa(i+1)+". "+q.Title)
	}
	if err := put(sw, head...); err != nil {
		return fail(err)
	}
	for n, row := range rows {
		vals := []any{n + 1}
		if !v.Anonymous {
			vals = append(vals, row.name, row.union)
		}
		for i, q := range v.Questions {
			vals = append(vals, answerText(q, row.answers[i], tr))
		}
		if err := put(sw, vals...); err != nil {
			return fail(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fail(err)
	}
	_, err = f.WriteTo(out)
	return err
}

// clip cuts a sheet name to what Excel allows.
func clip(s string) string {
	if r := []rune(s); len(r) > 31 {
		return string(r[:31])
	}
	return s
}

type responseRow struct {
	name, union string
	answers     map[int]*Answer
}

// responseRows reads every response (of the subtrees at paths; none: all)
// with its answers: a named survey's in the members' order, an anonymous
// survey's shuffled.
func (s *Store) responseRows(ctx context.Context, v *Survey, paths []string) ([]*responseRow, error) {
	where, args := scoped(v.ID, paths)
	rows, err := s.DB.Query(ctx, `SELECT r.id, COALESCE(m.name, ''), COALESCE(o.name, ''), a.question, a.choice, a.num, a.text
		FROM survey_responses r LEFT JOIN survey_takers t ON t.survey_id = r.survey_id AND t.response_id = r.id
		LEFT JOIN members m ON m.id = t.member_id LEFT JOIN orgs o ON o.id = m.org_id
		LEFT JOIN survey_answers a ON a.response_id = r.id
		WHERE `+where+` ORDER BY r.id, a.question, a.seq LIMIT ?`, append(args, MaxExportRows*MaxQuestions)...)
	if err != nil {
		return nil, errs.Internal(err, "survey: export rows")
	}
	defer rows.Close()
	var out []*responseRow
	var last int64
	for rows.Next() {
		var id int64
		var name, union string
		var q, choice *int
		var num *int64
		var text *string
		if err := rows.Scan(&id, &name, &union, &q, &choice, &num, &text); err != nil {
			return nil, errs.Internal(err, "survey: export rows")
		}
		if id != last || len(out) == 0 {
			if len(out) >= MaxExportRows {
				break
			}
			out = append(out, &responseRow{name: name, union: union, answers: map[int]*Answer{}})
			last = id
		}
		if q == nil {
			continue
		}
		row := out[len(out)-1]
		a := row.answers[*q]
		if a == nil {
			a = &Answer{}
			row.answers[*q] = a
		}
		switch {
		case num != nil:
			f := float64(*num) / 100
			a.Number = &f
		case *choice >= 0:
			a.Choices = append(a.Choices, *choice)
		case text != nil && q != nil && *q < len(v.Questions) && v.Questions[*q].Type.Choice():
			t := *text
			a.Other = &t
		case text != nil:
			a.Text = *text
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "survey: export rows")
	}
	if v.Anonymous {
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out, nil
}

// answerText is an answer in words, for the workbook.
func answerText(q Question, a *Answer, tr Translate) string {
	if a == nil {
		return ""
	}
	switch {
	case q.Type.Choice():
		var parts []string
		for _, c := range a.Choices {
			if c < len(q.Options) {
				parts = append(parts, q.Options[c])
			}
		}
		if a.Other != nil {
			parts = append(parts, tr("survey.other")+": "+*a.Other)
		}
		return strings.Join(parts, "; ")
	case a.Number != nil:
		return strconv.FormatFloat(*a.Number, 'f', -1, 64)
	}
	return a.Text
}
