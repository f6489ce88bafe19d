package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestAssetURL(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "favicon.svg"} {
		f, ok := statics()[name]
		if !ok {
			t.Fatalf("%s not embedded", name)
		}
		sum := sha256.Sum256(f.body)
		want := "/static/" + hex.EncodeToString(sum[:])[:8] + "/" + name
		if got := AssetURL(name); got != want {
			t.Errorf("AssetURL(%q) = %q, want %q", name, got, want)
		}
	}
	if !regexp.MustCompile(`^/static/[0-9a-f]{8}/nope\.css$`).MatchString(AssetURL("nope.css")) {
		t.Errorf("unknown asset URL %q", AssetURL("nope.css"))
	}
}

func fetchStatic(t *testing.T, method, url string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	StaticHandler().ServeHTTP(w, r)
	return w
}

func TestStaticHandler(t *testing.T) {
	types := map[string]string{
		"app.css":     "text/css; charset=utf-8",
		"app.js":      "text/javascript; charset=utf-8",
		"favicon.svg": "image/svg+xml",
	}
	for name, ctype := range types {
		w := fetchStatic(t, "GET", AssetURL(name))
		if w.Code != 200 {
			t.Fatalf("%s: %d", name, w.Code)
		}
		h := w.Header()
		if h.Get("Content-Type") != ctype {
			t.Errorf("%s: Content-Type %q", name, h.Get("Content-Type"))
		}
		if h.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", name, h.Get("Cache-Control"))
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", name)
		}
		if !bytes.Equal(w.Body.Bytes(), statics()[name].body) {
			t.Errorf("%s: body differs", name)
		}
		if h.Get("ETag") == "" {
			t.Errorf("%s: no ETag", name)
		}

		// Revalidation.
		w2 := fetchStatic(t, "GET", AssetURL(name), "If-None-Match", h.Get("ETag"))
		if w2.Code != http.StatusNotModified {
			t.Errorf("%s: If-None-Match gave %d", name, w2.Code)
		}

		// A stale hash serves the current file with a short cache.
		w3 := fetchStatic(t, "GET", "/static/00000000/"+name)
		if w3.Code != 200 || !bytes.Equal(w3.Body.Bytes(), statics()[name].body) {
			t.Errorf("%s: stale hash gave %d", name, w3.Code)
		}
		if cc := w3.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=") {
			t.Errorf("%s: stale Cache-Control %q", name, cc)
		}
	}

	// Gzip when accepted, for the big text files.
	w := fetchStatic(t, "GET", AssetURL("app.css"), "Accept-Encoding", "br, gzip")
	if w.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("no gzip: %v", w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, statics()["app.css"].body) {
		t.Error("gzip body differs")
	}
	if w := fetchStatic(t, "GET", AssetURL("app.css"), "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still compressed")
	}

	// Behind StripPrefix the path starts with the hash.
	r := httptest.NewRequest("GET", AssetURL("app.js"), nil)
	rec := httptest.NewRecorder()
	http.StripPrefix("/static", StaticHandler()).ServeHTTP(rec, r)
	if rec.Code != 200 {
		t.Errorf("behind StripPrefix: %d", rec.Code)
	}

	// HEAD has headers and no body.
	if w := fetchStatic(t, "HEAD", AssetURL("app.js")); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes", w.Code, w.Body.Len())
	}

	for _, u := range []string{"/static/abcdef12/nope.css", "/static/app.css", "/static/", "/static/x/../app.css", "/static/" + statics()["app.css"].hash + "/"} {
		if w := fetchStatic(t, "GET", u); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", u, w.Code)
		}
	}
	if w := fetchStatic(t, "POST", AssetURL("app.css")); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
}

func TestAcceptsGzip(t *testing.T) {
	cases := map[string]bool{"": false, "gzip": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false,
		"gzip; q=0.0": false, "*": true, "br": false, "GZIP": true, "gzip;q=1.0": true}
	for h, want := range cases {
		if got := acceptsGzip(h); got != want {
			t.Errorf("%q: %v", h, got)
		}
	}
}
