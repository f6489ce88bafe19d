package contracts

import (
	"net/http"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/contract"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/web"
)

// The employer picker of the contract form: one per row of covered
// employers, drawn by the kernel's picker component (org_picker) over the
// employers a contract drafted by the caller may cover. With JavaScript it
// asks GET /contracts/pick/employers as the user types (by name, pinyin
// initials or credit code); without, its search button sends the whole
// form back with the matches as radio buttons. pickedEmployer refuses, on
// saving, any employer the picker would not have offered.

// pickLimit is how many matches one search shows.
const pickLimit = 20

func employerField(row string) string  { return "employers." + row + ".employer_id" }
func employerQField(row string) string { return "employers." + row + ".q" }

// choiceLabel is how a match is shown: the name, then what tells two
// alike apart (the owner; the credit code when there is one).
func choiceLabel(c contract.Choice) (name, detail string) {
	detail = c.OrgName
	if c.CreditCode != "" {
		detail = c.CreditCode + " · " + c.OrgName
	}
	return c.Name, detail
}

// employerPicker builds row's picker: its current choice (value, or the
// form's), its search and, when this row's search was asked for without
// JavaScript, its matches.
func (h *Pages) employerPicker(r *http.Request, p *auth.Principal, pg *web.Page, row, value string) (*web.OrgPicker, error) {
	field, qfield := employerField(row), employerQField(row)
	v := &web.OrgPicker{Field: field, QField: qfield, Label: pg.T("contract.field.employer"), Value: value,
		Endpoint: "/contracts/pick/employers?row=" + row, Blank: pg.T("contract.form.no_employer")}
	if r.Method == http.MethodPost {
		v.Value = strings.TrimSpace(r.PostFormValue(field))
		if r.PostFormValue(web.PickerClearButton) == field {
			v.Value = ""
		}
		v.Q = strings.TrimSpace(r.PostFormValue(qfield))
	}
	var cur *contract.Choice
	if id := web.ParseIDValue(v.Value); id != 0 {
		if c, err := h.Contracts.Employer(r.Context(), p, id); err == nil {
			cur = c
			v.Chosen, _ = choiceLabel(*c)
		} else if !errs.Is(err, errs.KindNotFound) {
			return nil, err
		} else {
			v.Value = ""
		}
	}
	if r.Method != http.MethodPost || r.PostFormValue(web.PickerSearchButton) != qfield {
		return v, nil
	}
	v.Searched = true
	hits, err := h.Contracts.SearchEmployers(r.Context(), p, v.Q, pickLimit)
	if err != nil && !errs.Is(err, errs.KindInvalid) {
		return nil, err
	}
	if v.Q == "" {
		hits = nil // an empty box lists nothing: the registry may be thousands long
	}
	v.NoMatch = len(hits) == 0
	if v.NoMatch {
		return v, nil
	}
	v.Matches = append(v.Matches, web.Option{Value: "", Label: v.Blank})
	seen := map[int64]bool{}
	for _, c := range append(optional(cur), hits...) {
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		name, detail := choiceLabel(c)
		v.Matches = append(v.Matches, web.Option{Value: db.FormatID(c.ID), Label: name + " · " + detail})
	}
	return v, nil
}

func optional(c *contract.Choice) []contract.Choice {
	if c == nil {
		return nil
	}
	return []contract.Choice{*c}
}

// pickedEmployer is the employer row's picker sent, 0 when none: an id
// the picker would not have offered (not one, or outside the caller's
// subtrees) is a field error on the row.
func (h *Pages) pickedEmployer(r *http.Request, p *auth.Principal, row string, f errs.Fields) (int64, error) {
	field := employerField(row)
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return 0, nil
	}
	id := web.ParseIDValue(s)
	if id == 0 {
		f.Add(field, "field.invalid_id")
		return 0, nil
	}
	if _, err := h.Contracts.Employer(r.Context(), p, id); err != nil {
		if errs.Is(err, errs.KindNotFound) {
			f.Add(field, "web.picker.out_of_scope")
			return 0, nil
		}
		return 0, err
	}
	return id, nil
}

// pickItem is one match of the JSON search.
type pickItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"` // what tells it apart: its credit code and owner
}

// pickEmployers answers GET /contracts/pick/employers?q= with the
// employers a contract drafted by the caller may cover matching q.
func (h *Pages) pickEmployers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	items := []pickItem{}
	if q != "" {
		hits, err := h.Contracts.SearchEmployers(r.Context(), p, q, pickLimit)
		if err != nil && !errs.Is(err, errs.KindInvalid) {
			return err
		}
		for _, c := range hits {
			name, detail := choiceLabel(c)
			items = append(items, pickItem{ID: db.FormatID(c.ID), Name: name, Kind: detail})
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// rowCount is how many employer rows the form shows: those filled, or the
// count it showed before, one more when "add a row" was pressed, at least
// one and at most formRows.
func rowCount(r *http.Request, v map[string]string) int {
	n := 1
	for i := range formRows {
		s := strconv.Itoa(i)
		if v[employerField(s)] != "" || v["employers."+s+".workers"] != "" {
			n = max(n, i+1)
		}
	}
	if r.Method == http.MethodPost {
		if k, err := strconv.Atoi(r.PostFormValue("rows")); err == nil {
			n = max(n, k)
		}
		if r.PostFormValue(addRowButton) != "" {
			n++
		}
	}
	return min(max(n, 1), formRows)
}

// addRowButton is the name of the form's "add a row" button: a POST
// carrying it shows the form again with one more row, saving nothing.
const addRowButton = "add_row"
