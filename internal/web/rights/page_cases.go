package rights

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/rights"
	"gonghui/internal/web"
)

// The staff's list of cases (/cases): search, the status tabs with their
// counts, the kind, "mine" and overdue filters, the organisation picker,
// sortable columns, the total, pages, the on-time rate and the money
// recovered, and the export of what the filter selects; and the intake
// form (/cases/new).

// orgPick is the list's organisation filter: any organisation where the
// caller reads cases (the store refuses one outside their subtrees).
var orgPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermCaseRead}

// intakePick is the intake form's handling union: where the caller acts.
var intakePick = web.PickerSpec{Field: "org_id", QField: "org_q", Perm: auth.PermCaseWrite, Required: true}

// mayUse: the caller may open the staff pages at all.
func mayUse(p *auth.Principal) bool {
	return p.Can(auth.PermCaseRead) || p.Can(auth.PermCaseWrite)
}

// listData is the Data of the list.
type listData struct {
	Q, Kind, Status         string
	Overdue, Mine, Filtered bool
	Tabs                    []web.Tab
	KindOptions             []web.Option
	Org                     *web.OrgPicker
	Rows                    []caseRow
	Cols                    []any
	Sort                    string
	Pager                   web.CursorPager
	OverdueCount            int
	OnTime                  string // the on-time rate of the closed cases, "" when none
	Recovered               string
	Export                  string
	CanTakeIn               bool
}

// queryOf reads the list's filter from the request.
func queryOf(r *http.Request, p *auth.Principal, org string) rights.Query {
	q := rights.Query{Q: web.QueryValue(r, "q"), Kind: rights.Kind(web.QueryValue(r, "kind")), Status: rights.Status(web.QueryValue(r, "status")),
		Overdue: web.QueryValue(r, "overdue") == "1", Org: web.ParseIDValue(org), Sort: web.SortParam(r, rights.Sorts.Default)}
	if web.QueryValue(r, "mine") == "1" {
		q.Handler = p.UserID
	}
	return q
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "case.list.title", "cases")
	spec := orgPick
	spec.Label, spec.Blank = pg.T("case.field.org"), pg.T("case.list.all_orgs")
	d := &listData{CanTakeIn: p.Can(auth.PermCaseWrite)}
	var err error
	if d.Org, err = h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field)); err != nil {
		return err
	}
	q := queryOf(r, p, d.Org.Value)
	q.After, q.Limit = web.QueryValue(r, "cursor"), web.PageSize
	d.Q, d.Kind, d.Status, d.Overdue, d.Mine, d.Sort = q.Q, string(q.Kind), string(q.Status), q.Overdue, q.Handler != 0, q.Sort
	d.Filtered = d.Q != "" || d.Kind != "" || d.Status != "" || d.Overdue || d.Mine || d.Org.Value != ""
	d.KindOptions = web.EnumOptions(pg.Lang, rights.Kinds, kindLabel)
	status := http.StatusOK
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]rights.Case, string, error) { return h.Cases.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Cases.CountList(ctx, p, q) })
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	totals, err := h.Cases.Totals(ctx, p, rights.Query{Org: q.Org})
	if err != nil && !errs.Is(err, errs.KindInvalid) {
		return err
	}
	d.Tabs = statusTabs(pg, d.Status, totals)
	if totals != nil {
		d.OverdueCount = totals.Overdue
		if pct := totals.OnTimePercent(); pct >= 0 {
			d.OnTime = pg.T("case.list.on_time", pct, totals.OnTime, totals.Closed)
		}
		d.Recovered = rights.FormatFen(totals.RecoveredFen)
	}
	back := web.BackQuery(pg)
	for i := range items {
		v := rowOf(pg.Lang, &items[i])
		v.Link = v.URL + back
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "case.list.total", "case.list.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("case.field.title")}, {Label: pg.T("case.field.kind")},
		{Label: pg.T("case.field.workers")}, {Label: pg.T("case.field.org")}, {Label: pg.T("case.field.handler")},
		{Label: pg.T("case.field.received"), Key: "received", Desc: true}, {Label: pg.T("case.field.due"), Key: "due"}, {Label: pg.T("case.field.status")}})
	d.Export = "/cases/export"
	if _, query, ok := strings.Cut(web.SetQuery(web.SetQuery(pg.Path, "flash", ""), "cursor", ""), "?"); ok {
		d.Export += "?" + query
	}
	pg.Data = d
	h.Render(w, status, "case_list", pg)
	return nil
}

// statusTabs are the list's tabs: all, then each status with its count.
func statusTabs(pg *web.Page, current string, t *rights.Totals) []web.Tab {
	opts := []web.Option{{Value: "", Label: pg.T("case.list.all")}}
	for _, s := range rights.Statuses {
		label := statusLabel(pg.Lang, s)
		if t != nil {
			label = fmt.Sprintf("%s %d", label, t.ByStatus[s])
		}
		opts = append(opts, web.Option{Value: string(s), Label: label})
	}
	return web.FilterTabs(web.ListBase(pg), "status", current, opts)
}

// export: GET /cases/export?<the list's filter>, an .xlsx workbook.
func (h *Pages) export(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	lang := i18n.FromRequest(r)
	q := queryOf(r, p, web.QueryValue(r, orgPick.Field))
	out := &httpx.LazyWriter{W: w, Before: func() { httpx.Attachment(w, i18n.T(lang, "case.export_file")+".xlsx") }}
	return h.Cases.Export(r.Context(), p, q, func(key string, args ...any) string { return i18n.T(lang, key, args...) }, out)
}

// ---------- intake ----------

// DefaultRows and MoreRows are how many worker rows the intake form shows
// at first and how many its "more" button adds: a collective dispute's
// forty couriers are entered eight times five.
const (
	DefaultRows = 3
	MoreRows    = 5
	ClaimRows   = 3
)

// newData is the Data of the intake form.
type newData struct {
	Org              *web.OrgPicker
	Channels, Kinds  []web.Option
	ClaimKinds       []web.Option
	Workers, Claims  []int
	Rows             int
	MaxTitle         int
	MaxFacts         int
	MaxFiles, FileMB int
}

func (h *Pages) newForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderNew(w, r, p, DefaultRows, nil, false)
}

// renderNew renders the intake form with rows worker rows; again: it
// comes back (with err's messages, or kept as sent when err is nil).
func (h *Pages) renderNew(w http.ResponseWriter, r *http.Request, p *auth.Principal, rows int, err error, again bool) error {
	if !p.Can(auth.PermCaseWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "case.new.title", "cases")
	pg.Path = "/cases/new"
	status := http.StatusOK
	if again {
		if !h.FormAgain(w, r, p, pg, err) {
			return nil
		}
		status = web.FormStatus(err)
	}
	spec := intakePick
	spec.Label, spec.Hint = pg.T("case.field.org"), pg.T("case.new.org_hint")
	value := ""
	if again {
		value = web.FormValue(r, intakePick.Field)
	} else if p.CanAt(auth.PermCaseWrite, p.OrgPath) {
		value = strconv.FormatInt(p.OrgID, 10)
	}
	d := &newData{Channels: web.EnumOptions(pg.Lang, rights.StaffChannels, channelLabel), Kinds: web.EnumOptions(pg.Lang, rights.Kinds, kindLabel),
		ClaimKinds: web.EnumOptions(pg.Lang, rights.ClaimKinds, claimLabel), Rows: rows, MaxTitle: rights.MaxTitle, MaxFacts: rights.MaxFacts,
		MaxFiles: rights.MaxFiles, FileMB: rights.MaxFileSize >> 20}
	var perr error
	if d.Org, perr = h.OrgPicker(r, p, spec, value); perr != nil {
		return perr
	}
	for i := range rows {
		d.Workers = append(d.Workers, i)
	}
	for i := range ClaimRows {
		d.Claims = append(d.Claims, i)
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("case.list.title"), URL: "/cases"}, {Label: pg.T("case.new.title")}}
	pg.Data = d
	h.Render(w, status, "case_new", pg)
	return nil
}

// rowsOf is how many worker rows the form sent, within bounds.
func rowsOf(r *http.Request) int {
	n, _ := strconv.Atoi(web.FormValue(r, "rows"))
	return min(max(n, DefaultRows), rights.MaxWorkers)
}

// takeIn: POST /cases/new (multipart: the evidence goes with the form).
func (h *Pages) takeIn(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	rows := rowsOf(r)
	if web.FormValue(r, "more") != "" {
		return h.renderNew(w, r, p, min(rows+MoreRows, rights.MaxWorkers), nil, true)
	}
	if web.PickerAsked(r) {
		return h.renderNew(w, r, p, rows, nil, true)
	}
	f := errs.Fields{}
	org, err := h.PickedOrg(r, p, intakePick, f)
	if err != nil {
		return err
	}
	in := rights.Input{OrgID: org, Kind: rights.Kind(web.FormValue(r, "kind")), Channel: rights.Channel(web.FormValue(r, "channel")),
		Title: r.PostFormValue("title"), Facts: r.PostFormValue("facts"), EmployerName: r.PostFormValue("employer_name"),
		CreditCode: r.PostFormValue("credit_code")}
	var wrows, crows []int
	for i := range rows {
		wk := rights.WorkerInput{Name: r.PostFormValue(fmt.Sprintf("workers.%d.name", i)), IDNumber: r.PostFormValue(fmt.Sprintf("workers.%d.id_number", i)),
			Mobile: r.PostFormValue(fmt.Sprintf("workers.%d.mobile", i))}
		if strings.TrimSpace(wk.Name+wk.IDNumber+wk.Mobile) == "" {
			continue
		}
		in.Workers, wrows = append(in.Workers, wk), append(wrows, i)
	}
	in.Claims, crows = claimsOf(r)
	files := readFiles(r, "file", f)
	if err = f.Err(); err == nil {
		var c *rights.Case
		if c, err = h.Cases.TakeIn(r.Context(), p, in, files); err == nil {
			web.Redirect(w, r, caseURL(c.ID), "flash.case.taken_in")
			return nil
		}
		err = renumber(renumber(err, "workers", wrows), "claims", crows)
	}
	return h.renderNew(w, r, p, rows, err, true)
}

// claimsOf reads the claim rows a form sent, leaving out empty ones, and
// which row each came from.
func claimsOf(r *http.Request) ([]rights.ClaimInput, []int) {
	var out []rights.ClaimInput
	var rows []int
	for i := range ClaimRows {
		c := rights.ClaimInput{Kind: rights.ClaimKind(web.FormValue(r, fmt.Sprintf("claims.%d.kind", i))), Text: web.FormValue(r, fmt.Sprintf("claims.%d.amount", i))}
		if c.Kind == "" && c.Text == "" {
			continue
		}
		if c.Text == "" {
			c.Text = " " // an amount left out is the store's "required", not 0
		}
		out, rows = append(out, c), append(rows, i)
	}
	return out, rows
}

// renumber moves the field errors of list (the store's "workers.3.name",
// counted over the rows sent) to the form's own rows.
func renumber(err error, list string, rows []int) error {
	e, ok := errs.As(err)
	if !ok || e.Fields == nil {
		return err
	}
	moved := map[string]errs.Field{}
	for k, v := range e.Fields {
		rest, found := strings.CutPrefix(k, list+".")
		if !found {
			continue
		}
		n, tail, ok := strings.Cut(rest, ".")
		i, aerr := strconv.Atoi(n)
		if !ok || aerr != nil || i >= len(rows) {
			continue
		}
		delete(e.Fields, k)
		moved[fmt.Sprintf("%s.%d.%s", list, rows[i], tail)] = v
	}
	for k, v := range moved {
		e.Fields[k] = v
	}
	return err
}

// readFiles reads the files of a multipart form's field (empty inputs
// skipped), as the field "files".
func readFiles(r *http.Request, field string, f errs.Fields) []rights.FileInput {
	if r.MultipartForm == nil {
		return nil
	}
	parts := r.MultipartForm.File[field]
	if len(parts) > rights.MaxFiles {
		f.Add("files", "case.files_too_many", rights.MaxFiles)
		return nil
	}
	var out []rights.FileInput
	for _, fh := range parts {
		if fh.Size == 0 {
			continue // a file input left empty: nothing to attach
		}
		file, err := fh.Open()
		if err != nil {
			f.Add("files", "upload.unreadable")
			return nil
		}
		data, err := io.ReadAll(io.LimitReader(file, rights.MaxFileSize+1))
		file.Close()
		if err != nil {
			f.Add("files", "upload.unreadable")
			return nil
		}
		out = append(out, rights.FileInput{Name: fh.Filename, Data: data})
	}
	return out
}
