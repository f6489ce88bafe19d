package works

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func samplePNG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleJPEG(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniffImage(t *testing.T) {
	for _, c := range []struct {
		name string
		b    []byte
		ct   string
	}{
		{"png", samplePNG(t, 30, 20), "image/png"},
		{"jpeg", sampleJPEG(t, 16, 16), "image/jpeg"},
		{"text", []byte("<html><script>alert(1)</script>"), ""},
		{"truncated png", samplePNG(t, 30, 20)[:12], ""},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0}, ""},
		{"webp magic only", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), ""},
		{"empty", nil, ""},
	} {
		ct, w, h, ok := SniffImage(c.b)
		if ct != c.ct || ok != (c.ct != "") {
			t.Errorf("%s: got %q %v, want %q", c.name, ct, ok, c.ct)
		}
		if ok && (w < 1 || h < 1) {
			t.Errorf("%s: size %dx%d", c.name, w, h)
		}
	}
}

// FuzzSniffImage: whatever bytes arrive, sniffing neither panics nor
// accepts a type outside the three, nor a size outside its bounds.
func FuzzSniffImage(f *testing.F) {
	f.Add(samplePNG(f, 3, 2))
	f.Add(sampleJPEG(f, 8, 8))
	f.Add([]byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, w, h, ok := SniffImage(b)
		if !ok {
			if ct != "" || w != 0 || h != 0 {
				t.Fatalf("refused but typed %q %dx%d", ct, w, h)
			}
			return
		}
		if ct != "image/jpeg" && ct != "image/png" && ct != "image/webp" {
			t.Fatalf("type %q", ct)
		}
		if w < 1 || h < 1 || w > maxSide || h > maxSide {
			t.Fatalf("size %dx%d", w, h)
		}
	})
}
