package api

import (
	"context"
	"fmt"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/listing"
)

// TotalList is a page of a list with its filter's total (internal/listing):
// the usual envelope (items, next) and one added field, so clients that
// read only the envelope are unaffected.
type TotalList[T any] struct {
	Items []T           `json:"items"`
	Next  string        `json:"next"`
	Total listing.Total `json:"total"`
}

// PagedTotal answers one page of a list and its filter's total; fill
// reads the filters, the order and the page from the query string.
func PagedTotal[Q, T any](w http.ResponseWriter, r *http.Request, fill func(*Query, Page) Q, list pager[Q, T],
	count func(context.Context, *auth.Principal, Q) (listing.Total, error)) error {
	q := NewQuery(r)
	in := fill(q, q.Page())
	if err := q.Err(); err != nil {
		return err
	}
	p := Principal(r)
	// The total is counted beside the page, on another connection: a
	// filter's bounded count can walk thousands of index entries, and the
	// answer need not wait for both one after the other.
	type counted struct {
		t   listing.Total
		err error
	}
	done := make(chan counted, 1)
	go func() {
		t, err := count(r.Context(), p, in)
		done <- counted{t, err}
	}()
	items, next, err := list(r.Context(), p, in)
	c := <-done
	if err != nil {
		return err
	}
	if c.err != nil {
		return c.err
	}
	total := c.t
	l := NewList(items, next)
	return OK(w, TotalList[T]{Items: l.Items, Next: l.Next, Total: total})
}

// SortParam is the query parameter "sort" of a list with these orders.
func SortParam(names []string) Param {
	return QP("sort", "the order: a key, descending with a leading -", EnumS(names...))
}

func totalNotes(ns Notes) {
	Note[listing.Total](ns, TypeNote{
		Name: "ListTotal",
		Desc: fmt.Sprintf("How many rows the filter matches, counted up to %d (over: more than n).", listing.Cap),
		Fields: map[string]FieldNote{
			"n":    {Desc: "the total; with over, the cap reached"},
			"over": {Desc: "more rows match than n"},
		},
	})
}
