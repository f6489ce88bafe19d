package contests

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/contest"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// The staff pages of contests: the list (this file), a contest's page
// with publishing and cancelling (this file), the form
// (page_contests_form.go), the board and its export
// (page_contests_board.go), the attempts and grading short answers
// (page_contests_attempts.go). The store is internal/contest; it scopes
// everything, answering NotFound outside what the caller may see.

func contestURL(id int64) string { return "/contests/" + db.FormatID(id) }

// mayUseContests: the caller may open the contests' pages at all.
func mayUseContests(p *auth.Principal) bool { return mayUseBanks(p) }

// Words of the store's codes.

func statusLabel(lang i18n.Lang, s contest.Status) string {
	return i18n.T(lang, "kweb.status."+string(s))
}

func statusVariant(s contest.Status) string {
	switch s {
	case contest.StatusPublished:
		return "success"
	case contest.StatusDraft:
		return "warning"
	}
	return "outline"
}

func statusOptions(lang i18n.Lang) []web.Option {
	return web.EnumOptions(lang, contest.Statuses, statusLabel)
}

// contestRow is a contest in the list or at the top of its page.
type contestRow struct {
	ID, URL, Link, Title, OrgName, Opens, Window string
	StatusLabel, StatusV                         string
	Questions, MaxScore                          int
	Practice, Open                               bool
}

func contestView(lang i18n.Lang, c *contest.Contest) contestRow {
	return contestRow{ID: db.FormatID(c.ID), URL: contestURL(c.ID), Title: c.Title, OrgName: c.OrgName,
		Opens: web.FormatTime(c.OpensAt, "2006-01-02 15:04"), Window: window(c.OpensAt, c.ClosesAt),
		StatusLabel: statusLabel(lang, c.Status), StatusV: statusVariant(c.Status), Questions: c.Questions(), MaxScore: c.MaxScore,
		Practice: c.Practice, Open: c.Open(time.Now())}
}

// window shows an opening and a closing time in Beijing time, the
// closing date left out when it is the same day.
func window(from, to time.Time) string {
	a, b := from.In(beijing.Zone), to.In(beijing.Zone)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return a.Format("2006-01-02 15:04") + "–" + b.Format("15:04")
	}
	return a.Format("2006-01-02 15:04") + " – " + b.Format("2006-01-02 15:04")
}

// contestListData is the Data of the list.
type contestListData struct {
	Q, Status     string
	Filtered      bool
	StatusOptions []web.Option
	Rows          []contestRow
	Cols          []any
	Sort          string
	Pager         web.CursorPager
	CanWrite      bool
}

func (h *Pages) contestList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUseContests(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "kweb.list.title", "contests")
	d := &contestListData{Q: web.QueryValue(r, "q"), Status: web.QueryValue(r, "status"), StatusOptions: statusOptions(pg.Lang),
		Sort: web.SortParam(r, contest.Sorts.Default), CanWrite: p.Can(auth.PermContestWrite)}
	d.Filtered = d.Q != "" || d.Status != ""
	q := contest.Query{Q: d.Q, Status: contest.Status(d.Status), Sort: d.Sort, After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]contest.Contest, string, error) { return h.Contests.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Contests.CountList(ctx, p, q) })
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, web.FormStatus(err)
	}
	back := web.BackQuery(pg)
	for i := range items {
		v := contestView(pg.Lang, &items[i])
		v.Link = v.URL + back
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "kweb.list.total", "kweb.list.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("kweb.field.title"), Key: "title"}, {Label: pg.T("kweb.field.org")},
		{Label: pg.T("kweb.field.opens_at"), Key: "opens", Desc: true}, {Label: pg.T("kweb.field.status")},
		{Label: pg.T("kweb.field.questions"), Class: "num"}})
	pg.Data = d
	h.Render(w, status, "contest_list", pg)
	return nil
}

// staffView is a contest as View answers it: whole is false for a contest
// run above the caller (they see their subtrees' takers only).
type staffView struct {
	*contest.Contest
	whole bool
}

// contestFor loads the contest of the {id} path value as staff see it, or
// answers the error page.
func (h *Pages) contestFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*staffView, bool) {
	if !mayUseContests(p) {
		h.Fail(w, r, p, errs.Forbidden())
		return nil, false
	}
	id, err := web.IDParam(r, "id")
	if err == nil {
		var c *contest.Contest
		var whole bool
		if c, whole, err = h.Contests.View(r.Context(), p, id); err == nil {
			return &staffView{Contest: c, whole: whole}, true
		}
	}
	h.Fail(w, r, p, err)
	return nil, false
}

// contestWritable is contestFor for what changes the contest: those who
// only read it get the 403 page.
func (h *Pages) contestWritable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*contest.Contest, bool) {
	v, ok := h.contestFor(w, r, p)
	if ok && !p.CanAt(auth.PermContestWrite, v.OrgPath) {
		h.Fail(w, r, p, errs.Forbidden())
		return nil, false
	}
	if !ok {
		return nil, false
	}
	return v.Contest, true
}

// sectionView is a section of the paper in words.
type sectionView struct {
	Title, Bank, Rule string
	Size, Points      int
}

// contestShowData is the Data of a contest's page.
type contestShowData struct {
	C                          contestRow
	Tabs                       []web.Tab
	Contest                    *contest.Contest
	AudienceTags               []string
	Rules                      []string // the rules in words, one a line
	Sections                   []sectionView
	Version                    string
	CanWrite, Whole            bool
	CanEdit, CanPublish        bool
	CanCancel                  bool
	URL, BoardURL, AttemptsURL string
	TeamsURL                   string
}

func (h *Pages) contestShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.contestFor(w, r, p)
	if !ok {
		return nil
	}
	h.renderContestShow(w, r, p, v, nil, http.StatusOK)
	return nil
}

func (h *Pages) renderContestShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *staffView, form *web.Form, status int) {
	c := v.Contest
	pg := h.Page(w, r, p, "", "contests")
	pg.Title = c.Title
	base := contestURL(c.ID)
	if r.Method != http.MethodGet {
		pg.Path = base
	}
	pg.Form = form
	pg.Crumbs = []web.Crumb{{Label: pg.T("kweb.list.title"), URL: web.ListBack(r, "/contests")}, {Label: c.Title}}
	d := &contestShowData{C: contestView(pg.Lang, c), Contest: c, AudienceTags: web.TagLabels(pg.Lang, c.AudienceTags),
		Rules: rulesInWords(pg.Lang, c), Version: strconv.Itoa(c.Version), CanWrite: p.CanAt(auth.PermContestWrite, c.OrgPath), Whole: v.whole,
		URL: base, BoardURL: base + "/board", AttemptsURL: base + "/attempts", TeamsURL: base + "/teams", Tabs: contestTabs(pg, c, "overview")}
	d.CanEdit = d.CanWrite && c.Status != contest.StatusCancelled
	d.CanPublish = d.CanWrite && c.Status == contest.StatusDraft
	d.CanCancel = d.CanWrite && c.Status != contest.StatusCancelled
	names := h.bankNames(r, p, pg.Lang, c.Sections)
	for _, s := range c.Sections {
		d.Sections = append(d.Sections, sectionView{Title: s.Title, Bank: names[s.BankID], Rule: sectionRule(pg.Lang, s), Size: s.Size(), Points: s.Points})
	}
	pg.Data = d
	h.Render(w, status, "contest_show", pg)
}

// bankNames names the banks of sections the caller may use; another's
// bank is "a bank you may not see".
func (h *Pages) bankNames(r *http.Request, p *auth.Principal, lang i18n.Lang, secs []contest.Section) map[int64]string {
	out := map[int64]string{}
	for _, s := range secs {
		if _, done := out[s.BankID]; done {
			continue
		}
		if b, err := h.Banks.Bank(r.Context(), p, s.BankID); err == nil {
			out[s.BankID] = b.Name
		} else {
			out[s.BankID] = i18n.T(lang, "kweb.show.bank_hidden")
		}
	}
	return out
}

// sectionRule says how a section picks its questions.
func sectionRule(lang i18n.Lang, s contest.Section) string {
	if len(s.Questions) > 0 {
		return i18n.T(lang, "kweb.rule.fixed", len(s.Questions))
	}
	what := i18n.T(lang, "kweb.rule.any")
	if s.Category != "" || s.Type != "" || s.Difficulty != 0 {
		what = ""
		add := func(x string) {
			if what != "" {
				what += i18n.T(lang, "kweb.rule.sep")
			}
			what += x
		}
		if s.Category != "" {
			add(i18n.T(lang, "kweb.rule.category", s.Category))
		}
		if s.Type != "" {
			add(typeLabel(lang, s.Type))
		}
		if s.Difficulty != 0 {
			add(difficultyLabel(lang, s.Difficulty))
		}
	}
	return i18n.T(lang, "kweb.rule.random", s.Count, what)
}

// rulesInWords are the contest's rules as sentences.
func rulesInWords(lang i18n.Lang, c *contest.Contest) []string {
	t := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	var out []string
	out = append(out, t("kweb.rules.paper", c.Questions(), c.MaxScore, c.PassMark))
	if c.TimeLimit > 0 {
		out = append(out, t("kweb.rules.time_limit", c.TimeLimit/60))
	} else {
		out = append(out, t("kweb.rules.no_time_limit"))
	}
	if c.Attempts > 1 {
		out = append(out, t("kweb.rules.attempts", c.Attempts, t("kweb.counting."+string(c.Counting))))
	} else {
		out = append(out, t("kweb.rules.one_attempt"))
	}
	var shuffle []string
	if c.ShuffleQuestions {
		shuffle = append(shuffle, t("kweb.rules.shuffle_questions"))
	}
	if c.ShuffleOptions {
		shuffle = append(shuffle, t("kweb.rules.shuffle_options"))
	}
	if len(shuffle) > 0 {
		s := shuffle[0]
		for _, x := range shuffle[1:] {
			s += t("kweb.rule.sep") + x
		}
		out = append(out, t("kweb.rules.shuffle", s))
	}
	if c.PartialCredit {
		out = append(out, t("kweb.rules.partial"))
	}
	if c.Practice {
		out = append(out, t("kweb.rules.practice"))
	} else if c.ShowCorrections {
		out = append(out, t("kweb.rules.corrections"))
	} else {
		out = append(out, t("kweb.rules.no_corrections"))
	}
	return out
}

// The status forms: publish and cancel post the version the page showed.

func (h *Pages) contestPublish(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.contestStatus(w, r, p, h.Contests.Publish, "flash.kweb.published")
}

func (h *Pages) contestCancel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.contestStatus(w, r, p, h.Contests.Cancel, "flash.kweb.cancelled")
}

type statusFunc func(ctx context.Context, pr *auth.Principal, id int64, version int) (*contest.Contest, error)

func (h *Pages) contestStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal, do statusFunc, flash string) error {
	c, ok := h.contestWritable(w, r, p)
	if !ok {
		return nil
	}
	f := errs.Fields{}
	version := 0
	web.ParseIntField(f, r, "version", 0, &version)
	f.Check(version > 0, "version", "field.required")
	err := f.Err()
	if err == nil {
		if _, err = do(r.Context(), p, c.ID, version); err == nil {
			web.Redirect(w, r, contestURL(c.ID), flash)
			return nil
		}
	}
	pg := h.Page(w, r, p, "", "")
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		return err
	}
	// Forms without inputs of their own: the reason is the message (a
	// bank that no longer holds enough questions, named by its field).
	form.Message = web.ErrMessage(pg.Lang, err)
	h.renderContestShow(w, r, p, &staffView{Contest: c, whole: true}, form, web.FormStatus(err))
	return nil
}
