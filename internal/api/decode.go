package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// maxBody caps every request body.
const maxBody = 1 << 20

// ID is an identifier in a request body: a JSON string that db.ParseID
// accepts. Anything else is a field error naming the field.
type ID string

// Parse checks the ID of field; an empty ID is 0 (and an error when required).
func (id ID) Parse(f errs.Fields, field string, required bool) int64 {
	if id == "" {
		f.Check(!required, field, "field.required")
		return 0
	}
	n, ok := db.ParseID(string(id))
	f.Check(ok, field, "field.invalid_id")
	return n
}

// Only checks an ID that is the one field of its body to check.
func (id ID) Only(field string, required bool) (int64, error) {
	f := errs.Fields{}
	n := id.Parse(f, field, required)
	return n, f.Err()
}

var idType = reflect.TypeFor[ID]()

// Decode reads the body of r as exactly one JSON object into dst, refusing
// unknown fields, keys repeated or in the wrong case (see strictKeys),
// bodies over maxBody and content that does not say it is JSON. An empty
// body decodes as {}. Every API request body goes through here.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if !jsonContentType(r.Header.Get("Content-Type")) {
		return &errs.Error{Kind: errs.KindInvalid, Code: "unsupported_media_type", Key: "api.unsupported_media_type"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &errs.Error{Kind: errs.KindInvalid, Code: "body_too_large", Key: "api.body_too_large", Args: []any{maxBody >> 20}}
		}
		return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.body_unreadable", Err: err}
	}
	switch trimmed := bytes.TrimSpace(body); {
	case len(trimmed) == 0:
		body = []byte("{}")
	case bytes.Equal(trimmed, []byte("null")):
		// encoding/json leaves dst untouched for null, which would read as
		// an empty object: a client that sent null meant something else.
		return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.body_not_object"}
	}
	if err := strictKeys(body, reflect.TypeOf(dst)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, reflect.TypeOf(dst))
	}
	if _, err := dec.Token(); err != io.EOF {
		return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.single_value"}
	}
	return nil
}

// jsonContentType says whether a body of this type may be read as JSON:
// application/json and any +json type, and also none, text/plain and the
// form type that command-line clients send by default (curl -d), since the
// body must parse as JSON anyway. Types that are plainly something else
// (multipart forms, XML, ...) are refused.
func jsonContentType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json", "text/json", "text/plain", "application/x-www-form-urlencoded":
		return true
	}
	return strings.HasSuffix(mt, "+json")
}

// decodeError turns an encoding/json error into a coded one; dst is the
// type decoded into.
func decodeError(err error, dst reflect.Type) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.body_object", Err: err}
		}
		return FieldErr(jsonField(dst, typeErr.Field), wantKey(typeErr.Type))
	case errors.As(err, &syntaxErr):
		return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.bad_json_at", Args: []any{syntaxErr.Offset}, Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.bad_json_truncated", Err: err}
	}
	// encoding/json reports an unknown field only in its message.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &errs.Error{Kind: errs.KindInvalid, Code: "unknown_field", Key: "error.unknown_field", Args: []any{name},
			Fields: map[string]errs.Field{name: {Key: "api.field.unknown"}}}
	}
	return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.bad_json_at", Args: []any{0}, Err: err}
}

// jsonField drops from an encoding/json field path the Go names of
// embedded structs, which encoding/json puts there but no client wrote:
// "Input.capacity" is the field "capacity".
func jsonField(t reflect.Type, path string) string {
	var out []string
	for _, seg := range strings.Split(path, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			out, t = append(out, seg), nil
			continue
		}
		if f, ok := t.FieldByName(seg); ok && f.Anonymous && f.Tag.Get("json") == "" {
			t = f.Type
			continue
		}
		out, t = append(out, seg), jsonFieldType(t, seg)
	}
	return strings.Join(out, ".")
}

// jsonFieldType is the type of the field of struct t that JSON calls name,
// nil when there is none.
func jsonFieldType(t reflect.Type, name string) reflect.Type {
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous || !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name || (tag == "" && f.Name == name) {
			return f.Type
		}
	}
	return nil
}

// wantKey names the JSON type a Go field wants.
func wantKey(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == idType {
		return "field.invalid_id"
	}
	switch t.Kind() {
	case reflect.String:
		return "api.field.want_string"
	case reflect.Bool:
		return "api.field.want_boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "field.not_a_number"
	case reflect.Float32, reflect.Float64:
		return "api.field.want_number"
	case reflect.Slice, reflect.Array:
		return "api.field.want_array"
	}
	return "api.field.want_object"
}

// PathID reads an ID from the URL path; one that cannot exist is not found.
func PathID(r *http.Request, name string) (int64, error) {
	id, ok := db.ParseID(r.PathValue(name))
	if !ok {
		return 0, errs.NotFound(name)
	}
	return id, nil
}

// Page is the list convention: ?limit= (default 50, at most 200) and
// ?cursor= (opaque; empty for the first page).
type Page struct {
	Limit  int
	Cursor string
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

// Query reads query parameters, collecting field errors.
type Query struct {
	R *http.Request
	F errs.Fields
}

func NewQuery(r *http.Request) *Query { return &Query{R: r, F: errs.Fields{}} }

func (q *Query) Str(name string) string { return strings.TrimSpace(q.R.URL.Query().Get(name)) }

// Page reads ?limit= and ?cursor=.
func (q *Query) Page() Page {
	p := Page{Limit: defaultLimit, Cursor: q.Str("cursor")}
	if s := q.Str("limit"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			q.F.Add("limit", "field.not_a_number")
		case n < 1:
			q.F.Add("limit", "field.out_of_range", 1, maxLimit)
		default:
			p.Limit = min(n, maxLimit)
		}
	}
	return p
}

// ID reads an optional ID parameter.
func (q *Query) ID(name string) int64 {
	return ID(q.Str(name)).Parse(q.F, name, false)
}

// Boolean reads an optional true/false parameter.
func (q *Query) Boolean(name string) *bool {
	switch strings.ToLower(q.Str(name)) {
	case "":
		return nil
	case "true", "1", "yes":
		v := true
		return &v
	case "false", "0", "no":
		v := false
		return &v
	}
	q.F.Add(name, "field.invalid_choice")
	return nil
}

// date reads an optional YYYY-MM-DD parameter.
func (q *Query) date(name string) time.Time {
	s := q.Str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		q.F.Add(name, "field.invalid_date")
	}
	return t
}

func (q *Query) Err() error { return q.F.Err() }

// SeqCursor reads a numeric cursor (a user ID or an audit sequence number).
func SeqCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, ok := db.ParseID(s)
	if !ok {
		return 0, errBadCursor()
	}
	return n, nil
}

// List is the list shape: items and the cursor of the next page.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}

func NewList[T any](items []T, next string) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Next: next}
}

// MapList converts store records to their JSON views.
func MapList[S, T any](in []S, next string, f func(*S) T) List[T] {
	out := make([]T, len(in))
	for i := range in {
		out[i] = f(&in[i])
	}
	return NewList(out, next)
}

// IDString formats an optional ID: nil for 0.
func IDString(id int64) *string {
	if id == 0 {
		return nil
	}
	s := db.FormatID(id)
	return &s
}

// utc renders a time in UTC, or nil for the zero time.
func utc(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// Created answers 201 with a Location.
func Created(w http.ResponseWriter, location string, v any) error {
	w.Header().Set("Location", Prefix+location)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// OK answers 200.
func OK(w http.ResponseWriter, v any) error {
	writeJSON(w, http.StatusOK, v)
	return nil
}

// Cursor reads the list cursor: ?cursor= as every list takes it, or ?after=.
func (q *Query) Cursor(pg Page) string {
	if pg.Cursor != "" {
		return pg.Cursor
	}
	return q.Str("after")
}
