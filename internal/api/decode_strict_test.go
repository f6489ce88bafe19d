package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"gonghui/internal/errs"
)

// encoding/json alone accepts every refused body below: it matches keys
// case-insensitively and lets the last of two equal keys win.
func TestDecodeStrictKeys(t *testing.T) {
	for _, c := range []struct {
		name, body string
		dst        any
		field, key string // the field error and message key; "" when accepted
	}{
		{"wrong case", `{"USERNAME":"admin","password":"x"}`, &tokenInput{}, "USERNAME", "api.json_key_case"},
		{"one letter's case", `{"username":"admin","passWord":"x"}`, &tokenInput{}, "passWord", "api.json_key_case"},
		{"Kelvin sign folds to k", "{\"\u212Aind\":\"x\"}", &orgLikeInput{}, "\u212Aind", "api.json_key_case"},
		{"duplicate", `{"username":"a","username":"admin"}`, &tokenInput{}, "username", "api.json_duplicate_key"},
		{"duplicate after other keys", `{"name":"a","kind":"x","note":"","name":"b"}`, &orgLikeInput{}, "name", "api.json_duplicate_key"},
		{"wrong case in an embedded struct", `{"Title":"x"}`, &activityLikeInput{}, "Title", "api.json_key_case"},
		{"wrong case nested", `{"checkpoints":[{"name":"a"},{"Rotate_Seconds":30}]}`, &activityLikeInput{}, "checkpoints.Rotate_Seconds", "api.json_key_case"},
		{"duplicate nested", `{"checkpoints":[{"name":"a","name":"b"}]}`, &activityLikeInput{}, "checkpoints.name", "api.json_duplicate_key"},
		{"duplicate inside an unknown field", `{"x":{"a":1,"a":2}}`, &tokenInput{}, "x.a", "api.json_duplicate_key"},
		{"valid", `{"username":"admin","password":"x","otp":"123456"}`, &tokenInput{}, "", ""},
		{"valid nested", `{"title":"t","org_id":"1","checkpoints":[{"name":"a","rotate_seconds":30},{"name":"b"}]}`, &activityLikeInput{}, "", ""},
		{"same key in sibling objects", `{"checkpoints":[{"name":"a"},{"name":"b"}]}`, &activityLikeInput{}, "", ""},
		{"same key at two depths", `{"name":"a","x":{"name":"b"}}`, &struct {
			Name string         `json:"name"`
			X    map[string]any `json:"x"`
		}{}, "", ""},
		{"map keys are not field names", `{"m":{"ANY":1,"any":2}}`, &struct {
			M map[string]int `json:"m"`
		}{}, "", ""},
		{"duplicate map key", `{"m":{"a":1,"a":2}}`, &struct {
			M map[string]int `json:"m"`
		}{}, "m.a", "api.json_duplicate_key"},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
		err := Decode(httptest.NewRecorder(), r, c.dst)
		if c.key == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e, ok := errs.As(err)
		if !ok || e.Code != "bad_json" || e.Key != c.key || e.Kind != errs.KindInvalid {
			t.Errorf("%s: got %v, want bad_json %s", c.name, err, c.key)
			continue
		}
		if _, ok := e.Fields[c.field]; !ok || len(e.Fields) != 1 {
			t.Errorf("%s: fields %v, want %q", c.name, e.Fields, c.field)
		}
	}
}

// The value that was decoded is the value that was sent, not a fold of it.
func TestDecodeStrictFillsExactKeys(t *testing.T) {
	var in activityLikeInput
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"title":"t","checkpoints":[{"name":"a","rotate_seconds":30}]}`))
	if err := Decode(httptest.NewRecorder(), r, &in); err != nil {
		t.Fatal(err)
	}
	if in.Title != "t" || len(in.Checkpoints) != 1 || in.Checkpoints[0].RotateSeconds != 30 {
		t.Fatalf("decoded %+v", in)
	}
}
