// Package mailbox is the JSON API of the suggestion box (职工心声): staff
// list, read and handle the letters addressed within their subtrees; a
// member writes letters from their phone, follows them, rates the answer
// and follows up once (internal/mailbox).
package mailbox

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/mailbox"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Letters *mailbox.Store
}

// New returns the module.
func New(h *api.Handler, letters *mailbox.Store) *API { return &API{Handler: h, Letters: letters} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route {
	return h.routes()
}

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) { notes(ns) }

// listLetters: GET /letters.
func (h *API) listLetters(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) mailbox.Query {
		return mailbox.Query{Q: q.Str("q"), Status: mailbox.Status(q.Str("status")), Category: mailbox.Category(q.Str("category")),
			Overdue: flag(q, "overdue"), Org: q.ID("org"), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Letters.List, h.Letters.CountList)
}

func flag(q *api.Query, name string) bool {
	b := q.Boolean(name)
	return b != nil && *b
}

// letterTotals: GET /letters/totals.
func (h *API) letterTotals(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	org := q.ID("org")
	if err := q.Err(); err != nil {
		return err
	}
	t, err := h.Letters.Totals(r.Context(), api.Principal(r), mailbox.Query{Org: org})
	if err != nil {
		return err
	}
	return api.OK(w, t)
}

// getLetter: GET /letters/{id}.
func (h *API) getLetter(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Letters.Get)
}

type acceptInput struct {
	Handler string `json:"handler"`
}

type textInput struct {
	Text string `json:"text"`
}

type reasonInput struct {
	Reason string `json:"reason"`
}

type noteInput struct {
	Note string `json:"note"`
}

type forwardInput struct {
	OrgID api.ID `json:"org_id"`
	Note  string `json:"note"`
}

type bulkInput struct {
	IDs []api.ID `json:"ids"`
}

// bulkFailure is a letter a bulk acceptance did not take, with why.
type bulkFailure struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// bulkResult is what POST /letters/accept answers.
type bulkResult struct {
	Accepted int           `json:"accepted"`
	Failed   []bulkFailure `json:"failed"`
}

func (h *API) accept(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in acceptInput) (*mailbox.Letter, error) {
		return h.Letters.Accept(ctx, p, id, in.Handler)
	})
}

func (h *API) answer(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in textInput) (*mailbox.Letter, error) {
		return h.Letters.Answer(ctx, p, id, in.Text)
	})
}

func (h *API) forward(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in forwardInput) (*mailbox.Letter, error) {
		org, err := in.OrgID.Only("org_id", true)
		if err != nil {
			return nil, err
		}
		return h.Letters.Forward(ctx, p, id, org, in.Note)
	})
}

func (h *API) decline(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in reasonInput) (*mailbox.Letter, error) {
		return h.Letters.Decline(ctx, p, id, in.Reason)
	})
}

func (h *API) closeLetter(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in noteInput) (*mailbox.Letter, error) {
		return h.Letters.Close(ctx, p, id, in.Note)
	})
}

// bulkAccept: POST /letters/accept.
func (h *API) bulkAccept(w http.ResponseWriter, r *http.Request) error {
	var in bulkInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	ids := make([]int64, 0, len(in.IDs))
	for _, s := range in.IDs {
		if id := s.Parse(f, "ids", true); id != 0 {
			ids = append(ids, id)
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	done, failed, err := h.Letters.BulkAccept(r.Context(), api.Principal(r), ids)
	if err != nil {
		return err
	}
	tr := api.Translator(r)
	out := bulkResult{Accepted: done, Failed: []bulkFailure{}}
	for _, bf := range failed {
		e, _ := errs.As(bf.Err)
		out.Failed = append(out.Failed, bulkFailure{ID: db.FormatID(bf.ID), Subject: bf.Subject, Code: e.Code, Message: tr(e.Key, e.Args...)})
	}
	return api.OK(w, out)
}

// photo: GET /letters/{id}/photos/{photo_id}, for staff and the writer.
func (h *API) photo(w http.ResponseWriter, r *http.Request) error {
	id, photoID, err := api.PathIDs(r, "photo_id")
	if err != nil {
		return err
	}
	ct, data, err := h.Letters.PhotoData(r.Context(), api.Principal(r), id, photoID)
	if err != nil {
		return err
	}
	return httpx.ServeUpload(w, ct, data, "private, no-cache")
}

// myLetters: GET /me/letters.
func (h *API) myLetters(w http.ResponseWriter, r *http.Request) error {
	ls, err := h.Letters.MineList(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(ls, ""))
}

// addressees: GET /me/letters/addressees.
func (h *API) addressees(w http.ResponseWriter, r *http.Request) error {
	as, err := h.Letters.Addressees(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(as, ""))
}

// myLetter: GET /me/letters/{id}.
func (h *API) myLetter(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Letters.Mine)
}

type rateInput struct {
	Rating mailbox.Rating `json:"rating"`
}

func (h *API) rate(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in rateInput) (*mailbox.Letter, error) {
		return h.Letters.Rate(ctx, p, id, in.Rating)
	})
}

func (h *API) followUp(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in textInput) (*mailbox.Letter, error) {
		return h.Letters.FollowUp(ctx, p, id, in.Text)
	})
}

// write: POST /me/letters, a multipart form: the letter's fields and up
// to three "photo" parts.
func (h *API) write(w http.ResponseWriter, r *http.Request) error {
	const limit = mailbox.MaxPhotos*mailbox.MaxPhotoBytes + 1<<20
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(limit); err != nil {
		var mb *http.MaxBytesError
		switch {
		case errors.As(err, &mb):
			return api.FieldErr("photos", "mailbox.photo_size", mailbox.MaxPhotoBytes>>20)
		case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
			return api.FieldErr("photos", "upload.not_multipart")
		}
		return api.FieldErr("photos", "upload.unreadable")
	}
	defer r.MultipartForm.RemoveAll()
	val := func(name string) string {
		if v := r.MultipartForm.Value[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	f := errs.Fields{}
	in := mailbox.Input{OrgID: api.ID(strings.TrimSpace(val("org_id"))).Parse(f, "org_id", true), Category: mailbox.Category(strings.TrimSpace(val("category"))),
		Subject: val("subject"), Body: val("body")}
	switch strings.TrimSpace(val("anonymous")) {
	case "", "false":
	case "true":
		in.Anonymous = true
	default:
		f.Add("anonymous", "field.invalid_choice")
	}
	files := r.MultipartForm.File["photo"]
	if len(files) > mailbox.MaxPhotos {
		f.Add("photos", "mailbox.photos_too_many", mailbox.MaxPhotos)
	}
	if err := f.Err(); err != nil {
		return err
	}
	var photos [][]byte
	for _, fh := range files {
		data, err := readPart(fh, mailbox.MaxPhotoBytes+1)
		if err != nil {
			return api.FieldErr("photos", "upload.unreadable")
		}
		photos = append(photos, data)
	}
	l, err := h.Letters.Write(r.Context(), api.Principal(r), in, photos)
	if err != nil {
		return err
	}
	return api.Created(w, "/me/letters/"+db.FormatID(l.ID), l)
}

func readPart(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}
