package activities

import (
	"io"
	"net/http"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/web"
)

// An activity's photos: uploaded from its page, each served on its own
// address to those who may see the activity.

func (h *Pages) activityPhotoAdd(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityWritable(w, r, p)
	if !ok {
		return nil
	}
	var data []byte
	var err error
	if r.MultipartForm == nil || len(r.MultipartForm.File["photo"]) == 0 {
		err = errs.Fields{"photo": {Key: "field.required"}}.Err()
	} else {
		var f io.ReadCloser
		if f, err = r.MultipartForm.File["photo"][0].Open(); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, activity.MaxPhotoBytes+1))
			f.Close()
		}
		if err != nil {
			err = errs.Fields{"photo": {Key: "upload.unreadable"}}.Err()
		}
	}
	if err == nil {
		_, err = h.Acts.AddPhoto(r.Context(), p, a.ID, data, web.FormValue(r, "caption"))
	}
	if err != nil {
		h.showFailed(w, r, p, a, "photos", err)
		return nil
	}
	web.RedirectAnchor(w, r, activityURL(a.ID), "photos", "flash.aweb.photo_added")
	return nil
}

func (h *Pages) activityPhoto(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	var pid int64
	if err == nil {
		pid, err = web.IDParam(r, "pid")
	}
	var ct string
	var data []byte
	if err == nil {
		ct, data, err = h.Acts.PhotoData(r.Context(), p, id, pid)
	}
	if err != nil {
		return err
	}
	_ = httpx.ServeUpload(w, ct, data, "private, max-age=3600")
	return nil
}

func (h *Pages) activityPhotoDelete(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityWritable(w, r, p)
	if !ok {
		return nil
	}
	pid, err := web.IDParam(r, "pid")
	if err == nil {
		err = h.Acts.DeletePhoto(r.Context(), p, a.ID, pid)
	}
	if err != nil {
		return err
	}
	web.RedirectAnchor(w, r, activityURL(a.ID), "photos", "flash.aweb.photo_deleted")
	return nil
}
