package testkit

import (
	"testing"

	"gonghui/internal/errs"
)

// WantKind fails t unless err is an *errs.Error of kind k.
func WantKind(t testing.TB, err error, k errs.Kind) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Kind != k {
		t.Fatalf("error %v, want kind %d", err, k)
	}
}

// WantCode fails t unless err is an *errs.Error with code.
func WantCode(t testing.TB, err error, code string) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Code != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
}

// WantField fails t unless err refuses field, with message key when key is
// not "".
func WantField(t testing.TB, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("error %v, want field %s", err, field)
	}
	f, ok := e.Fields[field]
	if !ok {
		t.Fatalf("error %v has no field %s", err, field)
	}
	if key != "" && f.Key != key {
		t.Fatalf("field %s: %s, want %s", field, f.Key, key)
	}
}
