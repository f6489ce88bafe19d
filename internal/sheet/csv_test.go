package sheet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

const roster = "XX公司会员花名册,,\r\n姓名,身份证号,单位\r\n张三,110101199001011234,第一分会\r\n\r\n李四,11010119900101123X,\r\n"

var rosterRows = [][]string{{"张三", "110101199001011234", "第一分会"}, {"李四", "11010119900101123X", ""}}

func encode(t *testing.T, tr transform.Transformer, s string) []byte {
	t.Helper()
	b, _, err := transform.Bytes(tr, []byte(s))
	must(t, err)
	return b
}

func TestCSVEncodings(t *testing.T) {
	cases := []struct {
		name, enc string
		data      []byte
	}{
		{"utf-8", "utf-8", []byte(roster)},
		{"utf-8 BOM", "utf-8", append([]byte{0xEF, 0xBB, 0xBF}, roster...)},
		{"gb18030", "gb18030", encode(t, simplifiedchinese.GB18030.NewEncoder(), roster)},
		{"gbk", "gb18030", encode(t, simplifiedchinese.GBK.NewEncoder(), roster)},
		{"utf-16le BOM", "utf-16le", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), roster)},
		{"utf-16be BOM", "utf-16be", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder(), roster)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := open(t, c.data, Options{IsHeader: isHeader})
			rows := readAll(t, r)
			if r.Format() != "csv" || r.Encoding() != c.enc {
				t.Errorf("format %q encoding %q, want csv %q", r.Format(), r.Encoding(), c.enc)
			}
			if r.HeaderRow() != 2 || !reflect.DeepEqual(r.Header(), []string{"姓名", "身份证号", "单位"}) {
				t.Errorf("header row %d %q", r.HeaderRow(), r.Header())
			}
			if !reflect.DeepEqual(cells(rows), rosterRows) || !reflect.DeepEqual(nums(rows), []int{3, 5}) {
				t.Errorf("rows %q at %v", cells(rows), nums(rows))
			}
			if done, total := r.Progress(); done != total || total != int64(len(c.data)) {
				t.Errorf("progress %d/%d of %d", done, total, len(c.data))
			}
		})
	}
}

// A GB18030 file whose first 64 KiB are ASCII is still recognised: the
// encoding is decided at the first non-ASCII byte.
func TestCSVEncodingDecidedLate(t *testing.T) {
	var s strings.Builder
	s.WriteString("name,id\n")
	for s.Len() < 100<<10 {
		s.WriteString("zhang,110101199001011234\n")
	}
	s.WriteString("张三,110101199001011234\n")
	data := encode(t, simplifiedchinese.GB18030.NewEncoder(), s.String())
	r := open(t, data, Options{})
	rows := readAll(t, r)
	if last := rows[len(rows)-1]; last.Cells[0] != "张三" || r.Encoding() != "gb18030" {
		t.Errorf("last row %q, encoding %s", last.Cells, r.Encoding())
	}

	// And a UTF-8 file whose 64 KiB window ends inside a character stays UTF-8.
	s.Reset()
	s.WriteString("name\n")
	for s.Len() < 200<<10 {
		s.WriteString("张三\n")
	}
	for off := 0; off < 3; off++ {
		data := []byte(strings.Repeat("a", off) + s.String())
		r := open(t, data, Options{})
		rows := readAll(t, r)
		if r.Encoding() != "utf-8" || rows[len(rows)-1].Cells[0] != "张三" {
			t.Errorf("offset %d: encoding %s, last %q", off, r.Encoding(), rows[len(rows)-1].Cells)
		}
	}
}

func TestCSVDelimiters(t *testing.T) {
	cases := map[string]string{
		"tab":       "XX公司会员花名册\n姓名\t身份证号\t单位\n张三\t110101199001011234\t第一分会\n\n李四\t11010119900101123X\n",
		"semicolon": "XX公司会员花名册\n姓名;身份证号;单位\n张三;110101199001011234;第一分会\n\n李四;11010119900101123X;\n",
		"CR only":   "XX公司会员花名册,,\r姓名,身份证号,单位\r张三,110101199001011234,第一分会\r\r李四,11010119900101123X\r",
	}
	for name, data := range cases {
		r := open(t, []byte(data), Options{IsHeader: isHeader})
		rows := readAll(t, r)
		if !reflect.DeepEqual(r.Header(), []string{"姓名", "身份证号", "单位"}) || !reflect.DeepEqual(cells(rows), rosterRows) || !reflect.DeepEqual(nums(rows), []int{3, 5}) {
			t.Errorf("%s: header %q rows %q at %v", name, r.Header(), cells(rows), nums(rows))
		}
	}
	// Commas inside values of a tab-separated file do not fool the sniffer.
	r := open(t, []byte("姓名\t地址\t备注\n张三\t北京市,东城区\t1,2,3\n"), Options{})
	if rows := readAll(t, r); len(r.Header()) != 3 || rows[0].Cells[2] != "1,2,3" {
		t.Errorf("tab with commas: %q %q", r.Header(), cells(rows))
	}
}

// Quoted fields with delimiters, quotes and line breaks; ragged rows; a bare
// quote (LazyQuotes); row numbers counting the lines a quoted field spans as
// one row, and empty lines as rows.
func TestCSVQuotingAndRaggedRows(t *testing.T) {
	data := "姓名,地址,备注,\n" +
		"\"张三\",\"北京市\n东城区\",\"他说\"\"好\"\"\"\n" +
		"李四\n" +
		"\n\n" +
		"王五,\"a,b\",c,d,e,f\n" +
		"赵\"六,x\"y,\"z\r\nw\"\r\n" +
		" , ,\u3000\n" +
		"钱七,\u00a0 西城区 \u3000,'=1+1\n"
	r := open(t, []byte(data), Options{})
	if !reflect.DeepEqual(r.Header(), []string{"姓名", "地址", "备注"}) {
		t.Fatalf("header %q (trailing empty header cells are dropped)", r.Header())
	}
	rows := readAll(t, r)
	want := [][]string{
		{"张三", "北京市\n东城区", "他说\"好\""},
		{"李四", "", ""},
		{"王五", "a,b", "c"},
		{"赵\"六", "x\"y", "z\nw"},
		{"钱七", "西城区", "=1+1"},
	}
	if !reflect.DeepEqual(cells(rows), want) {
		t.Errorf("rows\n%q\nwant\n%q", cells(rows), want)
	}
	if !reflect.DeepEqual(nums(rows), []int{2, 3, 6, 7, 9}) {
		t.Errorf("row numbers %v, want [2 3 6 7 9]", nums(rows))
	}
}

func TestCSVRefusals(t *testing.T) {
	cases := map[string]struct {
		data string
		opt  Options
		code string
	}{
		"empty":          {"", Options{}, "sheet_empty"},
		"blank lines":    {"\n\n ,,\n", Options{}, "sheet_empty"},
		"no header":      {"a,b\nc,d\n", Options{IsHeader: isHeader}, "sheet_no_header"},
		"too large":      {strings.Repeat("x", 2000), Options{Limits: Limits{MaxBytes: 1000}}, "sheet_too_large"},
		"header columns": {"a,b,c\n", Options{Limits: Limits{MaxColumns: 2}}, "sheet_too_many_columns"},
		"binary":         {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Options{}, "sheet_unreadable"},
		"pdf":            {"%PDF-1.7\n", Options{}, "sheet_unreadable"},
		"html as xls":    {"\xef\xbb\xbf<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><table><tr><td>姓名</td></tr></table></html>", Options{}, "sheet_xls_unsupported"},
		"xml 2003":       {"<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook>", Options{}, "sheet_xls_unsupported"},
	}
	for name, c := range cases {
		if got := openErr(t, []byte(c.data), c.opt); got != c.code {
			t.Errorf("%s: %s, want %s", name, got, c.code)
		}
	}

	// Rows past MaxRows.
	r := open(t, []byte("a\n1\n2\n3\n"), Options{Limits: Limits{MaxRows: 2}})
	for i := 0; i < 2; i++ {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Next(); code(err) != "sheet_too_many_rows" {
		t.Errorf("3rd row: %v", err)
	}

	// A record of a million fields is stopped before encoding/csv builds it.
	r = open(t, append([]byte("a\n"), bytes.Repeat([]byte{','}, 1<<20)...), Options{})
	if _, err := r.Next(); code(err) != "sheet_too_many_columns" {
		t.Errorf("wide record: %v", err)
	}
	// So is one of quoted fields with line breaks, which no line limit catches.
	r = open(t, append([]byte("a\n"), bytes.Repeat([]byte("\"\n\","), 1<<17)...), Options{})
	if _, err := r.Next(); code(err) != "sheet_too_many_columns" {
		t.Errorf("wide multi-line record: %v", err)
	}
	// And a stray quote that swallows the rest of the file.
	r = open(t, append([]byte("a\n\"x\n"), bytes.Repeat([]byte("1234567\n"), 2<<20)...), Options{Limits: Limits{MaxBytes: 32 << 20}})
	if _, err := r.Next(); code(err) != "sheet_record_too_large" {
		t.Errorf("unbalanced quote: %v", err)
	}
}

// Cells are made valid UTF-8 and lose NUL characters.
func TestCSVCleaning(t *testing.T) {
	// Decided as UTF-8 from the first 64 KiB; a bad byte after that is replaced.
	data := "姓名,备注\n" + strings.Repeat("张三,好\n", 10000) + "张三,a\xffb\n"
	r := open(t, []byte(data), Options{})
	rows := readAll(t, r)
	if last := rows[len(rows)-1].Cells[1]; last != "a\uFFFDb" || r.Encoding() != "utf-8" {
		t.Errorf("invalid UTF-8 gave %q (%s)", last, r.Encoding())
	}
	if got := clean("\x00 a\x00b \u200b"); got != "ab" {
		t.Errorf("clean %q", got)
	}
}
