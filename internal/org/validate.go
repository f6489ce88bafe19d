package org

import (
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gonghui/internal/demo"
	"gonghui/internal/errs"
)

// Length limits, in characters.
const (
	maxName    = 100
	maxAddress = 200
	maxPhone   = 30
	maxNote    = 1000
	maxPerson  = 50 // an officer's name
)

// divisionCodes are the codes a division_code may take: Beijing itself
// (110000) and its districts, streets and townships.
var divisionCodes = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{"110000": true}
	for _, d := range demo.Divisions() {
		m[d.Code] = true
	}
	return m
})

// knownDivision accepts "" (not recorded) or a known code.
func knownDivision(code string) bool { return code == "" || divisionCodes()[code] }

// parseDate reads a strict 'YYYY-MM-DD' date that exists on the calendar.
func parseDate(s string) (time.Time, bool) {
	if len(s) != len(time.DateOnly) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// checkText checks a free-text field's length, and its presence when
// required. Length is counted in characters, as people count them.
func checkText(f errs.Fields, field, v string, max int, required bool) {
	if required && !f.Check(v != "", field, "field.required") {
		return
	}
	f.Check(utf8.RuneCountInString(v) <= max, field, "field.too_long", max)
}

// checkName checks a one-line name: required, short, no control characters
// (a newline in a name would break every list and export it appears in).
func checkName(f errs.Fields, field, v string, max int) {
	checkText(f, field, v, max, true)
	f.Check(strings.IndexFunc(v, unicode.IsControl) < 0, field, "org.name_control")
}

// checkShortName checks an optional short name (简称): one line, not longer
// than the name it stands for.
func checkShortName(f errs.Fields, field, v, name string, max int) {
	if v == "" {
		return
	}
	checkText(f, field, v, max, false)
	f.Check(strings.IndexFunc(v, unicode.IsControl) < 0, field, "org.name_control")
	f.Check(v != name, field, "org.short_name_same")
}

// orgFields are the editable fields of an organisation, those an update
// replaces.
type orgFields UpdateInput

func (in *orgFields) trim() {
	in.Name = strings.TrimSpace(in.Name)
	in.ShortName = strings.TrimSpace(in.ShortName)
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
	in.DivisionCode = strings.TrimSpace(in.DivisionCode)
	in.Address = strings.TrimSpace(in.Address)
	in.Phone = strings.TrimSpace(in.Phone)
	in.FoundedOn = strings.TrimSpace(in.FoundedOn)
	in.Note = strings.TrimSpace(in.Note)
}

// check applies the rules that need nothing but the input.
func (in *orgFields) check(f errs.Fields) {
	checkName(f, "name", in.Name, maxName)
	checkShortName(f, "short_name", in.ShortName, in.Name, maxName)
	if f.Check(in.Kind != "", "kind", "field.required") {
		f.Check(in.Kind.Valid(), "kind", "field.invalid_choice")
	}
	f.Check(knownDivision(in.DivisionCode), "division_code", "field.division.unknown")
	checkText(f, "address", in.Address, maxAddress, false)
	checkText(f, "phone", in.Phone, maxPhone, false)
	checkText(f, "note", in.Note, maxNote, false)
	if in.FoundedOn != "" {
		if _, ok := parseDate(in.FoundedOn); f.Check(ok, "founded_on", "field.invalid_date") {
			// The strict format makes dates compare as strings.
			f.Check(in.FoundedOn <= today(), "founded_on", "org.date_future")
		}
	}
}

// checkPlace applies the rules of where a kind may sit; parent is nil for
// the root. kindField names the field to blame for a kind that does not fit
// (the kind when creating or editing, the new parent when moving).
func checkPlace(f errs.Fields, kind Kind, parent *Org, kindField string) {
	if parent == nil {
		return
	}
	if !f.Check(parent.Kind != KindGroup, "parent_id", "org.group_no_children") {
		return
	}
	f.Check(kind != KindCity, kindField, "org.kind_city_root")
	f.Check(!(kind.upper() && parent.Kind.base()), kindField, "org.kind_under_union")
}
