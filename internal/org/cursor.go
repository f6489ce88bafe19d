package org

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonghui/internal/errs"
)

// Cursors are opaque to callers: base64 of the sort key of the last item
// served, tagged with the ordering it belongs to, so that a cursor handed
// to a listing of another order is refused rather than silently misread.
//
//	"p" + path               listings in path (depth-first) order
//	"n" + id + ":" + name    listings in (name, id) order
//
// Keyset cursors (rather than offsets) keep every page an index seek however
// deep the caller pages, and stay stable while rows are added.

func badCursor() error { return errs.Invalid("bad_cursor", "error.bad_cursor") }

func encodeCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeCursor(c string, tag byte) (string, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != tag || !utf8.Valid(b) {
		return "", badCursor()
	}
	return string(b[1:]), nil
}

func pathCursor(path string) string { return encodeCursor("p" + path) }

// parsePathCursor reads a path cursor; "" means the first page.
func parsePathCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	p, err := decodeCursor(c, 'p')
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || len(pathIDs(p)) != strings.Count(p, "/")-1 {
		return "", badCursor()
	}
	return p, nil
}

func nameCursor(name string, id int64) string {
	return encodeCursor("n" + strconv.FormatInt(id, 10) + ":" + name)
}

// parseNameCursor reads a (name, id) cursor; ok is false for the first page.
func parseNameCursor(c string) (name string, id int64, ok bool, err error) {
	if c == "" {
		return "", 0, false, nil
	}
	s, err := decodeCursor(c, 'n')
	if err != nil {
		return "", 0, false, err
	}
	num, name, found := strings.Cut(s, ":")
	id, perr := strconv.ParseInt(num, 10, 64)
	if !found || perr != nil || id <= 0 {
		return "", 0, false, badCursor()
	}
	return name, id, true, nil
}

// afterName is the condition "(name, id) comes after the cursor", written
// with a plain lower bound on name first so that both engines seek the name
// index instead of filtering from the start. Its arguments are name, name,
// id, in that order.
func afterName(name, id string) string {
	return name + " >= ? AND (" + name + " > ? OR " + id + " > ?)"
}
