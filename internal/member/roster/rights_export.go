package roster

import (
	"io"
	"strings"

	"gonghui/internal/beijing"
	"gonghui/internal/member"
	"gonghui/internal/member/privacy"
	"gonghui/internal/sheet"
)

// WriteOwnData writes a member's data as an .xlsx workbook of three
// columns (section, item, value), one row a fact, so that it reads the same
// in any spreadsheet. Cells a spreadsheet would run as formulas are
// neutralised by the sheet writer, as in every export.
func WriteOwnData(d *privacy.MyData, tr member.Translate, out io.Writer) error {
	w, err := sheet.NewWriter(tr("rights.data.sheet"), []string{tr("rights.data.col_section"), tr("rights.data.col_item"), tr("rights.data.col_value")})
	if err != nil {
		return err
	}
	defer w.Close()
	rows := [][3]string{}
	add := func(section, item, value string) { rows = append(rows, [3]string{section, item, value}) }
	m := d.Member
	rec := tr("rights.data.record")
	tags := make([]string, len(m.Tags))
	for i, t := range m.Tags {
		tags[i] = tr("member.tag." + t)
	}
	for _, kv := range [][2]string{
		{tr("member.col.name"), m.Name}, {tr("member.col.id_number"), m.IDNumber}, {tr("member.col.mobile"), m.Mobile},
		{tr("member.col.birth_date"), m.BirthDate}, {tr("member.col.org"), m.OrgName}, {tr("member.col.employer"), m.EmployerName},
		{tr("member.col.job"), m.Job}, {tr("member.col.status"), tr("member.status." + string(m.Status))}, {tr("member.col.status_on"), m.StatusOn},
		{tr("member.col.tags"), strings.Join(tags, "、")}, {tr("member.col.joined_on"), m.JoinedOn}, {tr("member.col.source"), tr("member.source." + m.Source)},
	} {
		add(rec, kv[0], kv[1])
	}
	for _, e := range d.History {
		add(tr("rights.data.history"), e.OnDate, strings.TrimSpace(tr("rights.event."+string(e.Kind))+" "+e.OrgName+" "+e.OtherOrgName))
	}
	for _, a := range d.Applications {
		add(tr("rights.data.applications"), beijing.Day(a.CreatedAt), a.OrgName+" "+string(a.Status))
	}
	for _, t := range d.Transfers {
		add(tr("rights.data.transfers"), beijing.Day(t.RequestedAt), t.FromOrgName+" → "+t.ToOrgName+" "+string(t.Status))
	}
	for _, r := range d.Registrations {
		add(tr("rights.data.registrations"), beijing.Day(r.At), r.Title+" "+r.Status)
	}
	for _, e := range d.Enrolments {
		add(tr("rights.data.enrolments"), beijing.Day(e.At), e.Name+" "+e.Status)
	}
	for _, c := range d.Consents {
		purposes := make([]string, len(c.Purposes))
		for i, p := range c.Purposes {
			purposes[i] = tr("rights.purpose." + p)
		}
		v := tr("rights.consent.path."+c.Path) + "；" + strings.Join(purposes, "、") + "；" + c.TextVersion
		if c.Collector != "" {
			v += "；" + tr("rights.consent.collector", c.Collector)
		}
		add(tr("rights.data.consents"), c.At.In(beijing.Zone).Format("2006-01-02 15:04"), v)
	}
	for _, c := range d.Corrections {
		add(tr("rights.data.corrections"), beijing.Day(c.CreatedAt),
			tr("rights.field."+c.Field)+"："+c.Value+"（"+tr("rights.correct.status."+c.Status)+"）")
	}
	for _, r := range rows {
		if err := w.Row(r[0], r[1], r[2]); err != nil {
			return err
		}
	}
	_, err = w.WriteTo(out)
	return err
}
