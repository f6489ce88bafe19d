package app

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/workday"
)

// useHolidays makes the process count working days with the statutory
// table and the operator's file, if any, and says so when next year is not
// yet in it: from November the year's announcement is due, and deadlines
// counted into the unknown year skip no holidays until it is added.
func useHolidays(file string, now time.Time) error {
	c := workday.Statutory()
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("--holidays-file: %w", err)
		}
		defer f.Close()
		if c, err = workday.Load(f); err != nil {
			return fmt.Errorf("--holidays-file %s: %w", file, err)
		}
	}
	workday.Use(c)
	t := now.In(beijing.Zone)
	switch {
	case !c.Covers(t.Year()):
		slog.Warn("the holiday calendar does not know this year: working-day deadlines count weekends only; add the year with --holidays-file", "year", t.Year(), "last_year", c.LastYear())
	case t.Month() >= time.November && !c.Covers(t.Year()+1):
		slog.Warn("the holiday calendar does not know next year yet: add it with --holidays-file once announced", "year", t.Year()+1, "last_year", c.LastYear())
	}
	return nil
}
