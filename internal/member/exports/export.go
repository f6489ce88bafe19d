package exports

import (
	"context"
	"io"
	"strings"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/sheet"
)

var exportColumns = []string{"name", "id_number", "mobile", "gender", "birth_date", "org", "employer", "job", "status", "status_on", "tags", "joined_on", "source"}

// ExportOptions says whether an export shows full numbers, and why.
type ExportOptions struct {
	Reveal bool
	Reason string // required with Reveal
}

// Export writes the members matching q as an .xlsx workbook, streamed
// (rows spill to a temporary file, never all in memory), and audits it with
// its filters and row count whatever it shows. Numbers (and the birth date
// and sex they encode) are masked unless opt.Reveal: that needs
// member.reveal over the exported union, a reason, a free slot of the
// account's hourly export quota, and no more rows than the policy's
// approval threshold; larger exports go through RequestExport. Cells that
// a spreadsheet would run as formulas are neutralised by the sheet writer.
func Export(ctx context.Context, s *member.Store, pr *auth.Principal, q member.Query, opt ExportOptions, tr member.Translate, out io.Writer) (int, error) {
	if !opt.Reveal {
		return writeExport(ctx, s, pr, q, false, tr, out, func(tx *db.Tx, n int) error {
			return audit.Record(ctx, tx, audit.Event{Action: "member.export", Entity: "member", OrgPath: pr.OrgPath,
				After: map[string]any{"rows": n, "revealed": 0, "query": exportQueryView(q)}})
		})
	}
	reason, err := exportReason(s, pr, opt.Reason)
	if err != nil {
		return 0, err
	}
	u, err := exportScope(ctx, s, pr, &q)
	if err != nil {
		return 0, err
	}
	n, err := s.CountRows(ctx, pr, q, s.Policy.ApprovalRows+1)
	if err != nil {
		return 0, err
	}
	if n > s.Policy.ApprovalRows {
		return 0, errs.Conflict("export_approval_required", "exp.approval_required", s.Policy.ApprovalRows)
	}
	return writeExport(ctx, s, pr, q, true, tr, out, func(tx *db.Tx, n int) error {
		if err := s.TakeExportSlot(ctx, tx, pr); err != nil {
			return err
		}
		id, err := insertExport(ctx, s, tx, pr, u, q, n, reason, ExportDownloaded)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "pii.export", Entity: "export_request", EntityID: db.FormatID(id), OrgPath: u.Path,
			After: map[string]any{"rows": n, "revealed": n, "reason": reason, "query": exportQueryView(q)}})
	})
}

// exportReason checks the caller may export full numbers at all and reads
// the reason.
func exportReason(s *member.Store, pr *auth.Principal, reason string) (string, error) {
	if pr == nil || !pr.Can(auth.PermMemberReveal) {
		return "", errs.Forbidden()
	}
	reason = strings.TrimSpace(reason)
	f := errs.Fields{}
	if f.Check(reason != "", "reason", "field.required") {
		f.Check(utf8.RuneCountInString(reason) <= 200, "reason", "field.too_long", 200)
	}
	return reason, f.Err()
}

// exportScope is the union whose subtree a full-number export covers: the
// query's, or the one subtree where the caller may reveal. It is what an
// approver must hold member.reveal over, so the query is narrowed to it.
func exportScope(ctx context.Context, s *member.Store, pr *auth.Principal, q *member.Query) (*member.Union, error) {
	if q.Org == 0 {
		paths := pr.Paths(auth.PermMemberReveal)
		if len(paths) != 1 {
			return nil, fieldErr("org", "exp.org_required")
		}
		var id int64
		if err := s.DB.QueryRow(ctx, "SELECT id FROM orgs WHERE path = ?", paths[0]).Scan(&id); err != nil {
			return nil, fieldErr("org", "exp.org_required")
		}
		q.Org = id
	}
	u, err := s.ReadableUnion(ctx, pr, q.Org, "org")
	if err != nil {
		return nil, err
	}
	if !pr.CanAt(auth.PermMemberReveal, u.Path) {
		return nil, errs.Forbidden()
	}
	return u, nil
}

// writeExport builds the workbook, runs record (the audit, in one
// transaction) with the row count, then sends it; nothing leaves unless
// the record committed.
func writeExport(ctx context.Context, s *member.Store, pr *auth.Principal, q member.Query, reveal bool, tr member.Translate, out io.Writer, record func(tx *db.Tx, n int) error) (int, error) {
	headers := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		headers[i] = tr("member.col." + c)
	}
	w, err := sheet.NewWriter(tr("member.export_sheet"), headers)
	if err != nil {
		return 0, err
	}
	defer w.Close()
	n := 0
	err = s.Each(ctx, pr, q, reveal, func(m *member.Member) error {
		if reveal && !pr.CanAt(auth.PermMemberReveal, m.OrgPath) {
			masked, err := s.Get(ctx, pr, m.ID)
			if err != nil {
				return err
			}
			m.IDNumber, m.Mobile, m.Gender, m.BirthDate = masked.IDNumber, masked.Mobile, masked.Gender, masked.BirthDate
		}
		tags := make([]string, len(m.Tags))
		for i, t := range m.Tags {
			tags[i] = tr("member.tag." + t)
		}
		gender := ""
		if m.Gender != "" {
			gender = tr("member.gender." + m.Gender)
		}
		n++
		return w.Row(m.Name, m.IDNumber, m.Mobile, gender, m.BirthDate, m.OrgName, m.EmployerName, m.Job,
			tr("member.status."+string(m.Status)), m.StatusOn, strings.Join(tags, "、"), m.JoinedOn, tr("member.source."+m.Source))
	})
	if err != nil {
		return 0, err
	}
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error { return record(tx, n) }); err != nil {
		if _, ok := errs.As(err); ok {
			return 0, err
		}
		return 0, errs.Internal(err, "member: audit export")
	}
	s.NoteReads(ctx, pr, n)
	if _, err := w.WriteTo(out); err != nil {
		return 0, err
	}
	return n, nil
}

func exportQueryView(q member.Query) map[string]any {
	v := map[string]any{"org": db.FormatID(q.Org), "org_only": q.OrgOnly, "status": q.Status, "tags": q.Tags,
		"joined_from": q.JoinedFrom, "joined_to": q.JoinedTo, "employer": db.FormatID(q.Employer)}
	if len(q.IDs) > 0 {
		v["selected"] = len(q.IDs) // ticked on the list's page
	}
	// The search text may be a number: keep only its kind.
	if q.Q != "" {
		v["q"] = member.SearchKind(q.Q)
	}
	return v
}

func fieldErr(field, key string) error {
	f := errs.Fields{}
	f.Add(field, key)
	return f.Err()
}
