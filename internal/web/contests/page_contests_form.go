package contests

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// The form of a contest: new (/contests/new) and edit
// (/contests/{id}/edit). The paper's sections are rows named sec_<part>.N:
// title, bank, mode (random or fixed), count, category, type, difficulty,
// points, q (the fixed questions, checkboxes of the bank's questions) and
// remove. Without JavaScript the form always ends with empty rows, and
// its "show the bank's questions" button sends the form back as typed with
// the chosen banks' questions to tick; contests.js adds rows and sends the
// form back when a fixed section's bank changes.

// Section modes.
const (
	modeRandom = "random"
	modeFixed  = "fixed"
)

// maxChoices is how many of a bank's questions a fixed section offers.
const maxChoices = contest.MaxSectionSize

// qChoice is a question a fixed section may take.
type qChoice struct {
	ID, Label, TypeLabel string
	Checked              bool
}

// secRow is one section row of the form.
type secRow struct {
	Index                                                        int
	Title, Bank, Mode, Count, Category, Type, Difficulty, Points string
	Questions                                                    []string
	Choices                                                      []qChoice
	ChoicesMore                                                  bool
	Categories                                                   []string
	input                                                        int // its position in the store's input, -1 when left out
}

// empty reports whether nothing was typed in the row.
func (s secRow) empty() bool {
	return s.Title == "" && s.Bank == "" && s.Count == "" && s.Category == "" && s.Type == "" && s.Difficulty == "" && s.Points == "" &&
		len(s.Questions) == 0
}

// formValues are the fields as first shown.
type formValues struct {
	OrgID, AudienceOrgID, Title, Description, OpensAt, ClosesAt  string
	TimeLimit, Attempts, Counting, PassMark                      string
	ShuffleQuestions, ShuffleOptions, PartialCredit, ShowCorrect string
	Practice                                                     string
	Tags                                                         []string
}

// contestFormData is the Data of the form.
type contestFormData struct {
	Editing           bool
	Action, Cancel    string
	OrgName           string
	Org               *web.OrgPicker // the publisher, when new
	Audience          *web.OrgPicker
	V                 formValues
	TagChoices        []web.TagChoice
	TagsError         string
	Sections          []secRow
	SectionsError     string
	BankOptions       []web.Option
	TypeOptions       []web.Option
	DifficultyOptions []web.Option
	CountingOptions   []web.Option
	ModeOptions       []web.Option
	Taken             int64 // attempts so far: the paper's rules are frozen
	Version           string
	MaxTitle          int
}

var secNameRE = regexp.MustCompile(`^sec_(title|bank|mode|count|category|type|difficulty|points|q|remove)\.([0-9]{1,2})$`)

// secRowsFrom reads the submitted section rows in their order; removed
// rows are left out.
func secRowsFrom(r *http.Request) []secRow {
	byIndex := map[int]*secRow{}
	removed := map[int]bool{}
	for k, v := range r.PostForm {
		m := secNameRE.FindStringSubmatch(k)
		if m == nil || len(v) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		row, ok := byIndex[i]
		if !ok {
			row = &secRow{Index: i}
			byIndex[i] = row
		}
		val := strings.TrimSpace(v[0])
		switch m[1] {
		case "title":
			row.Title = val
		case "bank":
			row.Bank = val
		case "mode":
			row.Mode = val
		case "count":
			row.Count = val
		case "category":
			row.Category = val
		case "type":
			row.Type = val
		case "difficulty":
			row.Difficulty = val
		case "points":
			row.Points = val
		case "q":
			for _, s := range v {
				if s = strings.TrimSpace(s); s != "" && !slices.Contains(row.Questions, s) {
					row.Questions = append(row.Questions, s)
				}
			}
		case "remove":
			removed[i] = web.IsChecked(val)
		}
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		if !removed[i] {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	out := make([]secRow, 0, len(idx))
	for _, i := range idx {
		out = append(out, *byIndex[i])
	}
	return out
}

// atoiField reads an optional whole number; another text is name's error.
func atoiField(f errs.Fields, name, s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.Add(name, "field.not_a_number")
	}
	return n
}

// contestInputFrom reads the form; the field errors are those the store
// cannot see (numbers that are not numbers), on the form's own names.
func contestInputFrom(r *http.Request) (contest.Input, []secRow, errs.Fields) {
	f := errs.Fields{}
	check := func(name string) bool { return web.IsChecked(web.FormValue(r, name)) }
	in := contest.Input{Title: web.FormValue(r, "title"), Description: strings.TrimSpace(r.PostFormValue("description")),
		OpensAt: web.FormValue(r, "opens_at"), ClosesAt: web.FormValue(r, "closes_at"), Counting: contest.Counting(web.FormValue(r, "counting")),
		ShuffleQuestions: check("shuffle_questions"), ShuffleOptions: check("shuffle_options"), PartialCredit: check("partial_credit"),
		ShowCorrections: check("show_corrections"), Practice: check("practice"), AudienceTags: r.PostForm["tag"]}
	if in.AudienceTags == nil {
		in.AudienceTags = []string{}
	}
	in.TimeLimit = atoiField(f, "time_limit", web.FormValue(r, "time_limit")) * 60
	in.Attempts = atoiField(f, "attempts", web.FormValue(r, "attempts"))
	in.PassMark = atoiField(f, "pass_mark", web.FormValue(r, "pass_mark"))
	rows := secRowsFrom(r)
	for i := range rows {
		s := &rows[i]
		s.input = -1
		if s.empty() {
			continue
		}
		n := strconv.Itoa(s.Index)
		sec := contest.Section{Title: s.Title, BankID: web.ParseIDValue(s.Bank)}
		if s.Bank != "" && sec.BankID == 0 {
			f.Add("sec_bank."+n, "field.invalid_id")
		}
		sec.Points = atoiField(f, "sec_points."+n, s.Points)
		if s.Mode == modeFixed {
			for _, q := range s.Questions {
				if id := web.ParseIDValue(q); id != 0 {
					sec.Questions = append(sec.Questions, id)
				} else {
					f.Add("sec_q."+n, "field.invalid_id")
				}
			}
		} else {
			sec.Count = atoiField(f, "sec_count."+n, s.Count)
			sec.Category, sec.Type = s.Category, bank.Type(s.Type)
			sec.Difficulty = bank.Difficulty(atoiField(f, "sec_difficulty."+n, s.Difficulty))
		}
		s.input = len(in.Sections)
		in.Sections = append(in.Sections, sec)
	}
	return in, rows, f
}

// numberRows numbers the rows in order and adds empty rows, so that
// three rows at least are on the form (one empty at least).
func numberRows(rows []secRow) []secRow {
	out := make([]secRow, 0, len(rows)+3)
	for _, s := range rows {
		s.Index = len(out)
		out = append(out, s)
	}
	for len(out) < 3 || len(out) == len(rows) {
		out = append(out, secRow{Index: len(out), Mode: modeRandom, input: -1})
	}
	return out
}

// secParts maps the store's names of a section's fields to the form's.
var secParts = map[string]string{"title": "title", "bank_id": "bank", "count": "count", "questions": "q", "category": "category",
	"type": "type", "difficulty": "difficulty", "points": "points"}

// rowErrors moves the errors of the store's sections (sections.N.part,
// by input position) and of the form's own reading (sec_part.I, by the
// submitted index) onto the renumbered rows' fields.
func rowErrors(pg *web.Page, d *contestFormData, submitted []int) {
	if pg.Form == nil {
		return
	}
	errors := pg.Form.Errors
	moved := map[string]string{}
	for i := range d.Sections {
		s := &d.Sections[i]
		n := strconv.Itoa(s.Index)
		for part, name := range secParts {
			if s.input >= 0 {
				if msg, ok := errors["sections."+strconv.Itoa(s.input)+"."+part]; ok {
					if name == "count" && s.Mode == modeFixed {
						name = "q"
					}
					moved["sec_"+name+"."+n] = msg
				}
			}
			if i < len(submitted) {
				if msg, ok := errors["sec_"+name+"."+strconv.Itoa(submitted[i])]; ok {
					moved["sec_"+name+"."+n] = msg
				}
			}
		}
	}
	for k := range errors {
		if strings.HasPrefix(k, "sections.") || strings.HasPrefix(k, "sec_") {
			delete(errors, k)
		}
	}
	for k, v := range moved {
		errors[k] = v
	}
	// The rows show what was typed, from the rows themselves.
	for k := range pg.Form.Values {
		if strings.HasPrefix(k, "sec_") {
			delete(pg.Form.Values, k)
		}
	}
	d.SectionsError = pg.FieldError("sections")
	d.TagsError = pg.FieldError("audience_tags")
}

// The form's organisation pickers: the publisher (new contests only) and
// the audience (none: the publisher's whole subtree).
var (
	orgPick      = web.PickerSpec{Field: "org_id", QField: "org_q", Required: true, Perm: auth.PermContestWrite}
	audiencePick = web.PickerSpec{Field: "audience_org_id", QField: "audience_q", Perm: auth.PermContestWrite}
)

// bankChoices are the banks the caller may use, by name.
func (h *Pages) bankChoices(r *http.Request, p *auth.Principal) ([]web.Option, error) {
	bs, _, err := h.Banks.Banks(r.Context(), p, bank.BankQuery{Sort: "name", Limit: 200})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, 0, len(bs))
	for _, b := range bs {
		out = append(out, web.Option{Value: db.FormatID(b.ID), Label: b.Name + " · " + b.OrgName})
	}
	return out, nil
}

// fillRows gives each row with a bank its categories (random) or its
// questions to tick (fixed), each bank read once.
func (h *Pages) fillRows(r *http.Request, p *auth.Principal, lang i18n.Lang, rows []secRow) {
	type bankData struct {
		cats    []string
		choices []bank.Question
		more    bool
		loaded  bool
	}
	cache := map[int64]*bankData{}
	for i := range rows {
		s := &rows[i]
		id := web.ParseIDValue(s.Bank)
		if id == 0 {
			continue
		}
		bd := cache[id]
		if bd == nil {
			bd = &bankData{}
			cache[id] = bd
			if cats, err := h.Banks.Categories(r.Context(), p, id); err == nil {
				for _, c := range cats {
					if !slices.Contains(bd.cats, c.Name) && c.Name != "" {
						bd.cats = append(bd.cats, c.Name)
					}
				}
			}
		}
		s.Categories = bd.cats
		if s.Mode != modeFixed {
			continue
		}
		if !bd.loaded {
			bd.loaded = true
			qs, next, err := h.Banks.Questions(r.Context(), p, id, bank.QuestionQuery{Limit: maxChoices})
			if err == nil {
				bd.choices, bd.more = qs, next != ""
			}
		}
		s.ChoicesMore = bd.more
		for n, q := range bd.choices {
			qid := db.FormatID(q.ID)
			s.Choices = append(s.Choices, qChoice{ID: qid, Label: strconv.Itoa(n+1) + ". " + shorten(q.Stem, 60), TypeLabel: typeLabel(lang, q.Type),
				Checked: slices.Contains(s.Questions, qid)})
		}
	}
}

// shorten cuts s to n characters, with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func (h *Pages) renderContestForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, c *contest.Contest,
	d *contestFormData, submitted []int) error {
	var err error
	d.MaxTitle = 100
	d.TagChoices = web.TagChoices(pg.Lang, "f-tag-", d.V.Tags)
	d.TypeOptions, d.DifficultyOptions = typeOptions(pg.Lang), difficultyOptions(pg.Lang)
	d.CountingOptions = []web.Option{{Value: string(contest.CountBest), Label: pg.T("kweb.counting.best")}, {Value: string(contest.CountLast), Label: pg.T("kweb.counting.last")}}
	d.ModeOptions = []web.Option{{Value: modeRandom, Label: pg.T("kweb.section.random")}, {Value: modeFixed, Label: pg.T("kweb.section.fixed")}}
	if d.BankOptions, err = h.bankChoices(r, p); err != nil {
		return err
	}
	if c == nil {
		spec := orgPick
		spec.Label, spec.Hint = pg.T("kweb.field.org"), pg.T("kweb.form.org_hint")
		if d.Org, err = h.OrgPicker(r, p, spec, d.V.OrgID); err != nil {
			return err
		}
	} else {
		d.Editing, d.OrgName = true, c.OrgName
	}
	spec := audiencePick
	spec.Label, spec.Hint, spec.Blank = pg.T("kweb.field.audience"), pg.T("kweb.form.audience_hint"), pg.T("kweb.form.audience_same")
	if d.Audience, err = h.OrgPicker(r, p, spec, d.V.AudienceOrgID); err != nil {
		return err
	}
	h.fillRows(r, p, pg.Lang, d.Sections)
	rowErrors(pg, d, submitted)
	crumbs := []web.Crumb{{Label: pg.T("kweb.list.title"), URL: "/contests"}}
	if c != nil {
		crumbs = append(crumbs, web.Crumb{Label: c.Title, URL: contestURL(c.ID)})
	}
	pg.Crumbs = append(crumbs, web.Crumb{Label: pg.Title})
	pg.Data = d
	h.Render(w, status, "contest_form", pg)
	return nil
}

// defaultPublisher is where a new contest is published by default: the
// caller's own organisation when they run contests there.
func defaultPublisher(p *auth.Principal) string {
	if p.OrgPath != "" && p.CanAt(auth.PermContestWrite, p.OrgPath) {
		return db.FormatID(p.OrgID)
	}
	for _, g := range p.Grants {
		if p.CanAt(auth.PermContestWrite, g.OrgPath) {
			return db.FormatID(g.OrgID)
		}
	}
	return ""
}

func (h *Pages) contestNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "kweb.new.title", "contests")
	d := &contestFormData{Action: "/contests/new", Cancel: "/contests", Sections: numberRows(nil),
		V: formValues{OrgID: defaultPublisher(p), Attempts: "1", Counting: string(contest.CountBest), PassMark: "0", ShuffleOptions: "1", ShowCorrect: "1"}}
	return h.renderContestForm(w, r, p, pg, http.StatusOK, nil, d, nil)
}

// formAfter fills the page's form after a failed submission: the store's
// messages, the submitted values, and unticked boxes as unticked. With no
// error it is the form as typed (a picker's search, the bank's questions
// asked for).
func (h *Pages) formAfter(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, err error) bool {
	if !h.FormAgain(w, r, p, pg, err) {
		return false
	}
	for _, name := range []string{"shuffle_questions", "shuffle_options", "partial_credit", "show_corrections", "practice"} {
		if _, sent := pg.Form.Values[name]; !sent {
			pg.Form.Values[name] = "0"
		}
	}
	return true
}

// refreshAsked reports whether the form was sent back to show a bank's
// questions (or a picker's search) rather than to be saved.
func refreshAsked(r *http.Request) bool {
	return web.PickerAsked(r) || r.PostFormValue("sec_refresh") != ""
}

// pickedOrgs puts the organisations the form sent into in (the publisher
// only when withOrg); one the caller may not pick is a field error in f.
func (h *Pages) pickedOrgs(r *http.Request, p *auth.Principal, in *contest.Input, f errs.Fields, withOrg bool) (err error) {
	if withOrg {
		if in.OrgID, err = h.PickedOrg(r, p, orgPick, f); err != nil {
			return err
		}
		if in.OrgID == 0 && f["org_id"].Key == "" {
			f.Add("org_id", "field.required")
		}
	}
	in.AudienceOrgID, err = h.PickedOrg(r, p, audiencePick, f)
	return err
}

func indexes(rows []secRow) []int {
	out := make([]int, len(rows))
	for i, s := range rows {
		out[i] = s.Index
	}
	return out
}

func (h *Pages) contestCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	in, rows, fe := contestInputFrom(r)
	var err error
	if !refreshAsked(r) {
		if err = h.pickedOrgs(r, p, &in, fe, true); err == nil {
			if err = fe.Err(); err == nil {
				var c *contest.Contest
				if c, err = h.Contests.Create(r.Context(), p, in); err == nil {
					web.Redirect(w, r, contestURL(c.ID), "flash.kweb.created")
					return nil
				}
			}
		}
	}
	pg := h.Page(w, r, p, "kweb.new.title", "contests")
	pg.Path = "/contests/new"
	if !h.formAfter(w, r, p, pg, err) {
		return nil
	}
	d := &contestFormData{Action: "/contests/new", Cancel: "/contests", Sections: numberRows(rows)}
	d.V.Tags = in.AudienceTags
	return h.renderContestForm(w, r, p, pg, web.FormStatus(err), nil, d, indexes(rows))
}

// formValuesOf are a contest's fields as the form shows them.
func formValuesOf(c *contest.Contest) formValues {
	b := func(x bool) string {
		if x {
			return "1"
		}
		return ""
	}
	v := formValues{OrgID: db.FormatID(c.OrgID), Title: c.Title, Description: c.Description, OpensAt: web.LocalValue(c.OpensAt),
		ClosesAt: web.LocalValue(c.ClosesAt), Attempts: strconv.Itoa(c.Attempts), Counting: string(c.Counting), PassMark: strconv.Itoa(c.PassMark),
		ShuffleQuestions: b(c.ShuffleQuestions), ShuffleOptions: b(c.ShuffleOptions), PartialCredit: b(c.PartialCredit),
		ShowCorrect: b(c.ShowCorrections), Practice: b(c.Practice), Tags: c.AudienceTags}
	if c.AudienceOrgID != c.OrgID {
		v.AudienceOrgID = db.FormatID(c.AudienceOrgID)
	}
	if c.TimeLimit > 0 {
		v.TimeLimit = strconv.Itoa(c.TimeLimit / 60)
	}
	return v
}

// secRowsOf are a contest's sections as form rows.
func secRowsOf(c *contest.Contest) []secRow {
	rows := make([]secRow, 0, len(c.Sections))
	for _, s := range c.Sections {
		row := secRow{Title: s.Title, Bank: db.FormatID(s.BankID), Mode: modeRandom, Points: strconv.Itoa(s.Points), input: -1}
		if len(s.Questions) > 0 {
			row.Mode = modeFixed
			for _, id := range s.Questions {
				row.Questions = append(row.Questions, db.FormatID(id))
			}
		} else {
			row.Count, row.Category, row.Type = strconv.Itoa(s.Count), s.Category, string(s.Type)
			if s.Difficulty != 0 {
				row.Difficulty = strconv.Itoa(int(s.Difficulty))
			}
		}
		rows = append(rows, row)
	}
	return numberRows(rows)
}

// contestEditable refuses the form for cancelled contests.
func (h *Pages) contestEditable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*contest.Contest, bool) {
	c, ok := h.contestWritable(w, r, p)
	if ok && c.Status == contest.StatusCancelled {
		h.Fail(w, r, p, errs.Conflict("cancelled", "contest.cancelled"))
		return nil, false
	}
	return c, ok
}

// taken counts the contest's attempts: once there are any, the paper's
// rules stay as they are (the form says so before anyone tries).
func (h *Pages) taken(r *http.Request, p *auth.Principal, c *contest.Contest) int64 {
	_, t, err := h.Contests.Attempts(r.Context(), p, c.ID, contest.AttemptQuery{Limit: 1})
	if err != nil {
		return 0
	}
	return t.N
}

func (h *Pages) contestEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.contestEditable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "kweb.edit.title", "contests")
	d := &contestFormData{Action: contestURL(c.ID) + "/edit", Cancel: contestURL(c.ID), V: formValuesOf(c), Sections: secRowsOf(c),
		Version: strconv.Itoa(c.Version), Taken: h.taken(r, p, c)}
	return h.renderContestForm(w, r, p, pg, http.StatusOK, c, d, nil)
}

func (h *Pages) contestUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.contestEditable(w, r, p)
	if !ok {
		return nil
	}
	in, rows, fe := contestInputFrom(r)
	in.OrgID = c.OrgID
	version := 0
	web.ParseIntField(fe, r, "version", 0, &version)
	var err error
	if !refreshAsked(r) {
		if err = h.pickedOrgs(r, p, &in, fe, false); err == nil {
			if err = fe.Err(); err == nil {
				if _, err = h.Contests.Update(r.Context(), p, c.ID, version, in); err == nil {
					web.Redirect(w, r, contestURL(c.ID), "flash.kweb.saved")
					return nil
				}
			}
		}
	}
	pg := h.Page(w, r, p, "kweb.edit.title", "contests")
	pg.Path = contestURL(c.ID) + "/edit"
	if !h.formAfter(w, r, p, pg, err) {
		return nil
	}
	d := &contestFormData{Action: contestURL(c.ID) + "/edit", Cancel: contestURL(c.ID), V: formValuesOf(c), Sections: numberRows(rows),
		Version: strconv.Itoa(version), Taken: h.taken(r, p, c)}
	d.V.Tags = in.AudienceTags
	return h.renderContestForm(w, r, p, pg, web.FormStatus(err), c, d, indexes(rows))
}
