package dashboard

import (
	"time"

	"gonghui/internal/i18n"
	"gonghui/internal/report"
)

// presetLinks are the period picker's shortcuts. Two shortcuts may name the
// same days (this year and the last twelve months in December, this month
// and this year in January): only the first that matches the period is
// marked current, so the picker never highlights two at once.
func presetLinks(lang i18n.Lang, now time.Time, action string, d *dashboardData) []preset {
	var out []preset
	marked := d.Invalid
	for _, np := range presetPeriods(now) {
		cur := !marked && np.Period == d.Period
		marked = marked || cur
		out = append(out, preset{Label: i18n.T(lang, "dash.preset."+np.Key), URL: action + periodQuery(np.Period, d.Sort), Current: cur})
	}
	return out
}

// clampNote says, above the figures, that a period running past today was
// counted up to today only; "" when it was not.
func clampNote(lang i18n.Lang, dash *report.Dashboard) string {
	if !dash.ClampedToToday {
		return ""
	}
	return i18n.T(lang, "dash.clamped", dash.Period.To)
}
