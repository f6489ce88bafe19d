package contests

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

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
// board by organisation (Store.OrgBoard, its tab "by=org"): the children
// of an organisation side by side, each opening its own children.

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
	Orgs       *orgBoardView // by organisation
	Live       bool          // open now: the page reads itself again every few seconds (contests.js)
}

// orgRowView is an organisation's subtree on the board by organisation.
type orgRowView struct {
	Name, URL                        string
	Members, Takers, Passed          int64
	Participation, Average, PassRate string
}

// orgBoardView is the board by organisation in words.
type orgBoardView struct {
	Parent   orgRowView
	UpURL    string
	Children []orgRowView
	Sorts    []web.Tab
	Pager    web.CursorPager
	Cols     []any
}

func orgRowOf(lang i18n.Lang, base string, r contest.OrgRow, link bool) orgRowView {
	pct := func(x float64) string { return strconv.FormatFloat(x*100, 'f', 1, 64) + "%" }
	v := orgRowView{Name: r.Name, Members: r.Members, Takers: r.Takers, Passed: r.Passed, Participation: pct(r.Participation),
		Average: strconv.FormatFloat(r.Average, 'f', 1, 64), PassRate: pct(r.PassRate)}
	if r.Takers == 0 {
		v.Average, v.PassRate = "—", "—"
	}
	if r.Members == 0 {
		v.Participation = "—"
	}
	if link && r.HasKids {
		v.URL = base + "?by=org&org=" + db.FormatID(r.OrgID)
	}
	return v
}

// orgBoard reads the board by organisation of the request (?org=, ?sort=,
// ?page=) into d; a refusal of the query is the page's form error.
func (h *Pages) orgBoard(r *http.Request, p *auth.Principal, pg *web.Page, c *contest.Contest, d *boardData) error {
	q := contest.OrgBoardQuery{Org: web.ParseIDValue(web.QueryValue(r, "org")), Sort: web.QueryValue(r, "sort"), Limit: web.PageSize}
	var err error
	if q.Offset, err = listing.OffsetOf(int(web.ParseIDValue(web.QueryValue(r, "page"))), web.PageSize); err != nil {
		return err
	}
	b, err := h.Contests.OrgBoard(r.Context(), p, c.ID, q)
	if err != nil {
		return err
	}
	base := d.URL
	v := &orgBoardView{Parent: orgRowOf(pg.Lang, base, b.Parent, false)}
	if b.Up != 0 {
		v.UpURL = base + "?by=org&org=" + db.FormatID(b.Up)
	}
	for _, row := range b.Children {
		v.Children = append(v.Children, orgRowOf(pg.Lang, base, row, true))
	}
	sort := q.Sort
	if sort == "" {
		sort = contest.OrgSorts[0]
	}
	here := web.SetQuery(web.SetQuery(pg.Path, "page", ""), "flash", "")
	for _, k := range contest.OrgSorts {
		v.Sorts = append(v.Sorts, web.Tab{Label: pg.T("kweb.orgs.sort." + k), URL: web.SetQuery(here, "sort", k), Current: k == sort})
	}
	v.Pager = web.ListPagerOf(pg, r, "", len(b.Children), listing.Total{N: int64(b.Total)}, "kweb.orgs.total", "kweb.orgs.total")
	v.Cols = []any{pg.T("kweb.orgs.org"), web.Col{Label: pg.T("kweb.orgs.members"), Class: "num"}, web.Col{Label: pg.T("kweb.orgs.takers"), Class: "num"},
		web.Col{Label: pg.T("kweb.orgs.participation"), Class: "num"}, web.Col{Label: pg.T("kweb.orgs.average"), Class: "num"},
		web.Col{Label: pg.T("kweb.orgs.pass_rate"), Class: "num"}}
	d.Orgs = v
	return nil
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
	d.Live = c.Open(time.Now())
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
	if d.By == "org" {
		if err := h.orgBoard(r, p, pg, c, d); err != nil {
			form, ok := web.FormError(pg, err)
			if !ok {
				return err
			}
			pg.Form, status = form, httpx.Status(err)
		}
	}
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
