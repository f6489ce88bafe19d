package all

import (
	"encoding/json"
	"gonghui/internal/api"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// builtDoc is the document the handler serves.
func builtDoc(t testing.TB) []byte {
	t.Helper()
	h, err := Mount(http.NewServeMux(), Deps{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.OpenAPIDoc()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The OpenAPI document parses, and it names exactly the routes the handler
// registers: every route is documented and nothing documented is missing.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			SecuritySchemes map[string]struct {
				Type   string `json:"type"`
				Scheme string `json:"scheme"`
			} `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(builtDoc(t), &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("bearer security scheme missing: %+v", s)
	}

	// Register on a real mux so that the routes walked are those served.
	mux := http.NewServeMux()
	h, err := Mount(mux, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, rt := range h.RouteTable() {
		key := strings.ToLower(rt.Method) + " " + api.Prefix + rt.Path
		registered[key] = true
		req := httptest.NewRequest(rt.Method, strings.NewReplacer("{id}", "1", "{employer_id}", "2", "{grant_id}", "3").Replace(api.Prefix+rt.Path), nil)
		if _, pattern := mux.Handler(req); pattern != rt.Method+" "+api.Prefix+rt.Path {
			t.Errorf("%s %s is served by %q", rt.Method, rt.Path, pattern)
		}
	}
	documented := map[string]bool{}
	methods := []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}
	for path, ops := range doc.Paths {
		for m := range ops {
			if slices.Contains(methods, m) {
				documented[m+" "+path] = true
			}
		}
	}
	for k := range registered {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !registered[k] {
			t.Errorf("openapi.json documents %s, which is not a route", k)
		}
	}
}

// Every $ref in the document points at something that exists.
func TestOpenAPIReferencesResolve(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(builtDoc(t), &doc); err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`"\$ref":\s*"#/([^"]+)"`).FindAllSubmatch(builtDoc(t), -1)
	if len(refs) == 0 {
		t.Fatal("no references")
	}
	for _, m := range refs {
		var node any = doc
		for _, part := range strings.Split(string(m[1]), "/") {
			obj, ok := node.(map[string]any)
			if !ok {
				node = nil
				break
			}
			node = obj[part]
		}
		if node == nil {
			t.Errorf("dangling reference #/%s", m[1])
		}
	}
}
