package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func smallBook(t testing.TB) []byte {
	return book(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"姓名"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{"张三"}))
	})
}

// An entry that declares a huge unpacked size is refused from the central
// directory alone, before anything is unpacked.
func TestZipBombDeclaredSize(t *testing.T) {
	var packed bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestCompression)
	_, _ = fw.Write(make([]byte, 1<<16))
	_ = fw.Close()
	data := rezip(t, smallBook(t), func(zw *zip.Writer) {
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: "xl/media/image1.png", Method: zip.Deflate,
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: 10 << 30, CRC32: 0,
		})
		must(t, err)
		_, err = w.Write(packed.Bytes())
		must(t, err)
	})
	if c := openErr(t, data, Options{}); c != "sheet_zip_bomb" {
		t.Errorf("declared 10 GiB: %s", c)
	}
}

// A worksheet that really unpacks at a ratio far above 200 is refused, and so
// is a workbook whose parts together unpack to more than MaxUnpacked.
func TestZipBombRatioAndTotal(t *testing.T) {
	zeros := func(name string, n int) func(zw *zip.Writer) {
		return func(zw *zip.Writer) {
			w, err := zw.Create(name)
			must(t, err)
			_, err = w.Write(make([]byte, n))
			must(t, err)
		}
	}
	bomb := rezip(t, smallBook(t), zeros("xl/worksheets/sheet9.xml", 20<<20))
	if c := openErr(t, bomb, Options{}); c != "sheet_zip_bomb" {
		t.Errorf("ratio: %s", c)
	}
	// 900 KiB of zeros is a high ratio too, but small parts are let through.
	small := rezip(t, smallBook(t), zeros("xl/media/blank.bin", 900<<10))
	if rows := readAll(t, open(t, small, Options{})); len(rows) != 1 {
		t.Errorf("small high-ratio part: %d rows", len(rows))
	}
	if c := openErr(t, small, Options{Limits: Limits{MaxUnpacked: 512 << 10}}); c != "sheet_zip_bomb" {
		t.Errorf("total: %s", c)
	}
	// A part excelize would hold and parse in memory whole may not be huge.
	big := rezip(t, smallBook(t), func(zw *zip.Writer) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/styles2.xml", Method: zip.Store})
		must(t, err)
		chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
		for i := 0; i < (maxPartBytes/len(chunk))+1; i++ {
			_, _ = w.Write(chunk)
		}
	})
	if c := openErr(t, big, Options{Limits: Limits{MaxBytes: 64 << 20}}); c != "sheet_zip_bomb" {
		t.Errorf("big part: %s", c)
	}
}

// A zip whose end record claims more entries than any workbook has is
// refused before archive/zip lists them.
func TestZipBombEntryCount(t *testing.T) {
	data := smallBook(t)
	i := bytes.LastIndex(data, []byte("PK\x05\x06"))
	forged := bytes.Clone(data)
	binary.LittleEndian.PutUint16(forged[i+10:], 60000)
	if n, ok := zipEntryCount(bytes.NewReader(forged), int64(len(forged))); !ok || n != 60000 {
		t.Fatalf("count %d %v", n, ok)
	}
	if c := openErr(t, forged, Options{}); c != "sheet_zip_bomb" {
		t.Errorf("entries: %s", c)
	}
	// Many real entries.
	many := rezip(t, data, func(zw *zip.Writer) {
		for i := 0; i <= maxZipEntries; i++ {
			_, err := zw.CreateHeader(&zip.FileHeader{Name: "x/" + strings.Repeat("a", i%7) + string(rune('a'+i%26)), Method: zip.Store})
			must(t, err)
		}
	})
	if c := openErr(t, many, Options{}); c != "sheet_zip_bomb" {
		t.Errorf("many entries: %s", c)
	}
}

// A damaged worksheet is refused rather than read up to the damage.
func TestDamagedWorksheet(t *testing.T) {
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>`
	for i := 2; i < 200; i++ {
		rows += `<row><c t="inlineStr"><is><t>张三</t></is></c></row>`
	}
	data := rawBook(sheetXML(rows, ""), "", zip.Store)
	i := bytes.Index(data, []byte("张三</t></is></c></row><row><c t=\"inlineStr\"><is><t>张三")) + 100
	data[i] ^= 0x20 // flip a bit: the checksum no longer matches
	if c := openErr(t, data, Options{}); c != "sheet_unreadable" {
		t.Errorf("checksum: %s", c)
	}
	if c := openErr(t, []byte("PK\x03\x04 not really a zip"), Options{}); c != "sheet_unreadable" {
		t.Errorf("not a zip: %s", c)
	}
	// A zip without a workbook (an .ods, a .docx).
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("content.xml")
	_, _ = io.WriteString(w, "<office:document-content/>")
	_ = zw.Close()
	if c := openErr(t, buf.Bytes(), Options{}); c != "sheet_unreadable" {
		t.Errorf("no workbook: %s", c)
	}
	// A workbook whose only sheet is a chart sheet.
	parts := bookParts(sheetXML("", ""), "")
	parts[3].body = strings.Replace(parts[3].body, "relationships/worksheet", "relationships/chartsheet", 1)
	if c := openErr(t, zipParts(parts, zip.Deflate), Options{}); c != "sheet_unreadable" {
		t.Errorf("chart sheet only: %s", c)
	}
}

// Old .xls files and password-protected workbooks (both OLE2) are refused
// with a message saying what to do.
func TestOLE(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 4096)...)
	if c := openErr(t, ole, Options{}); c != "sheet_xls_unsupported" {
		t.Errorf("xls: %s", c)
	}
	// A password-protected .xlsx, as excelize writes it (the OLE2 container
	// Excel uses); the stream name sits past the first 1 MiB chunk boundary
	// in the second case.
	var buf bytes.Buffer
	f := excelize.NewFile()
	must(t, f.Write(&buf, excelize.Options{Password: "secret"}))
	_ = f.Close()
	if c := openErr(t, buf.Bytes(), Options{}); c != "sheet_encrypted" {
		t.Errorf("encrypted: %s", c)
	}
	spanning := append(bytes.Clone(ole[:8]), make([]byte, 1<<20-8-5)...)
	spanning = append(spanning, encryptedMarker...)
	if c := openErr(t, spanning, Options{}); c != "sheet_encrypted" {
		t.Errorf("encrypted, marker across chunks: %s", c)
	}
}

func TestTooLarge(t *testing.T) {
	data := smallBook(t)
	if c := openErr(t, data, Options{Limits: Limits{MaxBytes: int64(len(data) - 1)}}); c != "sheet_too_large" {
		t.Errorf("xlsx: %s", c)
	}
	_, err := Open(bytes.NewReader(data), int64(len(data)), Options{Limits: Limits{MaxBytes: 1}})
	if c, args := codeAndArgs(err); c != "sheet_too_large" || len(args) != 1 || args[0] != int64(1) {
		t.Errorf("%s %v, want sheet_too_large [1] (the limit in MB, rounded up)", c, args)
	}
	_, err = Open(bytes.NewReader(data), int64(len(data)), Options{Limits: Limits{MaxBytes: 1}})
	if strings.Contains(err.Error(), "张三") {
		t.Errorf("error quotes content: %v", err)
	}
}

// Errors, causes included, never quote the file: cells may be personal data.
func TestErrorsQuoteNoContent(t *testing.T) {
	data := rawBook(sheetXML(`<row r="1"><c r="A1" t="str"><v>姓名</v></c></row><row r="张三"><c r="A2" t="str"><v>1</v></c></row><row r="3"><c r="李四5" t="str"><v>1</v></c></row>`, ""), "", zip.Deflate)
	r, err := Open(bytes.NewReader(data), int64(len(data)), Options{})
	for err == nil {
		_, err = r.Next()
	}
	if code(err) != "sheet_unreadable" || strings.Contains(err.Error(), "张三") || strings.Contains(err.Error(), "李四") {
		t.Errorf("got %v", err)
	}
}

// A workbook listing a great many sheets is refused before excelize matches
// them against the relationships (a nested loop).
func TestManySheets(t *testing.T) {
	parts := bookParts(sheetXML("", ""), "")
	parts[2].body = strings.Replace(parts[2].body, "<sheets>", "<sheets>"+strings.Repeat(`<sheet name="x" sheetId="9" r:id="rId9"/>`, maxSheets), 1)
	if c := openErr(t, zipParts(parts, zip.Deflate), Options{}); c != "sheet_zip_bomb" {
		t.Errorf("sheets: %s", c)
	}
	parts = bookParts(sheetXML("", ""), "")
	parts[3].body = strings.Replace(parts[3].body, "</Relationships>", strings.Repeat(`<Relationship Id="r" Type="t" Target="x"/>`, maxRels)+"</Relationships>", 1)
	if c := openErr(t, zipParts(parts, zip.Deflate), Options{}); c != "sheet_zip_bomb" {
		t.Errorf("relationships: %s", c)
	}
}
