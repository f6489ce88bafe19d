package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
)

// Most handlers have one of a few shapes: a record named by {id}, the
// records under it, a page of a list, an action with a body. These helpers
// hold each shape once, so a handler says only which store call it makes
// and the error order (path, then body, then store) stays the same
// everywhere.

// loader reads the record an ID names, as the caller may see it.
type loader[T any] = func(context.Context, *auth.Principal, int64) (T, error)

// pager reads one page of a list filtered by Q.
type pager[Q, T any] = func(context.Context, *auth.Principal, Q) ([]T, string, error)

// Get answers the record {id} names.
func Get[T any](w http.ResponseWriter, r *http.Request, load loader[T]) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	out, err := load(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	return OK(w, out)
}

// GetAll answers, as one list without a next page, the records under {id}.
func GetAll[T any](w http.ResponseWriter, r *http.Request, load loader[[]T]) error {
	return Get(w, r, func(ctx context.Context, p *auth.Principal, id int64) (List[T], error) {
		items, err := load(ctx, p, id)
		return NewList(items, ""), err
	})
}

// Viewed reads a record through load and shows it through view.
func Viewed[S, V any](load loader[*S], view func(*S) V) loader[V] {
	return func(ctx context.Context, p *auth.Principal, id int64) (V, error) {
		s, err := load(ctx, p, id)
		if err != nil {
			var zero V
			return zero, err
		}
		return view(s), nil
	}
}

// ViewedAll reads records through load and shows each through view.
func ViewedAll[S, V any](load loader[[]S], view func(*S) V) loader[[]V] {
	return func(ctx context.Context, p *auth.Principal, id int64) ([]V, error) {
		items, err := load(ctx, p, id)
		if err != nil {
			return nil, err
		}
		return MapList(items, "", view).Items, nil
	}
}

// WithInput answers what do returns for {id} and what read takes from the
// rest of the request (the body, the query, another part of the path).
func WithInput[In, T any](w http.ResponseWriter, r *http.Request, read func(*http.Request) (In, error),
	do func(context.Context, *auth.Principal, int64, In) (T, error)) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	in, err := read(r)
	if err != nil {
		return err
	}
	out, err := do(r.Context(), Principal(r), id, in)
	if err != nil {
		return err
	}
	return OK(w, out)
}

// Act decodes the body of an action on {id} into In and answers what do
// returns.
func Act[In, T any](w http.ResponseWriter, r *http.Request, do func(context.Context, *auth.Principal, int64, In) (T, error)) error {
	return WithInput(w, r, func(r *http.Request) (In, error) {
		var in In
		return in, Decode(w, r, &in)
	}, do)
}

// Step answers an action on the resource named by {id} that takes an
// empty body (publish, cancel, finish, draw ...) with what the store
// returns.
func Step[T any](w http.ResponseWriter, r *http.Request, do loader[T]) error {
	return Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, _ struct{}) (T, error) {
		return do(ctx, p, id)
	})
}

// PathIDs reads {id} and a second ID of the path, in that order.
func PathIDs(r *http.Request, name string) (int64, int64, error) {
	id, err := PathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	sub, err := PathID(r, name)
	if err != nil {
		return 0, 0, err
	}
	return id, sub, nil
}

// Paged answers one page of a list; fill reads its filters and the page
// from the query string.
func Paged[Q, T any](w http.ResponseWriter, r *http.Request, fill func(*Query, Page) Q, list pager[Q, T]) error {
	q := NewQuery(r)
	in := fill(q, q.Page())
	if err := q.Err(); err != nil {
		return err
	}
	items, next, err := list(r.Context(), Principal(r), in)
	if err != nil {
		return err
	}
	return OK(w, NewList(items, next))
}

// ViewedPage shows each record of a page through view.
func ViewedPage[Q, S, V any](list pager[Q, S], view func(*S) V) pager[Q, V] {
	return func(ctx context.Context, p *auth.Principal, in Q) ([]V, string, error) {
		items, next, err := list(ctx, p, in)
		if err != nil {
			return nil, "", err
		}
		return MapList(items, next, view).Items, next, nil
	}
}

// Translate is the signature of every store's Translate.
type Translate = func(key string, args ...any) string

// Translator says keys in the request's language.
func Translator(r *http.Request) Translate {
	lang := i18n.FromRequest(r)
	return func(key string, args ...any) string { return i18n.T(lang, key, args...) }
}

// Workbook sends the .xlsx file name that write produces in the reader's
// language. The stores assemble a workbook before its first byte goes out,
// so a failure until then still answers an API error; after it the
// download can only break off, logged as what.
func Workbook(w http.ResponseWriter, r *http.Request, name, what string, write func(Translate, io.Writer) error) error {
	out := &httpx.LazyWriter{W: w, Before: func() { httpx.Attachment(w, name) }}
	if err := write(Translator(r), out); err != nil {
		if out.Started {
			slog.Error(what+" broke off", "err", err)
			return nil
		}
		return err
	}
	return nil
}

// Remove does an action on {id} that answers nothing (204).
func Remove(w http.ResponseWriter, r *http.Request, do func(context.Context, *auth.Principal, int64) error) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	if err := do(r.Context(), Principal(r), id); err != nil {
		return err
	}
	return NoContent(w)
}

// RemoveSub does an action on {id} and the path's second ID that answers
// nothing (204).
func RemoveSub(w http.ResponseWriter, r *http.Request, name string, do func(context.Context, *auth.Principal, int64, int64) error) error {
	id, sub, err := PathIDs(r, name)
	if err != nil {
		return err
	}
	if err := do(r.Context(), Principal(r), id, sub); err != nil {
		return err
	}
	return NoContent(w)
}
