package contests

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/web"
)

// The form of a question (new: /banks/{id}/questions/new, edit:
// /questions/{id}/edit) and its deletion. One form serves every type: it
// shows the options A–F and each type's way of giving the key (a radio
// for single choice, checkboxes for multiple choice, 对/错, the blanks'
// answers as the import writes them, a reference answer), and works
// without JavaScript; contests.js hides what the chosen type does not use.

// keyOption is one option's letter in the key's radio or checkbox.
type keyOption struct {
	Index          int
	Letter         string
	Single, Choose bool // checked as the single key; among the multiple keys
}

// qFormData is the Data of the form.
type qFormData struct {
	Editing           bool
	Action, Cancel    string
	Bank              bankRow
	Type              string
	TypeOptions       []web.Option
	DifficultyOptions []web.Option
	Categories        []string // the bank's, offered as the category's suggestions
	Options           []string // A–F as typed
	Keys              []keyOption
	True              string // "true", "false" or ""
	Blanks, Outline   string
	KeyError          string
	OptionsError      string
	Version           string
	MaxStem           int
	MaxOption         int
	MaxExplanation    int
	MaxCategory       int
}

// questionFrom reads the form into a question; a key that cannot be read
// is a field error in f.
func questionFrom(r *http.Request, f errs.Fields) bank.Question {
	q := bank.Question{Type: bank.Type(web.FormValue(r, "type")), Stem: r.PostFormValue("stem"), Explanation: r.PostFormValue("explanation"),
		Category: web.FormValue(r, "category")}
	if s := web.FormValue(r, "difficulty"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || !bank.Difficulty(n).Valid() {
			f.Add("difficulty", "field.invalid_choice")
		}
		q.Difficulty = bank.Difficulty(n)
	}
	if q.Type.Choice() { // the other types' option inputs are ignored
		for i := range bank.MaxOptions {
			q.Options = append(q.Options, web.FormValue(r, "options."+strconv.Itoa(i)))
		}
	}
	switch q.Type {
	case bank.Single:
		if s := web.FormValue(r, "key_single"); s != "" {
			q.Key.Choices = choiceIndexes(f, []string{s})
		}
	case bank.Multiple:
		q.Key.Choices = choiceIndexes(f, r.PostForm["key_multiple"])
	case bank.TrueFalse:
		switch web.FormValue(r, "key_true") {
		case "true":
			q.Key.True = true
		case "false":
		default:
			f.Add("key", "field.required")
		}
	case bank.Blank:
		if s := web.FormValue(r, "key_blanks"); s != "" {
			k, ok := bank.ParseKey(bank.Blank, s, nil)
			if !ok {
				f.Add("key", "bank.key_format_blank")
			}
			q.Key = k
		}
	case bank.Short:
		q.Key.Outline = r.PostFormValue("key_outline")
	}
	return q
}

func choiceIndexes(f errs.Fields, vals []string) []int {
	var out []int
	for _, v := range vals {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 || n >= bank.MaxOptions {
			f.Add("key", "field.invalid_choice")
			return nil
		}
		out = append(out, n)
	}
	return out
}

// formOf fills the form's values from a question as stored.
func formOf(q *bank.Question) (d qFormData, values map[string]string) {
	d.Type = string(q.Type)
	values = map[string]string{"type": string(q.Type), "stem": q.Stem, "explanation": q.Explanation, "category": q.Category,
		"difficulty": strconv.Itoa(int(q.Difficulty))}
	d.Options = make([]string, bank.MaxOptions)
	copy(d.Options, q.Options)
	d.keys(q.Key.Choices)
	switch q.Type {
	case bank.TrueFalse:
		d.True = strconv.FormatBool(q.Key.True)
	case bank.Blank:
		d.Blanks = bank.KeyText(q)
	case bank.Short:
		d.Outline = q.Key.Outline
	}
	return d, values
}

// keys marks the chosen options of a choice question's key.
func (d *qFormData) keys(chosen []int) {
	d.Keys = nil
	for i := range bank.MaxOptions {
		in := slices.Contains(chosen, i)
		k := keyOption{Index: i, Letter: bank.Letter(i), Choose: in}
		k.Single = in && len(chosen) == 1
		d.Keys = append(d.Keys, k)
	}
}

// sent fills the form as it was sent (after a refusal).
func (d *qFormData) sent(r *http.Request) {
	d.Type = web.FormValue(r, "type")
	d.Options = make([]string, bank.MaxOptions)
	for i := range d.Options {
		d.Options[i] = web.FormValue(r, "options."+strconv.Itoa(i))
	}
	var chosen []int
	if d.Type == string(bank.Single) {
		if n, err := strconv.Atoi(web.FormValue(r, "key_single")); err == nil {
			chosen = []int{n}
		}
	} else {
		for _, v := range r.PostForm["key_multiple"] {
			if n, err := strconv.Atoi(v); err == nil {
				chosen = append(chosen, n)
			}
		}
	}
	d.keys(chosen)
	if d.Type == string(bank.Single) {
		for i := range d.Keys {
			d.Keys[i].Choose = false
		}
	}
	d.True, d.Blanks, d.Outline = web.FormValue(r, "key_true"), web.FormValue(r, "key_blanks"), r.PostFormValue("key_outline")
}

func (h *Pages) renderQuestionForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, b *bank.Bank, d *qFormData) error {
	d.Bank = bankView(b)
	d.TypeOptions, d.DifficultyOptions = typeOptions(pg.Lang), difficultyOptions(pg.Lang)
	d.MaxStem, d.MaxOption, d.MaxExplanation, d.MaxCategory = bank.MaxStem, bank.MaxOption, bank.MaxExplanation, bank.MaxCategory
	if d.Type == "" {
		d.Type = string(bank.Single)
	}
	if d.Options == nil {
		d.Options = make([]string, bank.MaxOptions)
	}
	if d.Keys == nil {
		d.keys(nil)
	}
	d.KeyError = pg.FieldError("key")
	d.OptionsError = pg.FieldError("options")
	cats, err := h.Banks.Categories(r.Context(), p, b.ID)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.Name != "" && !slices.Contains(d.Categories, c.Name) {
			d.Categories = append(d.Categories, c.Name)
		}
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("bweb.list.title"), URL: "/banks"}, {Label: b.Name, URL: bankURL(b.ID)}, {Label: pg.Title}}
	pg.Data = d
	h.Render(w, status, "question_form", pg)
	return nil
}

func (h *Pages) questionNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "bweb.question.new_title", "banks")
	d := &qFormData{Action: bankURL(b.ID) + "/questions/new", Cancel: bankURL(b.ID) + "#questions"}
	if t := bank.Type(web.QueryValue(r, "type")); t.Valid() {
		d.Type = string(t)
	}
	pg.Form = &web.Form{Values: map[string]string{"difficulty": strconv.Itoa(int(bank.Medium)), "type": d.Type}, Errors: map[string]string{}}
	return h.renderQuestionForm(w, r, p, pg, http.StatusOK, b, d)
}

func (h *Pages) questionCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	f := errs.Fields{}
	q := questionFrom(r, f)
	err := f.Err()
	if err == nil {
		if _, err = h.Banks.AddQuestion(r.Context(), p, b.ID, q); err == nil {
			next := bankURL(b.ID) + "#questions"
			if web.FormValue(r, "again") != "" {
				next = bankURL(b.ID) + "/questions/new?type=" + string(q.Type)
			}
			web.Redirect(w, r, next, "flash.bweb.question_created")
			return nil
		}
	}
	pg := h.Page(w, r, p, "bweb.question.new_title", "banks")
	pg.Path = bankURL(b.ID) + "/questions/new"
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	d := &qFormData{Action: pg.Path, Cancel: bankURL(b.ID) + "#questions"}
	d.sent(r)
	return h.renderQuestionForm(w, r, p, pg, web.FormStatus(err), b, d)
}

// questionFor loads the question of the {id} path value and its bank,
// which the caller must be able to change.
func (h *Pages) questionFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*bank.Question, *bank.Bank, bool) {
	if !mayUseBanks(p) {
		h.Fail(w, r, p, errs.Forbidden())
		return nil, nil, false
	}
	id, err := web.IDParam(r, "id")
	if err != nil {
		h.Fail(w, r, p, err)
		return nil, nil, false
	}
	q, b, err := h.Banks.Question(r.Context(), p, id)
	if err == nil && !b.Writable {
		err = errs.Forbidden()
	}
	if err != nil {
		h.Fail(w, r, p, err)
		return nil, nil, false
	}
	return q, b, true
}

func questionURL(q *bank.Question) string { return "/questions/" + db.FormatID(q.ID) }

func (h *Pages) questionEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q, b, ok := h.questionFor(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "bweb.question.edit_title", "banks")
	d, values := formOf(q)
	d.Action, d.Cancel, d.Editing, d.Version = questionURL(q)+"/edit", bankURL(b.ID)+"#questions", true, strconv.Itoa(q.Version)
	pg.Form = &web.Form{Values: values, Errors: map[string]string{}}
	return h.renderQuestionForm(w, r, p, pg, http.StatusOK, b, &d)
}

func (h *Pages) questionUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	old, b, ok := h.questionFor(w, r, p)
	if !ok {
		return nil
	}
	f := errs.Fields{}
	q := questionFrom(r, f)
	version := 0
	web.ParseIntField(f, r, "version", 0, &version)
	err := f.Err()
	if err == nil {
		if _, err = h.Banks.UpdateQuestion(r.Context(), p, old.ID, version, q); err == nil {
			web.Redirect(w, r, bankURL(b.ID)+"#questions", "flash.bweb.question_saved")
			return nil
		}
	}
	pg := h.Page(w, r, p, "bweb.question.edit_title", "banks")
	pg.Path = questionURL(old) + "/edit"
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	d := &qFormData{Action: pg.Path, Cancel: bankURL(b.ID) + "#questions", Editing: true, Version: strconv.Itoa(version)}
	d.sent(r)
	return h.renderQuestionForm(w, r, p, pg, web.FormStatus(err), b, d)
}

func (h *Pages) questionDelete(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q, b, ok := h.questionFor(w, r, p)
	if !ok {
		return nil
	}
	version := 0
	f := errs.Fields{}
	web.ParseIntField(f, r, "version", 0, &version)
	f.Check(version > 0, "version", "field.required")
	err := f.Err()
	if err == nil {
		err = h.Banks.DeleteQuestion(r.Context(), p, q.ID, version)
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, web.LocalURL(web.FormValue(r, "back"), bankURL(b.ID)+"#questions"), "flash.bweb.question_deleted")
	return nil
}
