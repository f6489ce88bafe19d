package contract

import (
	"archive/zip"
	"bytes"
	"testing"
)

func TestParseAmounts(t *testing.T) {
	for s, want := range map[string]int{"3.5": 350, "3.50%": 350, "３．５％": 350, "0": 0, "100": 10000, ".5": 50, "12.": 1200} {
		if got, ok := ParsePercent(s); !ok || got != want {
			t.Errorf("ParsePercent(%q) = %d %v, want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "-1", "3.555", "1e2", "100.01", "abc", ".", "3,5"} {
		if got, ok := ParsePercent(s); ok {
			t.Errorf("ParsePercent(%q) = %d, want refused", s, got)
		}
	}
	for s, want := range map[string]int64{"2420": 242000, "2,420.50": 242050, "¥2420": 242000, "２４２０元": 242000} {
		if got, ok := ParseYuan(s); !ok || got != want {
			t.Errorf("ParseYuan(%q) = %d %v, want %d", s, got, ok, want)
		}
	}
	if FormatHundredths(350) != "3.5" || FormatHundredths(242005) != "2420.05" || FormatHundredths(1200) != "12" {
		t.Error("FormatHundredths")
	}
}

// FuzzParsePercent: whatever staff type, a value read back writes the same
// way and stays within its bounds.
func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"3.5", "3.50%", "３．５％", "", "-1", "1e2", "99999999999", "2,420.50", "¥2420"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := ParsePercent(s); ok {
			if n < 0 || n > MaxWageIncrease {
				t.Fatalf("%q: %d out of bounds", s, n)
			}
			if back, ok := ParsePercent(FormatHundredths(int64(n))); !ok || back != n {
				t.Fatalf("%q: %d does not round-trip", s, n)
			}
		}
		if n, ok := ParseYuan(s); ok && (n < 0 || n > MaxMinWage) {
			t.Fatalf("%q: %d yuan out of bounds", s, n)
		}
	})
}

func docx(t testing.TB, name string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<w:document/>"))
	zw.Close()
	return b.Bytes()
}

func TestSniffText(t *testing.T) {
	if SniffText([]byte("%PDF-1.7 ...")) != TypePDF || SniffText(docx(t, "word/document.xml")) != TypeDOCX ||
		SniffText([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}) != TypeDOC {
		t.Fatal("a contract's text not recognised")
	}
	if SniffText(docx(t, "xl/workbook.xml")) != "" || SniffText([]byte("PK\x03\x04broken")) != "" || SniffText([]byte("<html>")) != "" {
		t.Fatal("something else taken for a contract's text")
	}
}

// FuzzSniffText: any bytes are named or refused without a panic, and what
// is named starts as its type does.
func FuzzSniffText(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n%%EOF"))
	f.Add(docx(f, "word/document.xml"))
	f.Add(docx(f, "xl/workbook.xml"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		switch SniffText(b) {
		case TypePDF:
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatal("PDF without its signature")
			}
		case TypeDOCX:
			if !bytes.HasPrefix(b, []byte("PK")) {
				t.Fatal("docx that is no zip")
			}
		}
	})
}
