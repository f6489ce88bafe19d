package roster

import (
	"io"

	"gonghui/internal/member"
	"gonghui/internal/sheet"
)

// ErrorReport writes an import's errors as an .xlsx the staff can fix
// their sheet from: row, column, problem, code.
func ErrorReport(rep *ImportReport, tr member.Translate, out io.Writer) error {
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
