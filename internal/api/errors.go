package api

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
)

// errorBody is the error shape of the API contract.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// writeError answers err in the request's language. Anything that is not a
// coded error for the user is logged once and answered generically.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errs.As(err)
	st := httpx.Status(err)
	if !ok || st == http.StatusInternalServerError {
		slog.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e = &errs.Error{Kind: errs.KindInternal, Code: "internal", Key: "error.internal"}
	}
	lang := i18n.FromRequest(r)
	body := errorBody{Error: errorDetail{Code: e.Code, Message: i18n.T(lang, e.Key, e.Args...), Fields: map[string]string{}}}
	for name, f := range e.Fields {
		body.Error.Fields[name] = i18n.T(lang, f.Key, f.Args...)
	}
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gonghui"`)
	}
	writeJSON(w, st, body)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("api: write response", "err", err)
	}
}

// NoContent answers 204.
func NoContent(w http.ResponseWriter) error {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func errMethodNotAllowed() *errs.Error {
	return &errs.Error{Kind: errs.KindInvalid, Code: "method_not_allowed", Key: "error.method_not_allowed"}
}

func errNotFoundPath() *errs.Error {
	return &errs.Error{Kind: errs.KindNotFound, Code: "not_found", Key: "error.not_found"}
}

func errBadCursor() *errs.Error {
	return &errs.Error{Kind: errs.KindInvalid, Code: "bad_cursor", Key: "error.bad_cursor"}
}

// FieldErr is a validation error on one field.
func FieldErr(field, key string, args ...any) error {
	f := errs.Fields{}
	f.Add(field, key, args...)
	return f.Err()
}

// writeAccepted answers 202 with an empty object.
func writeAccepted(w http.ResponseWriter) error {
	writeJSON(w, http.StatusAccepted, struct{}{})
	return nil
}
