package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"gonghui/internal/errs"
)

// strictKeys refuses what encoding/json lets through silently: a key that
// appears twice in one object (encoding/json keeps the last value, so a
// proxy or a validator that reads the first one sees a different request
// from the one we act on) and a key whose case differs from the field's
// name (encoding/json matches case-insensitively, so {"USERNAME": ...}
// would fill username). It walks the tokens of body alongside the Go type
// dst, at any depth. Syntax errors are left for the decoder that follows,
// which words them better; strictKeys only says nil or bad_json.
func strictKeys(body []byte, dst reflect.Type) error {
	type frame struct {
		obj     bool
		wantKey bool         // in an object: the next token is a key or '}'
		typ     reflect.Type // struct whose keys are checked; nil when any key goes
		elem    reflect.Type // type of the values (of arrays, maps, or the current key)
		key     string       // in an object: the key whose value is being read
		seen    map[string]struct{}
	}
	// path names key of the innermost object as the client wrote it, for
	// the message; built only then, since depth times length would be
	// quadratic on every request.
	path := func(stack []frame, key string) string {
		var b strings.Builder
		for _, f := range stack[:len(stack)-1] {
			if f.obj {
				b.WriteString(f.key)
				b.WriteByte('.')
			}
		}
		b.WriteString(key)
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // a number out of float64 range is the decoder's to report
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF or a syntax error: decode reports it
		}
		t := dst
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
				stack = stack[:n-1]
				if len(stack) == 0 {
					return nil
				}
				continue
			}
			if top.wantKey {
				key, _ := tok.(string)
				if _, dup := top.seen[key]; dup {
					p := path(stack, key)
					return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.json_duplicate_key", Args: []any{p},
						Fields: map[string]errs.Field{p: {Key: "api.field.duplicate_key"}}}
				}
				top.seen[key] = struct{}{}
				top.wantKey, top.key = false, key
				if top.typ == nil {
					continue
				}
				ft, exact, ok := fieldByKey(top.typ, key)
				if ok && exact != key {
					p := path(stack, key)
					return &errs.Error{Kind: errs.KindInvalid, Code: "bad_json", Key: "api.json_key_case", Args: []any{p, exact},
						Fields: map[string]errs.Field{p: {Key: "api.field.key_case", Args: []any{exact}}}}
				}
				// An unknown key is left for DisallowUnknownFields, which
				// folds case exactly as the match above does.
				top.elem = ft
				continue
			}
			t = top.elem
			if top.obj {
				top.wantKey = true
			}
		}
		d, ok := tok.(json.Delim)
		if !ok {
			if len(stack) == 0 {
				return nil
			}
			continue
		}
		if len(stack) >= maxStrictDepth {
			return nil // encoding/json refuses this nesting itself
		}
		t = plain(t)
		var f frame
		switch {
		case d == '{':
			f.obj, f.wantKey, f.seen = true, true, map[string]struct{}{}
			if t != nil && t.Kind() == reflect.Struct {
				f.typ = t
			} else if t != nil && t.Kind() == reflect.Map {
				f.elem = t.Elem()
			}
		case t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			f.elem = t.Elem()
		}
		stack = append(stack, f)
	}
}

// maxStrictDepth matches encoding/json's own nesting limit.
const maxStrictDepth = 10000

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// plain is t without pointers, or nil when its keys are not ours to check:
// an interface, or a type that decodes itself.
func plain(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		return nil
	}
	return t
}

// fieldByKey finds the field of struct t that key names, with case folded
// as encoding/json folds it; exact is the field's JSON name.
func fieldByKey(t reflect.Type, key string) (ft reflect.Type, exact string, ok bool) {
	fields := jsonNames(t)
	if ft, ok := fields[key]; ok {
		return ft, key, true
	}
	for name, ft := range fields {
		if strings.EqualFold(name, key) {
			return ft, name, true
		}
	}
	return nil, "", false
}

var jsonNamesCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonNames maps the JSON names of struct t's fields, those of untagged
// embedded structs included, to their types; where names clash the
// shallower field wins, as in encoding/json.
func jsonNames(t reflect.Type) map[string]reflect.Type {
	if m, ok := jsonNamesCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	depth := map[string]int{}
	var walk func(t reflect.Type, d int)
	walk = func(t reflect.Type, d int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, d+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if old, ok := depth[name]; !ok || d < old {
				m[name], depth[name] = f.Type, d
			}
		}
	}
	walk(t, 0)
	jsonNamesCache.Store(t, m)
	return m
}
