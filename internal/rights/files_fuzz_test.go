package rights

import (
	"bytes"
	"strings"
	"testing"
)

var tinyPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// FuzzSniffEvidence feeds the evidence check whatever a phone or a staff
// scanner might upload: it never panics, and what it accepts is a picture
// of a known type or a PDF with its signature and end marker.
func FuzzSniffEvidence(f *testing.F) {
	f.Add(tinyPDF)
	f.Add(tinyPNG(f))
	f.Add([]byte("%PDF-1.7\n<script>alert(1)</script>"))
	f.Add([]byte("%PDF-9.9\n%%EOF"))
	f.Add([]byte("MZ\x90\x00\x03"))
	f.Add([]byte("<svg onload=alert(1)>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		switch ct := SniffEvidence(b); ct {
		case "":
		case "image/jpeg", "image/png", "image/webp":
		case "application/pdf":
			if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[max(0, len(b)-1024):], []byte("%%EOF")) {
				t.Fatalf("accepted as a PDF: %q", b)
			}
		default:
			t.Fatalf("unknown type %q", ct)
		}
	})
}

func TestSniffEvidence(t *testing.T) {
	if got := SniffEvidence(tinyPDF); got != "application/pdf" {
		t.Fatalf("pdf: %q", got)
	}
	if got := SniffEvidence(tinyPNG(t)); got != "image/png" {
		t.Fatalf("png: %q", got)
	}
	for name, b := range map[string][]byte{"truncated pdf": tinyPDF[:20], "html": []byte("<html>"), "empty": nil} {
		if got := SniffEvidence(b); got != "" {
			t.Fatalf("%s accepted as %q", name, got)
		}
	}
	f := map[string]string{"../../etc/passwd": "passwd", `C:\Users\王\工资条.pdf`: "工资条.pdf", "": "evidence.pdf", strings.Repeat("长", 200): strings.Repeat("长", MaxFileName)}
	for in, want := range f {
		if got := fileName(in, "application/pdf"); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}
