// Package workday says which Beijing days are working days: Monday to
// Friday, less China's public holidays, plus the weekend days worked in
// their place (调休). Deadlines the law counts in working days (a letter's
// answer, a mediation, a review) are counted here and nowhere else.
//
// The statutory tables come from github.com/6tail/lunar-go's HolidayUtil
// (maintained, published years from 2001): the State Council announces a
// year's holidays in the late autumn before it, and a table can only hold
// what has been announced. An operator adds or corrects days with a file
// (Load), and Covers says whether a year is known, so that a deadline
// counted into an unannounced year is shown as provisional rather than
// silently counted as if it had no holidays.
package workday

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"gonghui/internal/beijing"
)

// Day is what the calendar knows of one date that differs from the plain
// week: a holiday, or a weekend day worked in a holiday's place.
type Day struct {
	Date string // "YYYY-MM-DD"
	Name string // the holiday's name, e.g. "国庆节"
	Work bool   // true: a make-up working day (调休上班)
}

// Calendar is an immutable table of the days that differ from the plain
// week, and of the years it knows.
type Calendar struct {
	days  map[string]Day
	years map[int]bool
	last  int
}

// firstYear is the first year lunar-go's table holds in full.
const firstYear = 2002

// Statutory is the calendar of the announced holidays alone.
func Statutory() *Calendar {
	statutoryOnce.Do(func() { statutory = build(nil) })
	return statutory
}

var (
	statutoryOnce sync.Once
	statutory     *Calendar
)

func build(extra []Day) *Calendar {
	c := &Calendar{days: map[string]Day{}, years: map[int]bool{}}
	for y := firstYear; ; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		if l.Len() == 0 {
			break
		}
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			c.days[h.GetDay()] = Day{Date: h.GetDay(), Name: h.GetName(), Work: h.IsWork()}
		}
		c.years[y] = true
		c.last = y
	}
	for _, d := range extra {
		c.days[d.Date] = d
		y := yearOf(d.Date)
		c.years[y] = true
		if y > c.last {
			c.last = y
		}
	}
	return c
}

func yearOf(date string) int {
	var y int
	fmt.Sscanf(date, "%4d", &y)
	return y
}

// Load reads an operator's additions and corrections, one day a line:
//
//	2028-01-01,元旦,holiday
//	2028-02-05,春节调休,work
//
// Blank lines and lines starting with # are skipped. A day in the file
// replaces the statutory table's entry for it, and its year counts as
// known from then on.
func Load(r io.Reader) (*Calendar, error) {
	var extra []Day
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		d, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("workday: line %d: %w", n, err)
		}
		extra = append(extra, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("workday: read: %w", err)
	}
	return build(extra), nil
}

func parseLine(line string) (Day, error) {
	f := strings.Split(line, ",")
	if len(f) != 3 {
		return Day{}, fmt.Errorf("want date,name,holiday|work, got %q", line)
	}
	date, name, kind := strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2])
	t, ok := beijing.ParseDay(date)
	if !ok || beijing.Day(t) != date {
		return Day{}, fmt.Errorf("date %q is not YYYY-MM-DD", date)
	}
	if name == "" {
		return Day{}, fmt.Errorf("day %s has no name", date)
	}
	switch kind {
	case "holiday":
		return Day{Date: date, Name: name}, nil
	case "work":
		return Day{Date: date, Name: name, Work: true}, nil
	}
	return Day{}, fmt.Errorf("day %s: kind %q is neither holiday nor work", date, kind)
}

// LastYear is the last year whose holidays the calendar knows.
func (c *Calendar) LastYear() int { return c.last }

// Covers says whether the calendar knows year's holidays.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// Lookup tells what the calendar knows of t's Beijing day beyond the
// plain week.
func (c *Calendar) Lookup(t time.Time) (Day, bool) {
	d, ok := c.days[beijing.Day(t)]
	return d, ok
}

// IsWorkday says whether t's Beijing day is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	if d, ok := c.days[beijing.Day(t)]; ok {
		return d.Work
	}
	wd := t.In(beijing.Zone).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Due is the end (24:00 Beijing time) of the n-th working day after t's
// day, and whether every day counted lies in a year the calendar knows.
// n = 0 is the end of t's own day.
func (c *Calendar) Due(t time.Time, n int) (time.Time, bool) {
	d := beijing.Midnight(t.In(beijing.Zone))
	known := c.Covers(d.Year())
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		known = known && c.Covers(d.Year())
		if c.IsWorkday(d) {
			n--
		}
	}
	return d.AddDate(0, 0, 1).UTC(), known
}

// Between counts the working days after from's day up to and including
// to's day (0 when to is not after from).
func (c *Calendar) Between(from, to time.Time) int {
	d := beijing.Midnight(from.In(beijing.Zone))
	end := beijing.Midnight(to.In(beijing.Zone))
	n := 0
	for d.Before(end) {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

var (
	mu  sync.RWMutex
	std *Calendar
)

// Std is the process's calendar: the statutory one, or the one Use set
// at start-up from the operator's file.
func Std() *Calendar {
	mu.RLock()
	c := std
	mu.RUnlock()
	if c == nil {
		return Statutory()
	}
	return c
}

// Use makes c the process's calendar; the server calls it once at
// start-up, before it serves.
func Use(c *Calendar) {
	mu.Lock()
	std = c
	mu.Unlock()
}
