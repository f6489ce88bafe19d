package httpx

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"gonghui/internal/errs"
)

// MaxUpload is the largest file accepted by an upload (a roster of a
// million rows is well below it).
const MaxUpload = 64 << 20

// Upload is an uploaded file spooled to a temporary file, so that readers
// can seek in it (an .xlsx is a zip) without holding it in memory.
type Upload struct {
	*os.File
	Name string
	Size int64
}

// Close closes and removes the temporary file.
func (u *Upload) Close() error {
	err := u.File.Close()
	os.Remove(u.File.Name())
	return err
}

// SpoolUpload streams the multipart part named field of r into a temporary
// file, refusing more than max bytes. Other parts are skipped; form values
// that come before the file can be read by the caller from values.
func SpoolUpload(w http.ResponseWriter, r *http.Request, field string, max int64, values map[string]string) (*Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errs.Fields{"file": {Key: "upload.not_multipart"}}.Err()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errs.Fields{field: {Key: "field.required"}}.Err()
		}
		if err != nil {
			return nil, tooLargeOr(err, max)
		}
		if part.FormName() != field || part.FileName() == "" {
			if values != nil && part.FileName() == "" {
				b, _ := io.ReadAll(io.LimitReader(part, 4096))
				values[part.FormName()] = string(b)
			}
			part.Close()
			continue
		}
		f, err := os.CreateTemp("", "gonghui-upload-*")
		if err != nil {
			return nil, errs.Internal(err, "upload: temp file")
		}
		u := &Upload{File: f, Name: part.FileName()}
		n, err := io.Copy(f, io.LimitReader(part, max+1))
		part.Close()
		if err != nil {
			u.Close()
			return nil, tooLargeOr(err, max)
		}
		if n > max {
			u.Close()
			return nil, errs.Fields{field: {Key: "upload.too_large", Args: []any{max >> 20}}}.Err()
		}
		if n == 0 {
			u.Close()
			return nil, errs.Fields{field: {Key: "upload.empty"}}.Err()
		}
		u.Size = n
		return u, nil
	}
}

// ReadUpload reads the multipart part named field of r into memory,
// refusing more than max bytes: for files small enough to hold, which then
// never touch the disk. It answers the file's name and bytes.
func ReadUpload(w http.ResponseWriter, r *http.Request, field string, max int64) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, errs.Fields{"file": {Key: "upload.not_multipart"}}.Err()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, errs.Fields{field: {Key: "field.required"}}.Err()
		}
		if err != nil {
			return "", nil, tooLargeOr(err, max)
		}
		if part.FormName() != field || part.FileName() == "" {
			part.Close()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, max+1))
		part.Close()
		switch {
		case err != nil:
			return "", nil, tooLargeOr(err, max)
		case int64(len(data)) > max:
			return "", nil, errs.Fields{field: {Key: "upload.too_large", Args: []any{max >> 20}}}.Err()
		case len(data) == 0:
			return "", nil, errs.Fields{field: {Key: "upload.empty"}}.Err()
		}
		return part.FileName(), data, nil
	}
}

func tooLargeOr(err error, max int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.Fields{"file": {Key: "upload.too_large", Args: []any{max >> 20}}}.Err()
	}
	return errs.Fields{"file": {Key: "upload.unreadable"}}.Err()
}

// LazyWriter passes writes through to W, calling Before once just before
// the first: a handler streaming a file can still answer an error page as
// long as nothing was written.
type LazyWriter struct {
	W       http.ResponseWriter
	Before  func()
	Started bool
}

func (l *LazyWriter) Write(p []byte) (int, error) {
	if !l.Started {
		l.Started = true
		if l.Before != nil {
			l.Before()
		}
	}
	return l.W.Write(p)
}

// Attachment sets the headers of a downloaded .xlsx workbook named name.
func Attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
}

// ServeUpload writes an uploaded file opened from its seal: its stored type,
// never sniffed, and sandboxed, so that a file that is not what it claims
// cannot run in the product's origin; cache is its Cache-Control.
func ServeUpload(w http.ResponseWriter, contentType string, data []byte, cache string) error {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", cache)
	_, err := w.Write(data)
	return err
}
