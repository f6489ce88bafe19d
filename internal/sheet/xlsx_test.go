package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// A roster written by the Writer reads back as written: the title row above
// the header is skipped through IsHeader, empty rows are skipped with their
// numbers kept, and a formula-looking value was stored as text.
func TestRoundTrip(t *testing.T) {
	w, err := NewWriter("会员名册", []string{"姓名", "身份证号", "入会日期", "年龄", "会费", "在职", "备注"})
	must(t, err)
	defer w.Close()
	joined := time.Date(2019, 6, 30, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	must(t, w.Row("张三", "110101199001011234", joined, 34, 12.5, true, "=1+1"))
	must(t, w.Row()) // an empty row
	must(t, w.Row("李四", "11010119900101123X", nil, int64(29), 0.0, false, "+86 138 0000 0000"))
	must(t, w.Row("  王五\u3000", "", time.Time{}, nil, nil, nil, "@SUM(A1)"))
	var buf bytes.Buffer
	n, err := w.WriteTo(&buf)
	must(t, err)
	if n != int64(buf.Len()) || n == 0 {
		t.Fatalf("WriteTo said %d bytes, wrote %d", n, buf.Len())
	}
	if err := w.Row("late"); err == nil {
		t.Error("Row after WriteTo succeeded")
	}

	// The stored cells, through excelize: the formula-looking value is text.
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	must(t, err)
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"会员名册"}) {
		t.Fatalf("sheets %v", got)
	}
	formula, err := f.GetCellFormula("会员名册", "G2")
	must(t, err)
	value, _ := f.GetCellValue("会员名册", "G2")
	typ, _ := f.GetCellType("会员名册", "G2")
	if formula != "" || value != "'=1+1" || typ != excelize.CellTypeInlineString {
		t.Errorf("G2: formula %q value %q type %v, want no formula, text '=1+1", formula, value, typ)
	}
	panes, err := f.GetPanes("会员名册")
	must(t, err)
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v", panes)
	}
	if style, _ := f.GetCellStyle("会员名册", "A1"); style == 0 {
		t.Error("header has no style")
	} else if s, _ := f.GetStyle(style); s.Font == nil || !s.Font.Bold {
		t.Error("header is not bold")
	}
	if width, _ := f.GetColWidth("会员名册", "B"); width < 18 {
		t.Errorf("ID column %.1f wide, too narrow for 18 digits", width)
	}

	// Now as an upload, with a title row put above the header.
	must(t, f.InsertRows("会员名册", 1, 1))
	must(t, f.SetCellValue("会员名册", "A1", "XX公司会员花名册"))
	var titled bytes.Buffer
	must(t, f.Write(&titled))
	r := open(t, titled.Bytes(), Options{IsHeader: isHeader})
	if r.Format() != "xlsx" || r.Encoding() != "" || r.HeaderRow() != 2 {
		t.Fatalf("format %q encoding %q header row %d", r.Format(), r.Encoding(), r.HeaderRow())
	}
	if got := r.Header(); !reflect.DeepEqual(got, []string{"姓名", "身份证号", "入会日期", "年龄", "会费", "在职", "备注"}) {
		t.Fatalf("header %q", got)
	}
	rows := readAll(t, r)
	want := [][]string{
		{"张三", "110101199001011234", "43646", "34", "12.5", "1", "=1+1"},
		{"李四", "11010119900101123X", "", "29", "0", "0", "+86 138 0000 0000"},
		{"王五", "", "", "", "", "", "@SUM(A1)"},
	}
	if !reflect.DeepEqual(cells(rows), want) {
		t.Errorf("rows\n%q\nwant\n%q", cells(rows), want)
	}
	if !reflect.DeepEqual(nums(rows), []int{3, 5, 6}) {
		t.Errorf("row numbers %v, want [3 5 6]", nums(rows))
	}
	if d, ok := r.Date(rows[0].Cells[2]); !ok || d.Format("2006-01-02") != "2019-06-30" {
		t.Errorf("date %v %v", d, ok)
	}
	if done, total := r.Progress(); done != total {
		t.Errorf("progress at the end %d/%d", done, total)
	}
}

// A title row (merged across the columns, as rosters have) above the header
// is skipped through IsHeader; without IsHeader it would be the header.
func TestTitleRowAndMergedCells(t *testing.T) {
	data := book(t, func(f *excelize.File, s string) {
		must(t, f.SetCellValue(s, "A1", "XX公司会员花名册"))
		must(t, f.MergeCell(s, "A1", "D1"))
		must(t, f.SetSheetRow(s, "A2", &[]any{"单位", "姓名", "联系方式", ""}))
		must(t, f.SetCellValue(s, "D2", "")) // 联系方式 spans C2:D2 ...
		must(t, f.MergeCell(s, "C2", "D2"))
		must(t, f.SetSheetRow(s, "C3", &[]any{"手机", "邮箱"})) // ... with sub-headers below
		must(t, f.MergeCell(s, "A2", "A3"))                 // 单位 is two rows tall
		must(t, f.SetCellValue(s, "B3", "（必填）"))
		must(t, f.SetSheetRow(s, "A4", &[]any{"第一分会", "张三", "13800000001"}))
		must(t, f.SetSheetRow(s, "B5", &[]any{"李四", "13800000002"}))
		must(t, f.SetSheetRow(s, "B6", &[]any{"王五"}))
		must(t, f.MergeCell(s, "A4", "A7")) // row 7 has nothing of its own
		must(t, f.SetSheetRow(s, "A8", &[]any{"第二分会", "赵六"}))
	})
	r := open(t, data, Options{IsHeader: isHeader})
	if r.HeaderRow() != 2 || !reflect.DeepEqual(r.Header(), []string{"单位", "姓名", "联系方式", "联系方式"}) {
		t.Fatalf("header row %d %q", r.HeaderRow(), r.Header())
	}
	rows := readAll(t, r)
	want := [][]string{
		{"", "（必填）", "手机", "邮箱"}, // the header's merges are not carried below it
		{"第一分会", "张三", "13800000001", ""},
		{"第一分会", "李四", "13800000002", ""},
		{"第一分会", "王五", "", ""},
		{"第二分会", "赵六", "", ""},
	}
	if !reflect.DeepEqual(cells(rows), want) {
		t.Errorf("rows\n%q\nwant\n%q", cells(rows), want)
	}
	if !reflect.DeepEqual(nums(rows), []int{3, 4, 5, 6, 8}) {
		t.Errorf("row numbers %v", nums(rows))
	}

	r = open(t, data, Options{})
	if r.HeaderRow() != 1 || len(r.Header()) != 4 || r.Header()[3] != "XX公司会员花名册" {
		t.Errorf("without IsHeader: row %d %q", r.HeaderRow(), r.Header())
	}
}

// Formulas are never evaluated: a formula cell gives its cached value, or
// nothing when there is none.
func TestFormulas(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	must(t, err)
	must(t, sw.SetRow("A1", []any{"姓名", "计算", "缓存"}))
	must(t, sw.SetRow("A2", []any{"张三", excelize.Cell{Formula: "1+1"}, excelize.Cell{Formula: "1+1", Value: 2}}))
	must(t, sw.SetRow("A3", []any{"李四", excelize.Cell{Formula: `HYPERLINK("http://example.com","x")`}, excelize.Cell{Formula: "A2&A3", Value: "张三李四"}}))
	must(t, sw.Flush())
	var buf bytes.Buffer
	must(t, f.Write(&buf))
	rows := readAll(t, open(t, buf.Bytes(), Options{}))
	want := [][]string{{"张三", "", "2"}, {"李四", "", "张三李四"}}
	if !reflect.DeepEqual(cells(rows), want) {
		t.Errorf("rows %q, want %q", cells(rows), want)
	}
}

// Cells come back raw: a date as its serial number, an 18-digit number as
// stored (exact if written as text or integer, Excel's rounded exponent form
// if Excel stored it as a number), booleans as 1 and 0.
func TestRawValues(t *testing.T) {
	huge := strings.Repeat("长", 5000)
	data := book(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"姓名", "出生日期", "身份证号", "会员", "简介", "带时间"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{"张三", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), int64(110101199001011234), true, huge, time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)}))
		must(t, f.SetSheetRow(s, "A3", &[]any{"李四", 32874, "110101199001011235", false, "短"}))
	})
	r := open(t, data, Options{})
	rows := readAll(t, r)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if got := rows[0].Cells[:4]; !reflect.DeepEqual(got, []string{"张三", "43831", "110101199001011234", "1"}) {
		t.Errorf("row 2: %q", got)
	}
	if got := rows[0].Cells[5]; got != "43831.5" {
		t.Errorf("date with time %q", got)
	}
	if d, ok := ExcelSerialDate(rows[0].Cells[1]); !ok || !d.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("serial date %v %v", d, ok)
	}
	if !rows[0].Truncated || len([]rune(rows[0].Cells[4])) != defaultMaxCellRunes {
		t.Errorf("huge cell: truncated %v, %d runes", rows[0].Truncated, len([]rune(rows[0].Cells[4])))
	}
	if rows[1].Truncated || !reflect.DeepEqual(rows[1].Cells, []string{"李四", "32874", "110101199001011235", "0", "短", ""}) {
		t.Errorf("row 3: %q truncated %v", rows[1].Cells, rows[1].Truncated)
	}

	// As Excel itself stores a typed-in 18-digit number, and a date cell of
	// type d, and an inline string.
	raw := rawBook(sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c><c r="C1" t="inlineStr"><is><t>日期</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t> 张三 </t></is></c><c r="B2"><v>1.10101199001011E+17</v></c><c r="C2" t="d"><v>2020-01-01T00:00:00Z</v></c></row>`, ""), "", zip.Deflate)
	rows = readAll(t, open(t, raw, Options{}))
	if want := []string{"张三", "1.10101199001011E+17", "2020-01-01T00:00:00Z"}; !reflect.DeepEqual(rows[0].Cells, want) || rows[0].Truncated {
		t.Errorf("Excel-stored row %q (truncated %v), want %q", rows[0].Cells, rows[0].Truncated, want)
	}
}

// The first visible worksheet is read: a hidden first sheet is passed over.
func TestHiddenSheet(t *testing.T) {
	data := book(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"说明"}))
		_, err := f.NewSheet("名册")
		must(t, err)
		must(t, f.SetSheetRow("名册", "A1", &[]any{"姓名"}))
		must(t, f.SetSheetRow("名册", "A2", &[]any{"张三"}))
		f.SetActiveSheet(1)
		must(t, f.SetSheetVisible(s, false))
		if visible, _ := f.GetSheetVisible(s); visible {
			t.Fatal("first sheet not hidden")
		}
	})
	r := open(t, data, Options{})
	if rows := readAll(t, r); len(rows) != 1 || r.Header()[0] != "姓名" || rows[0].Cells[0] != "张三" {
		t.Errorf("header %q rows %q", r.Header(), cells(rows))
	}
}

// Shared strings (one of them rich text), gaps in the row numbers, a
// namespace prefix and a 1904 workbook.
func TestHandBuiltWorkbooks(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>姓名</t></si><si><t>单位</t></si><si><r><t>张</t></r><r><t>三</t></r></si></sst>`
	xml := sheetXML(`<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c></row><row r="7"><c r="A7" t="s"><v>2</v></c></row><row r="9" ht="30" customHeight="1"/>`, `<mergeCells count="1"><mergeCell ref="B7:B9"/></mergeCells>`)
	for _, method := range []uint16{zip.Deflate, zip.Store} {
		r := open(t, rawBook(xml, sst, method), Options{})
		rows := readAll(t, r)
		if r.HeaderRow() != 3 || !reflect.DeepEqual(r.Header(), []string{"姓名", "单位"}) || len(rows) != 1 ||
			rows[0].Num != 7 || !reflect.DeepEqual(rows[0].Cells, []string{"张三", ""}) {
			t.Errorf("method %d: header %d %q rows %v", method, r.HeaderRow(), r.Header(), rows)
		}
	}

	prefixed := strings.NewReplacer("<worksheet xmlns=", "<x:worksheet xmlns:x=", "</worksheet>", "</x:worksheet>", "<sheetData>", "<x:sheetData>", "</sheetData>", "</x:sheetData>",
		"<row", "<x:row", "</row>", "</x:row>", "<c ", "<x:c ", "</c>", "</x:c>", "<v>", "<x:v>", "</v>", "</x:v>", "<mergeCells", "<x:mergeCells", "</mergeCells>", "</x:mergeCells>", "<mergeCell ", "<x:mergeCell ").
		Replace(sheetXML(`<row r="1"><c r="A1" t="str"><v>姓名</v></c><c r="B1" t="str"><v>单位</v></c></row><row r="2"><c r="A2" t="str"><v>张三</v></c><c r="B2" t="str"><v>一分会</v></c></row><row r="3"><c r="A3" t="str"><v>李四</v></c></row>`,
			`<mergeCells count="1"><mergeCell ref="B2:B3"/></mergeCells>`))
	rows := readAll(t, open(t, rawBook(prefixed, "", zip.Deflate), Options{}))
	if want := [][]string{{"张三", "一分会"}, {"李四", "一分会"}}; !reflect.DeepEqual(cells(rows), want) {
		t.Errorf("prefixed: %q", cells(rows))
	}

	d1904 := book(t, func(f *excelize.File, s string) {
		yes := true
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
		must(t, f.SetSheetRow(s, "A1", &[]any{"日期"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{42369}))
	})
	r := open(t, d1904, Options{})
	rows = readAll(t, r)
	if d, ok := r.Date(rows[0].Cells[0]); !ok || d.Format("2006-01-02") != "2020-01-01" {
		t.Errorf("1904 date %v %v", d, ok)
	}
}

// Rows past MaxRows and headers past MaxColumns are refused.
func TestXLSXLimits(t *testing.T) {
	data := book(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"姓名", "单位", "电话"}))
		for i := 2; i <= 6; i++ {
			must(t, f.SetSheetRow(s, fmt.Sprintf("A%d", i), &[]any{i}))
		}
	})
	r := open(t, data, Options{Limits: Limits{MaxRows: 4}})
	for i := 0; i < 4; i++ {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Next(); code(err) != "sheet_too_many_rows" {
		t.Errorf("5th row: %v", err)
	}
	if _, err := r.Next(); code(err) != "sheet_too_many_rows" {
		t.Errorf("error is not sticky: %v", err)
	}
	if c := openErr(t, data, Options{Limits: Limits{MaxColumns: 2}}); c != "sheet_too_many_columns" {
		t.Errorf("columns: %s", c)
	}
	if c := openErr(t, data, Options{IsHeader: func([]string) bool { return false }}); c != "sheet_no_header" {
		t.Errorf("no header: %s", c)
	}
	if c := openErr(t, book(t, func(*excelize.File, string) {}), Options{}); c != "sheet_empty" {
		t.Errorf("empty: %s", c)
	}
}
