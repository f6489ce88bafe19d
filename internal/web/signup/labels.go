package signup

import (
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// Labels name a store's codes of one kind (kinds, statuses, a sign-up's
// states): the message key is Key + the code; a status has a badge
// variant, "outline" when none is set.
type Labels[S ~string] struct {
	Key      string
	Variants map[S]string
}

// Label is the code's name in lang.
func (l Labels[S]) Label(lang i18n.Lang, s S) string { return i18n.T(lang, l.Key+string(s)) }

// Variant is the code's badge variant.
func (l Labels[S]) Variant(s S) string {
	if v, ok := l.Variants[s]; ok {
		return v
	}
	return "outline"
}

// Options are the codes as choices of a select or of tabs.
func (l Labels[S]) Options(lang i18n.Lang, codes []S) []web.Option {
	return web.EnumOptions(lang, codes, l.Label)
}
