package beijing

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	want := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	for _, s := range []string{"2026-12-01T09:00", "2026-12-01 09:00", "2026-12-01T09:00:00", " 2026-12-01 09:00:00 ", "2026-12-01T01:00:00Z", "2026-12-01T09:00:00+08:00"} {
		if got, ok := ParseTime(s); !ok || !got.Equal(want) {
			t.Fatalf("%q: %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "明天", "2026-13-01T09:00", "2026-12-01T25:00", "12/01/2026 09:00"} {
		if _, ok := ParseTime(s); ok {
			t.Fatalf("%q accepted", s)
		}
	}
	if d, ok := ParseDay("2026-12-01"); !ok || !d.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("day: %v", d)
	}
	if m := Midnight(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)); !m.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("midnight: %v", m)
	}
}
