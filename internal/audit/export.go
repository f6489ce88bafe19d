package audit

import (
	"context"
	"io"
	"strings"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/sheet"
)

// MaxExport bounds one export; an inspector narrows the filter for more.
const MaxExport = 50_000

// wordsBatch is how many entries share one round of name look-ups.
const wordsBatch = 500

// Export writes the entries f selects, newest first, as a workbook in lang
// with readable columns, and records the export itself (with its filter
// and row count) in the log before a byte is sent. place is the path the
// record belongs to (the auditor's own subtree).
func Export(ctx context.Context, d *db.DB, lang i18n.Lang, f Filter, place string, out io.Writer) (int, error) {
	var entries []Entry
	if err := Each(ctx, d, f, MaxExport, func(e *Entry) error { entries = append(entries, *e); return nil }); err != nil {
		return 0, err
	}
	t := func(k string) string { return i18n.T(lang, k) }
	w, err := sheet.NewWriter(t("audit.export.sheet"), []string{t("audit.export.seq"), t("audit.export.at"), t("audit.export.actor"),
		t("audit.export.actor_detail"), t("audit.export.area"), t("audit.export.what"), t("audit.export.object"),
		t("audit.export.reason"), t("audit.export.changes"), t("audit.export.ip")})
	if err != nil {
		return 0, err
	}
	defer w.Close()
	for start := 0; start < len(entries); start += wordsBatch {
		part := entries[start:min(start+wordsBatch, len(entries))]
		lines, err := Words(ctx, d, lang, f.Paths, part)
		if err != nil {
			return 0, err
		}
		for i := range lines {
			l := &lines[i]
			area := t("audit.area.system")
			if a := AreaOf(part[i].Action); a != "" {
				area = t("audit.area." + a)
			}
			var changes []string
			for _, c := range l.Changes {
				changes = append(changes, i18n.T(lang, "audit.export.change", c.Label, dash(c.Before), dash(c.After)))
			}
			what := l.Pre + l.Object + l.Post
			if err := w.Row(l.Seq, l.At.In(beijing.Zone).Format("2006-01-02 15:04:05"), sheet.Neutralize(l.Actor), sheet.Neutralize(l.ActorDetail),
				area, sheet.Neutralize(what), sheet.Neutralize(l.Object), sheet.Neutralize(l.Reason),
				sheet.Neutralize(strings.Join(changes, "\n")), l.IP); err != nil {
				return 0, err
			}
		}
	}
	// The log leaves the system here: the export is on record first.
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		return Record(ctx, tx, Event{Action: ActionExport, Entity: "audit", OrgPath: place, After: map[string]any{"rows": len(entries), "filter": f.record()}})
	}); err != nil {
		return 0, err
	}
	_, err = w.WriteTo(out)
	return len(entries), err
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// record is the filter as the export's entry keeps it: codes and IDs, no
// names (the page shows them in words).
func (f *Filter) record() map[string]any {
	m := map[string]any{}
	if f.Kind != "" {
		m["action"] = f.Kind
	}
	if f.Area != "" {
		m["area"] = f.Area
	}
	if f.ActorID != 0 {
		m["actor_id"] = db.FormatID(f.ActorID)
	}
	if f.Entity != "" {
		m["entity"] = f.Entity
	}
	if f.EntityID != "" {
		m["entity_id"] = f.EntityID
	}
	if !f.From.IsZero() {
		m["from"] = beijing.Day(f.From)
	}
	if !f.To.IsZero() {
		m["to"] = beijing.Day(f.To.AddDate(0, 0, -1))
	}
	return m
}
