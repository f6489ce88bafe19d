package contests

import (
	"net/http"
	"net/url"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
)

// A contest's board: its takers by person (Store.Board), filtered by an
// organisation and paged by page numbers, with its .xlsx export; and the
// place of the board by organisation (Store.OrgBoard, its tab: "by=org").

// boardPick is the board's organisation filter: any organisation where
// the caller reads contests (the store refuses one outside the board).
var boardPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermContestRead}

// boardRow is a taker on the board.
type boardRow struct {
	Rank                       int
	Name, Union, Took, At      string
	Score, Attempts            int
	Passed                     bool
	PassedLabel, PassedVariant string
}

// contestTabs are the tabs of a contest's pages.
func contestTabs(pg *web.Page, c *contest.Contest, current string) []web.Tab {
	base := contestURL(c.ID)
	return []web.Tab{
		{Label: pg.T("kweb.tab.overview"), URL: base, Current: current == "overview"},
		{Label: pg.T("kweb.tab.board"), URL: base + "/board", Current: current == "board"},
		{Label: pg.T("kweb.tab.attempts"), URL: base + "/attempts", Current: current == "attempts"},
		{Label: pg.T("kweb.tab.teams"), URL: base + "/teams", Current: current == "teams"},
	}
}

// boardData is the Data of the board.
type boardData struct {
	C          contestRow
	Tabs       []web.Tab
	Views      []web.Tab // by person, by organisation
	By         string
	Org        *web.OrgPicker
	Filtered   bool
	Whole      bool
	Rows       []boardRow
	Pager      web.CursorPager
	Cols       []any
	ExportURL  string
	URL        string
	PassMark   int
	MaxScore   int
	Unfiltered string
}

// duration says how long a paper took, in minutes and seconds.
func duration(lang i18n.Lang, ms int64) string {
	secs := ms / 1000
	return i18n.T(lang, "kweb.duration", secs/60, secs%60)
}

// cleanBoardQuery drops the picker's buttons from the board's address (and
// the organisation when its clear button was pressed), so that the board's
// links do not carry them.
func cleanBoardQuery(r *http.Request) {
	q := r.URL.Query()
	if q.Get(web.PickerClearButton) == boardPick.Field {
		q.Del(boardPick.Field)
		q.Del(boardPick.QField)
	}
	if q.Has(web.PickerClearButton) || q.Has(web.PickerSearchButton) && q.Get(boardPick.QField) == "" {
		q.Del(web.PickerClearButton)
		q.Del(web.PickerSearchButton)
		r.URL.RawQuery = q.Encode()
		r.Form = nil
	}
}

func (h *Pages) contestBoard(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.contestFor(w, r, p)
	if !ok {
		return nil
	}
	cleanBoardQuery(r)
	c := v.Contest
	pg := h.Page(w, r, p, "", "contests")
	pg.Title = pg.T("kweb.board.title", c.Title)
	base := contestURL(c.ID)
	pg.Crumbs = []web.Crumb{{Label: pg.T("kweb.list.title"), URL: "/contests"}, {Label: c.Title, URL: base}, {Label: pg.T("kweb.tab.board")}}
	d := &boardData{C: contestView(pg.Lang, c), Tabs: contestTabs(pg, c, "board"), By: web.QueryValue(r, "by"), Whole: v.whole,
		URL: base + "/board", PassMark: c.PassMark, MaxScore: c.MaxScore}
	if d.By != "org" {
		d.By = "person"
	}
	d.Views = []web.Tab{{Label: pg.T("kweb.board.by_person"), URL: base + "/board", Current: d.By == "person"},
		{Label: pg.T("kweb.board.by_org"), URL: base + "/board?by=org", Current: d.By == "org"}}
	spec := boardPick
	spec.Label, spec.Blank = pg.T("kweb.board.org"), pg.T("kweb.board.all_orgs")
	var err error
	if d.Org, err = h.FilterPicker(pg, r, p, spec, web.FilterValue(r, boardPick.Field)); err != nil {
		return err
	}
	d.Filtered = d.Org.Value != ""
	d.ExportURL = base + "/board.xlsx"
	if d.Filtered {
		d.ExportURL += "?org=" + url.QueryEscape(d.Org.Value)
	}
	status := http.StatusOK
	if d.By == "person" {
		// Board pages go by number: an offset of at most listing.Cap rows.
		q := contest.BoardQuery{Org: web.ParseIDValue(d.Org.Value), Limit: web.PageSize}
		var rows []contest.BoardRow
		var total listing.Total
		if q.Offset, err = listing.OffsetOf(int(web.ParseIDValue(web.QueryValue(r, "page"))), web.PageSize); err == nil {
			rows, total, err = h.Contests.Board(r.Context(), p, c.ID, q)
		}
		if err != nil {
			form, ok := web.FormError(pg, err)
			if !ok {
				return err
			}
			pg.Form, status = form, httpx.Status(err)
		}
		for _, b := range rows {
			row := boardRow{Rank: b.Rank, Name: b.Name, Union: b.Union, Score: b.Score, Attempts: b.Attempts, Passed: b.Passed,
				Took: duration(pg.Lang, b.Duration), At: web.FormatTime(b.SubmittedAt, "2006-01-02 15:04"),
				PassedLabel: pg.T("kweb.board.no"), PassedVariant: "outline"}
			if b.Passed {
				row.PassedLabel, row.PassedVariant = pg.T("kweb.board.yes"), "success"
			}
			d.Rows = append(d.Rows, row)
		}
		d.Pager = web.ListPagerOf(pg, r, "", len(rows), total, "kweb.board.total", "kweb.board.total_over")
		d.Cols = []any{web.Col{Label: pg.T("kweb.board.rank"), Class: "num"}, pg.T("kweb.board.name"), pg.T("kweb.board.union"),
			web.Col{Label: pg.T("kweb.board.score"), Class: "num"}, web.Col{Label: pg.T("kweb.board.duration"), Class: "num"},
			web.Col{Label: pg.T("kweb.board.attempts"), Class: "num"}, pg.T("kweb.board.passed")}
	}
	pg.Data = d
	h.Render(w, status, "contest_board", pg)
	return nil
}

// contestBoardExport answers the board (of ?org=, when set) as a workbook.
func (h *Pages) contestBoardExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.contestFor(w, r, p)
	if !ok {
		return nil
	}
	org := web.QueryValue(r, "org")
	q := contest.BoardQuery{Org: web.ParseIDValue(org)}
	if org != "" && q.Org == 0 {
		return errs.Fields{"org": {Key: "field.invalid_id"}}.Err()
	}
	lang := i18n.FromRequest(r)
	tr := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	name := tr("kweb.board.file", v.Title) + "-" + db.FormatID(v.ID) + ".xlsx"
	out := &httpx.LazyWriter{W: w, Before: func() { httpx.Attachment(w, name) }}
	if err := h.Contests.ExportBoard(r.Context(), p, v.ID, q, tr, out); err != nil {
		if out.Started {
			return nil
		}
		return err
	}
	return nil
}
