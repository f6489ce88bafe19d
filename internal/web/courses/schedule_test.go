package courses

import (
	"testing"

	"gonghui/internal/course"
	"gonghui/internal/i18n"
)

func TestPcrsSchedule(t *testing.T) {
	two := []course.Slot{{Weekday: 4, Start: "19:00", Minutes: 90}, {Weekday: 2, Start: "19:00", Minutes: 90}}
	if got := pcrsSchedule(i18n.ZH, two); got != "每周二、周四 19:00–20:30" {
		t.Errorf("same hours: %q", got)
	}
	mixed := []course.Slot{{Weekday: 2, Start: "19:00", Minutes: 90}, {Weekday: 7, Start: "08:30", Minutes: 60}}
	if got := pcrsSchedule(i18n.ZH, mixed); got != "每周二 19:00–20:30；每周日 08:30–09:30" {
		t.Errorf("different hours: %q", got)
	}
	if got := pcrsSchedule(i18n.EN, two); got != "Every Tue, Thu 19:00–20:30" {
		t.Errorf("in English: %q", got)
	}
}
