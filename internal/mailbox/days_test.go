package mailbox

import (
	"testing"
	"time"

	"gonghui/internal/beijing"
)

// A letter received on the eve of the 2026 National Day holiday: its 15
// working days skip 1–7 October and count Saturday 10 October, worked in
// the holiday's place.
func TestDueAfterSkipsNationalDay(t *testing.T) {
	got := DueAfter(time.Date(2026, 9, 29, 16, 0, 0, 0, beijing.Zone), 15)
	if want := time.Date(2026, 10, 27, 0, 0, 0, 0, beijing.Zone); !got.Equal(want) {
		t.Fatalf("due %v, want %v", got.In(beijing.Zone), want)
	}
}
