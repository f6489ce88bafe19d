package sheet

import (
	"io"
	"regexp"
	"strings"
)

// The parts every import of a sheet shares (member rosters, question
// banks): the modes a user chooses from, the row-level report, the columns
// recognised by the headers people write, and the report as a workbook.

// ImportMode says what an import does with a file.
type ImportMode string

const (
	// ImportDryRun checks every row and changes nothing.
	ImportDryRun ImportMode = "dry-run"
	// ImportAllOrNothing imports every row, or none if any row is bad.
	ImportAllOrNothing ImportMode = "all-or-nothing"
	// ImportValidRows imports exactly the good rows.
	ImportValidRows ImportMode = "valid-rows"
)

// Valid reports whether m is a known mode.
func (m ImportMode) Valid() bool {
	return m == ImportDryRun || m == ImportAllOrNothing || m == ImportValidRows
}

// ImportError is one problem of one row.
type ImportError struct {
	Row     int    `json:"row"`    // the row number as the spreadsheet shows it
	Column  string `json:"column"` // the column's header as written in the file
	Code    string `json:"code"`
	Message string `json:"message"` // filled in the reader's language at the edge
	// Key and Args make Message; kept when a report is stored for later
	// display (an import job), dropped from API answers.
	Key  string `json:"key,omitempty"`
	Args []any  `json:"args,omitempty"`
}

// ImportReport is the outcome of an import. Valid rows are Imported, or
// Skipped because the record is already there (so a re-import of the same
// file adds nothing).
type ImportReport struct {
	Mode      ImportMode    `json:"mode"`
	Total     int           `json:"total"`
	Valid     int           `json:"valid"`
	Invalid   int           `json:"invalid"`
	Imported  int           `json:"imported"`
	Skipped   int           `json:"skipped"`
	Errors    []ImportError `json:"errors"`
	Truncated bool          `json:"errors_truncated"` // more errors than MaxImportErrors
	Format    string        `json:"format"`
	Encoding  string        `json:"encoding,omitempty"`
}

// MaxImportErrors bounds the errors a report lists (each bad row is still
// counted in Invalid).
const MaxImportErrors = 10000

// Fail adds one problem of row num in column (the header as written, ""
// for the whole row); key is the message key, its last segments the code.
func (rep *ImportReport) Fail(num int, column, key string, args ...any) {
	if len(rep.Errors) >= MaxImportErrors {
		rep.Truncated = true
		return
	}
	code := key
	if i := strings.IndexByte(code, '.'); i >= 0 {
		code = code[i+1:]
	}
	code = strings.ReplaceAll(strings.TrimPrefix(code, "field."), ".", "_")
	rep.Errors = append(rep.Errors, ImportError{Row: num, Column: column, Code: code, Key: key, Args: args})
}

// Columns recognises the columns of an import by the headers people write.
// Headers are compared after dropping spaces, asterisks, colons and
// anything in brackets ("*身份证号（必填）" is 身份证号), and
// case-insensitively.
type Columns struct {
	names map[string][]string // field -> the headers that name it, the first the one templates write
	index map[string]string   // normalised header -> field
}

// NewColumns takes, for each field, the headers that name it.
func NewColumns(names map[string][]string) *Columns {
	c := &Columns{names: names, index: map[string]string{}}
	for field, hs := range names {
		for _, h := range hs {
			c.index[NormaliseHeader(h)] = field
		}
	}
	return c
}

var headerNoise = regexp.MustCompile(`[\s*＊:：]|[（(【\[].*?[)）】\]]`)

// NormaliseHeader is a header as Columns compares it.
func NormaliseHeader(h string) string {
	return strings.ToLower(headerNoise.ReplaceAllString(h, ""))
}

// Field is the field a header names.
func (c *Columns) Field(header string) (string, bool) {
	f, ok := c.index[NormaliseHeader(header)]
	return f, ok
}

// Name is the header a template writes for field.
func (c *Columns) Name(field string) string {
	if hs := c.names[field]; len(hs) > 0 {
		return hs[0]
	}
	return field
}

// Map finds the fields in a header row: field -> column index, the first
// column naming it.
func (c *Columns) Map(header []string) map[string]int {
	out := map[string]int{}
	for i, h := range header {
		if f, ok := c.Field(h); ok {
			if _, dup := out[f]; !dup {
				out[f] = i
			}
		}
	}
	return out
}

// IsHeader reports whether cells name at least min known columns, one of
// them among keys: a header row, not a title above it.
func (c *Columns) IsHeader(cells []string, min int, keys ...string) bool {
	known, key := 0, len(keys) == 0
	for _, cell := range cells {
		if f, ok := c.Field(cell); ok {
			known++
			for _, k := range keys {
				key = key || f == k
			}
		}
	}
	return key && known >= min
}

// ErrorReport writes an import's errors as an .xlsx the staff can fix
// their sheet from: row, column, problem, code. tr translates message keys.
func ErrorReport(rep *ImportReport, tr func(key string, args ...any) string, out io.Writer) error {
	w, err := NewWriter(tr("sheet.report.title"), []string{tr("sheet.report.row"), tr("sheet.report.column"), tr("sheet.report.problem"), tr("sheet.report.code")})
	if err != nil {
		return err
	}
	defer w.Close()
	for _, e := range rep.Errors {
		if err := w.Row(e.Row, e.Column, tr(e.Key, e.Args...), e.Code); err != nil {
			return err
		}
	}
	_, err = w.WriteTo(out)
	return err
}
