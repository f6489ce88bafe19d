package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The OpenAPI document's schemas are reflected from the Go types the
// handlers decode and answer, read the way encoding/json reads them: json
// tags name the properties, omitempty makes one optional, ",string" on an
// int64 makes it an ID, a pointer makes it nullable. What Go cannot say (an
// enum, a description, a limit) comes from the notes a module registers
// beside its routes (see typeNote).

// Schema is one JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it).
type Schema struct {
	Ref         string   `json:"$ref,omitempty"`
	Type        any      `json:"type,omitempty"` // a name, or a list of names
	Format      string   `json:"format,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	Description string   `json:"description,omitempty"`
	Enum        []any    `json:"enum,omitempty"`
	Const       any      `json:"const,omitempty"`
	Minimum     *float64 `json:"minimum,omitempty"`
	Maximum     *float64 `json:"maximum,omitempty"`
	MaxLength   *int     `json:"maxLength,omitempty"`
	MinItems    *int     `json:"minItems,omitempty"`
	MaxItems    *int     `json:"maxItems,omitempty"`
	Default     any      `json:"default,omitempty"`
	Examples    []any    `json:"examples,omitempty"`
	Items       *Schema  `json:"items,omitempty"`
	Properties  *omap    `json:"properties,omitempty"`
	Required    []string `json:"required,omitempty"`
	// AdditionalProperties is false (closed object) or a *schema (a map).
	AdditionalProperties any       `json:"additionalProperties,omitempty"`
	OneOf                []*Schema `json:"oneOf,omitempty"`
}

func Ref(name string) *Schema { return &Schema{Ref: "#/components/schemas/" + name} }

// nullable lets s be null too.
func nullable(s *Schema) *Schema {
	switch t := s.Type.(type) {
	case string:
		if s.Ref == "" && s.OneOf == nil {
			s.Type = []string{t, "null"}
			return s
		}
	case []string:
		if !slices.Contains(t, "null") {
			s.Type = append(t, "null")
		}
		return s
	}
	desc := s.Description
	s.Description = ""
	return &Schema{OneOf: []*Schema{s, {Type: "null"}}, Description: desc}
}

// FieldNote says of one property what its Go type cannot.
type FieldNote struct {
	Desc      string
	Enum      []string
	Format    string
	Pattern   string
	Min, Max  *float64
	MaxLength *int
	MinItems  *int
	MaxItems  *int
	Examples  []any
	Default   any
	Nullable  bool    // a slice or map that may be null
	Schema    *Schema // replaces the reflected schema
}

// TypeNote is what a module says about one of its Go types.
type TypeNote struct {
	Name   string               // the schema's name, if not the Go type's
	Desc   string               // the schema's description
	Fields map[string]FieldNote // by JSON name; "a.b" notes property b of field a's type
	// Required lists the properties a request must send; a request type's
	// fields are otherwise optional (a missing one is a 422, not a 400).
	Required []string
	// Optional lists properties an answer may leave out although Go always
	// writes them.
	Optional []string
	// Omit lists properties the API never writes (the handler clears them).
	Omit []string
}

// schemaSet reflects Go types into components/schemas.
type schemaSet struct {
	notes   map[reflect.Type]*TypeNote
	schemas map[string]*Schema
	names   map[reflect.Type]string
	owner   map[string]reflect.Type
	input   map[reflect.Type]bool
	err     []string
	// usedErrors are the shared error answers some route refers to.
	usedErrors map[int]bool
}

func newSchemaSet(notes map[reflect.Type]*TypeNote) *schemaSet {
	return &schemaSet{notes: notes, schemas: map[string]*Schema{}, names: map[reflect.Type]string{},
		owner: map[string]reflect.Type{}, input: map[reflect.Type]bool{}, usedErrors: map[int]bool{}}
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// typeName is the component name of a named Go type: the type's name with
// its first letter raised and a View suffix dropped (orgView is Org), and
// list[T] is TList.
func (s *schemaSet) typeName(t reflect.Type) string {
	if n := s.notes[t]; n != nil && n.Name != "" {
		return n.Name
	}
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		base := name[:i]
		args := strings.Split(strings.TrimSuffix(name[i+1:], "]"), ",")
		name = upperFirst(base)
		if base == "list" && t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName("Items"); ok {
				return s.typeName(f.Type.Elem()) + "List"
			}
		}
		for _, a := range args {
			name += upperFirst(a[strings.LastIndexByte(a, '.')+1:])
		}
		return name
	}
	name = strings.TrimSuffix(upperFirst(name), "View")
	return name
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// of answers the schema of a value of t, registering components on the way.
// in is true for what requests send.
func (s *schemaSet) of(t reflect.Type, in bool) *Schema {
	switch {
	case t == idType:
		return Ref("ID")
	case t == timeType:
		return &Schema{Type: "string", Format: "date-time"}
	case t == rawType:
		return &Schema{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := s.of(t.Elem(), in)
		if in {
			return inner // a request leaves the field out instead
		}
		return nullable(inner)
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: "string", Format: "byte"}
		}
		return &Schema{Type: "array", Items: s.of(t.Elem(), in)}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: s.of(t.Elem(), in)}
	case reflect.Interface:
		return &Schema{}
	case reflect.Struct:
		// An unnamed struct is inline, unless a note names it (a type
		// built at run time, e.g. report.DashboardType).
		if t.Name() == "" && (s.notes[t] == nil || s.notes[t].Name == "") {
			return s.object(t, in)
		}
		return s.component(t, in)
	}
	s.err = append(s.err, fmt.Sprintf("openapi: cannot describe %s", t))
	return &Schema{}
}

// component registers t under its name once and answers a reference.
func (s *schemaSet) component(t reflect.Type, in bool) *Schema {
	if name, ok := s.names[t]; ok {
		return Ref(name)
	}
	name := s.typeName(t)
	if other, ok := s.owner[name]; ok && other != t {
		s.err = append(s.err, fmt.Sprintf("openapi: %s and %s are both named %s: name one in its typeNote", other, t, name))
	}
	s.names[t], s.owner[name] = name, t
	s.input[t] = in
	s.schemas[name] = nil // taken, for recursive types
	s.schemas[name] = s.object(t, in)
	return Ref(name)
}

// object reflects a struct's fields as encoding/json writes them.
func (s *schemaSet) object(t reflect.Type, in bool) *Schema {
	out := &Schema{Type: "object", Properties: &omap{}, AdditionalProperties: false}
	note := s.notes[t]
	if note == nil {
		note = &TypeNote{}
	}
	out.Description = note.Desc
	s.fields(t, in, note, out)
	if in {
		out.Required = append([]string(nil), note.Required...)
	} else {
		out.Required = slices.DeleteFunc(out.Required, func(n string) bool { return slices.Contains(note.Optional, n) })
	}
	if len(out.Required) == 0 {
		out.Required = nil
	}
	for name := range note.Fields {
		base, _, nested := strings.Cut(name, ".")
		if _, ok := out.Properties.vals[base]; !ok && !nested {
			s.err = append(s.err, fmt.Sprintf("openapi: note on %s.%s, which has no such property", t, name))
		}
	}
	return out
}

func (s *schemaSet) fields(t reflect.Type, in bool, note *TypeNote, out *Schema, shadowed ...string) {
	// A field of the struct itself hides one of the same name in an
	// embedded struct, as in encoding/json.
	own := slices.Clone(shadowed)
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.Anonymous || name != "" {
			if name == "" {
				name = f.Name
			}
			own = append(own, name)
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if slices.Contains(shadowed, name) || (name == "" && !f.Anonymous && slices.Contains(shadowed, f.Name)) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				// An embedded struct's fields are the outer object's, and its
				// notes apply unless the outer type says otherwise.
				inner := s.notes[ft]
				merged := &TypeNote{Fields: map[string]FieldNote{}}
				if inner != nil {
					for k, v := range inner.Fields {
						merged.Fields[k] = v
					}
				}
				for k, v := range note.Fields {
					merged.Fields[k] = v
				}
				s.fields(ft, in, merged, out, own...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		optsList := strings.Split(opts, ",")
		if slices.Contains(note.Omit, name) {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer && slices.Contains(optsList, "omitempty") {
			// nil is left out, never written as null.
			ft = ft.Elem()
		}
		var fs *Schema
		if name == "next" && strings.HasPrefix(t.Name(), "list[") {
			fs = Ref("Cursor")
		} else if slices.Contains(optsList, "string") && ft.Kind() == reflect.Int64 {
			fs = Ref("ID")
		} else if slices.Contains(optsList, "string") && ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Int64 {
			fs = Ref("ID")
			if !in {
				fs = nullable(fs)
			}
		} else if ft.Kind() == reflect.String && (name == "id" || strings.HasSuffix(name, "_id")) {
			fs = Ref("ID")
		} else if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.String && (name == "id" || strings.HasSuffix(name, "_id")) {
			fs = Ref("ID")
			if !in {
				fs = nullable(fs)
			}
		} else {
			fs = s.of(ft, in)
		}
		if fn, ok := note.Fields[name]; ok {
			fs = applyNote(fs, fn)
		}
		out.Properties.set(name, fs)
		if !slices.Contains(optsList, "omitempty") && !slices.Contains(out.Required, name) {
			out.Required = append(out.Required, name)
		}
	}
}

// applyNote puts a field's note on its schema: on the items of an array
// for an enum or a format, on the schema itself otherwise.
func applyNote(fs *Schema, n FieldNote) *Schema {
	if n.Schema != nil {
		c := *n.Schema
		if c.Description == "" {
			c.Description = n.Desc
		}
		return &c
	}
	target := fs
	if fs.OneOf != nil && len(fs.OneOf) == 2 && fs.OneOf[1].Type == "null" {
		target = fs.OneOf[0]
	}
	if target.Ref != "" && (len(n.Enum) > 0 || n.Format != "" || n.Pattern != "") {
		target.Ref = ""
		target.Type = "string"
	}
	elem := target
	if (len(n.Enum) > 0 || n.Format != "" || n.Pattern != "" || n.MaxLength != nil) && target.Items != nil {
		elem = target.Items
	}
	if elem.Ref != "" && len(n.Enum) > 0 {
		elem.Ref, elem.Type = "", "string"
	}
	for _, e := range n.Enum {
		elem.Enum = append(elem.Enum, e)
	}
	if n.Format != "" {
		elem.Format = n.Format
	}
	if n.Pattern != "" {
		elem.Pattern = n.Pattern
	}
	if n.MaxLength != nil {
		elem.MaxLength = n.MaxLength
	}
	target.Minimum, target.Maximum = orF(n.Min, target.Minimum), orF(n.Max, target.Maximum)
	if n.MinItems != nil {
		target.MinItems = n.MinItems
	}
	if n.MaxItems != nil {
		target.MaxItems = n.MaxItems
	}
	if n.Examples != nil {
		target.Examples = n.Examples
	}
	if n.Default != nil {
		target.Default = n.Default
	}
	if n.Desc != "" {
		fs.Description = n.Desc
	}
	if n.Nullable {
		fs = nullable(fs)
	}
	return fs
}

func orF(a, b *float64) *float64 {
	if a != nil {
		return a
	}
	return b
}

// Helpers for notes.
func Num(f float64) *float64 { return &f }
func Count(n int) *int       { return &n }

// EnumOf turns a Go list of named strings into an enum.
func EnumOf[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Notes gathers the typeNotes of every module, keyed by Go type.
type Notes map[reflect.Type]*TypeNote

func Note[T any](ns Notes, n TypeNote) {
	t := reflect.TypeFor[T]()
	if old := ns[t]; old != nil && n.Name == "" {
		n.Name = old.Name
	}
	ns[t] = &n
}

// Named gives T's schema a name of its own (when two types share one).
func Named[T any](ns Notes, name string) {
	t := reflect.TypeFor[T]()
	if ns[t] == nil {
		ns[t] = &TypeNote{}
	}
	ns[t].Name = name
}

// resolveNested moves notes written as "field.sub" onto the type of field,
// so that a nested struct (a component of its own) carries them.
func (ns Notes) resolveNested() error {
	var errsOut []string
	for t, n := range ns {
		for key, fn := range n.Fields {
			head, rest, ok := strings.Cut(key, ".")
			if !ok {
				continue
			}
			ft, found := fieldType(t, head)
			if !found {
				errsOut = append(errsOut, fmt.Sprintf("%s: no field %s", t, head))
				continue
			}
			sub := ns[ft]
			if sub == nil {
				sub = &TypeNote{}
				ns[ft] = sub
			}
			if sub.Fields == nil {
				sub.Fields = map[string]FieldNote{}
			}
			sub.Fields[rest] = fn
			delete(n.Fields, key)
		}
	}
	if len(errsOut) > 0 {
		return fmt.Errorf("openapi notes: %s", strings.Join(errsOut, "; "))
	}
	return nil
}

// fieldType is the type under the JSON field name of t, through pointers,
// slices and maps.
func fieldType(t reflect.Type, name string) (reflect.Type, bool) {
	ft, ok := jsonNames(t)[name]
	for ok && (ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map) {
		ft = ft.Elem()
	}
	return ft, ok
}
