package works

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/works"
)

// A member's side: the calls open to them, their entries handed in as
// multipart forms (the photos as "photo" parts) or, without photos (an
// essay), as JSON objects.

// myCalls: GET /me/works.
func (h *API) myCalls(w http.ResponseWriter, r *http.Request) error {
	ls, err := h.Works.ForMember(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(ls, ""))
}

// myCall: GET /me/works/{id}.
func (h *API) myCall(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Works.ForMemberOne)
}

// myEntry: GET /me/work-entries/{id}.
func (h *API) myEntry(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Works.Own)
}

// submit: POST /me/works/{id}/entries.
func (h *API) submit(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	in, err := readEntry(w, r)
	if err != nil {
		return err
	}
	e, err := h.Works.Submit(r.Context(), api.Principal(r), id, in)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/me/work-entries/"+db.FormatID(e.ID), e)
}

// editEntry: PUT /me/work-entries/{id}.
func (h *API) editEntry(w http.ResponseWriter, r *http.Request) error {
	return api.WithInput(w, r, func(r *http.Request) (works.EntryInput, error) { return readEntry(w, r) },
		func(ctx context.Context, p *auth.Principal, id int64, in works.EntryInput) (*works.Entry, error) {
			return h.Works.Edit(ctx, p, id, in)
		})
}

// withdraw: POST /me/work-entries/{id}/withdraw.
func (h *API) withdraw(w http.ResponseWriter, r *http.Request) error {
	return api.Remove(w, r, h.Works.Withdraw)
}

// uploadLimit bounds a whole entry form: the most photos a call may take
// at the largest size, and room for the text.
const uploadLimit = works.MaxPhotos*works.MaxPhotoKB<<10 + 1<<20

// entryJSON is an entry sent as JSON: its texts, and on editing the
// photos to drop; photos themselves come only in a multipart form.
type entryJSON struct {
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Note     string   `json:"note"`
	Original bool     `json:"original"`
	Remove   []api.ID `json:"remove"`
}

// isMultipart reports whether r's body is a multipart form (else it is
// read as JSON).
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && strings.HasPrefix(mt, "multipart/")
}

// readEntry reads an entry's multipart form, or its JSON object. Each
// photo is read up to one byte past the largest size any call takes, so
// that the domain, which knows the call's own limit, names the field.
func readEntry(w http.ResponseWriter, r *http.Request) (works.EntryInput, error) {
	var in works.EntryInput
	if !isMultipart(r) {
		var j entryJSON
		if err := api.Decode(w, r, &j); err != nil {
			return in, err
		}
		in = works.EntryInput{Title: j.Title, Body: j.Body, Note: j.Note, Original: j.Original}
		f := errs.Fields{}
		if len(j.Remove) > works.MaxPhotos {
			f.Add("remove", "works.too_many_photos", works.MaxPhotos)
		}
		for _, id := range j.Remove {
			if n := id.Parse(f, "remove", true); n != 0 {
				in.Remove = append(in.Remove, n)
			}
		}
		return in, f.Err()
	}
	r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mb *http.MaxBytesError
		switch {
		case errors.As(err, &mb):
			return in, api.FieldErr("photos", "works.photo_size", works.MaxPhotoKB)
		case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
			return in, api.FieldErr("photos", "upload.not_multipart")
		}
		return in, api.FieldErr("photos", "upload.unreadable")
	}
	defer r.MultipartForm.RemoveAll()
	val := func(name string) string {
		if v := r.MultipartForm.Value[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	f := errs.Fields{}
	in.Title, in.Body, in.Note = val("title"), val("body"), val("note")
	switch strings.TrimSpace(val("original")) {
	case "", "false":
	case "true":
		in.Original = true
	default:
		f.Add("original", "field.invalid_choice")
	}
	for _, s := range r.MultipartForm.Value["remove"] {
		if id := api.ID(strings.TrimSpace(s)).Parse(f, "remove", true); id != 0 {
			in.Remove = append(in.Remove, id)
		}
	}
	files := r.MultipartForm.File["photo"]
	if len(files) > works.MaxPhotos {
		f.Add("photos", "works.too_many_photos", works.MaxPhotos)
	}
	if err := f.Err(); err != nil {
		return in, err
	}
	for _, fh := range files {
		data, err := readPart(fh, works.MaxPhotoKB<<10+1)
		if err != nil {
			return in, api.FieldErr("photos", "upload.unreadable")
		}
		in.Photos = append(in.Photos, data)
	}
	return in, nil
}

func readPart(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}
