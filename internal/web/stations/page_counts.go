package stations

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"gonghui/internal/station"
	"gonghui/internal/web"
)

// countRow is one window of a station's counts on its staff page.
type countRow struct {
	Label                          string
	All, Visits, Anonymous, Claims int
}

// serviceRow is one service's claims in each window.
type serviceRow struct {
	Label              string
	Today, Week, Month int
}

func countRows(pg *web.Page, c *station.Counts) ([]countRow, []serviceRow) {
	rows := make([]countRow, 0, 3)
	for _, w := range []struct {
		key string
		w   station.Window
	}{{"sweb.counts.today", c.Today}, {"sweb.counts.week", c.Week}, {"sweb.counts.month", c.Month}} {
		rows = append(rows, countRow{Label: pg.T(w.key), All: w.w.Total(), Visits: w.w.Visits, Anonymous: w.w.Anonymous, Claims: w.w.Claims})
	}
	services := make([]serviceRow, len(c.Services))
	for i, s := range c.Services {
		services[i] = serviceRow{Label: pg.T("station.service." + string(s.Service)), Today: s.Today, Week: s.Week, Month: s.Month}
	}
	return rows, services
}

// The form's exception dates: as many rows as the station has, and a few
// blank ones; a script adds more in place, and without it the "more
// rows" button sends the form back with extra blank rows (nothing is
// saved). Rows are named exceptions.N.date and exceptions.N.hours, N
// from 0; the domain's field errors name the same N.

const (
	blankExceptionRows = 3
	// maxExceptionRows bounds the rows a posted form may name: the domain
	// refuses more than station.MaxExceptions dates, and a row past this
	// index is not read at all.
	maxExceptionRows = station.MaxExceptions + 20
)

// exceptionIndexes are the row numbers a posted form names, in order.
func exceptionIndexes(r *http.Request) []int {
	seen := map[int]bool{}
	for k := range r.PostForm {
		rest, ok := strings.CutPrefix(k, "exceptions.")
		if !ok {
			continue
		}
		n, field, ok := strings.Cut(rest, ".")
		if !ok || (field != "date" && field != "hours") {
			continue
		}
		if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < maxExceptionRows && strconv.Itoa(i) == n {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// exceptionsFrom reads the posted rows into a list indexed as the form's
// (absent rows blank, which the domain ignores), so that an error on
// exceptions.N lands on the form's row N.
func exceptionsFrom(r *http.Request) []station.ExceptionText {
	idx := exceptionIndexes(r)
	if len(idx) == 0 {
		return nil
	}
	out := make([]station.ExceptionText, idx[len(idx)-1]+1)
	for _, i := range idx {
		n := "exceptions." + strconv.Itoa(i)
		out[i] = station.ExceptionText{Date: r.PostFormValue(n + ".date"), Hours: r.PostFormValue(n + ".hours")}
	}
	return out
}

// postedExceptionRows is how many rows a form sent back shows: those it
// had (their highest number), and more blank ones when asked.
func postedExceptionRows(r *http.Request) int {
	n := blankExceptionRows
	if idx := exceptionIndexes(r); len(idx) > 0 {
		n = idx[len(idx)-1] + 1
	}
	if r.PostFormValue("more_rows") != "" {
		n += blankExceptionRows
	}
	return min(n, maxExceptionRows)
}
