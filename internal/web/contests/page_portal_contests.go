package contests

import (
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// Contests in the members' portal, phone first: the contests open to a
// member (/m/contests), one contest's rules with the button that starts or
// resumes a paper, the paper itself (page_portal_contests_paper.go) and
// its result. Everything goes through the contest store with the member's
// own principal: it decides what they may see, keeps the time by the
// server's clock and grades on the server; the phone never gets the key
// before the paper is handed in.

// MemberContestURL is a contest's page in the portal.
func MemberContestURL(id int64) string { return "/m/contests/" + db.FormatID(id) }

// MemberPaperURL is the page of a member's paper.
func MemberPaperURL(attemptID int64) string { return "/m/papers/" + db.FormatID(attemptID) }

// ---------- views ----------

// pcItem is one contest on the member's list.
type pcItem struct {
	URL, Title string
	Practice   bool
	State      string // 进行中, 未开始, 已结束
	StateV     string // its badge's variant
	When       string // the window, in words
	Facts      string // 15 题 · 限时 20 分钟 · 可答 3 次
	Mine       string // 已答 1 / 3 次 · 最好成绩 28 分
	Passed     string // 及格 / 未及格, "" before any result
	PassedV    string
	Resume     bool // an open paper waits
}

// pcListData is the Data of /m/contests.
type pcListData struct {
	Open, Upcoming, Taken []pcItem
	Unread                int
}

// pcAttemptRow is one of the member's attempts on a contest's page.
type pcAttemptRow struct {
	N       string // 第 1 次
	When    string
	Score   string
	Passed  string
	PassedV string
	URL     string
	Open    bool
}

// pcShowData is the Data of a contest's page.
type pcShowData struct {
	pcItem
	ID          string
	Description string
	Rules       []pcRule
	CanStart    bool
	StartLabel  string
	StartURL    string
	Note        string // why not, or what to expect
	Error       string // the store's refusal of the last press
	Attempts    []pcAttemptRow
	Unread      int
}

// pcRule is one line of a contest's rules.
type pcRule struct{ Icon, Label, Value string }

// ---------- formatting ----------

// pcMinutes is a time limit in words ("20 分钟").
func pcMinutes(lang i18n.Lang, seconds int) string {
	if seconds%60 != 0 {
		return i18n.T(lang, "portal.contest.duration_ms", seconds/60, seconds%60)
	}
	return i18n.T(lang, "portal.contest.minutes", seconds/60)
}

// pcDuration is a time taken in words ("12 分 5 秒").
func pcDuration(lang i18n.Lang, d time.Duration) string {
	s := max(int(d.Round(time.Second).Seconds()), 0)
	switch {
	case s >= 3600:
		return i18n.T(lang, "portal.contest.duration_hms", s/3600, s%3600/60, s%60)
	case s >= 60:
		return i18n.T(lang, "portal.contest.duration_ms", s/60, s%60)
	}
	return i18n.T(lang, "portal.contest.duration_s", s)
}

// pcState is where a contest stands now, as its badge.
func pcState(lang i18n.Lang, c *contest.Contest, now time.Time) (string, string) {
	switch {
	case now.Before(c.OpensAt):
		return i18n.T(lang, "portal.contest.state.upcoming"), "info"
	case !now.Before(c.ClosesAt):
		return i18n.T(lang, "portal.contest.state.closed"), "neutral"
	}
	return i18n.T(lang, "portal.contest.state.open"), "success"
}

func pcPassed(lang i18n.Lang, passed bool) (string, string) {
	if passed {
		return i18n.T(lang, "portal.contest.passed"), "success"
	}
	return i18n.T(lang, "portal.contest.failed"), "danger"
}

// pcItemOf fills one contest of the list.
func pcItemOf(lang i18n.Lang, l *contest.Listed, now time.Time) pcItem {
	c := &l.Contest
	it := pcItem{URL: MemberContestURL(c.ID), Title: c.Title, Practice: c.Practice, Resume: l.Open && c.Open(now)}
	it.State, it.StateV = pcState(lang, c, now)
	it.When = signup.Window(lang, c.OpensAt, c.ClosesAt)
	it.Facts = i18n.T(lang, "portal.contest.fact.questions", c.Questions())
	if c.TimeLimit > 0 {
		it.Facts += " · " + i18n.T(lang, "portal.contest.fact.limit", pcMinutes(lang, c.TimeLimit))
	} else {
		it.Facts += " · " + i18n.T(lang, "portal.contest.fact.no_limit")
	}
	it.Facts += " · " + i18n.T(lang, "portal.contest.fact.attempts", c.Attempts)
	if l.Used > 0 {
		it.Mine = i18n.T(lang, "portal.contest.mine.used", l.Used, c.Attempts)
		if l.Best != nil {
			it.Mine += " · " + i18n.T(lang, "portal.contest.mine.best", *l.Best)
			if !c.Practice {
				it.Passed, it.PassedV = pcPassed(lang, l.Passed)
			}
		}
	}
	return it
}

// ---------- the list ----------

// pcList: GET /m/contests, open now, coming, and those taken or ended.
func (h *Pages) pcList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	all, err := h.Contests.ForMember(r.Context(), p)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.contest.list.title", "contests")
	now := time.Now()
	d := pcListData{Unread: h.Unread(r.Context(), p.MemberID)}
	for i := range all {
		l := &all[i]
		it := pcItemOf(pg.Lang, l, now)
		switch {
		case l.CanStart:
			d.Open = append(d.Open, it)
		case now.Before(l.OpensAt):
			d.Upcoming = append(d.Upcoming, it)
		default:
			d.Taken = append(d.Taken, it)
		}
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "pc_list", pg)
	return nil
}

// ---------- one contest ----------

// pcShow: GET /m/contests/{id}.
func (h *Pages) pcShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	return h.renderPcShow(w, r, p, id, "", http.StatusOK)
}

func (h *Pages) renderPcShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, refusal string, status int) error {
	st, err := h.Contests.ForMemberOne(r.Context(), p, id)
	if err != nil {
		return err
	}
	c := &st.Contest
	pg := h.MemberPage(w, r, "", "contests")
	pg.Title = c.Title
	pg.Path = MemberContestURL(c.ID)
	lang := pg.Lang
	now := time.Now()
	d := pcShowData{pcItem: pcItemOf(lang, &st.Listed, now), ID: db.FormatID(c.ID), Description: c.Description, Error: refusal,
		StartURL: MemberContestURL(c.ID) + "/start", Unread: h.Unread(r.Context(), p.MemberID)}
	// The rules in words.
	rule := func(icon, label, value string) { d.Rules = append(d.Rules, pcRule{icon, pg.T(label), value}) }
	rule("book", "portal.contest.rule.questions", pg.T("portal.contest.rule.questions_v", c.Questions(), c.MaxScore))
	if c.TimeLimit > 0 {
		rule("clock", "portal.contest.rule.limit", pg.T("portal.contest.rule.limit_v", pcMinutes(lang, c.TimeLimit)))
	} else {
		rule("clock", "portal.contest.rule.limit", pg.T("portal.contest.rule.no_limit"))
	}
	if !c.Practice {
		rule("stamp", "portal.contest.rule.pass", pg.T("portal.contest.rule.pass_v", c.PassMark))
	}
	left := max(c.Attempts-st.Used, 0)
	attempts := pg.T("portal.contest.rule.attempts_v", c.Attempts, left)
	if c.Attempts > 1 {
		attempts += pg.T("portal.contest.rule.counting_" + string(c.Counting))
	}
	rule("repeat", "portal.contest.rule.attempts", attempts)
	rule("cal", "portal.contest.rule.window", d.When)
	switch {
	case c.Practice:
		rule("flag", "portal.contest.rule.mode", pg.T("portal.contest.rule.practice"))
	case c.ShowCorrections:
		rule("flag", "portal.contest.rule.mode", pg.T("portal.contest.rule.corrections"))
	}
	// The button, or why there is none.
	switch {
	case st.CanStart && st.Open:
		d.CanStart, d.StartLabel = true, pg.T("portal.contest.resume")
		d.Note = pg.T("portal.contest.note.resume")
	case st.CanStart:
		d.CanStart, d.StartLabel = true, pg.T("portal.contest.start")
		if st.Used > 0 {
			d.StartLabel = pg.T("portal.contest.start_again")
		}
		if c.TimeLimit > 0 {
			d.Note = pg.T("portal.contest.note.timed", pcMinutes(lang, c.TimeLimit))
		}
	case now.Before(c.OpensAt):
		d.Note = pg.T("portal.contest.note.opens", signup.Moment(lang, c.OpensAt))
	case !now.Before(c.ClosesAt):
		d.Note = pg.T("portal.contest.note.closed")
	default:
		d.Note = pg.T("contest.no_attempts_left")
	}
	for _, a := range st.Attempts {
		row := pcAttemptRow{N: pg.T("portal.contest.attempt_n", a.Number), When: signup.Moment(lang, a.StartedAt), URL: MemberPaperURL(a.ID) + "/result"}
		if a.Status == contest.AttemptOpen {
			row.Open, row.URL = true, MemberPaperURL(a.ID)
			row.Score = pg.T("portal.contest.attempt_open")
		} else {
			row.Score = pg.T("portal.contest.score_of", a.Score, a.MaxScore)
			switch {
			case a.Pending > 0:
				row.Passed, row.PassedV = pg.T("portal.contest.pending_short"), "warning"
			case !c.Practice:
				row.Passed, row.PassedV = pcPassed(lang, a.Passed)
			}
		}
		d.Attempts = append(d.Attempts, row)
	}
	pg.Data = d
	h.Render(w, status, "pc_show", pg)
	return nil
}

// pcStart: POST /m/contests/{id}/start, the open paper or a new one; a
// refusal (not open, no attempts left) shows on the contest's page.
func (h *Pages) pcStart(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	sh, err := h.Contests.Start(r.Context(), p, id)
	if err != nil {
		if signup.IsRefusal(err) {
			return h.renderPcShow(w, r, p, id, signup.RefusalMessage(i18n.FromRequest(r), err), statusOf(err))
		}
		return err
	}
	http.Redirect(w, r, MemberPaperURL(sh.Attempt.ID), http.StatusSeeOther)
	return nil
}

// ---------- the result ----------

// pcCorrection is one question of a handed-in paper as its taker reviews it.
type pcCorrection struct {
	N, Of      int
	Stem       string
	TypeLabel  string
	Verdict    string // 正确, 错误, 部分正确, 待评分
	VerdictV   string
	Earned     string // 得 2 分 / 2 分
	Yours      string // the member's answer in words
	Right      string // the right answer in words
	RightLabel string // 正确答案, or 参考答案 for a short answer
	Options    []pcOption
	Explain    string
}

// pcResultData is the Data of a paper's result.
type pcResultData struct {
	Paper       string // the attempt's id, for the script to forget what it kept
	Title       string
	ContestURL  string
	Score       string // 28
	Max         string // 满分 30 分
	Passed      string
	PassedV     string
	PassNote    string // 及格分 18 分
	Pending     string // short answers waiting to be graded
	Rank        string // 第 12 名 / 共 3,456 人
	RankNote    string // when another attempt counts
	Took        string
	Submitted   string
	Practice    bool
	Certificate string // the certificate's page, when passed
	Again       string // the contest's page, when attempts remain
	Corrections []pcCorrection
	Unread      int
}

// pcResult: GET /m/papers/{attempt}/result. A paper still open (and in
// time) goes back to the paper; one whose time ran out is handed in with
// the answers saved by then.
func (h *Pages) pcResult(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "attempt")
	if err != nil {
		return err
	}
	res, err := h.Contests.Result(r.Context(), p, id)
	if err != nil {
		return err
	}
	if res.Attempt.Status != contest.AttemptSubmitted {
		http.Redirect(w, r, MemberPaperURL(id), http.StatusSeeOther)
		return nil
	}
	c, err := h.Contests.AttemptContest(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.contest.result.title", "contests")
	lang := pg.Lang
	a := &res.Attempt
	d := pcResultData{Paper: db.FormatID(a.ID), Title: res.Title, ContestURL: MemberContestURL(c.ID), Score: strconv.Itoa(a.Score), Max: pg.T("portal.contest.result.max", a.MaxScore),
		Practice: c.Practice, Unread: h.Unread(r.Context(), p.MemberID)}
	if a.SubmittedAt != nil {
		d.Took = pcDuration(lang, a.SubmittedAt.Sub(a.StartedAt))
		d.Submitted = signup.Moment(lang, *a.SubmittedAt)
	}
	switch {
	case a.Pending > 0:
		d.Passed, d.PassedV = pg.T("portal.contest.pending_short"), "warning"
		d.Pending = pg.T("portal.contest.result.pending", a.Pending)
	case !c.Practice:
		d.Passed, d.PassedV = pcPassed(lang, a.Passed)
	}
	if !c.Practice {
		d.PassNote = pg.T("portal.contest.result.pass_mark", res.PassMark)
		if res.Rank > 0 {
			d.Rank = pg.T("portal.contest.result.rank", web.Num(res.Rank), web.Num(res.Takers))
			if !res.Counting {
				d.RankNote = pg.T("portal.contest.result.rank_other_" + string(c.Counting))
			}
		}
		if a.Passed {
			d.Certificate = MemberPaperURL(a.ID) + "/certificate"
		}
	}
	if c.Open(time.Now()) && a.Number < c.Attempts {
		d.Again = MemberContestURL(c.ID)
	}
	for _, cr := range res.Corrections {
		d.Corrections = append(d.Corrections, pcCorrectionOf(lang, &cr, len(res.Corrections)))
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "pc_result", pg)
	return nil
}

// pcCorrectionOf puts a correction in words.
func pcCorrectionOf(lang i18n.Lang, cr *contest.Correction, of int) pcCorrection {
	out := pcCorrection{N: cr.Position + 1, Of: of, Stem: cr.Stem, TypeLabel: i18n.T(lang, "bweb.type."+string(cr.Type)), Explain: cr.Explanation,
		RightLabel: i18n.T(lang, "portal.contest.result.right")}
	if cr.Type == bank.Short {
		out.RightLabel = i18n.T(lang, "portal.contest.result.outline")
	}
	graded := cr.Graded
	switch {
	case cr.Credit == bank.Manual && graded:
		out.Verdict, out.VerdictV = i18n.T(lang, "portal.contest.verdict.graded"), "info"
	default:
		out.Verdict, out.VerdictV = pcVerdict(lang, cr.Credit)
	}
	if cr.Answer.Empty() && !graded {
		out.Verdict, out.VerdictV = i18n.T(lang, "portal.contest.verdict.blank"), "neutral"
	}
	out.Earned = i18n.T(lang, "portal.contest.earned", cr.Earned, cr.Points)
	out.Yours = takerWords(lang, &cr.TakerQuestion, cr.Answer)
	out.Right = keyWords(lang, cr.Type, cr.Right, cr.Key)
	for i, o := range cr.Options {
		v := pcOption{Value: i, Letter: bank.Letter(i), Label: o}
		for _, c := range cr.Answer.Choices {
			v.Checked = v.Checked || c == i
		}
		for _, c := range cr.Right {
			v.Key = v.Key || c == i
		}
		out.Options = append(out.Options, v)
	}
	return out
}
