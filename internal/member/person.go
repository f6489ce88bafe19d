package member

import (
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gonghui/internal/cnid"
	"gonghui/internal/errs"
)

// Person is what describes someone joining, from a form, an application or
// a roster row, before validation.
type Person struct {
	Name         string   `json:"name"`
	IDNumber     string   `json:"id_number"`
	Mobile       string   `json:"mobile"`
	EmployerID   int64    `json:"employer_id,string,omitempty"`
	EmployerName string   `json:"employer_name"`
	Job          string   `json:"job"`
	JoinedOn     string   `json:"joined_on"` // default today
	Tags         []string `json:"tags"`
}

// person is a validated Person with its derived keys.
type person struct {
	name       string
	initials   string
	grams      []string
	id         cnid.ResidentID
	mobile     string // 11 digits, or "" when none was given
	idHash     string
	mobileHash string // "" when no mobile
	employerID int64
	employer   string
	job        string
	joinedOn   string
	tags       int64
}

func (p *person) gender() string {
	if p.id.Male {
		return "male"
	}
	return "female"
}

func (p *person) birth() string { return p.id.Birth.Format(time.DateOnly) }

// Field limits.
const (
	maxName     = 40
	maxEmployer = 100
	maxJob      = 50
	minAge      = 16 // the minimum working age of the Labour Law
)

// checkPerson validates in into f's fields and returns the normalised
// person; callers check f.Err(). Messages never repeat the values, which
// may be personal data.
func (s *Store) checkPerson(in Person, f errs.Fields, needMobile bool) person {
	var out person
	out.name = cleanName(in.Name)
	checkName(out.name, f, "name")
	if strings.TrimSpace(in.IDNumber) == "" {
		f.Add("id_number", "field.required")
	} else if id, err := cnid.ParseResidentID(in.IDNumber); err != nil {
		f.Add("id_number", idRuleKey(in.IDNumber, err))
	} else {
		out.id = id
		out.idHash = s.Keys.Hash("id_number", id.Number)
	}
	switch m := strings.TrimSpace(in.Mobile); {
	case m == "" && needMobile:
		f.Add("mobile", "field.required")
	case m == "":
	default:
		if n, err := cnid.NormalizeMobile(m); err != nil {
			f.Add("mobile", "field.mobile.invalid")
		} else {
			out.mobile = n
			out.mobileHash = s.Keys.Hash("mobile", n)
		}
	}
	out.employerID = in.EmployerID
	out.employer = strings.TrimSpace(in.EmployerName)
	CheckText(out.employer, maxEmployer, f, "employer_name")
	out.job = strings.TrimSpace(in.Job)
	CheckText(out.job, maxJob, f, "job")
	today := s.today()
	// earliestJoining bounds a joining date from below where the ID number
	// gives no birth date to check it against: the founding of the
	// All-China Federation of Trade Unions. A typo such as 1900-01-01 is
	// refused rather than recorded.
	const earliestJoining = "1925-05-01"
	out.joinedOn = strings.TrimSpace(in.JoinedOn)
	if out.joinedOn == "" {
		out.joinedOn = today
	}
	if d, err := time.Parse(time.DateOnly, out.joinedOn); err != nil {
		f.Add("joined_on", "field.invalid_date")
	} else if out.joinedOn > today {
		f.Add("joined_on", "member.date_future")
	} else if out.joinedOn < earliestJoining {
		f.Add("joined_on", "member.joined_too_early", earliestJoining)
	} else if !out.id.Birth.IsZero() && d.Before(out.id.Birth.AddDate(minAge, 0, 0)) {
		f.Add("joined_on", "member.joined_too_young", minAge)
	}
	if !out.id.Birth.IsZero() && out.id.Birth.AddDate(minAge, 0, 0).Format(time.DateOnly) > today {
		f.Add("id_number", "member.too_young", minAge)
	}
	bits, ok := TagBits(in.Tags)
	f.Check(ok, "tags", "field.invalid_choice")
	out.tags = bits
	out.initials = initials(out.name)
	out.grams = bigrams(out.name)
	return out
}

// checkName adds to f under key what is wrong with a cleaned name.
func checkName(name string, f errs.Fields, key string) {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		f.Add(key, "field.required")
	case n < 2:
		f.Add(key, "field.too_short", 2)
	case n > maxName:
		f.Add(key, "field.too_long", maxName)
	case !validName(name):
		f.Add(key, "member.name_chars")
	}
}

// CheckText adds to f under key what is wrong with a trimmed free text of
// at most limit characters.
func CheckText(s string, limit int, f errs.Fields, key string) {
	f.Check(utf8.RuneCountInString(s) <= limit, key, "field.too_long", limit)
	f.Check(!hasControl(s), key, "member.text_control")
}

// CheckValue checks a new value for one field of a record ("name",
// "id_number", "mobile", "employer_name", "job") as checkPerson would, and
// requires one; what is wrong goes to f under key. It answers the value
// normalised.
func CheckValue(field, value string, f errs.Fields, key string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		f.Add(key, "field.required")
		return value
	}
	switch field {
	case "name":
		value = cleanName(value)
		checkName(value, f, key)
	case "id_number":
		if id, err := cnid.ParseResidentID(value); err != nil {
			f.Add(key, idRuleKey(value, err))
		} else {
			value = id.Number
		}
	case "mobile":
		if m, err := cnid.NormalizeMobile(value); err != nil {
			f.Add(key, "field.mobile.invalid")
		} else {
			value = m
		}
	case "employer_name":
		CheckText(value, maxEmployer, f, key)
	case "job":
		CheckText(value, maxJob, f, key)
	default:
		f.Add(key, "field.invalid_choice")
	}
	return value
}

// idRuleKey names the rule an ID number broke. A number that Excel turned
// into a float ("1.10101199E+17") gets its own message, since that is the
// commonest way a roster loses ID numbers and the cure is to format the
// column as text.
func idRuleKey(raw string, err error) string {
	if t := strings.TrimSpace(raw); strings.ContainsAny(t, "eE") && strings.ContainsAny(t, ".+") {
		return "member.id_number_float"
	}
	var ce *cnid.Error
	if errors.As(err, &ce) {
		return "member.id_number." + ce.Rule
	}
	return "field.id_number.invalid"
}

// cleanName trims a name and folds the separators of minority and foreign
// names (·, ・, ．, •) into the middle dot that the ID card uses.
func cleanName(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' })
	return strings.NewReplacer("・", "·", "．", "·", "•", "·", "‧", "·").Replace(s)
}

// validName allows letters (Han and others), the middle dot and inner
// spaces: no digits, punctuation or control characters.
func validName(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), r == '·', r == ' ':
		default:
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
