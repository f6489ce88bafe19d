package signup

import (
	"database/sql"
	"errors"

	"gonghui/internal/errs"
)

// Scanner is one row to read: *sql.Row or *sql.Rows.
type Scanner = interface{ Scan(...any) error }

// All reads every row of a query's answer (rows, err) with scan; what
// names a failure. The answer is never nil.
func All[T any](rows *sql.Rows, err error, what string, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, errs.Internal(err, what)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, errs.Internal(err, what)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, what)
	}
	return out, nil
}

// Page cuts a list read with limit+1 rows back to limit; next is the
// cursor of its last item when there is more, else "".
func Page[T any](list []T, limit int, cursor func(T) string) (page []T, next string) {
	if len(list) <= limit {
		return list, ""
	}
	list = list[:limit]
	return list, cursor(list[limit-1])
}

// One reads the one row a query answers with scan; no row is NotFound of
// what, and op names a failure.
func One[T any](row *sql.Row, what, op string, scan func(Scanner) (T, error)) (*T, error) {
	v, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound(what)
	}
	if err != nil {
		return nil, errs.Internal(err, op)
	}
	return &v, nil
}
