package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the hand-written OpenAPI 3.1 document of this API. A test
// checks that it parses and names exactly the routes of table().
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI: GET /openapi.json, without authentication.
func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc) // a failed write means the client went away
	return nil
}
