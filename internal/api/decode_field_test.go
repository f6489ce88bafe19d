package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"gonghui/internal/errs"
)

// A type error names the field as the client wrote it, also inside
// embedded structs and arrays.
func TestDecodeFieldPath(t *testing.T) {
	for _, c := range []struct {
		dst        any
		body, want string
	}{
		{&fieldPathUpdate{}, `{"capacity":"ten"}`, "capacity"},
		{&fieldPathUpdate{}, `{"version":"1"}`, "version"},
		{&fieldPathUpdate{}, `{"org_id":1}`, "org_id"},
		{&fieldPathInput{}, `{"checkpoints":[{"rotate_seconds":"x"}]}`, "checkpoints.rotate_seconds"},
		{&fieldPathUpdate{}, `{"name":1}`, "name"},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
		err := Decode(httptest.NewRecorder(), r, c.dst)
		e, ok := errs.As(err)
		if !ok {
			t.Fatalf("%s: %v", c.body, err)
		}
		if _, ok := e.Fields[c.want]; !ok || len(e.Fields) != 1 {
			t.Errorf("%s: fields %v, want %q", c.body, e.Fields, c.want)
		}
	}
}
