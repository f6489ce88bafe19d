// Package errs holds the one error type of gonghui: a stable code, a safe
// message key for the user (resolved through the i18n catalogues at the edge),
// field-level details, and the wrapped cause, which is logged but never shown.
package errs

import (
	"errors"
	"fmt"
	"sort"
)

// Kind decides the HTTP status at the boundary.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindConflict
	KindUnauthenticated
	KindForbidden
	KindLocked
	KindTooMany
)

// Field is one field's problem: a message key and its arguments.
type Field struct {
	Key  string
	Args []any
}

// Error is the coded error every package returns for anything a user may see.
type Error struct {
	Kind   Kind
	Code   string // snake_case, stable, for integrators
	Key    string // i18n key of the message
	Args   []any
	Fields map[string]Field
	Err    error // cause, for logs only
}

func (e *Error) Error() string {
	s := e.Code
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.FieldNames())
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// FieldNames are the names of the fields with a problem, sorted: Fields is a
// map, and ranging over it directly would show them in a new order each time.
func (e *Error) FieldNames() []string {
	names := make([]string, 0, len(e.Fields))
	for n := range e.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FirstField is the problem of the first field by name, for a place that has
// room for one message only: with several bad fields it is the same one
// every time. ok is false when no field has a problem.
func (e *Error) FirstField() (f Field, ok bool) {
	if len(e.Fields) == 0 {
		return Field{}, false
	}
	return e.Fields[e.FieldNames()[0]], true
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the given kind.
func Is(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// NotFound is what callers get for anything missing or outside their subtree:
// the two are the same answer on purpose, so nothing leaks.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Key: "error.not_found", Err: errors.New(what + " not found")}
}

// Conflict reports a clash with existing data (e.g. a duplicate).
func Conflict(code, key string, args ...any) *Error {
	return &Error{Kind: KindConflict, Code: code, Key: key, Args: args}
}

// Invalid reports bad input that is not tied to one field.
func Invalid(code, key string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: code, Key: key, Args: args}
}

// Forbidden is for actions the caller may see but not do.
func Forbidden() *Error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Key: "error.forbidden"}
}

// Unauthenticated is for missing or bad credentials.
func Unauthenticated() *Error {
	return &Error{Kind: KindUnauthenticated, Code: "unauthenticated", Key: "error.unauthenticated"}
}

// Internal wraps an unexpected failure with context; the message shown is generic.
func Internal(err error, context string) *Error {
	return &Error{Kind: KindInternal, Code: "internal", Key: "error.internal", Err: fmt.Errorf("%s: %w", context, err)}
}

// Fields collects field-level problems; Err returns nil when there are none.
//
//	v := errs.Fields{}
//	v.Check(name != "", "name", "field.required")
//	return v.Err()
type Fields map[string]Field

// Add records a problem with field unless one is already recorded: the first
// rule broken is the one worth telling.
func (f Fields) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = Field{Key: key, Args: args}
	}
}

// Check adds the problem when ok is false and says whether ok.
func (f Fields) Check(ok bool, field, key string, args ...any) bool {
	if !ok {
		f.Add(field, key, args...)
	}
	return ok
}

// Err turns the collected problems into a validation error, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Code: "validation_failed", Key: "error.validation_failed", Fields: map[string]Field(f)}
}
