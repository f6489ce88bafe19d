// Package listing is what the staff's lists share below the pages: a
// whitelist of sort keys with a stable tie-breaker, keyset paging under
// each order (a cursor remembers the key and the id of the last row), a
// bounded offset for page numbers, and the bounded count of a filter.
//
// A list declares its keys once (Sorts); the store parses the request's
// sort with it, adds the page's condition and order to its own WHERE, and
// cuts the rows it read; the same WHERE, without the page, is counted.
package listing

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Cap is where a bounded count stops: a filter is counted up to Cap+1
// matching rows, and more than that shows as "more than Cap". It is also
// how deep page numbers reach (an offset walks the rows before it).
const Cap = 10000

// Total is how many rows a filter matches: exact below Cap; at the cap
// Over is set and N is Cap.
type Total struct {
	N    int64 `json:"n"`
	Over bool  `json:"over"` // there are more than N
}

// Key is a column a list may be sorted by.
type Key[T any] struct {
	Name string // its word in the URL and the API: "name", "requested"
	Expr string // its SQL expression; never NULL (COALESCE it if need be)
	// Desc is the direction it is first shown in: newest or largest first
	// for dates and counts.
	Desc bool
	// Of is the row's value of the key for the next page's cursor: an
	// int64 or a string, of the type Expr compares with.
	Of func(*T) any
}

// Sorts is a list's whitelist of sort keys.
type Sorts[T any] struct {
	List    string // names the list in its cursors
	ID      string // the tie-breaker column, e.g. "t.id"
	IDOf    func(*T) int64
	Keys    []Key[T]
	Default string // the order without a sort parameter, e.g. "-requested"
}

// Order is a parsed sort: a key of the whitelist and a direction; the id
// follows in the same direction, so the order is total.
type Order[T any] struct {
	s    *Sorts[T]
	key  Key[T]
	Desc bool
}

// Parse reads a sort parameter: "name" is ascending, "-name" descending,
// "" the list's default. Another word is refused as the field "sort".
func (s *Sorts[T]) Parse(v string) (Order[T], error) {
	v = strings.TrimSpace(v)
	if v == "" {
		v = s.Default
	}
	desc := strings.HasPrefix(v, "-")
	name := strings.TrimPrefix(v, "-")
	for _, k := range s.Keys {
		if k.Name == name {
			return Order[T]{s: s, key: k, Desc: desc}, nil
		}
	}
	f := errs.Fields{}
	f.Add("sort", "field.invalid_choice")
	return Order[T]{}, f.Err()
}

// Names lists the keys' words, for the API's description.
func (s *Sorts[T]) Names() []string {
	out := make([]string, 0, len(s.Keys)*2)
	for _, k := range s.Keys {
		out = append(out, k.Name, "-"+k.Name)
	}
	return out
}

// String is the order as a sort parameter.
func (o Order[T]) String() string {
	if o.Desc {
		return "-" + o.key.Name
	}
	return o.key.Name
}

// Key is the name of the order's key.
func (o Order[T]) Key() string { return o.key.Name }

// By is the ORDER BY list of the order.
func (o Order[T]) By() string {
	dir := " ASC"
	if o.Desc {
		dir = " DESC"
	}
	return o.key.Expr + dir + ", " + o.s.ID + dir
}

// Page is where a page of a list starts: after a cursor, or at an offset
// (page numbers; at most Cap rows in), and how many rows it holds.
type Page struct {
	After  string
	Offset int
	Limit  int
}

// OffsetOf is the offset of page number n (1-based) of pages of size rows,
// refused as the field "page" past Cap.
func OffsetOf(n, size int) (int, error) {
	if n <= 1 {
		return 0, nil
	}
	if off := (n - 1) * size; off <= Cap {
		return off, nil
	}
	f := errs.Fields{}
	f.Add("page", "field.out_of_range", 1, Cap/size+1)
	return 0, f.Err()
}

// Tail adds the page's condition to where and args and answers the
// query's tail: ORDER BY, LIMIT (one row over, to know there is a next
// page) and OFFSET.
func (o Order[T]) Tail(pg Page, where []string, args []any) ([]string, []any, string, error) {
	if pg.Offset < 0 || pg.Offset > Cap {
		f := errs.Fields{}
		f.Add("page", "field.out_of_range", 1, Cap)
		return nil, nil, "", f.Err()
	}
	if pg.After != "" {
		cond, cargs, err := o.Keyset(pg.After)
		if err != nil {
			return nil, nil, "", err
		}
		where, args = append(where, cond), append(args, cargs...)
		pg.Offset = 0
	}
	tail := " ORDER BY " + o.By() + " LIMIT ?"
	args = append(args, pg.Limit+1)
	if pg.Offset > 0 {
		tail += " OFFSET ?"
		args = append(args, pg.Offset)
	}
	return where, args, tail, nil
}

// Keyset is the condition "(key, id) after the cursor after" with its
// arguments, for a query that places it itself (a window over the newest
// rows, say) rather than through Tail.
func (o Order[T]) Keyset(after string) (string, []any, error) {
	key, id, err := o.parse(after)
	if err != nil {
		return "", nil, err
	}
	// Written with a plain bound on the key first so that both engines
	// seek an index led by it.
	cmp, bound := " > ", " >= "
	if o.Desc {
		cmp, bound = " < ", " <= "
	}
	return o.key.Expr + bound + "? AND (" + o.key.Expr + cmp + "? OR " + o.s.ID + cmp + "?)", []any{key, key, id}, nil
}

// Cut trims rows read with Tail back to limit and answers the next page's
// cursor ("" on the last page).
func (o Order[T]) Cut(rows []T, limit int) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	last := &rows[limit-1]
	return rows, o.cursor(o.key.Of(last), o.s.IDOf(last))
}

// Cursors are base64url of "<list>\x00<order>\x00<key>\x00<id>": a cursor
// of another list or order is refused.
func (o Order[T]) cursor(key any, id int64) string {
	var k string
	switch v := key.(type) {
	case int64:
		k = "i" + strconv.FormatInt(v, 10)
	case string:
		k = "s" + v
	default:
		panic("listing: a key's value is an int64 or a string")
	}
	raw := o.s.List + "\x00" + o.String() + "\x00" + k + "\x00" + strconv.FormatInt(id, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func (o Order[T]) parse(c string) (any, int64, error) {
	bad := errs.Invalid("bad_cursor", "error.bad_cursor")
	b, err := base64.RawURLEncoding.Strict().DecodeString(c)
	if err != nil || !utf8.Valid(b) {
		return nil, 0, bad
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 4 || parts[0] != o.s.List || parts[1] != o.String() || parts[2] == "" {
		return nil, 0, bad
	}
	id, ok := db.ParseID(parts[3])
	if !ok || id <= 0 {
		return nil, 0, bad
	}
	switch k := parts[2]; k[0] {
	case 'i':
		n, err := strconv.ParseInt(k[1:], 10, 64)
		if err != nil {
			return nil, 0, bad
		}
		return n, id, nil
	case 's':
		return k[1:], id, nil
	}
	return nil, 0, bad
}

// Count counts the rows of "SELECT 1 <from> WHERE <where>" up to Cap+1
// (capAt when positive, for tests): never more work than walking Cap rows
// of the list.
func Count(ctx context.Context, d *db.DB, capAt int64, from string, where []string, args []any) (Total, error) {
	if capAt <= 0 {
		capAt = Cap
	}
	q := "SELECT COUNT(*) FROM (SELECT 1 AS x " + from
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	var n int64
	if err := d.QueryRow(ctx, q+" LIMIT ?) c", append(append([]any{}, args...), capAt+1)...).Scan(&n); err != nil {
		return Total{}, errs.Internal(err, "listing: count")
	}
	if n > capAt {
		return Total{N: capAt, Over: true}, nil
	}
	return Total{N: n}, nil
}

// Filter gives a list's WHERE conditions and their arguments for the
// caller: none (nil) when the caller may see nothing.
type Filter func() ([]string, []any, error)

// Read reads a page of a list in the order sort: filter gives the list's
// conditions, read runs the list's "SELECT <columns> FROM <tables>"
// followed by the clause it is given (WHERE, ORDER BY, LIMIT, OFFSET) with
// args. The page's Limit is bounded as scope.PageLimit bounds it.
func (s *Sorts[T]) Read(sort string, pg Page, filter Filter, read func(clause string, args []any) ([]T, error)) ([]T, string, error) {
	order, err := s.Parse(sort)
	if err != nil {
		return nil, "", err
	}
	where, args, err := filter()
	if err != nil || where == nil {
		return nil, "", err
	}
	pg.Limit = scope.PageLimit(pg.Limit)
	where, args, tail, err := order.Tail(pg, where, args)
	if err != nil {
		return nil, "", err
	}
	rows, err := read(" WHERE "+strings.Join(where, " AND ")+tail, args)
	if err != nil {
		return nil, "", err
	}
	rows, next := order.Cut(rows, pg.Limit)
	return rows, next, nil
}

// CountOf is Count of the filter's rows ("SELECT 1 <from> WHERE …"), 0 when
// the caller may see nothing.
func CountOf(ctx context.Context, d *db.DB, capAt int64, from string, filter Filter) (Total, error) {
	where, args, err := filter()
	if err != nil || where == nil {
		return Total{}, err
	}
	return Count(ctx, d, capAt, from, where, args)
}
