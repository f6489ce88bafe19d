package errs

import (
	"slices"
	"testing"
)

// severalBad is a validation error on five fields, more than enough for a
// map's random order to show.
func severalBad() *Error {
	f := Fields{}
	for _, n := range []string{"mobile", "name", "id_number", "gender", "joined_on"} {
		f.Add(n, "field."+n)
	}
	e, _ := As(f.Err())
	return e
}

func TestFirstFieldIsTheSameEveryTime(t *testing.T) {
	for i := 0; i < 200; i++ {
		e := severalBad()
		f, ok := e.FirstField()
		if !ok || f.Key != "field.gender" {
			t.Fatalf("try %d: first field %+v %v, want field.gender (the first by name)", i, f, ok)
		}
		if got := e.FieldNames(); !slices.Equal(got, []string{"gender", "id_number", "joined_on", "mobile", "name"}) {
			t.Fatalf("try %d: names %v", i, got)
		}
	}
	if _, ok := Invalid("x", "error.x").FirstField(); ok {
		t.Fatal("an error without fields has no first field")
	}
}
