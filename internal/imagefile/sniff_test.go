package imagefile

import (
	"bytes"
	"errors"
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

// A PNG header claiming a picture of 2^31 × 2^31 pixels, and one of
// 8000 × 8000 (a side within MaxSide, the area over MaxPixels).
const (
	hugePNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x7f\xff\xff\xff\x7f\xff\xff\xff\x08\x06\x00\x00\x00"
	bombPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x1f\x40\x00\x00\x1f\x40\x08\x06\x00\x00\x00\x06\xf1\xad\xf4"
)

// A 1×1 lossless WebP.
const tinyWebP = "RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name string
		b    []byte
		ct   string
		err  error
	}{
		{"png", samplePNG(t, 30, 20), PNG, nil},
		{"jpeg", sampleJPEG(t, 16, 16), JPEG, nil},
		{"webp", []byte(tinyWebP), WebP, nil},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "", ErrType},
		{"text", []byte("<html><script>alert(1)</script>"), "", ErrType},
		{"svg", []byte("<svg onload=alert(1)>"), "", ErrType},
		{"truncated png", samplePNG(t, 30, 20)[:12], "", ErrType},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0}, "", ErrType},
		{"webp magic only", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "", ErrType},
		{"empty", nil, "", ErrType},
		{"huge header", []byte(hugePNG), "", nil},
		{"bomb", []byte(bombPNG), "", ErrPixels},
	} {
		in, err := Sniff(c.b)
		if in.Type != c.ct || (c.ct == "") != (err != nil) || (c.err != nil && !errors.Is(err, c.err)) {
			t.Errorf("%s: got %q %v, want %q %v", c.name, in.Type, err, c.ct, c.err)
		}
		if err == nil && (in.Width < 1 || in.Height < 1) {
			t.Errorf("%s: size %dx%d", c.name, in.Width, in.Height)
		}
		if Type(c.b) != c.ct {
			t.Errorf("%s: Type %q, want %q", c.name, Type(c.b), c.ct)
		}
	}
	if in, _ := Sniff(samplePNG(t, 30, 20)); in.Width != 30 || in.Height != 20 {
		t.Errorf("png size %dx%d", in.Width, in.Height)
	}
}

// FuzzSniff: whatever bytes arrive, sniffing neither panics nor accepts
// a type outside the three, nor a size outside its bounds. The seeds are
// here and in testdata/fuzz/FuzzSniff.
func FuzzSniff(f *testing.F) {
	f.Add(samplePNG(f, 3, 2))
	f.Add(sampleJPEG(f, 8, 8))
	f.Add([]byte(tinyWebP))
	f.Add([]byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"))
	f.Add([]byte(hugePNG))
	f.Add([]byte(bombPNG))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := Sniff(b)
		if err != nil {
			if in != (Info{}) || (!errors.Is(err, ErrType) && !errors.Is(err, ErrPixels)) {
				t.Fatalf("refused (%v) but read %+v", err, in)
			}
			return
		}
		if in.Type != JPEG && in.Type != PNG && in.Type != WebP {
			t.Fatalf("type %q", in.Type)
		}
		if in.Width < 1 || in.Height < 1 || in.Width > MaxSide || in.Height > MaxSide || in.Width*in.Height > MaxPixels {
			t.Fatalf("size %dx%d", in.Width, in.Height)
		}
	})
}
