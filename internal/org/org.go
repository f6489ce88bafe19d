// Package org keeps the organisation tree (federations down to union
// groups), the employers behind the unions, and the unions' officers.
//
// The tree is a materialised path: every row carries '/<root>/.../<id>/', so
// "is X inside Y" is a prefix test, a subtree is one range scan of the path
// index (path >= P AND path < PathEnd(P)) in depth-first order, and counts over
// a subtree need no recursion. Every scoped method takes the caller's
// principal: reads are limited to the subtrees where it holds org.read and
// answer NotFound for anything else (the same answer as for a missing row, so
// nothing leaks); writes need org.write there and answer Forbidden when the
// record is only readable. Every change is audited in its own transaction.
package org

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Org is one organisation of the tree.
type Org struct {
	ID           int64     `json:"id,string"`
	ParentID     int64     `json:"parent_id,string"` // 0 for the root
	Path         string    `json:"path"`
	Depth        int       `json:"depth"` // 0 for the root
	Name         string    `json:"name"`
	Kind         Kind      `json:"kind"`
	DivisionCode string    `json:"division_code"`
	Address      string    `json:"address"`
	Phone        string    `json:"phone"`
	FoundedOn    string    `json:"founded_on"`
	Note         string    `json:"note"`
	ChildCount   int       `json:"child_count"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Store reads and changes organisations, employers and officers.
type Store struct{ DB *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{DB: d} }

// now is the clock; tests move it.
var now = time.Now

// china is the zone in which calendar dates (founding dates, terms) are read.
// A fixed offset rather than Asia/Shanghai: no tzdata needed, and China has
// had no daylight saving since 1991.
var china = time.FixedZone("CST", 8*3600)

// today is the current date in China as 'YYYY-MM-DD'.
func today() string { return now().In(china).Format(time.DateOnly) }

// stamp is the time recorded on a change, at the millisecond precision it is
// stored with, so that what a write returns equals what a read gives back.
func stamp() time.Time { return now().UTC().Truncate(time.Millisecond) }

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

var errNilPrincipal = errors.New("org: nil principal passed to a scoped method")

// orgCols are the columns scanOrg reads, in order.
const orgCols = "id, parent_id, path, depth, name, kind, division_code, address, phone, founded_on, note, child_count, created_at, updated_at"

type scanner interface{ Scan(dest ...any) error }

func scanOrg(r scanner) (Org, error) {
	var o Org
	var parent sql.NullInt64
	var created, updated int64
	err := r.Scan(&o.ID, &parent, &o.Path, &o.Depth, &o.Name, &o.Kind, &o.DivisionCode, &o.Address,
		&o.Phone, &o.FoundedOn, &o.Note, &o.ChildCount, &created, &updated)
	o.ParentID = parent.Int64
	o.CreatedAt, o.UpdatedAt = fromMillis(created), fromMillis(updated)
	return o, err
}

func collectOrgs(rows *sql.Rows, err error) ([]Org, error) {
	if err != nil {
		return nil, errs.Internal(err, "org: query")
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Internal(err, "org: scan")
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "org: rows")
	}
	return out, nil
}

// queryer is what reads need: the reader pool or a write transaction.
type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// load reads one organisation, unscoped; suffix may lock the row.
func load(ctx context.Context, q queryer, id int64, suffix string) (*Org, error) {
	o, err := scanOrg(q.QueryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE id = ?"+suffix, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("org")
	}
	if err != nil {
		return nil, errs.Internal(err, "org: load")
	}
	return &o, nil
}

// canRead reports whether the principal may see a record at path. Write
// implies sight: a caller who may change something may also look at it.
func canRead(p *auth.Principal, path string) bool {
	return p.CanAt(auth.PermOrgRead, path) || p.CanAt(auth.PermOrgWrite, path)
}

// readable answers NotFound for what the principal may not see.
func readable(p *auth.Principal, path string) error {
	if p == nil {
		return errs.Internal(errNilPrincipal, "org")
	}
	if !canRead(p, path) {
		return errs.NotFound("org")
	}
	return nil
}

// writable answers NotFound for what the principal may not see and Forbidden
// for what it may see but not change.
func writable(p *auth.Principal, path string) error {
	if err := readable(p, path); err != nil {
		return err
	}
	if !p.CanAt(auth.PermOrgWrite, path) {
		return errs.Forbidden()
	}
	return nil
}

// readScope returns the subtrees the principal may read, or an error when
// there is no principal.
func readScope(p *auth.Principal) ([]string, error) {
	if p == nil {
		return nil, errs.Internal(errNilPrincipal, "org")
	}
	return p.Paths(auth.PermOrgRead), nil
}

// scopeSQL renders "the path column lies in one of these subtrees" as
// index-friendly ranges.
func scopeSQL(col string, paths []string) (string, []any) {
	parts := make([]string, len(paths))
	args := make([]any, 0, 2*len(paths))
	for i, p := range paths {
		parts[i] = "(" + col + " >= ? AND " + col + " < ?)"
		args = append(args, p, audit.PathEnd(p))
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// scopeAfter is scopeSQL for a listing in path order that resumes after the
// path cursor after: each range starts at its own bound or just past the
// cursor, whichever is later, so that the index seek lands on the next row
// rather than scanning from the top of the range; ranges wholly before the
// cursor are left out. ok is false when nothing is left.
func scopeAfter(col string, paths []string, after string) (sql string, args []any, ok bool) {
	var parts []string
	for _, p := range paths {
		lo, hi := p, audit.PathEnd(p)
		switch {
		case after == "" || after < lo:
			parts = append(parts, "("+col+" >= ? AND "+col+" < ?)")
			args = append(args, lo, hi)
		case after < hi:
			parts = append(parts, "("+col+" > ? AND "+col+" < ?)")
			args = append(args, after, hi)
		}
	}
	if len(parts) == 0 {
		return "", nil, false
	}
	return "(" + strings.Join(parts, " OR ") + ")", args, true
}

// inside reports whether path lies in the subtree at ancestor.
func inside(path, ancestor string) bool { return strings.HasPrefix(path, ancestor) }

// pathIDs returns the IDs along a materialised path, root first.
func pathIDs(path string) []int64 {
	var out []int64
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, ok := db.ParseID(s); ok {
			out = append(out, id)
		}
	}
	return out
}

// placeholders returns "?, ?, ..." for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// pageLimit applies the default and the cap of every listing.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}
