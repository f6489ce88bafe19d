package contests

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// A bank's page: its questions (filtered by text, type, category and
// difficulty, counted and paged), what it holds by category, type and
// difficulty, and its actions: add, import, export, the template.

// Words of the store's codes.

func typeLabel(lang i18n.Lang, t bank.Type) string { return i18n.T(lang, "bweb.type."+string(t)) }

func difficultyLabel(lang i18n.Lang, d bank.Difficulty) string {
	return i18n.T(lang, "bweb.difficulty."+strconv.Itoa(int(d)))
}

func typeOptions(lang i18n.Lang) []web.Option {
	out := make([]web.Option, 0, len(bank.Types))
	for _, t := range bank.Types {
		out = append(out, web.Option{Value: string(t), Label: typeLabel(lang, t)})
	}
	return out
}

func difficultyOptions(lang i18n.Lang) []web.Option {
	var out []web.Option
	for _, d := range []bank.Difficulty{bank.Easy, bank.Medium, bank.Hard} {
		out = append(out, web.Option{Value: strconv.Itoa(int(d)), Label: difficultyLabel(lang, d)})
	}
	return out
}

// optionView is an option of a choice question as the page shows it.
type optionView struct {
	Letter, Text string
	Right        bool
}

// questionView is a question as the bank's page shows it.
type questionView struct {
	ID, EditURL, DeleteURL   string
	Num                      int64 // its place in the filtered list
	TypeLabel, Stem          string
	Options                  []optionView
	Answer                   string // the key in words (choices: their letters)
	Explanation, Category    string
	DifficultyLabel, Version string
}

func questionViewOf(lang i18n.Lang, q *bank.Question) questionView {
	v := questionView{ID: db.FormatID(q.ID), EditURL: "/questions/" + db.FormatID(q.ID) + "/edit", DeleteURL: "/questions/" + db.FormatID(q.ID) + "/delete",
		TypeLabel: typeLabel(lang, q.Type), Stem: q.Stem, Explanation: q.Explanation, Category: q.Category,
		DifficultyLabel: difficultyLabel(lang, q.Difficulty), Version: strconv.Itoa(q.Version)}
	for i, o := range q.Options {
		v.Options = append(v.Options, optionView{Letter: bank.Letter(i), Text: o, Right: slices.Contains(q.Key.Choices, i)})
	}
	v.Answer = answerWords(lang, q)
	return v
}

// answerWords is the key as staff read it.
func answerWords(lang i18n.Lang, q *bank.Question) string {
	switch q.Type {
	case bank.TrueFalse:
		if q.Key.True {
			return i18n.T(lang, "bweb.key.true")
		}
		return i18n.T(lang, "bweb.key.false")
	case bank.Short:
		return q.Key.Outline
	case bank.Blank:
		// In words, not the import's separators: 第1空：职工 或 全体职工；第2空：…
		parts := make([]string, len(q.Key.Blanks))
		for i, alts := range q.Key.Blanks {
			parts[i] = i18n.T(lang, "bweb.key.blank", i+1, strings.Join(alts, i18n.T(lang, "bweb.key.or")))
		}
		return strings.Join(parts, i18n.T(lang, "bweb.key.blank_sep"))
	}
	return bank.KeyText(q)
}

// qFilters are the question list's filters as the URL carries them.
type qFilters struct{ Q, Type, Category, Difficulty string }

func (f qFilters) Any() bool {
	return f.Q != "" || f.Type != "" || f.Category != "" || f.Difficulty != ""
}

// summaryRow is a line of what a bank holds: a category's questions by
// type and difficulty.
type summaryRow struct {
	Category, TypeLabel, DifficultyLabel string
	Questions                            int
	URL                                  string // the list filtered to them
}

// bankShowData is the Data of a bank's page.
type bankShowData struct {
	B                  bankRow
	Back               string
	F                  qFilters
	TypeOptions        []web.Option
	DifficultyOptions  []web.Option
	CategoryOptions    []web.Option
	Questions          []questionView
	Pager              web.CursorPager
	Summary            []summaryRow
	Uncategorised      bool
	NewURL, ImportURL  string
	ExportURL, EditURL string
}

func (h *Pages) bankShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankFor(w, r, p)
	if !ok {
		return nil
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "", "banks")
	pg.Title = b.Name
	u := bankURL(b.ID)
	d := &bankShowData{B: bankView(b), Back: web.ListBack(r, "/banks"), TypeOptions: typeOptions(pg.Lang), DifficultyOptions: difficultyOptions(pg.Lang),
		NewURL: u + "/questions/new", ImportURL: u + "/import", ExportURL: u + "/export.xlsx", EditURL: u + "/edit",
		F: qFilters{Q: web.QueryValue(r, "q"), Type: web.QueryValue(r, "type"), Category: web.QueryValue(r, "category"), Difficulty: web.QueryValue(r, "difficulty")}}
	cats, err := h.Banks.Categories(ctx, p, b.ID)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range cats {
		name := c.Name
		if name == "" {
			name = pg.T("bweb.summary.none")
		}
		filter := url.Values{"category": {c.Name}, "type": {string(c.Type)}, "difficulty": {strconv.Itoa(int(c.Difficulty))}}
		if c.Name == "" {
			filter.Del("category")
		}
		d.Summary = append(d.Summary, summaryRow{Category: name, TypeLabel: typeLabel(pg.Lang, c.Type), DifficultyLabel: difficultyLabel(pg.Lang, c.Difficulty),
			Questions: c.Questions, URL: u + "?" + filter.Encode() + "#questions"})
		if c.Name != "" && !seen[c.Name] {
			seen[c.Name] = true
			d.CategoryOptions = append(d.CategoryOptions, web.Option{Value: c.Name, Label: c.Name})
		}
	}
	qq := bank.QuestionQuery{Q: d.F.Q, Type: bank.Type(d.F.Type), Category: d.F.Category, After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	f := errs.Fields{}
	if d.F.Difficulty != "" {
		n, err := strconv.Atoi(d.F.Difficulty)
		f.Check(err == nil, "difficulty", "field.invalid_choice")
		qq.Difficulty = bank.Difficulty(n)
	}
	var items []bank.Question
	var next string
	var total listing.Total
	if err = f.Err(); err == nil {
		items, next, total, err = web.ListPage(r, &qq.Offset, func() ([]bank.Question, string, error) { return h.Banks.Questions(ctx, p, b.ID, qq) },
			func() (listing.Total, error) { return h.Banks.CountQuestions(ctx, p, b.ID, qq) })
	}
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, web.FormStatus(err)
	}
	start := int64(qq.Offset) + 1
	if qq.After != "" {
		start = max(web.ParseIDValue(web.QueryValue(r, "start")), 1)
	}
	for i := range items {
		v := questionViewOf(pg.Lang, &items[i])
		v.Num = start + int64(i)
		d.Questions = append(d.Questions, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "bweb.questions.total", "bweb.questions.total_over")
	pg.Crumbs = []web.Crumb{{Label: pg.T("bweb.list.title"), URL: d.Back}, {Label: b.Name}}
	pg.Data = d
	h.Render(w, status, "bank_show", pg)
	return nil
}

// bankExport downloads the bank's questions in the layout the import
// reads.
func (h *Pages) bankExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankFor(w, r, p)
	if !ok {
		return nil
	}
	var buf bytes.Buffer
	if err := h.Banks.Export(r.Context(), p, b.ID, &buf); err != nil {
		return err
	}
	web.Download(w, b.Name+".xlsx", buf.Bytes())
	return nil
}

// bankTemplate downloads an empty bank sheet with one example per type.
func (h *Pages) bankTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUseBanks(p) {
		return errs.Forbidden()
	}
	lang := i18n.FromRequest(r)
	var buf bytes.Buffer
	if err := bank.Template(func(k string, a ...any) string { return i18n.T(lang, k, a...) }, &buf); err != nil {
		return err
	}
	web.Download(w, i18n.T(lang, "bweb.template_file")+".xlsx", buf.Bytes())
	return nil
}

// givenWords is an answer a taker gave to a question of type t, in words
// (none when they gave none): letters for choices, 对/错, each blank.
func givenWords(lang i18n.Lang, t bank.Type, a bank.Answer, none string) string {
	if a.Empty() {
		return none
	}
	switch t {
	case bank.Single, bank.Multiple:
		var b strings.Builder
		for _, c := range a.Choices {
			b.WriteString(bank.Letter(c))
		}
		return b.String()
	case bank.TrueFalse:
		if a.True != nil && *a.True {
			return i18n.T(lang, "bweb.key.true")
		}
		return i18n.T(lang, "bweb.key.false")
	case bank.Blank:
		parts := make([]string, len(a.Blanks))
		for i, s := range a.Blanks {
			if strings.TrimSpace(s) == "" {
				s = "—"
			}
			parts[i] = i18n.T(lang, "bweb.key.blank", i+1, s)
		}
		return strings.Join(parts, i18n.T(lang, "bweb.key.blank_sep"))
	}
	return a.Text
}
