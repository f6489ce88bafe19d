package contests

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/job"
	"gonghui/internal/sheet"
	"gonghui/internal/web"
)

// Importing questions into a bank: staff upload an .xlsx or .csv in the
// layout of the template and choose what happens (a dry run by default,
// all or nothing, or the good rows only). A bank's file is small
// (bank.MaxImportRows), so it is read in the request: into memory, never
// onto the disk, and dropped when the request ends. What is kept is the
// report (a job record of the caller's, without the file): the page after
// the upload shows it, and its errors download as a workbook from it.

const (
	importMaxBytes = 16 << 20 // the sheet reader's own limit for a bank
	importJobKind  = "bank_import"
	// importErrorsShown bounds the errors listed on the page; the
	// workbook has them all.
	importErrorsShown = 200
)

func importModes(pg *web.Page) []web.Option {
	return []web.Option{
		{Value: string(sheet.ImportDryRun), Label: pg.T("bweb.import.mode.dry_run")},
		{Value: string(sheet.ImportValidRows), Label: pg.T("bweb.import.mode.valid_rows")},
		{Value: string(sheet.ImportAllOrNothing), Label: pg.T("bweb.import.mode.all_or_nothing")},
	}
}

// importData is the Data of the upload page and of a report.
type importData struct {
	B           bankRow
	ModeOptions []web.Option
	Columns     []string
	Report      *sheet.ImportReport
	ModeLabel   string
	FileName    string
	Shown       []sheet.ImportError
	More        int
	ErrorsURL   string
}

func (h *Pages) importPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "bweb.import.title", "banks")
	pg.Form = &web.Form{Values: map[string]string{"mode": string(sheet.ImportDryRun)}, Errors: map[string]string{}}
	h.renderImport(w, pg, http.StatusOK, b, &importData{})
	return nil
}

func (h *Pages) renderImport(w http.ResponseWriter, pg *web.Page, status int, b *bank.Bank, d *importData) {
	d.B, d.ModeOptions = bankView(b), importModes(pg)
	for _, f := range bank.ColumnOrder {
		d.Columns = append(d.Columns, bank.Columns.Name(f))
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("bweb.list.title"), URL: "/banks"}, {Label: b.Name, URL: bankURL(b.ID)}, {Label: pg.T("bweb.import.title")}}
	pg.Data = d
	h.Render(w, status, "bank_import", pg)
}

// readUpload reads the form's file into memory, at most importMaxBytes.
func readUpload(r *http.Request) (name string, data []byte, err error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return "", nil, errs.Fields{"file": {Key: "field.required"}}.Err()
	}
	fh := r.MultipartForm.File["file"][0]
	file, err := fh.Open()
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(file, importMaxBytes+1))
		file.Close()
	}
	switch {
	case err != nil:
		return "", nil, errs.Fields{"file": {Key: "upload.unreadable"}}.Err()
	case len(data) > importMaxBytes:
		return "", nil, errs.Fields{"file": {Key: "upload.too_large", Args: []any{importMaxBytes >> 20}}}.Err()
	case len(data) == 0:
		return "", nil, errs.Fields{"file": {Key: "upload.empty"}}.Err()
	}
	return fh.Filename, data, nil
}

// importUpload imports the file in the chosen mode, keeps the report and
// shows it.
func (h *Pages) importUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, ok := h.bankWritable(w, r, p)
	if !ok {
		return nil
	}
	mode := sheet.ImportMode(web.FormValue(r, "mode"))
	name, data, err := readUpload(r)
	if err == nil && !mode.Valid() {
		err = errs.Fields{"mode": {Key: "field.invalid_choice"}}.Err()
	}
	var rep *sheet.ImportReport
	if err == nil {
		rep, err = h.Banks.Import(r.Context(), p, b.ID, bytes.NewReader(data), int64(len(data)), bank.ImportOptions{Mode: mode, Name: name})
	}
	data = nil
	if err != nil {
		pg := h.Page(w, r, p, "bweb.import.title", "banks")
		pg.Path = bankURL(b.ID) + "/import"
		if h.Validation(w, r, p, pg, err) {
			h.renderImport(w, pg, web.FormStatus(err), b, &importData{})
		}
		return nil
	}
	id, err := h.Jobs.Start(r.Context(), importJobKind, p.UserID, b.OrgID, 0, db.FormatID(b.ID)+"|"+name)
	if err != nil {
		return err
	}
	if err := h.Jobs.Finish(r.Context(), id, rep, nil); err != nil {
		return err
	}
	if rep.Imported > 0 {
		web.SetFlashCount(w, r, "flash.bweb.imported", rep.Imported)
	}
	http.Redirect(w, r, bankURL(b.ID)+"/import/"+db.FormatID(id), http.StatusSeeOther)
	return nil
}

// importJob reads the report of an import of this bank by the caller.
func (h *Pages) importJob(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*bank.Bank, *sheet.ImportReport, string, bool) {
	b, ok := h.bankFor(w, r, p)
	if !ok {
		return nil, nil, "", false
	}
	id, err := web.IDParam(r, "job")
	if err == nil {
		var j *job.Job
		if j, err = h.Jobs.Get(r.Context(), id, p.UserID); err == nil {
			bankID, name, _ := strings.Cut(j.Params, "|")
			rep := &sheet.ImportReport{}
			if j.Kind == importJobKind && bankID == db.FormatID(b.ID) && j.Result != "" && json.Unmarshal([]byte(j.Result), rep) == nil {
				for i := range rep.Errors {
					rep.Errors[i].Args = jsonArgs(rep.Errors[i].Args)
				}
				return b, rep, name, true
			}
		}
	}
	h.Fail(w, r, p, errs.NotFound("job"))
	return nil, nil, "", false
}

func (h *Pages) importResult(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, rep, name, ok := h.importJob(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "bweb.import.report_title", "banks")
	pg.Path = bankURL(b.ID) + "/import"
	pg.Form = &web.Form{Values: map[string]string{"mode": string(sheet.ImportDryRun)}, Errors: map[string]string{}}
	if rep.Mode == sheet.ImportDryRun && rep.Valid > 0 {
		pg.Form.Values["mode"] = string(sheet.ImportValidRows) // what usually comes next
	}
	d := &importData{Report: rep, FileName: name, ErrorsURL: r.URL.Path + "/errors.xlsx"}
	for _, o := range importModes(pg) {
		if o.Value == string(rep.Mode) {
			d.ModeLabel = o.Label
		}
	}
	for i := range rep.Errors {
		rep.Errors[i].Message = i18n.T(pg.Lang, rep.Errors[i].Key, rep.Errors[i].Args...)
	}
	d.Shown = rep.Errors
	if len(d.Shown) > importErrorsShown {
		d.Shown, d.More = d.Shown[:importErrorsShown], len(rep.Errors)-importErrorsShown
	}
	h.renderImport(w, pg, http.StatusOK, b, d)
	return nil
}

// importErrors downloads a report's errors as a workbook.
func (h *Pages) importErrors(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	_, rep, _, ok := h.importJob(w, r, p)
	if !ok {
		return nil
	}
	lang := i18n.FromRequest(r)
	var buf bytes.Buffer
	if err := sheet.ErrorReport(rep, func(k string, a ...any) string { return i18n.T(lang, k, a...) }, &buf); err != nil {
		return err
	}
	web.Download(w, i18n.T(lang, "bweb.import.errors_file")+".xlsx", buf.Bytes())
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
