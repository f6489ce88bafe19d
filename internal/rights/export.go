package rights

import (
	"context"
	"io"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/sheet"
	"gonghui/internal/signup"
)

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

// Export writes the cases q's filter selects (at most MaxExport) as an
// .xlsx workbook. Workers' names, ID and mobile numbers are masked, except
// on the rows of cases whose data the exporter may reveal (mayReveal); the
// export is audited with how many rows it held and how many in full.
func (s *Store) Export(ctx context.Context, pr *auth.Principal, q Query, tr Translate, out io.Writer) error {
	where, args, err := s.filter(ctx, pr, q)()
	if err != nil {
		return err
	}
	var cases []Case
	if where != nil {
		now := s.now()
		rows, err := s.DB.Query(ctx, "SELECT "+caseCols+caseFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY c.received_at DESC, c.id DESC LIMIT ?",
			append(args, MaxExport+1)...)
		if cases, err = signup.All(rows, err, "rights: export", func(sc signup.Scanner) (Case, error) { return scanCase(sc, now) }); err != nil {
			return err
		}
	}
	if len(cases) > MaxExport {
		return errs.Invalid("too_many", "case.export_too_many", MaxExport)
	}
	headers := []string{tr("case.field.title"), tr("case.field.kind"), tr("case.field.channel"), tr("case.field.org"), tr("case.field.workers"),
		tr("case.field.id_number"), tr("case.field.mobile"), tr("case.field.employer"), tr("case.field.credit_code"), tr("case.field.claimed"),
		tr("case.field.status"), tr("case.field.handler"), tr("case.field.received"), tr("case.field.due"), tr("case.overdue"),
		tr("case.field.outcome"), tr("case.field.recovered")}
	w, err := sheet.NewWriter(tr("case.export_sheet"), headers)
	if err != nil {
		return err
	}
	defer w.Close()
	full := 0
	for i := range cases {
		c := &cases[i]
		reveal := mayReveal(pr, c)
		if reveal {
			full++
		}
		ws, err := s.workers(ctx, c.ID, reveal)
		if err != nil {
			return err
		}
		var names, ids, mobiles []string
		for _, wk := range ws {
			names, ids, mobiles = append(names, wk.Name), append(ids, wk.IDNumber), append(mobiles, wk.Mobile)
		}
		overdue, outcome := "", ""
		if c.Overdue {
			overdue = tr("case.overdue")
		}
		if c.Outcome != "" {
			outcome = tr("case.outcome." + string(c.Outcome))
		}
		if err := w.Row(sheet.Neutralize(c.Title), tr("case.kind."+string(c.Kind)), tr("case.channel."+string(c.Channel)), c.OrgName,
			sheet.Neutralize(strings.Join(names, "、")), strings.Join(ids, "、"), strings.Join(mobiles, "、"), sheet.Neutralize(c.EmployerName), c.CreditCode,
			FormatFen(c.ClaimedFen), tr("case.status."+string(c.Status)), c.Handler, c.ReceivedAt.In(beijing.Zone).Format("2006-01-02 15:04"),
			c.DueAt.Add(-1).In(beijing.Zone).Format("2006-01-02"), overdue, outcome, FormatFen(c.RecoveredFen)); err != nil {
			return err
		}
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		path := ""
		if ps := pr.PathsAny(rule.Read, rule.Write); len(ps) == 1 {
			path = ps[0]
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.export", Entity: "case", OrgPath: path,
			After: map[string]any{"rows": len(cases), "full": full, "q": q.Q, "status": q.Status, "kind": q.Kind, "overdue": q.Overdue}})
	})
	if err != nil {
		return err
	}
	_, err = w.WriteTo(out)
	return err
}
