package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"gonghui/internal/errs"
)

func TestStatus(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		// Invalid input is 422 for the API and the pages alike.
		{errs.Fields{"name": {Key: "field.required"}}.Err(), http.StatusUnprocessableEntity},
		{errs.Invalid("period", "error.period"), http.StatusUnprocessableEntity},
		{errs.NotFound("member"), http.StatusNotFound},
		{errs.Conflict("duplicate", "error.duplicate"), http.StatusConflict},
		{errs.Unauthenticated(), http.StatusUnauthorized},
		{errs.Forbidden(), http.StatusForbidden},
		{&errs.Error{Kind: errs.KindLocked, Code: "account_locked"}, http.StatusLocked},
		{&errs.Error{Kind: errs.KindTooMany, Code: "too_many_attempts"}, http.StatusTooManyRequests},
		{errs.Internal(errors.New("disk"), "save"), http.StatusInternalServerError},
		{errors.New("plain"), http.StatusInternalServerError},
		// Malformed requests keep statuses of their own.
		{errs.Invalid("bad_json", "error.bad_json"), http.StatusBadRequest},
		{errs.Invalid("unknown_field", "error.unknown_field"), http.StatusBadRequest},
		{errs.Invalid("bad_cursor", "error.bad_cursor"), http.StatusBadRequest},
		{errs.Invalid("body_too_large", "error.body_too_large"), http.StatusRequestEntityTooLarge},
		{errs.Invalid("unsupported_media_type", "error.unsupported_media_type"), http.StatusUnsupportedMediaType},
		{errs.Invalid("method_not_allowed", "error.method_not_allowed"), http.StatusMethodNotAllowed},
		// Wrapped, as pages often get them.
		{fmt.Errorf("saving: %w", errs.NotFound("org")), http.StatusNotFound},
	}
	for _, c := range cases {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if got := KindStatus(errs.KindInvalid); got != http.StatusUnprocessableEntity {
		t.Errorf("KindStatus(invalid) = %d", got)
	}
	if got := KindStatus(errs.Kind(99)); got != http.StatusInternalServerError {
		t.Errorf("KindStatus(unknown) = %d", got)
	}
}
