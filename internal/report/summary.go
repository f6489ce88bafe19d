package report

import (
	"strconv"
	"strings"

	"gonghui/internal/beijing"
	"gonghui/internal/member"
)

// Translate looks a message up in the reader's language, like i18n.T.
type Translate func(key string, args ...any) string

// Summary puts a dashboard's key figures into short sentences for a period
// report ("截至 2026年11月24日，在册会员 56,789 名。"), in the language of
// tr; kids are the organisation's children (in any order), for naming the
// largest. Numbers are written with thousands separators. Sentences whose
// figures are all missing (no employers, no children) are left out.
func Summary(d *Dashboard, kids []Child, tr func(key string, args ...any) string) []string {
	if d == nil {
		return nil
	}
	var out []string
	add := func(key string, args ...any) { out = append(out, tr(key, args...)) }
	// addTags names the count of each tag, in the tags' order, when any.
	addTags := func(key string, by map[string]int64) {
		var items []string
		for _, t := range member.Tags {
			if n := by[string(t)]; n > 0 {
				items = append(items, tr("report.s.tag_item", tr("member.tag."+string(t)), Num(n)))
			}
		}
		if len(items) > 0 {
			add(key, strings.Join(items, tr("report.s.list_sep")))
		}
	}
	m := d.Members
	if d.Period.From != "" && d.Period.To != "" {
		add("report.s.period", dayText(d.Period.From, tr), dayText(d.Period.To, tr))
	}
	if !d.AsOf.IsZero() {
		y, mo, dd := d.AsOf.In(beijing.Zone).Date()
		add("report.s.active", tr("report.date", y, int(mo), dd), d.OrgName, Num(m.Active))
	} else {
		add("report.s.active_now", d.OrgName, Num(m.Active))
	}
	add("report.s.joined", Num(m.Joined), Num(m.Left))
	addTags("report.s.joined_tags", m.JoinedByTag)
	if m.TransferIn > 0 || m.TransferOut > 0 {
		add("report.s.transfers", Num(m.TransferIn), Num(m.TransferOut))
	}
	addTags("report.s.tags", m.ByTag)
	if m.Pending > 0 {
		add("report.s.pending", Num(m.Pending))
	}
	if d.Employers > 0 {
		add("report.s.orgs_employers", Num(d.Orgs), Num(d.Employers), Num(d.OrganisedEmployers), Percent(d.OrganisingRate))
	} else {
		add("report.s.orgs", Num(d.Orgs))
	}
	for _, s := range d.Sections {
		out = append(out, s.Section.Lines(s.Value, tr)...)
	}
	if top, ok := largest(kids, func(c Child) int64 { return c.Active }); ok {
		add("report.s.top_active", Num(len(kids)), top.OrgName, Num(top.Active))
	}
	if top, ok := largest(kids, func(c Child) int64 { return c.Joined }); ok {
		add("report.s.top_joined", top.OrgName, Num(top.Joined))
	}
	return out
}

// largest is the first child with the largest figure, when that is above
// zero.
func largest(kids []Child, figure func(Child) int64) (Child, bool) {
	var best Child
	found := false
	for _, k := range kids {
		if figure(k) > 0 && (!found || figure(k) > figure(best)) {
			best, found = k, true
		}
	}
	return best, found
}

// dayText writes a YYYY-MM-DD day with the catalogue's date format.
func dayText(day string, tr func(key string, args ...any) string) string {
	t, ok := beijing.ParseDay(day)
	if !ok {
		return day
	}
	y, m, d := t.Date()
	return tr("report.date", y, int(m), d)
}

// Num writes a whole number with thousands separators: 12,345.
func Num[T ~int | ~int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Percent writes a rate (0.625) as a percentage with one decimal: 62.5%.
func Percent(rate float64) string {
	return strconv.FormatFloat(rate*100, 'f', 1, 64) + "%"
}
