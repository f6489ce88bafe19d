package app

import (
	"reflect"
	"testing"

	"gonghui/internal/i18n"
	"gonghui/internal/report"
)

// Every section the dashboard shows, from every module this binary wires
// in, has words in both languages: its title, its cards and its columns
// side by side (dash.col.<key>, which the walk once caught missing).
func TestEverySectionHasWords(t *testing.T) {
	if len(report.Sections()) < 5 {
		t.Fatalf("only %d sections registered", len(report.Sections()))
	}
	for _, s := range report.Sections() {
		keys := []string{s.Title()}
		for _, it := range s.Cards(reflect.New(s.Type()).Interface()) {
			keys = append(keys, it.Label)
		}
		for _, c := range s.Cols() {
			keys = append(keys, c.Label, "dash.col."+c.Key)
		}
		for _, k := range keys {
			for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
				if got := i18n.T(lang, k); got == "" || got == k {
					t.Errorf("section %s: no %s words for %s", s.Key(), lang, k)
				}
			}
		}
	}
}
