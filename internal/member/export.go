package member

import (
	"context"
	"io"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/sheet"
)

// Translate renders a message key in the reader's language.
type Translate func(key string, args ...any) string

var exportColumns = []string{"name", "id_number", "mobile", "gender", "birth_date", "org", "employer", "job", "status", "status_on", "tags", "joined_on", "source"}

// Export writes the members matching q as an .xlsx workbook, streamed
// (rows spill to a temporary file, never all in memory). Numbers are masked
// unless reveal is asked for, and then only for members over whose union
// the caller holds member.reveal; an export that reveals anything leaves one
// audit record with its filters and row count. Cells that a spreadsheet
// would run as formulas are neutralised by the sheet writer.
func (s *Store) Export(ctx context.Context, pr *auth.Principal, q Query, reveal bool, tr Translate, out io.Writer) (int, error) {
	if reveal && !pr.Can(auth.PermMemberReveal) {
		return 0, errs.Forbidden()
	}
	headers := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		headers[i] = tr("member.col." + c)
	}
	w, err := sheet.NewWriter(tr("member.export_sheet"), headers)
	if err != nil {
		return 0, err
	}
	defer w.Close()
	n, revealed := 0, 0
	err = s.Each(ctx, pr, q, reveal, func(m *Member) error {
		if reveal && !pr.CanAt(auth.PermMemberReveal, m.OrgPath) {
			masked, err := s.Get(ctx, pr, m.ID)
			if err != nil {
				return err
			}
			m.IDNumber, m.Mobile = masked.IDNumber, masked.Mobile
		} else if reveal {
			revealed++
		}
		tags := make([]string, len(m.Tags))
		for i, t := range m.Tags {
			tags[i] = tr("member.tag." + t)
		}
		status := tr("member.status." + string(m.Status))
		n++
		return w.Row(m.Name, m.IDNumber, m.Mobile, tr("member.gender."+m.Gender), m.BirthDate, m.OrgName, m.EmployerName, m.Job,
			status, m.StatusOn, strings.Join(tags, "、"), m.JoinedOn, tr("member.source."+m.Source))
	})
	if err != nil {
		return 0, err
	}
	if revealed > 0 {
		err := s.DB.Tx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Action: "pii.export", Entity: "member", OrgPath: pr.OrgPath,
				After: map[string]any{"rows": n, "revealed": revealed, "query": exportQueryView(q)}})
		})
		if err != nil {
			return 0, errs.Internal(err, "member: audit export")
		}
	}
	if _, err := w.WriteTo(out); err != nil {
		return 0, err
	}
	return n, nil
}

func exportQueryView(q Query) map[string]any {
	v := map[string]any{"org": db.FormatID(q.Org), "org_only": q.OrgOnly, "status": q.Status, "tags": q.Tags,
		"joined_from": q.JoinedFrom, "joined_to": q.JoinedTo}
	// The search text may be a number: keep only its kind.
	if q.Q != "" {
		v["q"] = map[queryKind]string{queryName: "name", queryInitials: "initials", queryIDNumber: "id_number", queryMobile: "mobile"}[classify(q.Q)]
	}
	return v
}

// ErrorReport writes an import's errors as an .xlsx the staff can fix
// their sheet from: row, column, problem, code.
func ErrorReport(rep *ImportReport, tr Translate, out io.Writer) error {
	w, err := sheet.NewWriter(tr("member.report_sheet"), []string{tr("member.col.row"), tr("member.col.column"), tr("member.col.problem"), tr("member.col.code")})
	if err != nil {
		return err
	}
	defer w.Close()
	for _, e := range rep.Errors {
		if err := w.Row(e.Row, e.Column, tr(e.Key, e.Args...), e.Code); err != nil {
			return err
		}
	}
	_, err = w.WriteTo(out)
	return err
}
