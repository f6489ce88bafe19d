package member

import (
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Requests that wait for staff to decide them (join applications,
// transfers, corrections, export requests) are read, listed and decided
// alike; the helpers here hold what they share, the first part of the
// review chain the product plans. They are exported for packages exports
// and privacy, whose requests are listed and decided the same way.

// RowScanner is a row or rows being read.
type RowScanner interface{ Scan(...any) error }

// StampOf is the time of a stored millisecond stamp, nil while it is 0
// (not decided, released or downloaded yet).
func StampOf(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	t := scope.FromMillis(ms)
	return &t
}

// One is what a single-row read found: not found (as entity) without a
// row, an internal error (what) on any other failure.
func One[T any](x T, err error, entity, what string) (*T, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound(entity)
	}
	if err != nil {
		return nil, errs.Internal(err, what)
	}
	return &x, nil
}

// ScanAll reads every row of a query with scan, appending to out; what
// names the read in an internal error.
func ScanAll[T any](rows *sql.Rows, err error, out []T, what string, scan func(RowScanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, errs.Internal(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, errs.Internal(err, what)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, what)
	}
	return out, nil
}

// CutPage trims a list read with one row over limit back to limit and
// answers the cursor of the next page ("" on the last one).
func CutPage[T any](out []T, limit int, kind string, id func(*T) int64) ([]T, string) {
	if len(out) <= limit {
		return out, ""
	}
	out = out[:limit]
	return out, makeCursor(kind, "", id(&out[limit-1]))
}

// Reviewable loads a request for pr to decide: pr must be able to change
// members where it lies (at), and in must be complete.
func Reviewable[T any](pr *auth.Principal, in *Decision, x *T, err error, at func(*T) string) (*T, error) {
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, at(x)); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	return x, nil
}
