package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/errs"
)

// open opens data with the reader, failing the test on error.
func open(t testing.TB, data []byte, opt Options) *Reader {
	t.Helper()
	r, err := Open(bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// readAll reads every row, failing the test on an error other than io.EOF.
func readAll(t testing.TB, r *Reader) []Row {
	t.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		if len(row.Cells) != len(r.Header()) {
			t.Fatalf("row %d has %d cells, header %d", row.Num, len(row.Cells), len(r.Header()))
		}
		rows = append(rows, row)
	}
}

// codeAndArgs is the errs code of err and the arguments of its message.
func codeAndArgs(err error) (string, []any) {
	if e, ok := errs.As(err); ok {
		return e.Code, e.Args
	}
	return "", nil
}

// code is the errs code of err, or "" if err is not an *errs.Error.
func code(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Code
	}
	return ""
}

// openErr opens data expecting an error and returns its code.
func openErr(t testing.TB, data []byte, opt Options) string {
	t.Helper()
	r, err := Open(bytes.NewReader(data), int64(len(data)), opt)
	if err == nil {
		_ = r.Close()
		t.Fatalf("Open succeeded, want an error")
	}
	if e, ok := errs.As(err); !ok || e.Kind != errs.KindInvalid {
		t.Fatalf("Open: %v is not an Invalid *errs.Error", err)
	}
	return code(err)
}

// book builds an .xlsx with excelize: fill gets the file and its first sheet.
func book(t testing.TB, fill func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f, "Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rawBook builds a minimal .xlsx package by hand around a worksheet's XML
// (and shared strings, if any), with correct checksums, so tests and fuzzing
// can say exactly what the worksheet holds. method is zip.Deflate or zip.Store.
func rawBook(sheetXML, sharedStrings string, method uint16) []byte {
	return zipParts(bookParts(sheetXML, sharedStrings), method)
}

type part struct{ name, body string }

func bookParts(sheetXML, sharedStrings string) []part {
	parts := []part{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheetXML},
	}
	if sharedStrings != "" {
		parts = append(parts, part{"xl/sharedStrings.xml", sharedStrings})
	}
	return parts
}

func zipParts(parts []part, method uint16) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method})
		if err != nil {
			panic(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// sheetXML wraps rows (and anything after sheetData) in a worksheet.
func sheetXML(rows, after string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData>` + after + `</worksheet>`
}

// rezip copies the entries of an .xlsx into a new zip and lets add append
// entries of its own.
func rezip(t testing.TB, data []byte, add func(zw *zip.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		must(t, zw.Copy(f))
	}
	add(zw)
	must(t, zw.Close())
	return buf.Bytes()
}

func cells(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Cells
	}
	return out
}

func nums(rows []Row) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Num
	}
	return out
}

// isHeader is what the member package will do: a row naming 姓名 is the header.
func isHeader(c []string) bool {
	for _, s := range c {
		if s == "姓名" || strings.EqualFold(s, "name") {
			return true
		}
	}
	return false
}
