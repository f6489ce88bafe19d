package contests

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// The paper on a phone. Without JavaScript it is one form: every question
// with its inputs, a button that saves the answers and one that hands the
// paper in after a confirmation page listing what is unanswered. With
// static/take.js each answer is saved as it is given (POST
// /m/papers/{attempt}/answers/{position}, answering JSON), unsent answers
// wait in the phone's storage until the connection is back, the clock
// counts down the seconds the server rendered, and leaving the page is
// reported once per switch. Answers arrive as form fields named
// q<position>.choice (repeated for several), q<position>.tf (true, false),
// q<position>.blank (one per blank, in order) and q<position>.text.

// pcOption is one choice of a question.
type pcOption struct {
	Value   int
	Letter  string
	Label   string
	Checked bool
	Key     bool // the result page only: the option is right
}

// pcBlank is one blank's input.
type pcBlank struct {
	N     int
	Value string
}

// pcFeedback is what a practice answer earned, in words.
type pcFeedback struct {
	Verdict  string `json:"verdict"`
	VerdictV string `json:"variant"`
	Right    string `json:"right"`
	Explain  string `json:"explanation"`
}

// pcQuestion is one question of the paper as the taker sees it.
type pcQuestion struct {
	Pos, N, Of   int
	Name         string // the fields' prefix: q<pos>.
	Section      string // the section's title on its first question
	Points       int
	Type         string
	TypeLabel    string
	Stem         string
	Options      []pcOption
	TrueChecked  bool
	FalseChecked bool
	Blanks       []pcBlank
	Text         string
	Answered     bool
	Error        string
	Feedback     *pcFeedback
}

// pcPaperData is the Data of the paper.
type pcPaperData struct {
	ID         string
	Title      string
	URL        string
	Practice   bool
	Remaining  int    // seconds by the server's clock; -1: no limit
	Clock      string // the remaining time as shown before the script runs
	Deadline   string // hand in by 14:20
	Questions  []pcQuestion
	Answered   int
	Total      int
	Error      string
	Msgs       string // the script's words, as JSON
	ContestURL string
	Unread     int
}

// pcConfirmData is the Data of the confirmation before handing in.
type pcConfirmData struct {
	ID         string
	Title      string
	URL        string
	Answered   int
	Total      int
	Unanswered []pcQuestion
	Remaining  int
	Clock      string
	Unread     int
}

func statusOf(err error) int { return httpx.Status(err) }

// attemptParam reads {attempt}.
func attemptParam(r *http.Request) (int64, error) { return web.IDParam(r, "attempt") }

// pcClock is a remaining time as a clock (19:58, or 1:02:03).
func pcClock(seconds int) string {
	if seconds < 0 {
		return ""
	}
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	if h > 0 {
		return strconv.Itoa(h) + ":" + pad2(m) + ":" + pad2(s)
	}
	return pad2(m) + ":" + pad2(s)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// answered reports whether a saved answer says anything.
func answered(a bank.Answer, ok bool) bool { return ok && !a.Empty() }

// pcQuestionsOf lays out a sheet's questions with the answers saved (or,
// after a refused form, those sent: sent by position).
func pcQuestionsOf(lang i18n.Lang, sh *contest.Sheet, sent map[int]bank.Answer, errors map[int]string) ([]pcQuestion, int) {
	var out []pcQuestion
	done := 0
	last := ""
	for _, tq := range sh.Questions {
		a, ok := sh.Answers[tq.Position]
		if s, sentOK := sent[tq.Position]; sentOK {
			a, ok = s, true
		}
		q := pcQuestion{Pos: tq.Position, N: tq.Position + 1, Of: len(sh.Questions), Name: "q" + strconv.Itoa(tq.Position) + ".",
			Points: tq.Points, Type: string(tq.Type), TypeLabel: i18n.T(lang, "bweb.type."+string(tq.Type)), Stem: tq.Stem,
			Answered: answered(a, ok), Error: errors[tq.Position]}
		if tq.Section != last {
			q.Section, last = tq.Section, tq.Section
		}
		for i, o := range tq.Options {
			v := pcOption{Value: i, Letter: bank.Letter(i), Label: o}
			for _, c := range a.Choices {
				v.Checked = v.Checked || c == i
			}
			q.Options = append(q.Options, v)
		}
		if a.True != nil {
			q.TrueChecked, q.FalseChecked = *a.True, !*a.True
		}
		for i := range tq.Blanks {
			b := pcBlank{N: i + 1}
			if i < len(a.Blanks) {
				b.Value = a.Blanks[i]
			}
			q.Blanks = append(q.Blanks, b)
		}
		q.Text = a.Text
		if fb := sh.Feedback[tq.Position]; fb != nil && q.Answered {
			q.Feedback = pcFeedbackOf(lang, &tq, fb)
		}
		if q.Answered {
			done++
		}
		out = append(out, q)
	}
	return out, done
}

// pcFeedbackOf puts a practice answer's feedback in words.
func pcFeedbackOf(lang i18n.Lang, tq *contest.TakerQuestion, fb *contest.Feedback) *pcFeedback {
	out := &pcFeedback{Explain: fb.Explanation, Right: i18n.T(lang, "portal.contest.right_answer", keyWords(lang, tq.Type, fb.Right, fb.Key))}
	out.Verdict, out.VerdictV = pcVerdict(lang, fb.Credit)
	return out
}

// pcVerdict is how an answer fared, in words, with its badge's variant.
func pcVerdict(lang i18n.Lang, c bank.Credit) (string, string) {
	switch c {
	case bank.Right:
		return i18n.T(lang, "portal.contest.verdict.right"), "success"
	case bank.Partial:
		return i18n.T(lang, "portal.contest.verdict.partial"), "warning"
	case bank.Manual:
		return i18n.T(lang, "portal.contest.verdict.manual"), "info"
	}
	return i18n.T(lang, "portal.contest.verdict.wrong"), "danger"
}

// keyWords is a right answer in words: the letters of the right options,
// 对 or 错, each blank's accepted answers, a short answer's outline.
func keyWords(lang i18n.Lang, t bank.Type, right []int, key string) string {
	switch t {
	case bank.Single, bank.Multiple:
		var b strings.Builder
		for _, c := range right {
			b.WriteString(bank.Letter(c))
		}
		return b.String()
	case bank.TrueFalse:
		if key == "对" {
			return i18n.T(lang, "portal.contest.true")
		}
		return i18n.T(lang, "portal.contest.false")
	case bank.Blank:
		parts := strings.Split(key, "；")
		for i, alts := range parts {
			parts[i] = i18n.T(lang, "bweb.key.blank", i+1, strings.Join(strings.Split(alts, "|"), i18n.T(lang, "bweb.key.or")))
		}
		return strings.Join(parts, i18n.T(lang, "bweb.key.blank_sep"))
	}
	if key == "" {
		return i18n.T(lang, "portal.contest.graded_by_staff")
	}
	return key
}

// takerWords is the member's answer in words.
func takerWords(lang i18n.Lang, tq *contest.TakerQuestion, a bank.Answer) string {
	return givenWords(lang, tq.Type, a, i18n.T(lang, "portal.contest.no_answer"))
}

// answerFrom reads the answer to the question at pos from form fields
// (see the package comment above); a choice that is not a number is the
// answer's error.
func answerFrom(form url.Values, pos int) (bank.Answer, error) {
	p := "q" + strconv.Itoa(pos) + "."
	var a bank.Answer
	for _, v := range form[p+"choice"] {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return a, errs.Fields{"answer": {Key: "bank.answer_option"}}.Err()
		}
		a.Choices = append(a.Choices, n)
	}
	switch v := form.Get(p + "tf"); v {
	case "":
	case "true", "false":
		b := v == "true"
		a.True = &b
	default:
		return a, errs.Fields{"answer": {Key: "bank.answer_shape"}}.Err()
	}
	if bl := form[p+"blank"]; len(bl) > 0 {
		a.Blanks = make([]string, len(bl))
		for i, b := range bl {
			a.Blanks[i] = strings.TrimSpace(b)
		}
		if strings.Join(a.Blanks, "") == "" {
			a.Blanks = nil
		}
	}
	a.Text = strings.TrimSpace(form.Get(p + "text"))
	return a, nil
}

// sameAnswer reports whether two answers say the same.
func sameAnswer(a, b bank.Answer) bool {
	if a.Empty() && b.Empty() {
		return true
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// ---------- the paper ----------

// pcPaper: GET /m/papers/{attempt}. A paper handed in (or whose time ran
// out) shows its result instead.
func (h *Pages) pcPaper(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := attemptParam(r)
	if err != nil {
		return err
	}
	sh, c, err := h.Contests.Paper(r.Context(), p, id)
	if err != nil {
		return err
	}
	if done, err := h.closed(w, r, p, sh); done || err != nil {
		return err
	}
	return h.renderPaper(w, r, p, sh, c, nil, nil, "", http.StatusOK)
}

// closed sends a paper handed in, or whose time is up, to its result
// (handing it in first with the answers saved by then); done is true
// when it did.
func (h *Pages) closed(w http.ResponseWriter, r *http.Request, p *auth.Principal, sh *contest.Sheet) (done bool, err error) {
	result := MemberPaperURL(sh.Attempt.ID) + "/result"
	switch {
	case sh.Attempt.Status != contest.AttemptOpen:
		http.Redirect(w, r, result, http.StatusSeeOther)
		return true, nil
	case sh.Remaining == 0:
		if _, err := h.Contests.Submit(r.Context(), p, sh.Attempt.ID); err != nil {
			return true, err
		}
		web.Redirect(w, r, result, "portal.flash.contest_time_up")
		return true, nil
	}
	return false, nil
}

// pcScriptWords are the words take.js shows, by name.
var pcScriptWords = []string{"saved", "saving", "offline", "failed", "signed_out", "time_up", "left_page", "offline_submit", "answered_n"}

func (h *Pages) renderPaper(w http.ResponseWriter, r *http.Request, p *auth.Principal, sh *contest.Sheet, c *contest.Contest,
	sent map[int]bank.Answer, errors map[int]string, msg string, status int) error {
	pg := h.MemberPage(w, r, "", "contests")
	pg.Title = sh.Title
	pg.Path = MemberPaperURL(sh.Attempt.ID)
	lang := pg.Lang
	d := pcPaperData{ID: strconv.FormatInt(sh.Attempt.ID, 10), Title: sh.Title, URL: MemberPaperURL(sh.Attempt.ID), Practice: sh.Practice,
		Remaining: sh.Remaining, Clock: pcClock(sh.Remaining), Error: msg, ContestURL: MemberContestURL(c.ID), Unread: h.Unread(r.Context(), p.MemberID)}
	if sh.Attempt.Deadline != nil {
		d.Deadline = pg.T("portal.contest.paper.deadline", sh.Attempt.Deadline.In(beijing.Zone).Format("15:04"))
		if y, m, dd := sh.Attempt.Deadline.In(beijing.Zone).Date(); y != time.Now().In(beijing.Zone).Year() || m != time.Now().In(beijing.Zone).Month() || dd != time.Now().In(beijing.Zone).Day() {
			d.Deadline = pg.T("portal.contest.paper.deadline", sh.Attempt.Deadline.In(beijing.Zone).Format("2006-01-02 15:04"))
		}
	}
	d.Questions, d.Answered = pcQuestionsOf(lang, sh, sent, errors)
	d.Total = len(d.Questions)
	words := map[string]string{}
	for _, k := range pcScriptWords {
		words[k] = pg.T("portal.contest.js." + k)
	}
	raw, _ := json.Marshal(words)
	d.Msgs = string(raw)
	pg.Data = d
	h.Render(w, status, "pc_paper", pg)
	return nil
}

// pcSaveAnswer is the JSON answer to one saved answer.
type pcSaveAnswer struct {
	Position int         `json:"position"`
	Answered bool        `json:"answered"`
	Feedback *pcFeedback `json:"feedback,omitempty"`
}

// pcSaveError is the JSON answer to a refused answer: the message for
// the question, and where to go when the paper is closed.
type pcSaveError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Result  string            `json:"result,omitempty"`
}

// pcSave: POST /m/papers/{attempt}/answers/{position}, the script's save
// of one answer, answered as JSON with the status of the kernel's map.
func (h *Pages) pcSave(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	lang := i18n.FromRequest(r)
	id, err := attemptParam(r)
	if err != nil {
		return err
	}
	pos, perr := strconv.Atoi(r.PathValue("position"))
	var saved *contest.Saved
	var a bank.Answer
	switch {
	case perr != nil || pos < 0:
		err = errs.Fields{"position": {Key: "contest.not_on_paper"}}.Err()
	default:
		_ = r.ParseForm()
		if a, err = answerFrom(r.PostForm, pos); err == nil {
			saved, err = h.Contests.Save(r.Context(), p, id, pos, a)
		}
	}
	if err != nil {
		e, ok := errs.As(err)
		if !ok {
			return err
		}
		out := pcSaveError{Code: e.Code, Message: web.ErrMessage(lang, err)}
		if len(e.Fields) > 0 {
			out.Fields = map[string]string{}
			for name, fe := range e.Fields {
				out.Fields[name] = i18n.T(lang, fe.Key, fe.Args...)
			}
		}
		if e.Code == "time_up" || e.Code == "submitted" {
			out.Result = MemberPaperURL(id) + "/result"
		}
		web.WriteJSON(w, statusOf(err), out)
		return nil
	}
	out := pcSaveAnswer{Position: pos, Answered: !a.Empty()}
	if saved.Feedback != nil {
		if sh, _, err := h.Contests.Paper(r.Context(), p, id); err == nil && pos < len(sh.Questions) {
			out.Feedback = pcFeedbackOf(lang, &sh.Questions[pos], saved.Feedback)
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// pcSwitched: POST /m/papers/{attempt}/switches, the page was left.
func (h *Pages) pcSwitched(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := attemptParam(r)
	if err != nil {
		return err
	}
	if err := h.Contests.Switched(r.Context(), p, id); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pcPaperPost: POST /m/papers/{attempt}, the form without the script:
// every answer that changed is saved; then "save" shows the paper again,
// "review" the confirmation before handing in, "finish" (the script at
// zero) hands in at once. A refused answer shows at its question and the
// others are kept; time up shows the result.
func (h *Pages) pcPaperPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := attemptParam(r)
	if err != nil {
		return err
	}
	sh, c, err := h.Contests.Paper(r.Context(), p, id)
	if err != nil {
		return err
	}
	result := MemberPaperURL(id) + "/result"
	if sh.Attempt.Status != contest.AttemptOpen {
		web.Redirect(w, r, result, "portal.flash.contest_already_submitted")
		return nil
	}
	action := r.PostFormValue("action")
	lang := i18n.FromRequest(r)
	sent := map[int]bank.Answer{}
	bad := map[int]string{}
	timeUp := false
	for _, q := range sh.Questions {
		if r.PostForm.Get("q"+strconv.Itoa(q.Position)+".shown") == "" {
			continue // not on the form that was sent
		}
		a, err := answerFrom(r.PostForm, q.Position)
		if err == nil {
			old, had := sh.Answers[q.Position]
			if had && sameAnswer(old, a) || !had && a.Empty() {
				continue
			}
			sent[q.Position] = a
			_, err = h.Contests.Save(r.Context(), p, id, q.Position, a)
		}
		switch {
		case err == nil:
		case errs.Is(err, errs.KindConflict):
			e, _ := errs.As(err)
			timeUp = timeUp || e.Code == "time_up" || e.Code == "submitted"
			if !timeUp {
				return err
			}
		case errs.Is(err, errs.KindInvalid):
			bad[q.Position] = web.ErrMessage(lang, err)
		default:
			return err
		}
		if timeUp {
			break
		}
	}
	switch {
	case timeUp:
		if _, err := h.Contests.Submit(r.Context(), p, id); err != nil && !errs.Is(err, errs.KindConflict) {
			return err
		}
		web.Redirect(w, r, result, "portal.flash.contest_time_up")
		return nil
	case len(bad) > 0:
		sh, c, err = h.Contests.Paper(r.Context(), p, id)
		if err != nil {
			return err
		}
		for pos := range sent {
			if _, isBad := bad[pos]; !isBad {
				delete(sent, pos) // saved: the sheet has it
			}
		}
		return h.renderPaper(w, r, p, sh, c, sent, bad, i18n.T(lang, "portal.contest.paper.fix"), http.StatusUnprocessableEntity)
	case action == "finish":
		if _, err := h.Contests.Submit(r.Context(), p, id); err != nil {
			return err
		}
		flash := "portal.flash.contest_submitted"
		if sh.Remaining == 0 {
			flash = "portal.flash.contest_handed_in_at_zero"
		}
		web.Redirect(w, r, result, flash)
		return nil
	case action == "review":
		http.Redirect(w, r, MemberPaperURL(id)+"/submit", http.StatusSeeOther)
		return nil
	}
	web.Redirect(w, r, MemberPaperURL(id), "portal.flash.contest_saved")
	return nil
}

// pcConfirm: GET /m/papers/{attempt}/submit, the step before handing in:
// how many are answered, which are not (each a link back to it).
func (h *Pages) pcConfirm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := attemptParam(r)
	if err != nil {
		return err
	}
	sh, _, err := h.Contests.Paper(r.Context(), p, id)
	if err != nil {
		return err
	}
	if done, err := h.closed(w, r, p, sh); done || err != nil {
		return err
	}
	page := h.MemberPage(w, r, "portal.contest.confirm.title", "contests")
	qs, done := pcQuestionsOf(page.Lang, sh, nil, nil)
	d := pcConfirmData{ID: strconv.FormatInt(id, 10), Title: sh.Title, URL: MemberPaperURL(id), Answered: done, Total: len(qs),
		Remaining: sh.Remaining, Clock: pcClock(sh.Remaining), Unread: h.Unread(r.Context(), p.MemberID)}
	for _, q := range qs {
		if !q.Answered {
			d.Unanswered = append(d.Unanswered, q)
		}
	}
	page.Data = d
	h.Render(w, http.StatusOK, "pc_confirm", page)
	return nil
}

// pcSubmit: POST /m/papers/{attempt}/submit, hands the paper in (a second
// press answers the same result) and shows the result.
func (h *Pages) pcSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := attemptParam(r)
	if err != nil {
		return err
	}
	res, err := h.Contests.Submit(r.Context(), p, id)
	if err != nil {
		return err
	}
	flash := "portal.flash.contest_submitted"
	if res.Attempt.SubmittedAt != nil && res.Attempt.Deadline != nil && !res.Attempt.SubmittedAt.Before(*res.Attempt.Deadline) {
		flash = "portal.flash.contest_time_up"
	}
	web.Redirect(w, r, MemberPaperURL(id)+"/result", flash)
	return nil
}
