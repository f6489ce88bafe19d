package beijing

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

func TestDay(t *testing.T) {
	// 16:30 UTC on 30 November is already 1 December in Beijing.
	if d := Day(time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)); d != "2026-12-01" {
		t.Fatalf("day: %s", d)
	}
	if d := Day(time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC)); d != "2026-11-30" {
		t.Fatalf("day before midnight: %s", d)
	}
	if got, want := Today(), time.Now().In(Zone).Format(time.DateOnly); got != want && got != Day(time.Now()) {
		t.Fatalf("today: %s, want %s", got, want)
	}
}

// TestOneZone keeps Beijing time defined here only: any other package that
// makes a zone of its own (a fixed offset, or Asia/Shanghai from tzdata,
// whose pre-1991 summer times differ) drifts from the rest.
func TestOneZone(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				filepath.Dir(path) == filepath.Join(root, "internal", "beijing") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, bad := range []string{"time.FixedZone(", "time.LoadLocation(", "Asia/Shanghai"} {
				if strings.Contains(string(b), bad) {
					t.Errorf("%s: %s: use beijing.Zone", path, bad)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
