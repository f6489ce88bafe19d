package member

import (
	"strings"
	"testing"

	"gonghui/internal/i18n"
)

// Histories name who acted in words: the actors the store and its jobs
// record themselves, and the ways of joining, never reach a page as codes.
func TestActorsAndSourcesInWords(t *testing.T) {
	for _, actor := range []string{"applicant", "generate", SourceImport, "system", "system:retention", "member:123"} {
		key, ok := ActorKey(actor)
		if !ok {
			t.Errorf("%q has no words", actor)
			continue
		}
		for _, lang := range i18n.Langs {
			if w := i18n.T(lang, key); w == key || w == actor || strings.ContainsAny(w, ":_") || strings.Contains(w, "generate") {
				t.Errorf("%s %q: %q", lang, actor, w)
			}
		}
	}
	if _, ok := ActorKey("dashilan"); ok {
		t.Error("a staff account's name is shown as it is")
	}
	if got := i18n.T(i18n.ZH, "member.actor.bulk"); got != "系统批量导入" {
		t.Errorf("bulk actor: %q", got)
	}
	for _, src := range []string{SourceOnSite, SourceOnline, SourceImport, SourceGenerate} {
		for _, lang := range i18n.Langs {
			w := i18n.T(lang, "member.source."+src)
			if w == "member.source."+src || strings.Contains(strings.ToLower(w), "demo") || strings.Contains(w, "演示") {
				t.Errorf("%s source %q: %q", lang, src, w)
			}
		}
	}
	if got := i18n.T(i18n.ZH, "member.source."+SourceGenerate); got != "批量导入" {
		t.Errorf("generated members joined by %q", got)
	}
}
