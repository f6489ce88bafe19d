package contest

import (
	"testing"

	"gonghui/internal/i18n"
	"gonghui/internal/report"
)

// Everything the dashboard shows of the contests' section has words: its
// title, its figures, its columns side by side (dash.col.<key>) and its
// report lines.
func TestSectionHasWords(t *testing.T) {
	for _, s := range report.Sections() {
		if s.Key() != "contests" {
			continue
		}
		keys := []string{s.Title()}
		for _, it := range s.Cards(&Figures{}) {
			keys = append(keys, it.Label)
		}
		for _, c := range s.Cols() {
			keys = append(keys, c.Label, "dash.col."+c.Key)
		}
		for _, k := range keys {
			if !i18n.Has(k) {
				t.Errorf("no words for %s", k)
			}
		}
		tr := func(k string, a ...any) string { return i18n.T(i18n.ZH, k, a...) }
		for _, line := range s.Lines(&Figures{Held: 1, Takers: 2, Papers: 3, Passed: 1}, tr) {
			if line == "" || line == "report.s.contests" {
				t.Errorf("report line %q", line)
			}
		}
		return
	}
	t.Fatal("the contests' section is not registered")
}
