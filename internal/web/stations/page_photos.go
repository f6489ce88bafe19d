package stations

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/imagefile"
	"gonghui/internal/station"
	"gonghui/internal/web"
)

// A station's photos: uploaded, moved and deleted from its staff page,
// shown (thumbs, each a link to the larger copy) there and on its public
// page. The public addresses go by the poster's code, like the page.

// photoMax bounds an upload request: six photos at their largest and the
// form around them. A photo over its own limit inside it reaches the
// domain, which names the field.
const photoMax = station.MaxPhotos*(station.MaxPhotoBytes+1) + 1<<20

// photoView is a photo as the pages show it.
type photoView struct {
	ID                 string
	Thumb, Large       string
	Width, Height      int // of the thumb's box, for the page's layout before it loads
	Alt                string
	MoveURL, DeleteURL string
	First, Last        bool
}

// photoViews are a station's photos with their addresses under base
// ("/s/{code}" or "/stations/{id}").
func photoViews(pg *web.Page, name, base string, ps []station.Photo) []photoView {
	out := make([]photoView, len(ps))
	for i, p := range ps {
		id := db.FormatID(p.ID)
		w, h := p.Width, p.Height
		if s := max(w, h); s > imagefile.ThumbSide {
			w, h = w*imagefile.ThumbSide/s, h*imagefile.ThumbSide/s
		}
		out[i] = photoView{ID: id, Thumb: base + "/photos/" + id + "?size=thumb", Large: base + "/photos/" + id, Width: max(w, 1), Height: max(h, 1),
			Alt: pg.T("sweb.photos.alt", name, i+1), MoveURL: base + "/photos/" + id + "/move", DeleteURL: base + "/photos/" + id + "/delete",
			First: i == 0, Last: i == len(ps)-1}
	}
	return out
}

// photoSize reads ?size: the copy for phones or the larger one.
func photoSize(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("size") {
	case "", "large":
		return false, nil
	case "thumb":
		return true, nil
	}
	return false, errs.Fields{"size": {Key: "field.invalid_choice"}}.Err()
}

// publicPhoto: GET /s/{code}/photos/{photo}, anyone's while the station
// is open. Station photos are public pictures of a public place.
func (h *Pages) publicPhoto(w http.ResponseWriter, r *http.Request) {
	pid, err := web.IDParam(r, "photo")
	var thumb bool
	if err == nil {
		thumb, err = photoSize(r)
	}
	var b []byte
	if err == nil {
		b, err = h.Stations.PublicPhotoData(r.Context(), r.PathValue("code"), pid, thumb)
	}
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	_ = httpx.ServeUpload(w, imagefile.OutType, b, "public, max-age=3600")
}

// staffPhoto: GET /stations/{id}/photos/{photo}, of a closed station too.
func (h *Pages) staffPhoto(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	pid, err := web.IDParam(r, "photo")
	if err != nil {
		return err
	}
	thumb, err := photoSize(r)
	if err != nil {
		return err
	}
	b, err := h.Stations.PhotoData(r.Context(), p, id, pid, thumb)
	if err != nil {
		return err
	}
	return httpx.ServeUpload(w, imagefile.OutType, b, "private, max-age=300")
}

// readPhotos reads the form's "photo" files, each up to a byte past the
// limit (the domain names a larger one).
func readPhotos(r *http.Request) ([][]byte, error) {
	if r.MultipartForm == nil {
		return nil, errs.Fields{"photos": {Key: "upload.not_multipart"}}.Err()
	}
	var out [][]byte
	for _, fh := range r.MultipartForm.File["photo"] {
		f, err := fh.Open()
		if err != nil {
			return nil, errs.Fields{"photos": {Key: "upload.unreadable"}}.Err()
		}
		b, err := io.ReadAll(io.LimitReader(f, station.MaxPhotoBytes+1))
		f.Close()
		if err != nil {
			return nil, errs.Fields{"photos": {Key: "upload.unreadable"}}.Err()
		}
		out = append(out, b)
		if len(out) > station.MaxPhotos {
			break // the domain refuses more than it keeps; read no further
		}
	}
	return out, nil
}

// addPhotos: POST /stations/{id}/photos.
func (h *Pages) addPhotos(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	files, err := readPhotos(r)
	if err == nil {
		_, err = h.Stations.AddPhotos(r.Context(), p, id, files)
	}
	if err != nil {
		return h.showFailed(w, r, p, id, err)
	}
	web.RedirectAnchor(w, r, stationURL(id), "photos", "flash.station.photos_added")
	return nil
}

// movePhoto: POST /stations/{id}/photos/{photo}/move (by -1 or 1).
func (h *Pages) movePhoto(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	pid, err := web.IDParam(r, "photo")
	if err != nil {
		return err
	}
	by, _ := strconv.Atoi(r.PostFormValue("by"))
	if _, err := h.Stations.MovePhoto(r.Context(), p, id, pid, by); err != nil {
		return err
	}
	web.RedirectAnchor(w, r, stationURL(id), "photos", "flash.station.photo_moved")
	return nil
}

// deletePhoto: POST /stations/{id}/photos/{photo}/delete.
func (h *Pages) deletePhoto(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	pid, err := web.IDParam(r, "photo")
	if err != nil {
		return err
	}
	if err := h.Stations.DeletePhoto(r.Context(), p, id, pid); err != nil {
		return err
	}
	web.RedirectAnchor(w, r, stationURL(id), "photos", "flash.station.photo_deleted")
	return nil
}

// showFailed shows a station's page again with the upload's errors.
func (h *Pages) showFailed(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, err error) error {
	s, gerr := h.Stations.Get(r.Context(), p, id)
	if gerr != nil {
		return gerr
	}
	pg := h.Page(w, r, p, "", "stations")
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		return err
	}
	pg.Form = form
	return h.renderShow(w, r, p, pg, s, httpx.Status(err))
}

// publicPhotos are the photos of the station of code for its public page.
func (h *Pages) publicPhotos(r *http.Request, pg *web.Page, name, code string) ([]photoView, error) {
	ps, err := h.Stations.PublicPhotos(r.Context(), code)
	if err != nil {
		return nil, err
	}
	return photoViews(pg, name, "/s/"+url.PathEscape(code), ps), nil
}
