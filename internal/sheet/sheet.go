// Package sheet reads uploaded rosters (.xlsx and .csv) row by row and writes
// .xlsx exports, streaming both ways. It knows nothing about members: callers
// get a header row and rows of trimmed strings and map the columns themselves.
//
// Reading is defensive, because every file comes from outside: the size of
// the upload, the unpacked size of an .xlsx and the compression ratio of each
// of its parts are checked before any of it is unpacked, rows and columns are
// counted, long cells are cut, and every failure is an *errs.Error of kind
// Invalid with a stable code and a message key in the sheet.* catalogues.
// Messages and causes never quote cell contents, which may be personal data.
package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gonghui/internal/errs"
)

// Limits bounds what a reader accepts. Zero (or negative) fields take the
// defaults.
type Limits struct {
	MaxBytes     int64 // size of the upload; default 64 MiB
	MaxUnpacked  int64 // total unpacked size of an .xlsx; default 512 MiB
	MaxRows      int   // data rows (after the header, empty rows not counted); default 1,000,000
	MaxColumns   int   // columns of the header row; default 200
	MaxCellRunes int   // longer cells are cut and the row says so (Row.Truncated); default 2000
}

const (
	defaultMaxBytes     = 64 << 20
	defaultMaxUnpacked  = 512 << 20
	defaultMaxRows      = 1_000_000
	defaultMaxColumns   = 200
	defaultMaxCellRunes = 2000
	defaultHeaderScan   = 10

	// maxRatio is the largest compression ratio accepted for a part of an
	// .xlsx (unpacked size / packed size); real worksheets stay well below 50.
	maxRatio = 200
	// hardMaxColumns is the most fields a record may have at all (Excel's own
	// limit is 16,384 columns); it keeps a line of a million commas from
	// becoming a million strings in memory.
	hardMaxColumns = 16384
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = defaultMaxBytes
	}
	if l.MaxUnpacked <= 0 {
		l.MaxUnpacked = defaultMaxUnpacked
	}
	if l.MaxRows <= 0 {
		l.MaxRows = defaultMaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = defaultMaxColumns
	}
	if l.MaxCellRunes <= 0 {
		l.MaxCellRunes = defaultMaxCellRunes
	}
	return l
}

// Options configure Open.
type Options struct {
	Limits
	// IsHeader picks the header row: the reader looks at the first HeaderScan
	// non-empty rows and takes the first for which IsHeader returns true
	// (rosters often start with a title row such as "XX公司会员花名册"). It
	// gets the row's cells trimmed, without trailing empty cells. nil takes
	// the first non-empty row.
	IsHeader   func(cells []string) bool
	HeaderScan int // default 10
}

// Row is one data row.
type Row struct {
	// Num is the row number as a spreadsheet program shows it: 1-based,
	// counting title, header and empty rows. For CSV it is the record's number
	// counting empty lines as Excel does when it opens the file (a quoted
	// field spanning lines is still one row).
	Num int
	// Cells has exactly len(Header()) cells, each trimmed of surrounding white
	// space (including U+3000 and NBSP), cut to MaxCellRunes and made valid
	// UTF-8; NUL characters are dropped. A leading apostrophe that Neutralize
	// added (an apostrophe followed by = + - @ tab or CR) is removed, so an
	// export of this package reads back as it was written.
	Cells     []string
	Truncated bool // some cell was longer than MaxCellRunes and was cut
}

// source is one file format: it yields rows in order.
type source interface {
	// next returns the next row: its number, its cells cleaned (see clean),
	// and whether the row had no content of its own (merged cells filled in
	// from above do not count). The cells slice may be reused by the next call.
	next() (num int, cells []string, blank bool, err error)
	// headerAt tells the source which row became the header.
	headerAt(num int)
	// consumed is how many bytes of the file have been read, or estimated.
	consumed() int64
	encoding() string
	close() error
}

// Reader reads one uploaded sheet row by row. It is not safe for concurrent
// use.
type Reader struct {
	opt       Options
	src       source
	format    string
	size      int64
	header    []string
	headerRow int
	rows      int   // data rows returned
	err       error // sticky: io.EOF or the first failure
	date1904  bool
}

// Open detects the format from the content and reads up to and including the
// header row: a zip (PK\x03\x04) is read as .xlsx (its first visible
// worksheet), an OLE2 file (D0 CF 11 E0, an .xls or a password-protected
// workbook) is refused with a message saying what to do, anything else is read
// as CSV. r is read, never closed; it must stay readable until Close.
func Open(r io.ReaderAt, size int64, opt Options) (*Reader, error) {
	opt.Limits = opt.Limits.withDefaults()
	if opt.HeaderScan <= 0 {
		opt.HeaderScan = defaultHeaderScan
	}
	if size < 0 {
		return nil, unreadable(errors.New("negative size"))
	}
	if size > opt.MaxBytes {
		return nil, errTooLarge(opt.MaxBytes)
	}
	var magic [8]byte
	n, err := r.ReadAt(magic[:], 0)
	if n < len(magic) && err != nil && err != io.EOF {
		return nil, unreadable(redact(err))
	}
	rd := &Reader{opt: opt, size: size}
	switch {
	case n >= 4 && bytes.Equal(magic[:4], []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, oleError(r, size)
	case n >= 4 && magic[0] == 'P' && magic[1] == 'K' && (magic[2] == 3 && magic[3] == 4 || magic[2] == 5 && magic[3] == 6 || magic[2] == 7 && magic[3] == 8):
		src, d1904, err := openXLSX(r, size, opt.Limits)
		if err != nil {
			return nil, err
		}
		rd.src, rd.format, rd.date1904 = src, "xlsx", d1904
	default:
		src, err := openCSV(r, size, opt.Limits)
		if err != nil {
			return nil, err
		}
		rd.src, rd.format = src, "csv"
	}
	if err := rd.findHeader(); err != nil {
		_ = rd.src.close()
		return nil, err
	}
	return rd, nil
}

func (r *Reader) findHeader() error {
	scanned := 0
	for scanned < r.opt.HeaderScan {
		num, cells, blank, err := r.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		cells = trimTrailingEmpty(cells)
		if blank || len(cells) == 0 {
			continue
		}
		scanned++
		if r.opt.IsHeader != nil && !r.opt.IsHeader(cells) {
			continue
		}
		if len(cells) > r.opt.MaxColumns {
			return errTooManyColumns(r.opt.MaxColumns)
		}
		r.header = make([]string, len(cells))
		for i, c := range cells {
			r.header[i], _ = truncate(c, r.opt.MaxCellRunes)
		}
		r.headerRow = num
		r.src.headerAt(num)
		return nil
	}
	if scanned == 0 {
		return errs.Invalid("sheet_empty", "sheet.empty")
	}
	return errs.Invalid("sheet_no_header", "sheet.no_header", r.opt.HeaderScan)
}

// Format is "xlsx" or "csv".
func (r *Reader) Format() string { return r.format }

// Encoding is the character encoding of a CSV file: "utf-8", "gb18030",
// "utf-16le" or "utf-16be"; "" for .xlsx. For a file without a byte order mark
// it is decided at the first non-ASCII byte (from up to 64 KiB of text from
// there), so it says "utf-8" while everything read so far was ASCII.
func (r *Reader) Encoding() string { return r.src.encoding() }

// Header returns the header row's cells (trailing empty cells dropped). The
// slice is the reader's own; do not modify it.
func (r *Reader) Header() []string { return r.header }

// HeaderRow is the header's row number, counted as Row.Num is.
func (r *Reader) HeaderRow() int { return r.headerRow }

// Date converts an .xlsx date cell (an Excel serial number such as "43831")
// to a date, honouring the workbook's date system (1900, or 1904 for some
// files from old Macs). For CSV it is ExcelSerialDate.
func (r *Reader) Date(s string) (time.Time, bool) { return excelDate(s, r.date1904) }

// Next returns the next data row, skipping rows without content; io.EOF at
// the end. After an error every call returns the same error.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	for {
		num, cells, blank, err := r.src.next()
		if err != nil {
			r.err = err
			return Row{}, err
		}
		if blank {
			continue
		}
		width := len(r.header)
		empty := true
		for i := 0; i < width && i < len(cells); i++ {
			if cells[i] != "" {
				empty = false
				break
			}
		}
		if empty {
			continue // content only in columns without a header
		}
		if r.rows >= r.opt.MaxRows {
			r.err = errs.Invalid("sheet_too_many_rows", "sheet.too_many_rows", r.opt.MaxRows)
			return Row{}, r.err
		}
		r.rows++
		row := Row{Num: num, Cells: make([]string, width)}
		for i := 0; i < width && i < len(cells); i++ {
			var cut bool
			row.Cells[i], cut = truncate(cells[i], r.opt.MaxCellRunes)
			row.Truncated = row.Truncated || cut
		}
		return row, nil
	}
}

// Progress reports how far reading has come, in bytes of the upload, for a
// progress bar: exact for CSV (give or take a read-ahead buffer), estimated
// from the row number for .xlsx.
func (r *Reader) Progress() (done, total int64) {
	if r.err == io.EOF {
		return r.size, r.size
	}
	done = r.src.consumed()
	if done > r.size {
		done = r.size
	}
	return done, r.size
}

// Close releases the reader's temporary files. It does not close the
// io.ReaderAt given to Open.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = closedSource{}
	if r.err == nil {
		r.err = errs.Internal(errors.New("reader closed"), "sheet")
	}
	return err
}

type closedSource struct{}

func (closedSource) next() (int, []string, bool, error) { return 0, nil, true, io.EOF }
func (closedSource) headerAt(int)                       {}
func (closedSource) consumed() int64                    { return 0 }
func (closedSource) encoding() string                   { return "" }
func (closedSource) close() error                       { return nil }

// isSpace is white space to trim around a cell: Unicode White_Space (which
// includes U+3000 IDEOGRAPHIC SPACE and U+00A0 NO-BREAK SPACE) plus the
// zero-width space and a stray byte order mark.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\uFEFF'
}

// clean trims a cell, drops NUL characters (PostgreSQL text cannot hold
// them), replaces invalid UTF-8 and undoes Neutralize.
func clean(s string) string {
	if s == "" {
		return s
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if s == "" {
		return s
	}
	if first, last := s[0], s[len(s)-1]; first <= ' ' || first >= utf8.RuneSelf || last <= ' ' || last >= utf8.RuneSelf {
		s = strings.TrimFunc(s, isSpace)
	}
	if len(s) > 1 && s[0] == '\'' && needsNeutralizing(s[1:]) {
		s = strings.TrimFunc(s[1:], isSpace)
	}
	return s
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j], true
		}
		i++
	}
	return s, false
}

func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && cells[n-1] == "" {
		n--
	}
	return cells[:n]
}

// Errors. Causes are for logs only; redact keeps file content out of them.

func errTooLarge(limit int64) *errs.Error {
	mb := (limit + 1<<20 - 1) >> 20
	return errs.Invalid("sheet_too_large", "sheet.too_large", mb)
}

func errZipBomb(cause string) *errs.Error {
	e := errs.Invalid("sheet_zip_bomb", "sheet.zip_bomb")
	e.Err = errors.New(cause)
	return e
}

func errTooManyColumns(limit int) *errs.Error {
	return errs.Invalid("sheet_too_many_columns", "sheet.too_many_columns", limit)
}

func unreadable(cause error) *errs.Error {
	e := errs.Invalid("sheet_unreadable", "sheet.unreadable")
	e.Err = cause
	return e
}

// redact returns an error safe to log: messages of the zip, io and os
// packages name no content, but those of parsers may quote it, so for the
// rest only the type is kept.
func redact(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	for _, known := range []error{io.EOF, io.ErrUnexpectedEOF, errZipFormat, errZipAlgorithm, errZipChecksum} {
		if errors.Is(err, known) {
			return err
		}
	}
	return fmt.Errorf("%T (message withheld, it may quote the file)", err)
}
