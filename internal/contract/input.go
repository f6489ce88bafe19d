package contract

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Input is a draft contract as staff write it.
type Input struct {
	OrgID        int64           `json:"org_id,string"`
	Title        string          `json:"title"`
	Kind         Kind            `json:"kind"`
	Coverage     Coverage        `json:"coverage"`
	UnionRep     string          `json:"union_rep"`
	EmployerRep  string          `json:"employer_rep"`
	SignedOn     string          `json:"signed_on"`
	StartsOn     string          `json:"starts_on"`
	EndsOn       string          `json:"ends_on"`
	WageIncrease int             `json:"wage_increase"` // hundredths of a percent
	MinWage      int64           `json:"min_wage"`      // fen a month
	Notes        string          `json:"notes"`
	Employers    []EmployerInput `json:"employers"`
}

// EmployerInput is one covered employer with its workers covered.
type EmployerInput struct {
	EmployerID int64 `json:"employer_id,string"`
	Workers    int   `json:"workers"`
}

// cleanText trims s and drops control characters other than line breaks
// and tabs, which pasted text carries and nobody reads.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// checkLine trims *v to one line and checks it is given and at most max
// characters long.
func checkLine(f errs.Fields, field string, v *string, max int) {
	*v = strings.Join(strings.Fields(cleanText(*v)), " ")
	n := utf8.RuneCountInString(*v)
	switch {
	case n == 0:
		f.Add(field, "field.required")
	case n > max:
		f.Add(field, "field.too_long", max)
	}
}

// checkDay checks that *v is a calendar day, written YYYY-MM-DD.
func checkDay(f errs.Fields, field string, v *string) bool {
	*v = strings.TrimSpace(*v)
	if *v == "" {
		f.Add(field, "field.required")
		return false
	}
	t, ok := beijing.ParseDay(*v)
	if !ok || t.Year() < 1990 || t.Year() > 2199 {
		f.Add(field, "contract.bad_day")
		return false
	}
	*v = t.Format("2006-01-02")
	return true
}

// validate checks everything that needs no database, recording each
// broken rule under its field.
func (in *Input) validate(f errs.Fields) {
	f.Check(in.OrgID != 0, "org_id", "field.required")
	checkLine(f, "title", &in.Title, MaxTitle)
	if in.Kind == "" {
		f.Add("kind", "field.required")
	} else {
		f.Check(slices.Contains(Kinds, in.Kind), "kind", "field.invalid_choice")
	}
	if in.Coverage == "" {
		f.Add("coverage", "field.required")
	} else {
		f.Check(slices.Contains(Coverages, in.Coverage), "coverage", "field.invalid_choice")
	}
	checkLine(f, "union_rep", &in.UnionRep, MaxRep)
	checkLine(f, "employer_rep", &in.EmployerRep, MaxRep)
	signed, start, end := checkDay(f, "signed_on", &in.SignedOn), checkDay(f, "starts_on", &in.StartsOn), checkDay(f, "ends_on", &in.EndsOn)
	if start && end {
		switch {
		case in.EndsOn < in.StartsOn:
			f.Add("ends_on", "contract.ends_before_start")
		case in.EndsOn < addDays(in.StartsOn, MinTermDays-1):
			f.Add("ends_on", "contract.term_too_short", MinTermDays)
		case in.EndsOn > addDays(addMonths(in.StartsOn, 12*MaxTermYears), -1):
			f.Add("ends_on", "contract.term_too_long", MaxTermYears)
		}
	}
	if signed && end && in.SignedOn > in.EndsOn {
		f.Add("signed_on", "contract.signed_after_end")
	}
	f.Check(in.WageIncrease >= 0 && in.WageIncrease <= MaxWageIncrease, "wage_increase", "field.out_of_range", 0, MaxWageIncrease/100)
	f.Check(in.MinWage >= 0 && in.MinWage <= MaxMinWage, "min_wage", "field.out_of_range", 0, MaxMinWage/100)
	if in.Kind == KindWage && in.WageIncrease == 0 && in.MinWage == 0 {
		f.Add("wage_increase", "contract.wage_terms_required")
	}
	in.Notes = cleanText(in.Notes)
	f.Check(utf8.RuneCountInString(in.Notes) <= MaxNotes, "notes", "field.too_long", MaxNotes)
	in.checkEmployers(f)
}

func (in *Input) checkEmployers(f errs.Fields) {
	n := len(in.Employers)
	switch {
	case n == 0:
		f.Add("employers", "contract.employers_required")
		return
	case n > MaxEmployers:
		f.Add("employers", "contract.too_many_employers", MaxEmployers)
		return
	case in.Coverage == CoverEmployer && n != 1:
		f.Add("employers", "contract.one_employer")
		return
	case (in.Coverage == CoverRegional || in.Coverage == CoverIndustry) && n < 2:
		f.Add("employers", "contract.many_employers")
		return
	}
	seen := map[int64]bool{}
	for i, e := range in.Employers {
		field := "employers." + strconv.Itoa(i)
		if e.EmployerID == 0 {
			f.Add(field+".employer_id", "field.required")
			continue
		}
		if seen[e.EmployerID] {
			f.Add(field+".employer_id", "contract.employer_twice")
		}
		seen[e.EmployerID] = true
		f.Check(e.Workers >= 1 && e.Workers <= MaxWorkers, field+".workers", "field.out_of_range", 1, MaxWorkers)
	}
}

// checkScope checks, inside tx, that the organisation is one where pr
// drafts contracts and that each employer is in the registry within its
// subtree (owned there or organised by a union there). It answers the
// organisation's path and name.
func checkScope(ctx context.Context, tx *db.Tx, pr *auth.Principal, in *Input, f errs.Fields) (string, string, error) {
	var path, name string
	err := tx.QueryRow(ctx, "SELECT path, name FROM orgs WHERE id = ?"+tx.ForShare(), in.OrgID).Scan(&path, &name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", errs.Internal(err, "contract: read organisation")
	}
	if err != nil || !rule.CanWrite(pr, path) {
		f.Add("org_id", "field.invalid_id")
		return "", "", f.Err()
	}
	for i, e := range in.Employers {
		var owner, union string
		err := tx.QueryRow(ctx, "SELECT owner_path, union_path FROM employers WHERE id = ?", e.EmployerID).Scan(&owner, &union)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", "", errs.Internal(err, "contract: read employer")
		}
		if err != nil || !(auth.Inside(owner, path) || union != "" && auth.Inside(union, path)) {
			f.Add("employers."+strconv.Itoa(i)+".employer_id", "contract.employer_outside")
		}
	}
	return path, name, f.Err()
}

// ParsePercent reads a percentage as staff type it ("3.5", "3.50%",
// "３.５") into hundredths of a percent, without floating point; ok is
// false for anything else, or more than two decimals.
func ParsePercent(s string) (int, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(toHalfWidth(s)), "%")
	return parseHundredths(strings.TrimSpace(s), MaxWageIncrease)
}

// ParseYuan reads an amount in yuan ("2420", "2,420.50", "¥2420") into
// fen, without floating point.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(toHalfWidth(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.TrimSuffix(strings.TrimSpace(s), "元")
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	n, ok := parseHundredths(s, MaxMinWage)
	return int64(n), ok
}

// parseHundredths reads "123", "123.4" or "123.45" as 12300, 12340 or
// 12345, refusing signs, exponents and values above max.
func parseHundredths(s string, max int) (int, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && (!dot || frac == "") || len(frac) > 2 || len(whole) > 9 {
		return 0, false
	}
	digits := func(p string) bool {
		for _, r := range p {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if !digits(whole) || !digits(frac) {
		return 0, false
	}
	n := 0
	if whole != "" {
		n, _ = strconv.Atoi(whole)
	}
	frac = (frac + "00")[:2]
	f, _ := strconv.Atoi(frac)
	n = n*100 + f
	if n > max {
		return 0, false
	}
	return n, true
}

// FormatHundredths writes n hundredths as "3.5" or "2420": what the form
// shows back and the pages print.
func FormatHundredths(n int64) string {
	s := strconv.FormatInt(n/100, 10)
	if r := n % 100; r != 0 {
		s += "." + strings.TrimSuffix(strconv.FormatInt(100+r, 10)[1:], "0")
	}
	return s
}

// toHalfWidth turns full-width digits, point, comma and percent sign
// (typed by Chinese input methods) into ASCII.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' || r == '．' || r == '，' || r == '％' {
			return r - 0xFEE0
		}
		return r
	}, s)
}

// Check is the store's checks of in that need no database: a form with
// errors of its own shows them together with these, saving nothing.
func Check(in Input) error {
	f := errs.Fields{}
	in.validate(f)
	return f.Err()
}
