package survey

import (
	"regexp"
	"strconv"
	"strings"

	"gonghui/internal/errs"
)

// OtherValue is the form value of the "other, please specify" option.
const OtherValue = "other"

// FormName is the form field of question i's answer; a choice question's
// "other" text is FormName(i)+".other".
func FormName(i int) string { return "answers." + strconv.Itoa(i) }

var numberRE = regexp.MustCompile(`^[+-]?[0-9]{1,10}(\.[0-9]{1,10})?$`)

// ParseForm reads the answers of a survey's form (a phone's page, with or
// without JavaScript): answers.N holds option indexes (or "other"), a
// text or a number; answers.N.other the "other" text. Fields of unknown
// questions are ignored; what cannot be read is a field error. Check
// then applies the skip rules and the questions' limits.
func ParseForm(qs []Question, form map[string][]string) (map[int]Answer, error) {
	bad := map[int]string{}
	out := map[int]Answer{}
	for i, q := range qs {
		name := FormName(i)
		vals := form[name]
		var a Answer
		switch q.Type {
		case Single, Multiple:
			for _, v := range vals {
				v = strings.TrimSpace(v)
				switch {
				case v == "":
				case v == OtherValue:
					t := ""
					if o := form[name+".other"]; len(o) > 0 {
						t = o[0]
					}
					a.Other = &t
				default:
					n, err := strconv.Atoi(v)
					if err != nil || n < 0 || n >= len(q.Options) {
						bad[i] = "field.invalid_choice"
						continue
					}
					a.Choices = append(a.Choices, n)
				}
			}
		case Short, Long:
			if len(vals) > 0 {
				a.Text = strings.TrimSpace(vals[0])
			}
		case Rating, Number:
			if len(vals) == 0 {
				break
			}
			v := strings.TrimSpace(vals[0])
			if v == "" {
				break
			}
			if !numberRE.MatchString(v) {
				bad[i] = "survey.not_a_number"
				continue
			}
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				bad[i] = "survey.not_a_number"
				continue
			}
			a.Number = &n
		}
		if !a.empty() {
			out[i] = a
		}
	}
	// What a hidden question holds is dropped, readable or not.
	f := errs.Fields{}
	vis := Visible(qs, out)
	for i, key := range bad {
		if vis[i] {
			f.Add(FormName(i), key)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
