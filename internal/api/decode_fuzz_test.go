package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"gonghui/internal/errs"
)

// Request bodies are untrusted input: whatever arrives, decode either fills
// the input type or answers a client error (never a panic, never a 5xx).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{}`, ``, `{"name":"人文学院分工会","kind":"sub_union","parent_id":"123"}`,
		`{"name":1}`, `{"parent_id":123}`, `{"org_id":"x"}`, `{"unknown":true}`, `[]`, `null`,
		`{"name":"a"}{"name":"b"}`, `{"name":"\ud800"}`, `{"name":`, strings.Repeat(`[`, 10000),
		`{"NAME":"a"}`, `{"name":"a","name":"b"}`, "{\"\u212Aind\":\"x\"}", `{"x":{"a":1,"a":2}}`,
		`{"checkpoints":[{"name":"a","Name":"b"}]}`, `{"name":"a","x":{"name":"b"}}`, `{"":1,"":2}`,
		`{"name":"a",`, `{"name":"a","name":`, strings.Repeat(`{"a":`, 10001), `{"title":{"":[{"":{}}]}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, dst := range []any{&orgLikeInput{}, &fieldPathUpdate{}, &activityLikeInput{}, &tokenInput{}} {
			r := httptest.NewRequest("POST", "/api/v1/orgs", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			err := Decode(httptest.NewRecorder(), r, dst)
			if err == nil {
				continue
			}
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.KindInvalid {
				t.Fatalf("body %q: want a client error, got %v", body, err)
			}
		}
	})
}
