package contracts

import (
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/contract"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// A contract's page (/contracts/{id}): its fields and employers, the
// days of its review, its renewal chain and history, and the forms of
// what the caller may do now, each posting to /contracts/{id}/{action};
// a refused one comes back with its fields kept and its errors beside
// them. /contracts/{id}/print is the same contract as one printable page.

type eventRow struct{ When, What, Body, By string }

func eventOf(lang i18n.Lang, e *contract.Event) eventRow {
	v := eventRow{When: web.FormatTime(e.At, "2006-01-02 15:04"), Body: e.Body, By: e.By}
	if e.Day != "" {
		v.What = i18n.T(lang, "contract.ev."+e.Kind+"_on", e.Day)
	} else {
		v.What = i18n.T(lang, "contract.ev."+e.Kind)
	}
	return v
}

type linkRow struct {
	URL, Title, Term, StatusLabel, StatusV string
	Current                                bool
}

type employerRow struct {
	Name, CreditCode string
	Workers          int
}

type showData struct {
	C         row
	Notes     string
	Employers []employerRow
	Events    []eventRow
	Chain     []linkRow
	File      *contract.File
	FileSize  string
	Can       contract.Can
	URL       string
	Failed    string
	Today     string
	Back      string
	MaxReason int
}

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderShow(w, r, p, "", nil, "contract_show")
}

func (h *Pages) print(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderShow(w, r, p, "", nil, "contract_print")
}

func (h *Pages) renderShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed string, err error, tmpl string) error {
	if !contract.MayRead(p) {
		return errs.Forbidden()
	}
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	c, lerr := h.Contracts.Detail(r.Context(), p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.Page(w, r, p, "", "contracts")
	pg.Title, pg.Path = c.Title, contractURL(id)
	status := http.StatusOK
	if failed != "" {
		if !h.FormAgain(w, r, p, pg, err) {
			return nil
		}
		status = web.FormStatus(err)
	}
	d := &showData{C: rowOf(pg.Lang, &c.Contract), Notes: c.Notes, Can: c.Can, URL: contractURL(id), Failed: failed, File: c.File,
		Today: h.Contracts.Today(), Back: web.ListBack(r, "/contracts"), MaxReason: contract.MaxReason}
	for _, e := range c.Employers {
		d.Employers = append(d.Employers, employerRow{Name: e.Name, CreditCode: e.CreditCode, Workers: e.Workers})
	}
	for i := range c.Events {
		d.Events = append(d.Events, eventOf(pg.Lang, &c.Events[i]))
	}
	slicesReverse(d.Events)
	for _, l := range c.Chain {
		d.Chain = append(d.Chain, linkRow{URL: contractURL(l.ID), Title: l.Title, Term: l.StartsOn + " – " + l.EndsOn,
			StatusLabel: statusLabel(pg.Lang, l.Status), StatusV: statusVariant(l.Status), Current: l.Current})
	}
	if c.File != nil {
		d.FileSize = strconv.Itoa((c.File.Size+1023)/1024) + " KB"
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("contract.list.title"), URL: d.Back}, {Label: c.Title}}
	pg.Data = d
	h.Render(w, status, tmpl, pg)
	return nil
}

// slicesReverse puts the newest entry of the history first.
func slicesReverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// act: POST /contracts/{id}/{action}: submit, object or renew.
func (h *Pages) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	ctx := r.Context()
	to := contractURL(id)
	switch action {
	case "submit":
		_, err = h.Contracts.Submit(ctx, p, id, web.FormValue(r, "submitted_on"))
	case "object":
		_, err = h.Contracts.Object(ctx, p, id, web.FormValue(r, "objected_on"), r.PostFormValue("reason"))
	case "renew":
		var next *contract.Contract
		if next, err = h.Contracts.Renew(ctx, p, id); err == nil {
			to = contractURL(next.ID) + "/edit"
		}
	default:
		return errs.NotFound("page")
	}
	if err != nil {
		if _, ok := errs.As(err); ok && httpx.Status(err) < 500 && !errs.Is(err, errs.KindNotFound) {
			return h.renderShow(w, r, p, action, err, "contract_show")
		}
		return err
	}
	web.Redirect(w, r, to, "flash.contract."+action)
	return nil
}

// upload: POST /contracts/{id}/file, a multipart form with "file".
func (h *Pages) upload(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	var name string
	var data []byte
	if r.MultipartForm != nil {
		if fs := r.MultipartForm.File["file"]; len(fs) > 0 {
			name = fs[0].Filename
			if data, err = readPart(fs[0]); err != nil {
				return err
			}
		}
	}
	if _, err = h.Contracts.Upload(r.Context(), p, id, name, data); err != nil {
		if _, ok := errs.As(err); ok && httpx.Status(err) < 500 && !errs.Is(err, errs.KindNotFound) {
			return h.renderShow(w, r, p, "file", err, "contract_show")
		}
		return err
	}
	web.Redirect(w, r, contractURL(id), "flash.contract.file")
	return nil
}

// readPart reads an uploaded part, at most MaxFileBytes and one more (so
// that the store names a file too large).
func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, errs.Internal(err, "contracts: read upload")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, contract.MaxFileBytes+1))
	if err != nil {
		return nil, errs.Internal(err, "contracts: read upload")
	}
	return data, nil
}

// file: GET /contracts/{id}/file, the text as a download.
func (h *Pages) file(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	f, data, err := h.Contracts.FileData(r.Context(), p, id)
	if err != nil {
		return err
	}
	// Named for saving, typed as stored (never sniffed) and sandboxed.
	httpx.Attachment(w, f.Name)
	_ = httpx.ServeUpload(w, f.ContentType, data, "private, no-store")
	return nil
}
