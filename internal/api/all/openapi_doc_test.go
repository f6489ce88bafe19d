package all

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonghui/internal/auth"
)

// noDuplicateKeys walks a JSON document token by token and names every
// object key written twice: encoding/json keeps the last silently, but
// stricter parsers (Redocly's among them) refuse such a document.
func noDuplicateKeys(doc []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var dups []string
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k := kt.(string)
				if seen[k] {
					dups = append(dups, path+"/"+k)
				}
				seen[k] = true
				if err := walk(path + "/" + k); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(path + "/" + strconv.Itoa(i)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the document")
	}
	return dups, nil
}

func TestOpenAPIHasNoDuplicateKeys(t *testing.T) {
	dups, err := noDuplicateKeys(builtDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dups {
		t.Errorf("openapi.json: key %s written twice", d)
	}
	// The walk itself finds one.
	if dups, err := noDuplicateKeys([]byte(`{"a":{"b":[{"c":1,"c":2}]}}`)); err != nil || !slices.Equal(dups, []string{"/a/b/0/c"}) {
		t.Errorf("duplicate check: %v %v", dups, err)
	}
}

// permConstants reads every constant of type auth.Perm from the auth
// package's source, so that a permission added there and not here fails.
func permConstants(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../auth/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Perm" {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out = append(out, s)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no auth.Perm constants found")
	}
	return out
}

// docSchema is the part of a JSON docSchema these tests read.
type docSchema struct {
	Ref        string                `json:"$ref"`
	Type       any                   `json:"type"`
	Enum       []string              `json:"enum"`
	Required   []string              `json:"required"`
	Properties map[string]*docSchema `json:"properties"`
	Items      *docSchema            `json:"items"`
	OneOf      []*docSchema          `json:"oneOf"`
	Additional json.RawMessage       `json:"additionalProperties"`
}

type header struct {
	Ref      string `json:"$ref"`
	Required bool   `json:"required"`
}

type response struct {
	Ref     string                                 `json:"$ref"`
	Headers map[string]header                      `json:"headers"`
	Content map[string]struct{ Schema *docSchema } `json:"content"`
}

type document struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas   map[string]*docSchema `json:"schemas"`
		Responses map[string]response   `json:"responses"`
		Headers   map[string]header     `json:"headers"`
	} `json:"components"`
}

func loadDocument(t *testing.T) *document {
	t.Helper()
	var d document
	if err := json.Unmarshal(builtDoc(t), &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// GET /me lists the caller's permissions: the document's enum names every
// permission there is, and every role's.
func TestOpenAPIPermissionsAreAuths(t *testing.T) {
	d := loadDocument(t)
	staff := d.Components.Schemas["StaffMe"]
	if staff == nil || staff.Properties["permissions"] == nil || staff.Properties["permissions"].Items == nil {
		t.Fatal("StaffMe.permissions missing")
	}
	enum := staff.Properties["permissions"].Items.Enum
	want := permConstants(t)
	for _, r := range auth.Roles {
		for _, p := range r.Perms() {
			if !slices.Contains(want, string(p)) {
				want = append(want, string(p))
			}
		}
	}
	for _, p := range want {
		if !slices.Contains(enum, p) {
			t.Errorf("permission %s missing from GET /me's enum", p)
		}
	}
	for _, p := range enum {
		if !slices.Contains(want, p) {
			t.Errorf("GET /me's enum has %s, which auth does not define", p)
		}
	}
	// A member's GET /me is modelled too.
	me := d.Components.Schemas["Me"]
	if me == nil || len(me.OneOf) != 2 {
		t.Fatalf("Me is not staff or member: %+v", me)
	}
	if m := d.Components.Schemas["MemberMe"]; m == nil || !slices.Contains(m.Required, "member") {
		t.Error("MemberMe does not require member")
	}
}

// The branches of every oneOf of object schemas are told apart: each one
// is closed (additionalProperties false) and requires what the others lack,
// so an answer cannot match two.
func TestOpenAPIOneOfBranchesAreDistinct(t *testing.T) {
	d := loadDocument(t)
	resolve := func(s *docSchema) (*docSchema, string) {
		if s.Ref == "" {
			return s, "inline"
		}
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		return d.Components.Schemas[name], name
	}
	var visit func(where string, s *docSchema)
	seen := map[*docSchema]bool{}
	visit = func(where string, s *docSchema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		var objects []*docSchema
		var names []string
		for _, b := range s.OneOf {
			r, name := resolve(b)
			if r != nil && len(r.Properties) > 0 {
				objects, names = append(objects, r), append(names, name)
			}
		}
		for i, a := range objects {
			if string(a.Additional) != "false" {
				t.Errorf("%s: oneOf branch %s is not closed", where, names[i])
			}
			for j, b := range objects {
				if i == j {
					continue
				}
				// a is told from b when a requires a property b does not have.
				told := false
				for _, req := range a.Required {
					if _, ok := b.Properties[req]; !ok {
						told = true
					}
				}
				if !told && len(b.Required) > 0 {
					// or when b requires one a does not have (checked from b's side).
					for _, req := range b.Required {
						if _, ok := a.Properties[req]; !ok {
							told = true
						}
					}
				}
				if !told {
					t.Errorf("%s: oneOf branches %s and %s can both match", where, names[i], names[j])
				}
			}
		}
		for k, p := range s.Properties {
			visit(where+"."+k, p)
		}
		visit(where+"[]", s.Items)
		for _, b := range s.OneOf {
			visit(where+"|", b)
		}
	}
	for name, s := range d.Components.Schemas {
		visit(name, s)
	}
	if s := d.Components.Schemas["MemberActivity"]; s == nil || s.Properties["photos"] == nil || !slices.Contains(s.Required, "photos") {
		t.Error("MemberActivity lacks its photos")
	}
}

// The headers the server sends are documented: Location on every 201,
// the bearer challenge on every 401, Content-Disposition on every file.
func TestOpenAPIDocumentsResponseHeaders(t *testing.T) {
	d := loadDocument(t)
	has := func(r response, name string, required bool) bool {
		if r.Ref != "" {
			r = d.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
		}
		h, ok := r.Headers[name]
		if !ok {
			return false
		}
		if h.Ref != "" {
			h = d.Components.Headers[strings.TrimPrefix(h.Ref, "#/components/headers/")]
		}
		return h.Required || !required
	}
	methods := []string{"get", "put", "post", "delete", "patch"}
	for path, ops := range d.Paths {
		for m, raw := range ops {
			if !slices.Contains(methods, m) {
				continue
			}
			var op struct{ Responses map[string]response }
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			for st, r := range op.Responses {
				switch st {
				case "201":
					if !has(r, "Location", true) {
						t.Errorf("%s %s 201: no Location", m, path)
					}
				case "401":
					if !has(r, "WWW-Authenticate", true) {
						t.Errorf("%s %s 401: no WWW-Authenticate", m, path)
					}
				}
				for ct := range r.Content {
					if strings.Contains(ct, "spreadsheetml") || ct == "text/calendar" {
						if !has(r, "Content-Disposition", len(r.Content) == 1) {
							t.Errorf("%s %s %s (%s): no Content-Disposition", m, path, st, ct)
						}
					}
				}
			}
		}
	}
}
