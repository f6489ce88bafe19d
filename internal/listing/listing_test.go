package listing

import (
	"encoding/base64"
	"strings"
	"testing"

	"gonghui/internal/errs"
)

type row struct {
	id   int64
	name string
}

var sorts = &Sorts[row]{List: "row", ID: "r.id", IDOf: func(r *row) int64 { return r.id }, Default: "-id",
	Keys: []Key[row]{{Name: "name", Expr: "r.name", Of: func(r *row) any { return r.name }},
		{Name: "id", Expr: "r.id", Desc: true, Of: func(r *row) any { return r.id }}}}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Fields[field].Key == "" {
		t.Fatalf("error %v, want one on %s", err, field)
	}
}

func TestOrderAndCursor(t *testing.T) {
	o, err := sorts.Parse("")
	if err != nil || o.String() != "-id" || o.By() != "r.id DESC, r.id DESC" {
		t.Fatalf("default %v %q %v", o, o.By(), err)
	}
	o, err = sorts.Parse("name")
	if err != nil || o.By() != "r.name ASC, r.id ASC" {
		t.Fatalf("name: %q %v", o.By(), err)
	}
	for _, bad := range []string{"nombre", "--name", "r.name; DROP TABLE x"} {
		_, err := sorts.Parse(bad)
		wantField(t, err, "sort")
	}
	page, next := o.Cut([]row{{1, "甲"}, {2, "乙"}, {3, "丙"}}, 2)
	if len(page) != 2 || next == "" {
		t.Fatalf("cut %v %q", page, next)
	}
	where, args, tail, err := o.Tail(Page{After: next, Offset: 40, Limit: 2}, []string{"r.x = ?"}, []any{7})
	if err != nil || len(where) != 2 || !strings.HasPrefix(where[1], "r.name >= ? AND (r.name > ? OR r.id > ?)") ||
		tail != " ORDER BY r.name ASC, r.id ASC LIMIT ?" || len(args) != 5 || args[1] != "乙" || args[3] != int64(2) || args[4] != 3 {
		t.Fatalf("tail %v %v %q %v", where, args, tail, err)
	}
	// A cursor is the order's own: another order, list or a forged one is refused.
	desc, _ := sorts.Parse("-name")
	for _, c := range []string{next, "x", base64.RawURLEncoding.EncodeToString([]byte("row\x00name\x00s乙\x00-1")),
		base64.RawURLEncoding.EncodeToString([]byte("other\x00name\x00s乙\x002"))} {
		ord := o
		if c == next {
			ord = desc
		}
		if _, _, _, err := ord.Tail(Page{After: c, Limit: 2}, nil, nil); err == nil {
			t.Fatalf("cursor %q taken", c)
		}
	}
	byID, _ := sorts.Parse("-id")
	_, next = byID.Cut([]row{{9, ""}, {8, ""}}, 1)
	if where, args, _, err := byID.Tail(Page{After: next, Limit: 1}, nil, nil); err != nil || where[0] != "r.id <= ? AND (r.id < ? OR r.id < ?)" || args[0] != int64(9) {
		t.Fatalf("by id: %v %v %v", where, args, err)
	}
}

func TestOffsetOf(t *testing.T) {
	for _, c := range []struct{ n, want int }{{0, 0}, {1, 0}, {2, 50}, {201, 10000}} {
		if got, err := OffsetOf(c.n, 50); err != nil || got != c.want {
			t.Errorf("page %d: %d %v", c.n, got, err)
		}
	}
	_, err := OffsetOf(202, 50)
	wantField(t, err, "page")
	o, _ := sorts.Parse("name")
	_, _, _, err = o.Tail(Page{Offset: Cap + 1, Limit: 10}, nil, nil)
	wantField(t, err, "page")
}
