package sheet

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestExcelSerialDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	good := map[string]time.Time{
		"1":         day(1900, 1, 1),
		"59":        day(1900, 2, 28),
		"61":        day(1900, 3, 1),
		"43831":     day(2020, 1, 1),
		" 43831 ":   day(2020, 1, 1),
		"43831.5":   day(2020, 1, 1).Add(12 * time.Hour),
		"4.3831E4":  day(2020, 1, 1),
		"32874":     day(1990, 1, 1),
		"2958465":   day(9999, 12, 31),
		"43831.25":  day(2020, 1, 1).Add(6 * time.Hour),
		"43831.999": day(2020, 1, 1).Add(86313600 * time.Millisecond),
		// 08:00 is not exact in binary; rounding to the millisecond fixes it.
		"43831.333333333336": day(2020, 1, 1).Add(8 * time.Hour),
	}
	for s, want := range good {
		if got, ok := ExcelSerialDate(s); !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "0", "-1", "60", "60.5", "2958466", "abc", "NaN", "Inf", "1e400", "2020-01-01"} {
		if got, ok := ExcelSerialDate(s); ok {
			t.Errorf("%q gave %v", s, got)
		}
	}
	if got, ok := excelDate("0", true); !ok || !got.Equal(day(1904, 1, 1)) {
		t.Errorf("1904 epoch: %v", got)
	}

	// excelSerial is its inverse, on the wall clock.
	for _, tm := range []time.Time{
		day(1900, 1, 1), day(1900, 2, 28), day(1900, 3, 1), day(2020, 1, 1), day(9999, 12, 31),
		time.Date(2024, 2, 29, 23, 59, 59, 0, time.FixedZone("CST", 8*3600)),
	} {
		serial, ok := excelSerial(tm)
		if !ok {
			t.Errorf("%v: no serial", tm)
			continue
		}
		back, ok := ExcelSerialDate(fmt.Sprint(serial))
		wall := time.Date(tm.Year(), tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), 0, time.UTC)
		if !ok || !back.Equal(wall) {
			t.Errorf("%v -> %v -> %v", tm, serial, back)
		}
	}
	if _, ok := excelSerial(day(1899, 12, 31)); ok {
		t.Error("1899-12-31 has a serial")
	}
}

func TestNeutralize(t *testing.T) {
	cases := map[string]string{
		"=1+1": "'=1+1", "+86": "'+86", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "＝1": "'＝1", "＋1": "'＋1", "－1": "'－1", "＠x": "'＠x",
		"": "", "张三": "张三", "a=1": "a=1", " =1": " =1", "'=1": "''=1", "''-": "'''-", "'a": "'a", "'": "'", "1-2": "1-2",
	}
	for in, want := range cases {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
		if in != "" && in == strings.TrimSpace(in) {
			if back := clean(Neutralize(in)); back != in {
				t.Errorf("clean(Neutralize(%q)) = %q", in, back)
			}
		}
	}
}

type stringer struct{}

func (stringer) String() string { return "=HYPERLINK()" }

// The writer's cell types and what is stored for them.
func TestWriterValues(t *testing.T) {
	w, err := NewWriter(" 名册:2024/[一] ", []string{"a", "b", "c", "d", "e", "f", "g", "h", "=x"})
	must(t, err)
	defer w.Close()
	cst := time.FixedZone("CST", 8*3600)
	must(t, w.Row(int8(-1), uint16(2), uint64(123456789012345678), int64(-1234567890123456), float32(1.5), math.NaN(),
		time.Date(2024, 3, 1, 0, 0, 0, 0, cst), time.Date(2024, 3, 1, 8, 30, 0, 0, cst), stringer{}))
	must(t, w.Row(nil, nil, nil, nil, nil, math.Inf(1), time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)))
	if err := w.Row(struct{}{}); err == nil {
		t.Error("a struct was accepted")
	}
	if err := w.Row(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); err == nil {
		t.Error("more values than headers were accepted")
	}
	var buf bytes.Buffer
	_, err = w.WriteTo(&buf)
	must(t, err)
	if _, err := w.WriteTo(io.Discard); err == nil {
		t.Error("second WriteTo succeeded")
	}

	f, err := excelize.OpenReader(&buf)
	must(t, err)
	defer f.Close()
	name := f.GetSheetList()[0]
	if name != "名册_2024__一_" {
		t.Errorf("sheet name %q", name)
	}
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	must(t, err)
	want := [][]string{
		{"a", "b", "c", "d", "e", "f", "g", "h", "'=x"},
		{"-1", "2", "123456789012345678", "-1234567890123456", "1.5", "", "45352", "45352.3541666666", "'=HYPERLINK()"},
		{"", "", "", "", "", "", "1800-01-01"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%q\nwant\n%q", rows, want)
	}
	for cell, want := range map[string]excelize.CellType{"C2": excelize.CellTypeInlineString, "D2": excelize.CellTypeInlineString, "E2": excelize.CellTypeUnset, "G2": excelize.CellTypeUnset} {
		if typ, _ := f.GetCellType(name, cell); typ != want {
			t.Errorf("%s type %v, want %v", cell, typ, want)
		}
	}
	if v, _ := f.GetCellValue(name, "G2"); v != "2024-03-01" {
		t.Errorf("date shown as %q", v)
	}
	if v, _ := f.GetCellValue(name, "H2"); v != "2024-03-01 08:30:00" {
		t.Errorf("date-time shown as %q", v)
	}

	if _, err := NewWriter("x", nil); err == nil {
		t.Error("no headers accepted")
	}
	if got := sheetNameFor(strings.Repeat("长", 40)); len([]rune(got)) != 31 {
		t.Errorf("long name %q", got)
	}
	if got := sheetNameFor("''"); got != "Sheet1" {
		t.Errorf("empty name %q", got)
	}
}

// Writing with nothing but headers still makes a valid workbook, and rows
// past the held-back sample stream through.
func TestWriterSizes(t *testing.T) {
	for _, n := range []int{0, 1, sampleRows - 1, sampleRows, sampleRows + 1, 3 * sampleRows} {
		w, err := NewWriter("名册", []string{"序号", "姓名"})
		must(t, err)
		for i := 0; i < n; i++ {
			must(t, w.Row(i, fmt.Sprintf("会员%d", i)))
		}
		var buf bytes.Buffer
		_, err = w.WriteTo(&buf)
		must(t, err)
		must(t, w.Close())
		must(t, w.Close())
		rows := readAll(t, open(t, buf.Bytes(), Options{}))
		if len(rows) != n || (n > 0 && rows[n-1].Cells[1] != fmt.Sprintf("会员%d", n-1)) || (n > 0 && rows[n-1].Num != n+1) {
			t.Errorf("%d rows written, %d read", n, len(rows))
		}
	}
}
