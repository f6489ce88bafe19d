package surveys

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/survey"
	"gonghui/internal/web"
)

// The form of a survey: new (/surveys/new) and edit (/surveys/{id}/edit).
// Questions are rows of fields named questions.N.<part> (type, title,
// hint, required, options one a line, other, min_picks, max_picks, scale,
// show_if "Q.O", remove), the names the store's errors use. Empty rows
// are dropped and the rest renumbered before the store sees them, so
// that a row's number is its question's; skip rules are remapped with
// them. The form always ends with empty rows; "update the choices" sends
// it back as typed with the skip-rule choices of the questions typed.

const emptyRows = 2

// qRow is one question row of the form.
type qRow struct {
	N                                                 int
	Type, Title, Hint, Options, Min, Max, Scale, Show string
	Required, Other                                   bool
	ShowOptions                                       []web.Option // earlier choice questions' options
}

func (q qRow) empty() bool {
	return q.Title == "" && q.Hint == "" && q.Options == "" && q.Min == "" && q.Max == "" && q.Show == ""
}

type formValues struct {
	OrgID, AudienceOrgID, Title, Description, OpensAt, ClosesAt, Anonymous string
	Tags                                                                   []string
}

type formData struct {
	Editing        bool
	Action, Cancel string
	OrgName        string
	Org, Audience  *web.OrgPicker
	V              formValues
	TagChoices     []web.TagChoice
	TagsError      string
	Rows           []qRow
	QuestionsError string
	TypeOptions    []web.Option
	ScaleOptions   []web.Option
	Frozen         int // responses so far: the questions stay as they are
	Version        string
	Words          formWords // survey_form.js's words (not loaded when Frozen)
}

// formWords are what survey_form.js says, in the page's language; {n},
// {title} and {option} are filled in by the script.
type formWords struct {
	Up, Down, Remove, AddQuestion, AddOption, OptionUp, OptionDown, OptionRemove string
	Options, OptionN, QuestionN, ShowIf, Always                                  string
}

// sentinel stands for a number the script fills in.
const sentinel = 9876543

func wordsOf(pg *web.Page) formWords {
	n := func(s string) string { return strings.ReplaceAll(s, strconv.Itoa(sentinel), "{n}") }
	return formWords{Up: pg.T("survey.form.js.up"), Down: pg.T("survey.form.js.down"), Remove: pg.T("survey.q.remove"),
		AddQuestion: pg.T("survey.form.js.add_question"), AddOption: pg.T("survey.form.js.add_option"),
		OptionUp: pg.T("survey.form.js.option_up"), OptionDown: pg.T("survey.form.js.option_down"), OptionRemove: pg.T("survey.form.js.option_remove"),
		Options: pg.T("survey.form.js.options"), OptionN: n(pg.T("survey.form.js.option_n", sentinel)), QuestionN: n(pg.T("survey.form.question_n", sentinel)),
		ShowIf: n(pg.T("survey.form.show_if_option", sentinel, "{title}", "{option}")), Always: pg.T("survey.form.always")}
}

var rowName = regexp.MustCompile(`^questions\.([0-9]{1,3})\.(type|title|hint|required|options|other|min_picks|max_picks|scale|show_if|remove)$`)

// rowsFrom reads the submitted rows in order, removed ones left out, and
// answers the index each kept row was submitted at.
func rowsFrom(r *http.Request) ([]qRow, []int) {
	by := map[int]*qRow{}
	removed := map[int]bool{}
	for k, v := range r.PostForm {
		m := rowName.FindStringSubmatch(k)
		if m == nil || len(v) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		q := by[i]
		if q == nil {
			q = &qRow{N: i}
			by[i] = q
		}
		val := strings.TrimSpace(v[0])
		switch m[2] {
		case "type":
			q.Type = val
		case "title":
			q.Title = val
		case "hint":
			q.Hint = val
		case "required":
			q.Required = web.IsChecked(val)
		case "options":
			q.Options = strings.ReplaceAll(val, "\r\n", "\n")
		case "other":
			q.Other = web.IsChecked(val)
		case "min_picks":
			q.Min = val
		case "max_picks":
			q.Max = val
		case "scale":
			q.Scale = val
		case "show_if":
			q.Show = val
		case "remove":
			removed[i] = web.IsChecked(val)
		}
	}
	idx := make([]int, 0, len(by))
	for i, q := range by {
		if !removed[i] && !q.empty() {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	out := make([]qRow, 0, len(idx))
	newOf := map[int]int{}
	for _, i := range idx {
		newOf[i] = len(out)
		q := *by[i]
		q.N = len(out)
		out = append(out, q)
	}
	// Skip rules name questions by their submitted number: renumber them.
	for k := range out {
		if qn, on, ok := strings.Cut(out[k].Show, "."); ok {
			n, err := strconv.Atoi(qn)
			if to, kept := newOf[n]; err == nil && kept {
				out[k].Show = strconv.Itoa(to) + "." + on
			} else {
				out[k].Show = ""
			}
		}
	}
	return out, idx
}

// inputFrom reads the form; the field errors are those the store cannot
// see (numbers that are not numbers), on the form's own names.
func inputFrom(r *http.Request) (survey.Input, []qRow, errs.Fields) {
	f := errs.Fields{}
	in := survey.Input{Title: web.FormValue(r, "title"), Description: strings.TrimSpace(r.PostFormValue("description")),
		OpensAt: web.FormValue(r, "opens_at"), ClosesAt: web.FormValue(r, "closes_at"), Anonymous: web.IsChecked(web.FormValue(r, "anonymous")),
		AudienceTags: r.PostForm["tag"]}
	if in.AudienceTags == nil {
		in.AudienceTags = []string{}
	}
	rows, _ := rowsFrom(r)
	num := func(name, s string) int {
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Add(name, "field.not_a_number")
		}
		return n
	}
	for _, q := range rows {
		base := "questions." + strconv.Itoa(q.N) + "."
		sq := survey.Question{Type: survey.Type(q.Type), Title: q.Title, Hint: q.Hint, Required: q.Required, Other: q.Other,
			MinPicks: num(base+"min_picks", q.Min), MaxPicks: num(base+"max_picks", q.Max), Scale: num(base+"scale", q.Scale)}
		if q.Options != "" {
			sq.Options = strings.Split(q.Options, "\n")
		}
		if qn, on, ok := strings.Cut(q.Show, "."); ok {
			a, e1 := strconv.Atoi(qn)
			b, e2 := strconv.Atoi(on)
			if e1 != nil || e2 != nil {
				f.Add(base+"show_if", "field.invalid_choice")
			} else {
				sq.ShowIf = &survey.Condition{Question: a, Option: b}
			}
		}
		in.Questions = append(in.Questions, sq)
	}
	return in, rows, f
}

// rowsOf are a survey's questions as form rows.
func rowsOf(v *survey.Survey) []qRow {
	out := make([]qRow, 0, len(v.Questions))
	for i, q := range v.Questions {
		row := qRow{N: i, Type: string(q.Type), Title: q.Title, Hint: q.Hint, Required: q.Required, Other: q.Other, Options: strings.Join(q.Options, "\n")}
		if q.MinPicks > 0 {
			row.Min = strconv.Itoa(q.MinPicks)
		}
		if q.MaxPicks > 0 {
			row.Max = strconv.Itoa(q.MaxPicks)
		}
		if q.Scale > 0 {
			row.Scale = strconv.Itoa(q.Scale)
		}
		if c := q.ShowIf; c != nil {
			row.Show = strconv.Itoa(c.Question) + "." + strconv.Itoa(c.Option)
		}
		out = append(out, row)
	}
	return out
}

// withEmpty adds empty rows at the end and the skip-rule choices: each
// row may depend on an option of an earlier choice question.
func withEmpty(lang i18n.Lang, rows []qRow) []qRow {
	for range emptyRows {
		rows = append(rows, qRow{N: len(rows), Type: string(survey.Single)})
	}
	// The first choice says what no choice means (the field has no blank).
	choices := []web.Option{{Value: "", Label: i18n.T(lang, "survey.form.always")}}
	for i := range rows {
		rows[i].ShowOptions = choices
		q := rows[i]
		if survey.Type(q.Type).Choice() && q.Title != "" {
			n := 0
			for _, o := range strings.Split(q.Options, "\n") {
				if o = strings.TrimSpace(o); o != "" {
					choices = append(slices.Clip(choices), web.Option{Value: strconv.Itoa(i) + "." + strconv.Itoa(n),
						Label: i18n.T(lang, "survey.form.show_if_option", i+1, cut(q.Title, 20), o)})
					n++
				}
			}
		}
	}
	return rows
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

var (
	orgPick      = web.PickerSpec{Field: "org_id", QField: "org_q", Required: true, Perm: auth.PermContestWrite}
	audiencePick = web.PickerSpec{Field: "audience_org_id", QField: "audience_q", Perm: auth.PermContestWrite}
)

func (h *Pages) renderForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, v *survey.Survey, d *formData) error {
	var err error
	d.TagChoices = web.TagChoices(pg.Lang, "f-tag-", d.V.Tags)
	for _, t := range survey.Types {
		d.TypeOptions = append(d.TypeOptions, web.Option{Value: string(t), Label: pg.T("survey.type." + string(t))})
	}
	d.ScaleOptions = []web.Option{{Value: "5", Label: pg.T("survey.form.scale_n", 5)}, {Value: "10", Label: pg.T("survey.form.scale_n", 10)}}
	if v == nil {
		spec := orgPick
		spec.Label, spec.Hint = pg.T("survey.field.org"), pg.T("survey.form.org_hint")
		if d.Org, err = h.OrgPicker(r, p, spec, d.V.OrgID); err != nil {
			return err
		}
	} else {
		d.Editing, d.OrgName = true, v.OrgName
	}
	spec := audiencePick
	spec.Label, spec.Hint, spec.Blank = pg.T("survey.field.audience"), pg.T("survey.form.audience_hint"), pg.T("survey.form.audience_same")
	if d.Audience, err = h.OrgPicker(r, p, spec, d.V.AudienceOrgID); err != nil {
		return err
	}
	d.Rows = withEmpty(pg.Lang, d.Rows)
	d.Words = wordsOf(pg)
	if pg.Form != nil {
		// The rows show what was typed from the rows themselves.
		for k := range pg.Form.Values {
			if strings.HasPrefix(k, "questions.") {
				delete(pg.Form.Values, k)
			}
		}
	}
	d.QuestionsError = pg.FieldError("questions")
	d.TagsError = pg.FieldError("audience_tags")
	crumbs := []web.Crumb{{Label: pg.T("survey.list.title"), URL: "/surveys"}}
	if v != nil {
		crumbs = append(crumbs, web.Crumb{Label: v.Title, URL: surveyURL(v.ID)})
	}
	pg.Crumbs = append(crumbs, web.Crumb{Label: pg.Title})
	pg.Data = d
	h.Render(w, status, "survey_form", pg)
	return nil
}

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

func (h *Pages) newForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "survey.new.title", "surveys")
	d := &formData{Action: "/surveys/new", Cancel: "/surveys", V: formValues{OrgID: defaultPublisher(p)}}
	return h.renderForm(w, r, p, pg, http.StatusOK, nil, d)
}

// refreshAsked: the form came back for a picker's search or the skip-rule
// choices, not to be saved.
func refreshAsked(r *http.Request) bool {
	return web.PickerAsked(r) || r.PostFormValue("refresh") != ""
}

// formAfter fills the page's form after a failed submission, unticked
// boxes as unticked.
func (h *Pages) formAfter(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, err error) bool {
	if !h.FormAgain(w, r, p, pg, err) {
		return false
	}
	if _, sent := pg.Form.Values["anonymous"]; !sent {
		pg.Form.Values["anonymous"] = "0"
	}
	return true
}

func (h *Pages) pickedOrgs(r *http.Request, p *auth.Principal, in *survey.Input, f errs.Fields, withOrg bool) (err error) {
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

func (h *Pages) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	in, rows, fe := inputFrom(r)
	var err error
	if !refreshAsked(r) {
		if err = h.pickedOrgs(r, p, &in, fe, true); err == nil {
			if err = fe.Err(); err == nil {
				var v *survey.Survey
				if v, err = h.Surveys.Create(r.Context(), p, in); err == nil {
					web.Redirect(w, r, surveyURL(v.ID), "flash.survey.created")
					return nil
				}
			}
		}
	}
	pg := h.Page(w, r, p, "survey.new.title", "surveys")
	pg.Path = "/surveys/new"
	if !h.formAfter(w, r, p, pg, err) {
		return nil
	}
	d := &formData{Action: "/surveys/new", Cancel: "/surveys", Rows: rows}
	d.V.Tags = in.AudienceTags
	return h.renderForm(w, r, p, pg, web.FormStatus(err), nil, d)
}

func valuesOf(v *survey.Survey) formValues {
	out := formValues{OrgID: db.FormatID(v.OrgID), Title: v.Title, Description: v.Description, OpensAt: web.LocalValue(v.OpensAt),
		ClosesAt: web.LocalValue(v.ClosesAt), Tags: v.AudienceTags}
	if v.Anonymous {
		out.Anonymous = "1"
	}
	if v.AudienceOrgID != v.OrgID {
		out.AudienceOrgID = db.FormatID(v.AudienceOrgID)
	}
	return out
}

// editable loads the survey of {id} for its form: closed ones are not.
func (h *Pages) editable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*survey.Survey, bool) {
	v, ok := h.writable(w, r, p)
	if ok && v.Status == survey.StatusClosed {
		h.Fail(w, r, p, errs.Conflict("closed", "survey.closed"))
		return nil, false
	}
	return v, ok
}

func (h *Pages) edit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.editable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "survey.edit.title", "surveys")
	d := &formData{Action: surveyURL(v.ID) + "/edit", Cancel: surveyURL(v.ID), V: valuesOf(v), Rows: rowsOf(v),
		Version: strconv.Itoa(v.Version), Frozen: v.Responses}
	return h.renderForm(w, r, p, pg, http.StatusOK, v, d)
}

func (h *Pages) update(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.editable(w, r, p)
	if !ok {
		return nil
	}
	in, rows, fe := inputFrom(r)
	in.OrgID = v.OrgID
	version := 0
	web.ParseIntField(fe, r, "version", 0, &version)
	var err error
	if !refreshAsked(r) {
		if err = h.pickedOrgs(r, p, &in, fe, false); err == nil {
			if err = fe.Err(); err == nil {
				if _, err = h.Surveys.Update(r.Context(), p, v.ID, version, in); err == nil {
					web.Redirect(w, r, surveyURL(v.ID), "flash.survey.saved")
					return nil
				}
			}
		}
	}
	pg := h.Page(w, r, p, "survey.edit.title", "surveys")
	pg.Path = surveyURL(v.ID) + "/edit"
	if !h.formAfter(w, r, p, pg, err) {
		return nil
	}
	d := &formData{Action: surveyURL(v.ID) + "/edit", Cancel: surveyURL(v.ID), V: valuesOf(v), Rows: rows, Version: strconv.Itoa(version), Frozen: v.Responses}
	d.V.Tags = in.AudienceTags
	return h.renderForm(w, r, p, pg, web.FormStatus(err), v, d)
}
