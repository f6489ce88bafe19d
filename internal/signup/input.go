package signup

import (
	"strings"
	"unicode/utf8"

	"gonghui/internal/errs"
	"gonghui/internal/member"
)

// Limits of the fields that activities and courses (and their terms) share.
const (
	MaxTitle       = 100
	MaxText        = 200
	MaxDescription = 20000
)

// Title trims *s and checks that it is given and no longer than MaxTitle.
func Title(f errs.Fields, field string, s *string) {
	*s = strings.TrimSpace(*s)
	if f.Check(*s != "", field, "field.required") {
		f.Check(utf8.RuneCountInString(*s) <= MaxTitle, field, "field.too_long", MaxTitle)
	}
}

// Choice checks an enumerated field: given and one of its values.
func Choice(f errs.Fields, field string, empty, valid bool) {
	if empty {
		f.Add(field, "field.required")
	} else {
		f.Check(valid, field, "field.invalid_choice")
	}
}

// Description checks the length of a free description.
func Description(f errs.Fields, s string) {
	f.Check(utf8.RuneCountInString(s) <= MaxDescription, "description", "field.too_long", MaxDescription)
}

// Texts trims the short free texts, by field name, and checks their length.
func Texts(f errs.Fields, texts map[string]*string) {
	for name, v := range texts {
		*v = strings.TrimSpace(*v)
		f.Check(utf8.RuneCountInString(*v) <= MaxText, name, "field.too_long", MaxText)
	}
}

// AudienceTags reads the tags an audience is narrowed to as their bits.
func AudienceTags(f errs.Fields, tags []string) int64 {
	bits, ok := member.TagBits(tags)
	f.Check(ok, "audience_tags", "field.invalid_choice")
	return bits
}

// Capacity checks a number of seats (0: unlimited) against its maximum.
func Capacity(f errs.Fields, n, max int) {
	f.Check(n >= 0 && n <= max, "capacity", "field.out_of_range", 0, max)
}
