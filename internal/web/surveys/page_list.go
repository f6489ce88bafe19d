package surveys

import (
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/survey"
	"gonghui/internal/web"
)

func surveyURL(id int64) string { return "/surveys/" + db.FormatID(id) }

// mayUse: surveys are run by the officers who run contests.
func mayUse(p *auth.Principal) bool { return p.Can(auth.PermContestRead) }

func statusLabel(lang i18n.Lang, s survey.Status) string {
	return i18n.T(lang, "survey.status."+string(s))
}

func statusVariant(s survey.Status) string {
	switch s {
	case survey.StatusPublished:
		return "success"
	case survey.StatusDraft:
		return "warning"
	}
	return "outline"
}

// window shows an opening and a closing time in Beijing time.
func window(from, to time.Time) string {
	a, b := from.In(beijing.Zone), to.In(beijing.Zone)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return a.Format("2006-01-02 15:04") + "–" + b.Format("15:04")
	}
	return a.Format("2006-01-02 15:04") + " – " + b.Format("2006-01-02 15:04")
}

// row is a survey in the list or at the top of its page.
type row struct {
	ID, URL, Link, Title, OrgName, Window string
	StatusLabel, StatusV                  string
	Questions, Responses                  int
	Anonymous, Open                       bool
	Partial                               bool // published above the reader: read only, their subtrees' responses
}

func rowOf(lang i18n.Lang, v *survey.Survey) row {
	return row{ID: db.FormatID(v.ID), URL: surveyURL(v.ID), Title: v.Title, OrgName: v.OrgName, Window: window(v.OpensAt, v.ClosesAt),
		StatusLabel: statusLabel(lang, v.Status), StatusV: statusVariant(v.Status), Questions: len(v.Questions), Responses: v.Responses,
		Anonymous: v.Anonymous, Open: v.Open(time.Now()), Partial: v.Partial}
}

type listData struct {
	Q, Status     string
	Filtered      bool
	StatusOptions []web.Option
	Rows          []row
	Cols          []any
	Sort          string
	Pager         web.CursorPager
	CanWrite      bool
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "survey.list.title", "surveys")
	d := &listData{Q: web.QueryValue(r, "q"), Status: web.QueryValue(r, "status"), Sort: web.SortParam(r, survey.Sorts.Default),
		StatusOptions: web.EnumOptions(pg.Lang, survey.Statuses, statusLabel), CanWrite: p.Can(auth.PermContestWrite)}
	d.Filtered = d.Q != "" || d.Status != ""
	q := survey.Query{Q: d.Q, Status: survey.Status(d.Status), Sort: d.Sort, After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]survey.Survey, string, error) { return h.Surveys.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Surveys.CountList(ctx, p, q) })
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
		v := rowOf(pg.Lang, &items[i])
		v.Link = v.URL + back
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "survey.list.total", "survey.list.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("survey.field.title"), Key: "title"}, {Label: pg.T("survey.field.org")},
		{Label: pg.T("survey.field.window"), Key: "opens", Desc: true}, {Label: pg.T("survey.field.status")},
		{Label: pg.T("survey.field.responses"), Key: "responses", Desc: true, Class: "num"}})
	pg.Data = d
	h.Render(w, status, "survey_list", pg)
	return nil
}
