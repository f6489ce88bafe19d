package httpx

import (
	"net/http"

	"gonghui/internal/errs"
)

// requestStatus holds the codes of malformed requests: they are answered
// with their own status rather than 422, which is for well-formed requests
// whose content breaks a rule.
var requestStatus = map[string]int{
	"bad_json":               http.StatusBadRequest,
	"unknown_field":          http.StatusBadRequest,
	"bad_cursor":             http.StatusBadRequest,
	"body_too_large":         http.StatusRequestEntityTooLarge,
	"unsupported_media_type": http.StatusUnsupportedMediaType,
	"method_not_allowed":     http.StatusMethodNotAllowed,
}

var kindStatus = map[errs.Kind]int{
	errs.KindInvalid:         http.StatusUnprocessableEntity,
	errs.KindNotFound:        http.StatusNotFound,
	errs.KindConflict:        http.StatusConflict,
	errs.KindUnauthenticated: http.StatusUnauthorized,
	errs.KindForbidden:       http.StatusForbidden,
	errs.KindLocked:          http.StatusLocked,
	errs.KindTooMany:         http.StatusTooManyRequests,
}

// Status is the one answer to "which HTTP status for this error", for the
// JSON API, the pages and any JSON a page answers alike, so that the same
// refusal never gets two statuses. Anything that is not a coded error, or
// whose kind has no status of its own, is a 500.
func Status(err error) int {
	e, ok := errs.As(err)
	if !ok {
		return http.StatusInternalServerError
	}
	if s, ok := requestStatus[e.Code]; ok {
		return s
	}
	return KindStatus(e.Kind)
}

// KindStatus is the status of an error of kind k, for a page that refuses
// without an error value in hand (a form it checked itself, say).
func KindStatus(k errs.Kind) int {
	if s, ok := kindStatus[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}
