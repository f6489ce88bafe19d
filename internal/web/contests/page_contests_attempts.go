package contests

import (
	"net/http"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// A contest's attempts: the list (all, or those with short answers waiting
// to be graded), paged by page numbers; one attempt's answers, where
// those who run the contest grade its short answers.

func attemptURL(contestID, attemptID int64) string {
	return contestURL(contestID) + "/attempts/" + db.FormatID(attemptID)
}

// attemptRow is an attempt in the list.
type attemptRow struct {
	URL, Name, Union, Started, Submitted string
	Number, Score, MaxScore              int
	Switches, Pending                    int
	Open, Passed                         bool
	StatusLabel, StatusV                 string
}

func attemptView(lang i18n.Lang, t *contest.Taken) attemptRow {
	a := attemptRow{URL: attemptURL(t.ContestID, t.ID), Name: t.Name, Union: t.Union, Started: web.FormatTime(t.StartedAt, "2006-01-02 15:04"),
		Number: t.Number, Score: t.Score, MaxScore: t.MaxScore, Switches: t.Switches, Pending: t.Pending, Open: t.Status == contest.AttemptOpen,
		Passed: t.Passed}
	if t.SubmittedAt != nil {
		a.Submitted = web.FormatTime(*t.SubmittedAt, "2006-01-02 15:04")
	}
	switch {
	case a.Open:
		a.StatusLabel, a.StatusV = i18n.T(lang, "kweb.attempt.open"), "info"
	case a.Pending > 0:
		a.StatusLabel, a.StatusV = i18n.T(lang, "kweb.attempt.pending"), "warning"
	case a.Passed:
		a.StatusLabel, a.StatusV = i18n.T(lang, "kweb.attempt.passed"), "success"
	default:
		a.StatusLabel, a.StatusV = i18n.T(lang, "kweb.attempt.failed"), "outline"
	}
	return a
}

// attemptsData is the Data of the attempts' list.
type attemptsData struct {
	C       contestRow
	Tabs    []web.Tab
	Views   []web.Tab // all, pending
	Pending bool
	Rows    []attemptRow
	Pager   web.CursorPager
	Cols    []any
}

func (h *Pages) contestAttempts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.contestFor(w, r, p)
	if !ok {
		return nil
	}
	c := v.Contest
	pg := h.Page(w, r, p, "", "contests")
	pg.Title = pg.T("kweb.attempts.title", c.Title)
	base := contestURL(c.ID)
	pg.Crumbs = []web.Crumb{{Label: pg.T("kweb.list.title"), URL: "/contests"}, {Label: c.Title, URL: base}, {Label: pg.T("kweb.tab.attempts")}}
	d := &attemptsData{C: contestView(pg.Lang, c), Tabs: contestTabs(pg, c, "attempts"), Pending: web.IsChecked(web.QueryValue(r, "pending"))}
	d.Views = []web.Tab{{Label: pg.T("kweb.attempts.all"), URL: base + "/attempts", Current: !d.Pending},
		{Label: pg.T("kweb.attempts.pending_only"), URL: base + "/attempts?pending=1", Current: d.Pending}}
	q := contest.AttemptQuery{Pending: d.Pending, Limit: web.PageSize}
	var rows []contest.Taken
	var total listing.Total
	var err error
	if q.Offset, err = listing.OffsetOf(int(web.ParseIDValue(web.QueryValue(r, "page"))), web.PageSize); err == nil {
		rows, total, err = h.Contests.Attempts(r.Context(), p, c.ID, q)
	}
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, httpx.Status(err)
	}
	for i := range rows {
		d.Rows = append(d.Rows, attemptView(pg.Lang, &rows[i]))
	}
	d.Pager = web.ListPagerOf(pg, r, "", len(rows), total, "kweb.attempts.total", "kweb.attempts.total_over")
	d.Cols = []any{pg.T("kweb.attempts.taker"), pg.T("kweb.board.union"), pg.T("kweb.attempts.started"), pg.T("kweb.attempts.submitted"),
		web.Col{Label: pg.T("kweb.board.score"), Class: "num"}, web.Col{Label: pg.T("kweb.attempts.switches"), Class: "num"}, pg.T("kweb.field.status")}
	pg.Data = d
	h.Render(w, status, "contest_attempts", pg)
	return nil
}

// choiceView is an option of a choice question on a taker's paper.
type choiceView struct {
	Letter, Text  string
	Right, Chosen bool
}

// answerView is one question of an attempt as staff read it.
type answerView struct {
	Num, Position           int
	Section, TypeLabel      string
	Stem                    string
	Options                 []choiceView // choices: each marked right, and whether the taker chose it
	Answer, Key             string       // in words
	Explanation             string
	Points, Earned          int
	Short, Waiting, Graded  bool
	CreditLabel, CreditV    string
	GradeURL, PointsField   string
	PointsValue, PointsHint string
}

// attemptData is the Data of one attempt's page.
type attemptData struct {
	T        attemptRow
	Contest  contestRow
	Answers  []answerView
	CanGrade bool
	BackURL  string
	Failed   int // the position whose grading failed, -1 when none
}

// answerWordsOf is a taker's answer in words.
func answerWordsOf(lang i18n.Lang, q *contest.ReviewQuestion) string {
	return givenWords(lang, q.Type, q.Answer, i18n.T(lang, "kweb.answer.none"))
}

// keyWordsOf is the key of a question of a paper in words.
func keyWordsOf(lang i18n.Lang, q *contest.ReviewQuestion) string {
	switch q.Type {
	case bank.Single, bank.Multiple:
		var b strings.Builder
		for _, c := range q.Right {
			b.WriteString(bank.Letter(c))
		}
		return b.String()
	case bank.TrueFalse:
		if q.Key == "对" {
			return i18n.T(lang, "bweb.key.true")
		}
		return i18n.T(lang, "bweb.key.false")
	case bank.Blank:
		blanks := strings.Split(q.Key, "；")
		for i, alts := range blanks {
			blanks[i] = i18n.T(lang, "bweb.key.blank", i+1, strings.ReplaceAll(alts, "|", i18n.T(lang, "bweb.key.or")))
		}
		return strings.Join(blanks, i18n.T(lang, "bweb.key.blank_sep"))
	}
	return q.Key
}

func creditWords(lang i18n.Lang, q *contest.ReviewQuestion) (string, string) {
	switch {
	case q.Type == bank.Short && q.Graded == nil:
		return i18n.T(lang, "kweb.credit.waiting"), "warning"
	case q.Type == bank.Short:
		return i18n.T(lang, "kweb.credit.graded"), "info"
	case q.Credit == bank.Right:
		return i18n.T(lang, "kweb.credit.right"), "success"
	case q.Credit == bank.Partial:
		return i18n.T(lang, "kweb.credit.partial"), "warning"
	}
	return i18n.T(lang, "kweb.credit.wrong"), "danger"
}

func (h *Pages) attemptShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderAttempt(w, r, p, nil, -1, http.StatusOK)
}

// loadReview reads the attempt of the {attempt} path value of the contest
// of {id}; anything else is missing.
func (h *Pages) loadReview(r *http.Request, p *auth.Principal) (*contest.Review, error) {
	if !mayUseContests(p) {
		return nil, errs.Forbidden()
	}
	cid, err := web.IDParam(r, "id")
	if err != nil {
		return nil, err
	}
	aid, err := web.IDParam(r, "attempt")
	if err != nil {
		return nil, err
	}
	rv, err := h.Contests.Review(r.Context(), p, aid)
	if err != nil {
		return nil, err
	}
	if rv.ContestID != cid {
		return nil, errs.NotFound("attempt")
	}
	return rv, nil
}

func (h *Pages) renderAttempt(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, failed, status int) error {
	rv, err := h.loadReview(r, p)
	if err != nil {
		return err
	}
	c := rv.Contest
	pg := h.Page(w, r, p, "", "contests")
	pg.Title = pg.T("kweb.attempt.title", rv.Name, rv.Number)
	pg.Form = form
	base := contestURL(c.ID)
	if r.Method != http.MethodGet {
		pg.Path = attemptURL(c.ID, rv.ID)
	}
	back := web.ListBack(r, base+"/attempts")
	pg.Crumbs = []web.Crumb{{Label: pg.T("kweb.list.title"), URL: "/contests"}, {Label: c.Title, URL: base},
		{Label: pg.T("kweb.tab.attempts"), URL: back}, {Label: rv.Name}}
	d := &attemptData{T: attemptView(pg.Lang, &rv.Taken), Contest: contestView(pg.Lang, c), CanGrade: rv.CanGrade, BackURL: back, Failed: failed}
	for i := range rv.Questions {
		q := &rv.Questions[i]
		av := answerView{Num: i + 1, Position: q.Position, Section: q.Section, TypeLabel: typeLabel(pg.Lang, q.Type), Stem: q.Stem,
			Answer: answerWordsOf(pg.Lang, q), Key: keyWordsOf(pg.Lang, q), Explanation: q.Explanation, Points: q.Points, Earned: q.Earned,
			Short: q.Type == bank.Short, Waiting: q.Type == bank.Short && q.Graded == nil, Graded: q.Graded != nil,
			GradeURL: attemptURL(c.ID, rv.ID) + "/grade", PointsField: "points_" + strconv.Itoa(q.Position),
			PointsHint: pg.T("kweb.grade.hint", q.Points)}
		av.CreditLabel, av.CreditV = creditWords(pg.Lang, q)
		for j, o := range q.Options {
			chosen := false
			for _, c := range q.Answer.Choices {
				chosen = chosen || c == j
			}
			right := false
			for _, c := range q.Right {
				right = right || c == j
			}
			av.Options = append(av.Options, choiceView{Letter: bank.Letter(j), Text: o, Right: right, Chosen: chosen})
		}
		d.Answers = append(d.Answers, av)
	}
	pg.Data = d
	h.Render(w, status, "contest_attempt", pg)
	return nil
}

// attemptGrade gives a short answer its points (posted as points_<position>
// with position), then comes back to the attempt.
func (h *Pages) attemptGrade(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	rv, err := h.loadReview(r, p)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	pos := -1
	web.ParseIntField(f, r, "position", -1, &pos)
	field := "points_" + strconv.Itoa(pos)
	points := 0
	if s := web.FormValue(r, field); s == "" {
		f.Add(field, "field.required")
	} else if points, err = strconv.Atoi(s); err != nil {
		f.Add(field, "field.not_a_number")
	}
	err = f.Err()
	if err == nil {
		if _, err = h.Contests.GradeShort(r.Context(), p, rv.ID, pos, points); err == nil {
			web.RedirectAnchor(w, r, attemptURL(rv.ContestID, rv.ID), "q-"+strconv.Itoa(pos+1), "flash.kweb.graded")
			return nil
		}
	}
	pg := h.Page(w, r, p, "", "")
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		return err
	}
	// The store names the points "points": the field of this question.
	if e, ok := errs.As(err); ok {
		for name, fe := range e.Fields {
			if name == "points" || name == "position" {
				form.Errors[field] = i18n.T(pg.Lang, fe.Key, fe.Args...)
			}
		}
		if len(e.Fields) == 0 {
			form.Errors[field] = web.ErrMessage(pg.Lang, err)
		}
	}
	return h.renderAttempt(w, r, p, form, pos, web.FormStatus(err))
}
