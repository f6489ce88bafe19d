package stations

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
	"gonghui/internal/httpx"
	"gonghui/internal/imagefile"
	"gonghui/internal/station"
)

// uploadLimit bounds a request of photos: every one at its largest, and
// the form around them.
const uploadLimit = station.MaxPhotos*(station.MaxPhotoBytes+1) + 1<<20

type moveInput struct {
	By int `json:"by"`
}

// readPhotos reads the "photo" parts of a multipart form. Each is read up
// to one byte past the limit, so that the domain names the fault.
func readPhotos(w http.ResponseWriter, r *http.Request) ([][]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil, api.FieldErr("photos", "upload.not_multipart")
	}
	r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, api.FieldErr("photos", "station.photo_size", station.MaxPhotoBytes>>20)
		}
		return nil, api.FieldErr("photos", "upload.unreadable")
	}
	defer r.MultipartForm.RemoveAll()
	files := r.MultipartForm.File["photo"]
	if len(files) > station.MaxPhotos {
		return nil, api.FieldErr("photos", "station.photos_too_many", station.MaxPhotos)
	}
	var out [][]byte
	for _, fh := range files {
		b, err := readPart(fh, station.MaxPhotoBytes+1)
		if err != nil {
			return nil, api.FieldErr("photos", "upload.unreadable")
		}
		out = append(out, b)
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

func (h *API) photos(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	ps, err := h.Stations.Photos(r.Context(), api.Principal(r), id)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(ps, ""))
}

func (h *API) addPhotos(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	files, err := readPhotos(w, r)
	if err != nil {
		return err
	}
	ps, err := h.Stations.AddPhotos(r.Context(), api.Principal(r), id, files)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(ps, ""))
}

func (h *API) deletePhoto(w http.ResponseWriter, r *http.Request) error {
	id, photo, err := api.PathIDs(r, "photo_id")
	if err != nil {
		return err
	}
	if err := h.Stations.DeletePhoto(r.Context(), api.Principal(r), id, photo); err != nil {
		return err
	}
	return api.NoContent(w)
}

func (h *API) movePhoto(w http.ResponseWriter, r *http.Request) error {
	_, photo, err := api.PathIDs(r, "photo_id")
	if err != nil {
		return err
	}
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in moveInput) (api.List[station.Photo], error) {
		ps, err := h.Stations.MovePhoto(ctx, p, id, photo, in.By)
		return api.NewList(ps, ""), err
	})
}

func (h *API) photo(w http.ResponseWriter, r *http.Request) error {
	id, photo, err := api.PathIDs(r, "photo_id")
	if err != nil {
		return err
	}
	thumb := false
	switch api.NewQuery(r).Str("size") {
	case "", "original":
	case "thumb":
		thumb = true
	default:
		return api.FieldErr("size", "field.invalid_choice")
	}
	b, err := h.Stations.PhotoData(r.Context(), api.Principal(r), id, photo, thumb)
	if err != nil {
		return err
	}
	return httpx.ServeUpload(w, imagefile.OutType, b, "private, max-age=300")
}
