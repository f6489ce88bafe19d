package web

import (
	"encoding/json"
	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Download answers a workbook as an attachment.
func Download(w http.ResponseWriter, name string, data []byte) {
	httpx.Attachment(w, name)
	w.Write(data)
}

// FormError is FormFrom without the submitted values (the caller fills what
// it shows itself); a refusal is not a form's error here but the error page.
func FormError(pg *Page, err error) (*Form, bool) {
	return formOf(pg, err, errs.KindInvalid, errs.KindConflict)
}

// FieldErrorForm is a form with one field's error.
func FieldErrorForm(pg *Page, field, key string, args ...any) *Form {
	f := errs.Fields{}
	f.Add(field, key, args...)
	form, _ := FormError(pg, f.Err())
	return form
}

// LangQuery keeps an explicit ?lang= on the links and forms of the public
// pages, which visitors open without the language cookie.
func LangQuery(r *http.Request) string {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return "lang=" + url.QueryEscape(string(l))
	}
	return ""
}

func WithQuery(path, q string) string {
	if q == "" {
		return path
	}
	return path + "?" + q
}

func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WantsJSON reports whether the scanner's script asked for JSON.
func WantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// ErrMessage is an error's message for a row: its first field's, else its own.
func ErrMessage(lang i18n.Lang, err error) string {
	e, ok := errs.As(err)
	if !ok {
		return i18n.T(lang, "error.internal")
	}
	if f, ok := e.FirstField(); ok {
		return i18n.T(lang, f.Key, f.Args...)
	}
	return i18n.T(lang, e.Key, e.Args...)
}

func LocalValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing.Zone).Format(localInput)
}

// localInput is how a datetime-local field shows a time (Beijing).
const localInput = "2006-01-02T15:04"
