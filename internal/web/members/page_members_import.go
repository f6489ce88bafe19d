package members

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/job"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
	"gonghui/internal/member/roster"
	"gonghui/internal/sheet"
	"gonghui/internal/web"
)

// Roster import (批量导入): the file is uploaded once and kept in the
// database; a job checks it (a dry run) or imports it in the background,
// reporting progress that any server process can show; the report lists
// every bad row and downloads as .xlsx; after a dry run the user chooses
// to import nothing unless all rows are good, or exactly the good rows.

const importJobKind = "member_import"

// importRoutes registers the roster import and export pages.
func (h *Pages) importRoutes(mux *http.ServeMux) {
	a := h.Authed
	mux.HandleFunc("GET /members/import", a(h.importPage))
	// The body limit comes first: authed reads the form (and so the file)
	// to check its token.
	mux.Handle("POST /members/import", http.MaxBytesHandler(a(h.importUpload), httpx.MaxUpload+1<<20))
	mux.HandleFunc("GET /members/import/template.xlsx", a(h.importTemplate))
	mux.HandleFunc("GET /members/import/jobs/{id}", a(h.importJob))
	mux.HandleFunc("POST /members/import/jobs/{id}/run", a(h.importRun))
	mux.HandleFunc("GET /members/import/jobs/{id}/report.xlsx", a(h.importReport))
	mux.HandleFunc("GET /members/export", a(h.memberExport))
	h.exportRoutes(mux)
}

// importData is the Data of the upload page.
type importData struct {
	Org         *web.OrgPicker // the union to import into, none: each row's
	ModeOptions []web.Option
	Columns     []string
}

func importModes(pg *web.Page) []web.Option {
	return []web.Option{
		{Value: string(roster.ImportDryRun), Label: pg.T("imp.mode.dry_run")},
		{Value: string(roster.ImportValidRows), Label: pg.T("imp.mode.valid_rows")},
		{Value: string(roster.ImportAllOrNothing), Label: pg.T("imp.mode.all_or_nothing")},
	}
}

func (h *Pages) importPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermMemberWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "imp.title", "members")
	h.renderImport(w, r, p, pg, http.StatusOK)
	return nil
}

// importOrgPick is the upload form's union: optional, none meaning the
// roster's 工会 column names each row's.
var importOrgPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermMemberWrite, Only: unionFilter}

func importOrgSpec(pg *web.Page) web.PickerSpec {
	spec := importOrgPick
	spec.Label, spec.Hint, spec.Blank = pg.T("mweb.field.union"), pg.T("imp.org_hint"), pg.T("imp.org_blank")
	return spec
}

func (h *Pages) renderImport(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) {
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.Title}}
	org, err := h.OrgPicker(r, p, importOrgSpec(pg), web.QueryValue(r, "org"))
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	if pg.Form == nil {
		pg.Form = &web.Form{Values: map[string]string{"mode": string(roster.ImportDryRun)}, Errors: map[string]string{}}
	}
	pg.Data = importData{Org: org, ModeOptions: importModes(pg), Columns: templateColumns}
	h.Render(w, status, "member_import", pg)
}

// importUpload stores the file and starts the chosen job.
func (h *Pages) importUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := h.Page(w, r, p, "imp.title", "members")
	pg.Path = "/members/import"
	if web.PickerAsked(r) {
		// The union picker's search without JavaScript: the form again (the
		// file must be chosen again; a browser never fills a file input).
		pg.Form = web.KeptForm(r)
		h.renderImport(w, r, p, pg, http.StatusOK)
		return nil
	}
	f := errs.Fields{}
	// No union chosen: the roster's 工会 column names each row's.
	orgID, err := h.PickedOrg(r, p, importOrgSpec(pg), f)
	if err != nil {
		return err
	}
	mode := roster.ImportMode(r.PostFormValue("mode"))
	f.Check(mode.Valid(), "mode", "field.invalid_choice")
	f.Check(mode == roster.ImportDryRun || web.IsChecked(web.FormValue(r, "consent")), "consent", "rights.consent.required")
	var data []byte
	var name string
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		f.Add("file", "field.required")
	} else {
		fh := r.MultipartForm.File["file"][0]
		name = fh.Filename
		file, err := fh.Open()
		if err == nil {
			data, err = io.ReadAll(io.LimitReader(file, httpx.MaxUpload+1))
			file.Close()
		}
		switch {
		case err != nil:
			f.Add("file", "upload.unreadable")
		case len(data) > httpx.MaxUpload:
			f.Add("file", "upload.too_large", httpx.MaxUpload>>20)
		case len(data) == 0:
			f.Add("file", "upload.empty")
		}
	}
	if err := f.Err(); err != nil {
		if h.Validation(w, r, p, pg, err) {
			refill(pg.Form, r)
			h.renderImport(w, r, p, pg, httpx.Status(err))
		}
		return nil
	}
	uploadID, err := h.Jobs.SaveUpload(r.Context(), p.UserID, name, data)
	if err != nil {
		return err
	}
	h.startImport(w, importConsent(r, p, uploadID, name), p, orgID, uploadID, mode)
	return nil
}

// startImport records a job and runs it in the background, then shows it.
// A job records its union, or the caller's home with "|rows" after the mode
// when the roster names each row's union.
func (h *Pages) startImport(w http.ResponseWriter, r *http.Request, p *auth.Principal, orgID, uploadID int64, mode roster.ImportMode) {
	jobOrg, params := orgID, string(mode)
	if orgID == 0 {
		jobOrg, params = p.OrgID, params+"|rows"
	}
	id, err := h.Jobs.Start(r.Context(), importJobKind, p.UserID, jobOrg, uploadID, params)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	// The job outlives the request, keeping its values (the actor for the
	// audit log) but not its cancellation.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Minute)
	go func() {
		defer cancel()
		h.runImport(ctx, p, id, orgID, uploadID, mode)
	}()
	web.Redirect(w, r, "/members/import/jobs/"+db.FormatID(id), "")
}

func (h *Pages) runImport(ctx context.Context, p *auth.Principal, jobID, orgID, uploadID int64, mode roster.ImportMode) {
	var rep *roster.ImportReport
	up, err := h.Jobs.LoadUpload(ctx, uploadID, p.UserID)
	if err == nil {
		last := time.Now()
		rep, err = roster.Import(ctx, h.Members, p, bytes.NewReader(up.Data), up.Size, roster.ImportOptions{OrgID: orgID, Mode: mode, Name: up.Name,
			Progress: func(done, total int64) {
				if time.Since(last) >= 500*time.Millisecond {
					last = time.Now()
					if err := h.Jobs.Progress(ctx, jobID, done, total); err != nil {
						slog.Warn("import progress", "job", jobID, "err", err)
					}
				}
			}})
	}
	if e, ok := errs.As(err); err != nil && (!ok || e.Kind == errs.KindInternal) {
		slog.Error("import failed", "job", jobID, "err", err)
	}
	keep := err == nil && mode == roster.ImportDryRun && rep != nil && rep.Valid > 0
	// The roster goes with its job (before the job says it is done, so that
	// nobody sees a finished import whose file is still kept); only a dry
	// run's file waits (sealed, at most job.UploadTTL) for the import it offers.
	if !keep {
		if err := h.Jobs.DropUpload(ctx, uploadID); err != nil {
			slog.Error("import: drop upload", "job", jobID, "err", err)
		}
	}
	if err := h.Jobs.Finish(ctx, jobID, rep, err); err != nil {
		slog.Error("import: finish job", "job", jobID, "err", err)
	}
}

// importJobData is the Data of a job's page.
type importJobData struct {
	ID        string
	Running   bool
	Failed    bool
	Failure   string
	Percent   int
	Mode      string
	ModeLabel string
	OrgName   string
	OrgID     string
	FileName  string
	Report    *roster.ImportReport
	Shown     []roster.ImportError
	More      int
	CanRun    bool // a dry run whose file is still kept: offer to import it
}

const importErrorsShown = 200

func (h *Pages) loadImportJob(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*job.Job, *roster.ImportReport, bool) {
	id, err := web.IDParam(r, "id")
	if err == nil {
		var j *job.Job
		if j, err = h.Jobs.Get(r.Context(), id, p.UserID); err == nil && j.Kind == importJobKind {
			var rep *roster.ImportReport
			if j.Result != "" {
				rep = &roster.ImportReport{}
				if err := json.Unmarshal([]byte(j.Result), rep); err != nil {
					h.Fail(w, r, p, errs.Internal(err, "import report"))
					return nil, nil, false
				}
			}
			return j, rep, true
		}
	}
	h.Fail(w, r, p, errs.NotFound("job"))
	return nil, nil, false
}

func (h *Pages) importJob(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	j, rep, ok := h.loadImportJob(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "imp.job_title", "members")
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.T("imp.title"), URL: "/members/import"}, {Label: pg.Title}}
	mode, byRows := jobMode(j)
	d := importJobData{ID: db.FormatID(j.ID), Running: j.Status == job.Running, Failed: j.Status == job.Failed, Percent: j.Percent(),
		Mode: string(mode), OrgID: db.FormatID(j.OrgID), Report: rep}
	for _, o := range importModes(pg) {
		if o.Value == string(mode) {
			d.ModeLabel = o.Label
		}
	}
	if byRows {
		d.OrgName, d.OrgID = pg.T("imp.by_rows"), ""
	} else if o, err := h.Orgs.Get(r.Context(), p, j.OrgID); err == nil {
		d.OrgName = o.Name
	}
	if j.UploadID != 0 {
		if up, err := h.Jobs.LoadUpload(r.Context(), j.UploadID, p.UserID); err == nil {
			d.FileName = up.Name
			d.CanRun = rep != nil && mode == roster.ImportDryRun && rep.Valid > 0
		}
	}
	if d.Failed {
		m := j.Failure()
		d.Failure = i18n.T(pg.Lang, m.Key, jsonArgs(m.Args)...)
	}
	if rep != nil {
		for i := range rep.Errors {
			rep.Errors[i].Message = i18n.T(pg.Lang, rep.Errors[i].Key, jsonArgs(rep.Errors[i].Args)...)
		}
		d.Shown = rep.Errors
		if len(d.Shown) > importErrorsShown {
			d.Shown, d.More = d.Shown[:importErrorsShown], rep.Invalid-importErrorsShown
		}
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "member_import_job", pg)
	return nil
}

// importRun imports the file of a finished dry run in the mode chosen now.
func (h *Pages) importRun(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	j, _, ok := h.loadImportJob(w, r, p)
	if !ok {
		return nil
	}
	mode := roster.ImportMode(r.PostFormValue("mode"))
	if mode != roster.ImportValidRows && mode != roster.ImportAllOrNothing || j.UploadID == 0 {
		return errs.Fields{"mode": {Key: "field.invalid_choice"}}.Err()
	}
	if !web.IsChecked(web.FormValue(r, "consent")) {
		return member.ErrConsentNotConfirmed()
	}
	orgID := j.OrgID
	if _, byRows := jobMode(j); byRows {
		orgID = 0
	}
	h.startImport(w, importConsent(r, p, j.UploadID, ""), p, orgID, j.UploadID, mode)
	return nil
}

// jobMode reads an import job's mode and whether its rows name their unions.
func jobMode(j *job.Job) (roster.ImportMode, bool) {
	mode, rest, _ := strings.Cut(j.Params, "|")
	return roster.ImportMode(mode), rest == "rows"
}

// importReport downloads a job's errors as a workbook.
func (h *Pages) importReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	_, rep, ok := h.loadImportJob(w, r, p)
	if !ok {
		return nil
	}
	if rep == nil {
		return errs.NotFound("report")
	}
	lang := i18n.FromRequest(r)
	for i := range rep.Errors {
		rep.Errors[i].Args = jsonArgs(rep.Errors[i].Args)
	}
	var buf bytes.Buffer
	if err := sheet.ErrorReport(rep, func(k string, a ...any) string { return i18n.T(lang, k, a...) }, &buf); err != nil {
		return err
	}
	web.Download(w, i18n.T(lang, "imp.report_file")+".xlsx", buf.Bytes())
	return nil
}

// templateColumns are the headers of the blank roster offered for download.
var templateColumns = []string{"姓名", "身份证号", "手机号", "性别", "工作单位", "岗位", "入会时间", "标签", "所在工会"}

// importTemplate downloads a blank roster with the recognised headers and
// one example row (synthetic numbers).
func (h *Pages) importTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sw, err := sheet.NewWriter("会员名册", templateColumns)
	if err != nil {
		return err
	}
	defer sw.Close()
	if err := sw.Row("张三", "110102199003070018", "13800000000", "男", "北京排水集团", "技术员", "2024-03-01", "党员、工匠", ""); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := sw.WriteTo(&buf); err != nil {
		return err
	}
	web.Download(w, "会员名册模板.xlsx", buf.Bytes())
	return nil
}

// memberExport downloads the registry's filtered list, masked (and
// audited). Full numbers go through an export request: reveal=1, as old
// links have it, leads to its form with the same filters.
func (h *Pages) memberExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	if q.Get("reveal") == "1" {
		http.Redirect(w, r, exportNewURL(memberFiltersOf(q)), http.StatusSeeOther)
		return nil
	}
	in := member.Query{Q: strings.TrimSpace(q.Get("q")), Org: web.ParseIDValue(q.Get("org")), OrgOnly: q.Get("org_only") == "1" || q.Get("org_only") == "true",
		Status: member.Status(q.Get("status")), JoinedFrom: q.Get("joined_from"), JoinedTo: q.Get("joined_to"), Employer: web.ParseIDValue(q.Get("employer")),
		Sort: member.Sort(strings.TrimSpace(q.Get("sort")))}
	for _, t := range q["tag"] {
		if t = strings.TrimSpace(t); t != "" {
			in.Tags = append(in.Tags, t)
		}
	}
	lang := i18n.FromRequest(r)
	// Streamed: the workbook goes out as it is zipped, whatever its size.
	out := &httpx.LazyWriter{W: w, Before: func() {
		httpx.Attachment(w, i18n.T(lang, "member.export_sheet")+"-"+beijing.FileDate(time.Now())+".xlsx")
	}}
	if _, err := exports.Export(r.Context(), h.Members, p, in, exports.ExportOptions{}, func(k string, a ...any) string { return i18n.T(lang, k, a...) }, out); err != nil {
		if out.Started {
			slog.Error("export broke off", "err", err)
			return nil
		}
		h.Fail(w, r, p, err)
	}
	return nil
}

// jsonArgs undoes what a JSON round trip does to message arguments: whole
// numbers come back as float64, which %d would print as "%!d(float64=3)".
func jsonArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if f, ok := a.(float64); ok && f == float64(int64(f)) {
			out[i] = int64(f)
		} else {
			out[i] = a
		}
	}
	return out
}
