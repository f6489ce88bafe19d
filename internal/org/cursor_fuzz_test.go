package org

import (
	"testing"

	"gonghui/internal/errs"
)

// Cursors come back from clients: a forged or damaged one is refused as a
// bad cursor, and a good one survives a round trip unchanged.
func FuzzCursors(f *testing.F) {
	f.Add(pathCursor("/1/2/3/"))
	f.Add(nameCursor("人文学院分工会", 42))
	f.Add("")
	f.Add("cA")
	f.Add("!!!")
	f.Add(encodeCursor("n-1:x"))
	f.Add(encodeCursor("p/x/"))
	f.Fuzz(func(t *testing.T, c string) {
		if p, err := parsePathCursor(c); err == nil {
			if c != "" && pathCursor(p) != c {
				t.Fatalf("path cursor %q does not round-trip (%q)", c, p)
			}
		} else if !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("path cursor %q: %v", c, err)
		}
		if name, id, ok, err := parseNameCursor(c); err == nil {
			if ok && (id <= 0 || nameCursor(name, id) == "") {
				t.Fatalf("name cursor %q gave id %d", c, id)
			}
		} else if !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("name cursor %q: %v", c, err)
		}
	})
}
