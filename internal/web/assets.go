package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var staticFS embed.FS

// hashLen is the number of hex digits of the content hash put in asset URLs.
const hashLen = 8

// Cache policies for static files. A URL whose hash matches the file's
// content never changes, so it may be cached for a year; an old hash (a page
// cached before a deploy) still gets the current file, but only briefly.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheStale     = "public, max-age=60"
)

type staticFile struct {
	hash  string // first hashLen hex digits of the SHA-256 of body
	body  []byte
	gz    []byte // gzip of body, when that is worth it; else nil
	ctype string
}

// statics maps a name relative to static/ (e.g. "app.css") to its file,
// the kernel's and every page package's; read once, after the packages'
// init functions have registered their files.
var statics = sync.OnceValue(func() map[string]*staticFile { return loadStatics(siteFiles()) })

func loadStatics(fsys fs.FS) map[string]*staticFile {
	files := map[string]*staticFile{}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &staticFile{
			hash:  hex.EncodeToString(sum[:])[:hashLen],
			body:  body,
			ctype: contentType(p),
		}
		if compressible(f.ctype) && len(body) > 512 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body)*9/10 {
				f.gz = buf.Bytes()
			}
		}
		files[strings.TrimPrefix(p, "static/")] = f
		return nil
	})
	if err != nil {
		panic("web: reading embedded static files: " + err.Error())
	}
	return files
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json", ".webmanifest":
		return "application/json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "image/svg") ||
		strings.HasPrefix(ctype, "application/json")
}

// AssetURL returns the cache-busting URL of a file under static/, e.g.
// AssetURL("app.css") == "/static/1a2b3c4d/app.css". An unknown name gets a
// URL that answers 404 (templates use the "asset" function, which fails
// instead, so a typo is caught by the tests).
func AssetURL(name string) string {
	if f, ok := statics()[name]; ok {
		return "/static/" + f.hash + "/" + name
	}
	return "/static/" + strings.Repeat("0", hashLen) + "/" + name
}

// Asset is the template function "asset": like AssetURL but an error for
// an unknown name.
func Asset(name string) (string, error) {
	if _, ok := statics()[name]; !ok {
		return "", &unknownAssetError{name}
	}
	return AssetURL(name), nil
}

type unknownAssetError struct{ name string }

func (e *unknownAssetError) Error() string { return "web: unknown static asset " + e.name }

// StaticHandler serves the embedded static files at /static/{hash}/{name...}.
// Mount it as mux.Handle("GET /static/", web.StaticHandler()) (it also works
// behind http.StripPrefix("/static", ...)). A current hash is cached for a
// year as immutable; a stale hash serves the current file with a short cache;
// an unknown name is 404. Responses carry the content type, nosniff and an
// ETag, are gzip-compressed when the client accepts it, and honour
// If-None-Match and Range.
func StaticHandler() http.Handler {
	return http.HandlerFunc(serveStatic)
}

func serveStatic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/static")
	rest = strings.TrimPrefix(rest, "/")
	hash, name, ok := strings.Cut(rest, "/")
	f := statics()[name]
	if !ok || hash == "" || f == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if hash == f.hash {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheStale)
	}
	body, etag := f.body, `"`+f.hash+`"`
	if f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = f.gz, `"`+f.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		params = strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok && strings.Trim(q, "0.") == "" {
			return false
		}
		return true
	}
	return false
}
