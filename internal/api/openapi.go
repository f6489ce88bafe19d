package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The OpenAPI 3.1 document is built from the route table: each route's op
// (its name, body and answers as Go values) and the notes the modules keep
// on their types. It is built once, at start-up (New), and served as is.

// openAPI: GET /openapi.json, without authentication.
func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := h.OpenAPIDoc()
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b) // a failed write means the client went away
	return nil
}

// OpenAPIDoc is the document Mount built.
func (h *Handler) OpenAPIDoc() ([]byte, error) {
	if h.doc == nil {
		return nil, errors.New("api: the document is built by Mount")
	}
	return h.doc, nil
}

// omap is a JSON object that keeps its keys in the order they were set.
type omap struct {
	keys []string
	vals map[string]any
}

func (m *omap) set(k string, v any) {
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

func (m *omap) get(k string) any { return m.vals[k] }

func (m *omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(m.vals[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// buildOpenAPI writes the document of routes.
func buildOpenAPI(routes []Route, ns Notes) ([]byte, error) {
	if err := ns.resolveNested(); err != nil {
		return nil, err
	}
	set := newSchemaSet(ns)
	set.of(reflect.TypeFor[errorBody](), false)
	paths := &omap{}
	usedTags := map[string]bool{}
	var problems []string
	for _, rt := range routes {
		o := rt.Doc
		if o.id == "" || o.summary == "" || o.tag == "" || len(o.answers) == 0 {
			problems = append(problems, fmt.Sprintf("%s %s: no id, summary, tag or answer", rt.Method, rt.Path))
			continue
		}
		usedTags[o.tag] = true
		item, _ := paths.get(Prefix + rt.Path).(*omap)
		if item == nil {
			item = &omap{}
			paths.set(Prefix+rt.Path, item)
		}
		item.set(strings.ToLower(rt.Method), operation(set, rt))
	}
	problems = append(problems, set.err...)
	if len(problems) > 0 {
		return nil, fmt.Errorf("openapi: %s", strings.Join(problems, "; "))
	}
	var tags []any
	for _, t := range apiTags {
		if usedTags[t[0]] {
			tags = append(tags, map[string]string{"name": t[0], "description": t[1]})
			delete(usedTags, t[0])
		}
	}
	for t := range usedTags {
		return nil, fmt.Errorf("openapi: tag %s has no description in apiTags", t)
	}
	schemas := &omap{}
	for name, s := range baseSchemas() {
		set.schemas[name] = s
	}
	names := make([]string, 0, len(set.schemas))
	for n := range set.schemas {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		schemas.set(n, set.schemas[n])
	}
	doc := &omap{}
	doc.set("openapi", "3.1.0")
	doc.set("info", map[string]any{"title": "gonghui API", "version": "1", "description": apiIntro})
	doc.set("servers", []any{map[string]string{"url": "/"}})
	doc.set("security", []any{map[string][]string{"bearerAuth": {}}})
	doc.set("tags", tags)
	doc.set("paths", paths)
	comp := &omap{}
	comp.set("securitySchemes", map[string]any{"bearerAuth": map[string]string{
		"type": "http", "scheme": "bearer", "description": "a token from POST /api/v1/auth/token or POST /api/v1/users/{id}/tokens"}})
	comp.set("schemas", schemas)
	comp.set("parameters", componentParameters())
	comp.set("responses", componentResponses(set.usedErrors))
	comp.set("headers", componentHeaders())
	doc.set("components", comp)
	return json.MarshalIndent(doc, "", "  ")
}

// operation writes one route's operation object.
func operation(set *schemaSet, rt Route) *omap {
	o := rt.Doc
	out := &omap{}
	out.set("tags", []string{o.tag})
	out.set("summary", o.summary)
	if o.desc != "" {
		out.set("description", o.desc)
	}
	out.set("operationId", o.id)
	if rt.Access == Public {
		out.set("security", []any{})
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		if _, ok := pathParams[m[1]]; !ok {
			// A name no route used before: an ID, described inline.
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": Ref("ID")})
			continue
		}
		params = append(params, map[string]string{"$ref": "#/components/parameters/" + m[1]})
	}
	for _, p := range o.query {
		if p.Ref != "" {
			params = append(params, map[string]string{"$ref": "#/components/parameters/" + p.Ref})
			continue
		}
		q := &omap{}
		q.set("name", p.name)
		q.set("in", "query")
		q.set("schema", p.schema)
		if p.desc != "" {
			q.set("description", p.desc)
		}
		params = append(params, q)
	}
	if len(params) > 0 {
		out.set("parameters", params)
	}
	if o.body != nil {
		ct := o.bodyType
		if ct == "" {
			ct = "application/json"
		}
		content := map[string]any{ct: map[string]any{"schema": bodySchema(set, o.body, true)}}
		if o.bodyJSON != nil {
			content["application/json"] = map[string]any{"schema": bodySchema(set, o.bodyJSON, true)}
		}
		out.set("requestBody", map[string]any{"required": o.bodyRequired, "content": content})
	}
	responses := &omap{}
	for _, a := range o.answers {
		responses.set(strconv.Itoa(a.status), answerObject(set, a))
	}
	for _, st := range errorStatuses(rt) {
		key := strconv.Itoa(st)
		if i := slices.IndexFunc(o.fails, func(a answer) bool { return a.status == st }); i >= 0 {
			responses.set(key, map[string]any{"description": o.fails[i].desc,
				"content": map[string]any{"application/json": map[string]any{"schema": Ref("Error")}}})
			continue
		}
		name, ok := errorResponses[st]
		if !ok {
			set.err = append(set.err, fmt.Sprintf("openapi: %s %s: no shared answer for %d; describe it with fail", rt.Method, rt.Path, st))
			continue
		}
		set.usedErrors[st] = true
		responses.set(key, map[string]string{"$ref": "#/components/responses/" + name})
	}
	out.set("responses", responses)
	return out
}

func answerObject(set *schemaSet, a answer) *omap {
	r := &omap{}
	r.set("description", a.desc)
	content := &omap{}
	if a.body != nil {
		content.set("application/json", map[string]any{"schema": bodySchema(set, a.body, false)})
	}
	cts := make([]string, 0, len(a.files))
	for ct := range a.files {
		cts = append(cts, ct)
	}
	slices.Sort(cts)
	for _, ct := range cts {
		s := &Schema{Type: "string"}
		if a.files[ct] == "binary" {
			s.Format = "binary"
		}
		content.set(ct, map[string]any{"schema": s})
	}
	if len(content.keys) > 0 {
		r.set("content", content)
	}
	headers := map[string]any{}
	if a.location {
		headers["Location"] = map[string]string{"$ref": "#/components/headers/Location"}
	}
	switch a.disposition {
	case 1:
		headers["Content-Disposition"] = map[string]string{"$ref": "#/components/headers/Content-Disposition"}
	case 2:
		headers["Content-Disposition"] = map[string]string{"$ref": "#/components/headers/Content-Disposition-Optional"}
	}
	if len(headers) > 0 {
		r.set("headers", headers)
	}
	return r
}

// bodySchema is the schema of a body given as a Go value, a *schema or a
// oneOf of Go values.
func bodySchema(set *schemaSet, v any, in bool) *Schema {
	switch b := v.(type) {
	case *Schema:
		return b
	case OneOf:
		s := &Schema{Description: b.desc}
		for _, t := range b.Types {
			s.OneOf = append(s.OneOf, bodySchema(set, t, in))
		}
		if b.name == "" {
			return s
		}
		set.schemas[b.name] = s
		return Ref(b.name)
	}
	return set.of(reflect.TypeOf(v), in)
}

// errorResponses names the shared error answers by status.
var errorResponses = map[int]string{400: "BadRequest", 401: "Unauthenticated", 403: "Forbidden", 404: "NotFound",
	409: "Conflict", 413: "TooLarge", 415: "MediaType", 422: "Unprocessable", 423: "Locked", 429: "TooManyRequests"}

// errorStatuses are the error answers of a route: those its shape implies
// (a token can be missing, a staff route refused, a path ID unknown, a body
// or query malformed) and those its op adds.
func errorStatuses(rt Route) []int {
	o := rt.Doc
	var st []int
	if rt.Access != Public {
		st = append(st, 401)
	}
	if rt.Access == Full || rt.Access == Either {
		st = append(st, 403)
	}
	if strings.Contains(rt.Path, "{") || rt.Access == Self {
		st = append(st, 404)
	}
	if o.body != nil {
		st = append(st, 400, 413, 422)
		if o.bodyType == "" || o.bodyJSON != nil {
			st = append(st, 415)
		}
	}
	if len(o.query) > 0 {
		st = append(st, 400, 422)
	}
	st = append(st, o.errs...)
	for _, f := range o.fails {
		st = append(st, f.status)
	}
	slices.Sort(st)
	return slices.Compact(st)
}
