// Package rights is the JSON API of rights cases (法律服务与维权): staff
// list, take in, read and handle the cases of their subtrees; a member
// files a case from their phone, follows it and rates it
// (internal/rights).
package rights

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/rights"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Cases *rights.Store
}

// New returns the module.
func New(h *api.Handler, cases *rights.Store) *API { return &API{Handler: h, Cases: cases} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route { return h.routes() }

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) { notes(ns) }

func flag(q *api.Query, name string) bool {
	b := q.Boolean(name)
	return b != nil && *b
}

func query(q *api.Query, pg api.Page) rights.Query {
	return rights.Query{Q: q.Str("q"), Kind: rights.Kind(q.Str("kind")), Status: rights.Status(q.Str("status")), Handler: q.ID("handler"),
		Overdue: flag(q, "overdue"), Org: q.ID("org"), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
}

// listCases: GET /cases.
func (h *API) listCases(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, query, h.Cases.List, h.Cases.CountList)
}

// caseTotals: GET /cases/totals.
func (h *API) caseTotals(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	org := q.ID("org")
	if err := q.Err(); err != nil {
		return err
	}
	t, err := h.Cases.Totals(r.Context(), api.Principal(r), rights.Query{Org: org})
	if err != nil {
		return err
	}
	return api.OK(w, t)
}

// exportCases: GET /cases/export.
func (h *API) exportCases(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	rq := query(q, api.Page{})
	if err := q.Err(); err != nil {
		return err
	}
	return api.Workbook(w, r, "cases.xlsx", "cases export", func(tr api.Translate, out io.Writer) error {
		return h.Cases.Export(r.Context(), api.Principal(r), rq, rights.Translate(tr), out)
	})
}

// takeIn: POST /cases.
func (h *API) takeIn(w http.ResponseWriter, r *http.Request) error {
	var in rights.Input
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.Cases.TakeIn(r.Context(), api.Principal(r), in, nil)
	if err != nil {
		return err
	}
	return api.Created(w, "/cases/"+db.FormatID(c.ID), c)
}

// getCase: GET /cases/{id}.
func (h *API) getCase(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Cases.Get)
}

// handlers: GET /cases/{id}/handlers.
func (h *API) handlers(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Cases.Handlers)
}

// above: GET /cases/{id}/above.
func (h *API) above(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Cases.Above)
}

type assignInput struct {
	HandlerID api.ID `json:"handler_id"`
	Version   int    `json:"version"`
}

type transferInput struct {
	OrgID   api.ID `json:"org_id"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

type extendInput struct {
	Days    int    `json:"days"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

type claimsInput struct {
	Claims  []rights.ClaimInput `json:"claims"`
	Version int                 `json:"version"`
}

type noteInput struct {
	Body         string `json:"body"`
	Confidential bool   `json:"confidential"`
}

type revealInput struct {
	Reason string `json:"reason"`
}

type rateInput struct {
	Rating rights.Rating `json:"rating"`
}

func (h *API) accept(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in assignInput) (*rights.Case, error) {
		handler, err := in.HandlerID.Only("handler_id", false)
		if err != nil {
			return nil, err
		}
		return h.Cases.Accept(ctx, p, id, handler, in.Version)
	})
}

func (h *API) assign(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in assignInput) (*rights.Case, error) {
		handler, err := in.HandlerID.Only("handler_id", true)
		if err != nil {
			return nil, err
		}
		return h.Cases.Assign(ctx, p, id, handler, in.Version)
	})
}

func (h *API) transfer(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in transferInput) (*rights.Case, error) {
		org, err := in.OrgID.Only("org_id", true)
		if err != nil {
			return nil, err
		}
		return h.Cases.Transfer(ctx, p, id, org, in.Note, in.Version)
	})
}

func (h *API) extend(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in extendInput) (*rights.Case, error) {
		return h.Cases.Extend(ctx, p, id, in.Days, in.Note, in.Version)
	})
}

func (h *API) setClaims(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in claimsInput) (*rights.Case, error) {
		return h.Cases.SetClaims(ctx, p, id, in.Claims, in.Version)
	})
}

func (h *API) closeCase(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in rights.CloseInput) (*rights.Case, error) {
		return h.Cases.Close(ctx, p, id, in)
	})
}

// addNote: POST /cases/{id}/notes.
func (h *API) addNote(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in noteInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	n, err := h.Cases.AddNote(r.Context(), api.Principal(r), id, in.Body, in.Confidential)
	if err != nil {
		return err
	}
	return api.Created(w, "/cases/"+db.FormatID(id)+"/notes/"+db.FormatID(n.ID), n)
}

// openNote: GET /cases/{id}/notes/{note_id}.
func (h *API) openNote(w http.ResponseWriter, r *http.Request) error {
	id, noteID, err := api.PathIDs(r, "note_id")
	if err != nil {
		return err
	}
	n, err := h.Cases.OpenNote(r.Context(), api.Principal(r), id, noteID)
	if err != nil {
		return err
	}
	return api.OK(w, n)
}

// reveal: POST /cases/{id}/reveal.
func (h *API) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in revealInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	ws, err := h.Cases.Reveal(r.Context(), api.Principal(r), id, in.Reason)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(ws, ""))
}

// file: GET /cases/{id}/files/{file_id}, for staff and the case's worker.
func (h *API) file(w http.ResponseWriter, r *http.Request) error {
	id, fileID, err := api.PathIDs(r, "file_id")
	if err != nil {
		return err
	}
	_, ct, data, err := h.Cases.FileData(r.Context(), api.Principal(r), id, fileID)
	if err != nil {
		return err
	}
	return httpx.ServeUpload(w, ct, data, "private, no-cache")
}

// addFiles: POST /cases/{id}/files and /me/cases/{id}/files, a multipart
// form of "file" parts.
func (h *API) addFiles(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	const limit = rights.MaxFiles*rights.MaxFileSize + 1<<20
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(limit); err != nil {
		var mb *http.MaxBytesError
		switch {
		case errors.As(err, &mb):
			return api.FieldErr("files", "case.file_size", rights.MaxFileSize>>20)
		case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
			return api.FieldErr("files", "upload.not_multipart")
		}
		return api.FieldErr("files", "upload.unreadable")
	}
	defer r.MultipartForm.RemoveAll()
	parts := r.MultipartForm.File["file"]
	if len(parts) > rights.MaxFiles {
		return api.FieldErr("files", "case.files_too_many", rights.MaxFiles)
	}
	var files []rights.FileInput
	for _, fh := range parts {
		data, err := readPart(fh, rights.MaxFileSize+1)
		if err != nil {
			return api.FieldErr("files", "upload.unreadable")
		}
		files = append(files, rights.FileInput{Name: fh.Filename, Data: data})
	}
	c, err := h.Cases.AddFiles(r.Context(), api.Principal(r), id, files)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

func readPart(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

// myCases: GET /me/cases.
func (h *API) myCases(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.Cases.MineList(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(cs, ""))
}

// unions: GET /me/cases/unions.
func (h *API) unions(w http.ResponseWriter, r *http.Request) error {
	us, err := h.Cases.Unions(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(us, ""))
}

// file a case: POST /me/cases.
func (h *API) fileCase(w http.ResponseWriter, r *http.Request) error {
	var in rights.Input
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	if len(in.Workers) > 0 {
		f := errs.Fields{}
		f.Add("workers", "case.workers_self")
		return f.Err()
	}
	c, err := h.Cases.File(r.Context(), api.Principal(r), in, nil)
	if err != nil {
		return err
	}
	return api.Created(w, "/me/cases/"+db.FormatID(c.ID), c)
}

// myCase: GET /me/cases/{id}.
func (h *API) myCase(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Cases.Mine)
}

func (h *API) rate(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in rateInput) (*rights.Case, error) {
		return h.Cases.Rate(ctx, p, id, in.Rating)
	})
}
