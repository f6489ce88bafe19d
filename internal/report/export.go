package report

import (
	"io"

	"gonghui/internal/beijing"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/sheet"
)

// exportCols is how wide the workbook is: the children's table (the
// organisation, six figures and the sections' columns). The figures above
// it use two columns.
func exportCols() int { return 7 + len(columns()) }

// Export writes a period report as an .xlsx workbook of one sheet: the
// title and period, the key figures (label, number), the sentences of
// Summary, and the children side by side. Labels are in the language of tr.
func Export(d *Dashboard, kids []Child, sentences []string, tr func(key string, args ...any) string, w io.Writer) error {
	headers := make([]string, exportCols())
	headers[0], headers[1] = tr("report.x.item"), tr("report.x.value")
	sw, err := sheet.NewWriter(tr("report.x.sheet"), headers)
	if err != nil {
		return err
	}
	defer sw.Close()
	rows := [][]any{{tr("report.x.title", d.OrgName)}}
	period := d.Period.From + " – " + d.Period.To
	if d.Period.From == "" && d.Period.To == "" {
		period = ""
	}
	rows = append(rows, []any{tr("report.x.period"), period})
	if !d.AsOf.IsZero() {
		rows = append(rows, []any{tr("report.x.as_of"), d.AsOf.In(beijing.Zone).Format("2006-01-02 15:04:05")})
	}
	rows = append(rows, nil, []any{tr("report.x.figures")})
	for _, f := range Figures(d, tr) {
		rows = append(rows, []any{f.Label, f.Value})
	}
	if len(sentences) > 0 {
		rows = append(rows, nil, []any{tr("report.x.summary")})
		for _, s := range sentences {
			rows = append(rows, []any{s})
		}
	}
	if len(kids) > 0 {
		cols := columns()
		head := []any{tr("report.x.org"), tr("report.f.active"), tr("report.f.joined"), tr("report.f.left"), tr("report.f.orgs"),
			tr("report.f.employers"), tr("report.f.organising_rate")}
		for _, c := range cols {
			head = append(head, tr(c.Label))
		}
		rows = append(rows, nil, []any{tr("report.x.children")}, head)
		for _, k := range kids {
			row := []any{k.OrgName, k.Active, k.Joined, k.Left, k.Orgs, k.Employers, Percent(k.OrganisingRate)}
			for _, c := range cols {
				row = append(row, k.Extra[c.Key])
			}
			rows = append(rows, row)
		}
	}
	for _, r := range rows {
		if err := sw.Row(r...); err != nil {
			return err
		}
	}
	_, err = sw.WriteTo(w)
	return err
}

// Figure is one labelled number of a dashboard.
type Figure struct {
	Label string
	Value any // int64, int, or a percentage as text
}

// Figures lists a dashboard's numbers in reading order, labelled in the
// language of tr: members, flows, statuses and tags, organisations and
// employers, then the sections' figures.
func Figures(d *Dashboard, tr func(key string, args ...any) string) []Figure {
	m := d.Members
	out := []Figure{
		{tr("report.f.active"), m.Active}, {tr("report.f.joined"), m.Joined}, {tr("report.f.left"), m.Left},
		{tr("report.f.transfer_in"), m.TransferIn}, {tr("report.f.transfer_out"), m.TransferOut},
		{tr("report.f.pending"), m.Pending},
	}
	for _, st := range member.Statuses {
		out = append(out, Figure{tr("report.f.status", tr("member.status."+string(st))), m.ByStatus[string(st)]})
	}
	for _, t := range member.Tags {
		out = append(out, Figure{tr("report.f.tag", tr("member.tag."+string(t))), m.ByTag[string(t)]})
	}
	out = append(out, Figure{tr("report.f.orgs"), d.Orgs})
	for _, k := range org.Kinds {
		if n := d.ByKind[string(k)]; n > 0 {
			out = append(out, Figure{tr("report.f.kind", tr("org.kind."+string(k))), n})
		}
	}
	out = append(out, Figure{tr("report.f.employers"), d.Employers}, Figure{tr("report.f.organised"), d.OrganisedEmployers},
		Figure{tr("report.f.organising_rate"), Percent(d.OrganisingRate)})
	if d.Employees > 0 {
		out = append(out, Figure{tr("report.f.employees"), d.Employees}, Figure{tr("report.f.membership_rate"), Percent(d.MembershipRate)})
	}
	for _, s := range d.Sections {
		out = append(out, s.Section.Rows(s.Value, tr)...)
	}
	return out
}
