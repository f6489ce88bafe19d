package sheet

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/errs"
)

// sampleRows is how many rows the writer holds back to size the columns:
// excelize's stream writer wants column widths before the first row.
const sampleRows = 100

// bigInt is where integers stop being written as numbers: Excel keeps 15
// significant digits, so larger ones (an ID number passed as an int) are
// written as text to survive.
const bigInt = 999_999_999_999_999

// Writer streams an .xlsx with one worksheet: a bold header row, frozen, then
// the rows. Rows go to excelize's StreamWriter, which keeps up to 16 MiB in
// memory and spills the rest to a temporary file, and WriteTo zips straight
// into the destination, so memory stays bounded whatever the row count.
// A Writer is not safe for concurrent use; Close it to remove its temporary
// files.
type Writer struct {
	f       *excelize.File
	sw      *excelize.StreamWriter
	headers []string
	widths  []float64
	pending [][]any // the first rows, held back to size the columns
	started bool
	done    bool
	row     int // last spreadsheet row written

	styleHeader, styleDate, styleDateTime int
}

// NewWriter starts a workbook with one sheet named sheetName (characters
// Excel forbids in sheet names are replaced, and it is cut to 31 characters)
// and the given column headers.
func NewWriter(sheetName string, headers []string) (*Writer, error) {
	if len(headers) == 0 || len(headers) > maxExcelCols {
		return nil, errs.Internal(fmt.Errorf("%d headers", len(headers)), "sheet writer")
	}
	f := excelize.NewFile()
	w := &Writer{f: f, headers: make([]string, len(headers)), widths: make([]float64, len(headers))}
	fail := func(err error) (*Writer, error) {
		_ = f.Close()
		return nil, errs.Internal(err, "sheet writer")
	}
	name := sheetNameFor(sheetName)
	if name != "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return fail(err)
		}
	}
	var err error
	if w.styleHeader, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#F2F2F2"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "#A6A6A6", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	}); err != nil {
		return fail(err)
	}
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	if w.styleDate, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return fail(err)
	}
	if w.styleDateTime, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt}); err != nil {
		return fail(err)
	}
	if w.sw, err = f.NewStreamWriter(name); err != nil {
		return fail(err)
	}
	for i, h := range headers {
		w.headers[i] = Neutralize(h)
		w.widths[i] = textWidth(h) + 1 // bold
	}
	return w, nil
}

// sheetNameFor makes a valid sheet name.
func sheetNameFor(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) || r < ' ' {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, "'")
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}

// Row writes one row under the headers. Values may be string (passed through
// Neutralize), int and uint of every size, float64, float32, bool, time.Time
// (a date cell, with the time of day if it has one; its wall clock is
// written, not converted to UTC), fmt.Stringer (as its string), or nil for an
// empty cell; a zero time.Time and NaN or infinite floats are empty cells too.
// There may be fewer values than headers, not more.
func (w *Writer) Row(values ...any) error {
	if w.done {
		return errs.Internal(errors.New("row after WriteTo"), "sheet writer")
	}
	if len(values) > len(w.headers) {
		return errs.Internal(fmt.Errorf("%d values for %d headers", len(values), len(w.headers)), "sheet writer")
	}
	row := make([]any, len(values))
	for i, v := range values {
		c, width, err := w.cell(v)
		if err != nil {
			return err
		}
		row[i] = c
		if !w.started {
			w.widths[i] = max(w.widths[i], width)
		}
	}
	if w.started {
		return w.write(row)
	}
	w.pending = append(w.pending, row)
	if len(w.pending) < sampleRows {
		return nil
	}
	return w.start()
}

func (w *Writer) cell(v any) (any, float64, error) {
	switch v := v.(type) {
	case nil:
		return nil, 0, nil
	case string:
		s := Neutralize(v)
		return s, textWidth(s), nil
	case int:
		return intCell(int64(v))
	case int8:
		return intCell(int64(v))
	case int16:
		return intCell(int64(v))
	case int32:
		return intCell(int64(v))
	case int64:
		return intCell(v)
	case uint:
		return uintCell(uint64(v))
	case uint8:
		return uintCell(uint64(v))
	case uint16:
		return uintCell(uint64(v))
	case uint32:
		return uintCell(uint64(v))
	case uint64:
		return uintCell(v)
	case float32:
		return floatCell(float64(v))
	case float64:
		return floatCell(v)
	case bool:
		return v, 6, nil
	case time.Time:
		if v.IsZero() {
			return nil, 0, nil
		}
		serial, ok := excelSerial(v)
		if !ok {
			s := v.Format("2006-01-02")
			return s, textWidth(s), nil
		}
		if h, m, s := v.Clock(); h == 0 && m == 0 && s == 0 && v.Nanosecond() == 0 {
			return excelize.Cell{StyleID: w.styleDate, Value: serial}, 11, nil
		}
		return excelize.Cell{StyleID: w.styleDateTime, Value: serial}, 20, nil
	case fmt.Stringer:
		s := Neutralize(v.String())
		return s, textWidth(s), nil
	}
	return nil, 0, errs.Internal(fmt.Errorf("unsupported cell type %T", v), "sheet writer")
}

func intCell(v int64) (any, float64, error) {
	s := strconv.FormatInt(v, 10)
	if v > bigInt || v < -bigInt {
		return s, float64(len(s)), nil
	}
	return v, float64(len(s)), nil
}

func uintCell(v uint64) (any, float64, error) {
	s := strconv.FormatUint(v, 10)
	if v > bigInt {
		return s, float64(len(s)), nil
	}
	return v, float64(len(s)), nil
}

func floatCell(v float64) (any, float64, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, 0, nil
	}
	return v, float64(len(strconv.FormatFloat(v, 'g', 15, 64))), nil
}

// start fixes the column widths and the frozen header, then writes the header
// and the rows held back.
func (w *Writer) start() error {
	w.started = true
	for i, width := range w.widths {
		width = min(max(width+2, 8), 50)
		if err := w.sw.SetColWidth(i+1, i+1, width); err != nil {
			return errs.Internal(err, "sheet writer")
		}
	}
	if err := w.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return errs.Internal(err, "sheet writer")
	}
	header := make([]any, len(w.headers))
	for i, h := range w.headers {
		header[i] = excelize.Cell{StyleID: w.styleHeader, Value: h}
	}
	if err := w.write(header); err != nil {
		return err
	}
	for _, row := range w.pending {
		if err := w.write(row); err != nil {
			return err
		}
	}
	w.pending = nil
	return nil
}

func (w *Writer) write(row []any) error {
	if w.row >= maxExcelRows {
		return errs.Internal(errors.New("more rows than a worksheet holds"), "sheet writer")
	}
	w.row++
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err == nil {
		err = w.sw.SetRow(cell, row)
	}
	if err != nil {
		return errs.Internal(err, "sheet writer")
	}
	return nil
}

// WriteTo finishes the workbook and writes the .xlsx to out. It can be called
// once; Close still has to be called afterwards.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	if w.done {
		return 0, errs.Internal(errors.New("WriteTo called twice"), "sheet writer")
	}
	if !w.started {
		if err := w.start(); err != nil {
			return 0, err
		}
	}
	w.done = true
	if err := w.sw.Flush(); err != nil {
		return 0, errs.Internal(err, "sheet writer")
	}
	// excelize's WriteTo builds the whole zip in a bytes.Buffer handed to its
	// ZipWriter factory. The factory here ignores that buffer and zips into
	// out instead, so the file streams out (the buffer stays empty, and what
	// excelize then copies from it to io.Discard is nothing).
	cw := &countingWriter{w: out}
	w.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(cw) })
	if _, err := w.f.WriteTo(io.Discard); err != nil {
		return cw.n, errs.Internal(err, "sheet writer")
	}
	if cw.err != nil {
		return cw.n, errs.Internal(cw.err, "sheet writer")
	}
	return cw.n, nil
}

// Close removes the writer's temporary files.
func (w *Writer) Close() error {
	w.done = true
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// textWidth estimates a string's width in Excel's column units: East Asian
// wide characters count two.
func textWidth(s string) float64 {
	w := 0
	for _, r := range s {
		w++
		if wide(r) {
			w++
		}
		if w > 100 {
			break
		}
	}
	return float64(w)
}

func wide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115F || // Hangul Jamo
		(r >= 0x2E80 && r <= 0xA4CF && r != 0x303F) || // CJK ... Yi
		(r >= 0xAC00 && r <= 0xD7A3) || // Hangul syllables
		(r >= 0xF900 && r <= 0xFAFF) || // CJK compatibility ideographs
		(r >= 0xFE30 && r <= 0xFE4F) || // CJK compatibility forms
		(r >= 0xFF00 && r <= 0xFF60) || // full-width forms
		(r >= 0xFFE0 && r <= 0xFFE6) ||
		(r >= 0x20000 && r <= 0x3FFFD))
}

// Neutralize defends against formula injection (CSV/spreadsheet injection):
// a string starting with = + - @ (or their full-width forms ＝＋－＠), a tab or
// a carriage return gets a leading apostrophe, so no spreadsheet program takes
// it for a formula, even after a round trip through CSV. Row applies it to
// every string, and the Reader removes it again; so that this round trip is
// exact, a string that already starts with apostrophes followed by such a
// character gets one more.
func Neutralize(s string) string {
	if needsNeutralizing(s) {
		return "'" + s
	}
	return s
}

func needsNeutralizing(s string) bool {
	s = strings.TrimLeft(s, "'")
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	if s[0] < utf8.RuneSelf {
		return false
	}
	switch r, _ := utf8.DecodeRuneInString(s); r {
	case '＝', '＋', '－', '＠':
		return true
	}
	return false
}
