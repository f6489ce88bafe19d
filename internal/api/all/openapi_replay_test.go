package all_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"gonghui/internal/api"
	"gonghui/internal/api/all"
)

// The served OpenAPI document is held to what the server really does: the
// fixture's server passes every exchange of every API test through a
// contract, which checks the answer against the document (status, headers,
// body) and the request too when the server accepted it. A test whose
// traffic breaks the document fails and lists the exchanges.

// served is the document as GET /api/v1/openapi.json sends it, loaded and
// validated once, with a router over its paths.
var served struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func servedContract() (*openapi3.T, routers.Router, error) {
	served.once.Do(func() {
		mux := http.NewServeMux()
		if _, served.err = all.Mount(mux, all.Deps{}); served.err != nil {
			return
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", api.Prefix+"/openapi.json", nil))
		if rec.Code != http.StatusOK {
			served.err = fmt.Errorf("GET openapi.json: %d", rec.Code)
			return
		}
		// The calendar file is text the validator need not parse.
		openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.FileBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(rec.Body.Bytes())
		if err != nil {
			served.err = fmt.Errorf("load: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			served.err = fmt.Errorf("validate: %w", err)
			return
		}
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			served.err = fmt.Errorf("router: %w", err)
			return
		}
		served.doc, served.router = doc, r
	})
	return served.doc, served.router, served.err
}

// contract collects the exchanges that break the document.
type contract struct {
	router routers.Router
	mu     sync.Mutex
	seen   int
	breaks []string
}

func newContract(t testing.TB) *contract {
	t.Helper()
	_, r, err := servedContract()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &contract{router: r}
}

// checked wraps the fixture's server so that the test fails, at its end,
// listing every exchange that broke the document.
func checked(t *testing.T, next http.Handler) http.Handler {
	c := newContract(t)
	t.Cleanup(func() { c.report(t) })
	return c.wrap(next)
}

func (c *contract) report(t testing.TB) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.breaks) > 0 {
		t.Errorf("%d of %d responses break openapi.json:\n%s", len(c.breaks), c.seen, strings.Join(c.breaks, "\n"))
		return
	}
	t.Logf("%d responses checked against openapi.json", c.seen)
}

// tee is a ResponseWriter that keeps a copy of what it passes on.
type tee struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *tee) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *tee) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *tee) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (c *contract) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		// The handler may change the request it is given; the copy checked
		// is the one the client sent.
		sent := r.Clone(context.Background())
		sent.Body = io.NopCloser(bytes.NewReader(body))
		tw := &tee{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		if tw.status == 0 {
			tw.status = http.StatusOK
		}
		if problem := c.check(sent, tw.status, w.Header().Clone(), tw.body.Bytes()); problem != "" {
			c.mu.Lock()
			c.breaks = append(c.breaks, fmt.Sprintf("  %s %s -> %d: %s", sent.Method, sent.URL.RequestURI(), tw.status, problem))
			c.mu.Unlock()
		}
		c.mu.Lock()
		c.seen++
		c.mu.Unlock()
	})
}

// check says what is wrong with one exchange, or "".
func (c *contract) check(req *http.Request, status int, header http.Header, body []byte) string {
	ctx := context.Background()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		// A path or method the API does not have is answered 404 or 405
		// and is rightly absent from the document.
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return ""
		}
		return "no such operation in the document: " + err.Error()
	}
	// The server reads a body sent without a type, as text/plain or as a
	// form as JSON (the document's introduction says so): check it as such.
	if req.ContentLength != 0 {
		switch ct, _, _ := strings.Cut(req.Header.Get("Content-Type"), ";"); strings.TrimSpace(strings.ToLower(ct)) {
		case "", "text/plain", "application/x-www-form-urlencoded":
			req.Header.Set("Content-Type", "application/json")
		}
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	// A request the server refused may well break the document (the tests
	// send bad input on purpose); one it accepted must not.
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && status < 400 {
		return "the server accepted a request the document refuses: " + oneLine(err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: opts}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return oneLine(err)
	}
	return ""
}

func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// kin-openapi loads the served document and finds it valid OpenAPI.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, _, err := servedContract()
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %s", doc.OpenAPI)
	}
}

// The contract catches an answer that breaks the document, a request the
// server accepted although the document refuses it, and a path it lacks;
// it lets through a good answer and a refused bad request.
func TestContractCatchesBreakingAnswers(t *testing.T) {
	c := newContract(t)
	srv := httptest.NewServer(c.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v1/me": // neither a staff nor a member answer
			_, _ = io.WriteString(w, `{"user":{},"member":{}}`)
		case "/api/v1/orgs": // accepts anything
			w.Header().Set("Location", "/api/v1/orgs/1")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{}`)
		case "/api/v1/auth/token": // refuses a bad body, as documented
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, `{"error":{"code":"validation_failed","message":"x","fields":{"password":"x"}}}`)
		case "/api/v1/undocumented":
			_, _ = io.WriteString(w, `{}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"code":"not_found","message":"x","fields":{}}}`)
		}
	})))
	defer srv.Close()
	send := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	send("GET", "/api/v1/me", "")
	send("POST", "/api/v1/orgs", `{"nonsense":1}`)
	send("POST", "/api/v1/auth/token", `{"username":"x"}`)
	send("GET", "/api/v1/undocumented", "")
	send("GET", "/api/v1/nowhere", "")
	c.mu.Lock()
	defer c.mu.Unlock()
	got := strings.Join(c.breaks, "\n")
	for _, want := range []string{"GET /api/v1/me -> 200", "POST /api/v1/orgs -> 201: the server accepted", "GET /api/v1/undocumented -> 200: no such operation"} {
		if !strings.Contains(got, want) {
			t.Errorf("not caught: %s\nin:\n%s", want, got)
		}
	}
	if len(c.breaks) != 3 || c.seen != 5 {
		t.Errorf("%d breaks of %d exchanges:\n%s", len(c.breaks), c.seen, got)
	}
}
