package imagefile

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// withOrientation puts an EXIF block with orientation o right after a
// JPEG's start.
func withOrientation(t testing.TB, jpg []byte, o uint16) []byte {
	t.Helper()
	var tiff bytes.Buffer
	tiff.WriteString("MM")
	binary.Write(&tiff, binary.BigEndian, uint16(42))
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{o, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// TestThumb: a picture's copy for phones fits the box, is turned
// upright by the camera's tag, puts transparency on white and keeps no
// metadata.
func TestThumb(t *testing.T) {
	// A wide picture, its left half red: turned a quarter clockwise
	// (orientation 6) it stands tall with red on top.
	img := image.NewRGBA(image.Rect(0, 0, 2400, 1200))
	for y := range 1200 {
		for x := range 2400 {
			c := color.RGBA{0, 0, 200, 255}
			if x < 1200 {
				c = color.RGBA{220, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if o := jpegOrientation(b.Bytes()); o != 1 {
		t.Fatalf("no EXIF: orientation %d", o)
	}
	turned := withOrientation(t, b.Bytes(), 6)
	if o := jpegOrientation(turned); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	if _, err := Sniff(turned); err != nil {
		t.Fatal("a JPEG with EXIF is not taken")
	}
	th, err := Thumb(turned)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(th, []byte("Exif")) {
		t.Error("the copy keeps the EXIF block")
	}
	m, format, err := image.Decode(bytes.NewReader(th))
	if err != nil || format != "jpeg" {
		t.Fatalf("copy: %s %v", format, err)
	}
	if got := m.Bounds(); got.Dx() != ThumbSide/2 || got.Dy() != ThumbSide {
		t.Fatalf("copy is %v, want %dx%d upright", got, ThumbSide/2, ThumbSide)
	}
	if r, _, bl, _ := m.At(ThumbSide/4, 10).RGBA(); r < bl {
		t.Errorf("top of the upright copy is not red")
	}
	// Each orientation lands the red half where it should.
	for o, redAt := range map[uint16][2]int{1: {10, 10}, 2: {590, 10}, 3: {590, 290}, 4: {10, 290}, 5: {10, 10}, 7: {290, 590}, 8: {10, 590}} {
		small := image.NewRGBA(image.Rect(0, 0, 600, 300))
		for y := range 300 {
			for x := range 600 {
				if x < 300 {
					small.Set(x, y, color.RGBA{220, 0, 0, 255})
				} else {
					small.Set(x, y, color.RGBA{0, 0, 200, 255})
				}
			}
		}
		var sb bytes.Buffer
		jpeg.Encode(&sb, small, &jpeg.Options{Quality: 95})
		th, err := Thumb(withOrientation(t, sb.Bytes(), o))
		if err != nil {
			t.Fatal(err)
		}
		m, _, _ := image.Decode(bytes.NewReader(th))
		if r, _, bl, _ := m.At(redAt[0], redAt[1]).RGBA(); r < bl {
			t.Errorf("orientation %d: %v is not red (copy %v)", o, redAt, m.Bounds())
		}
	}
	// A transparent PNG goes on white; a small one is not made larger.
	clear := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	var pb bytes.Buffer
	png.Encode(&pb, clear)
	th, err = Thumb(pb.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ = image.Decode(bytes.NewReader(th))
	if r, g, bl, _ := m.At(5, 5).RGBA(); m.Bounds().Dx() != 20 || r < 0xf000 || g < 0xf000 || bl < 0xf000 {
		t.Errorf("transparent PNG: %v %d %d %d", m.Bounds(), r, g, bl)
	}
	if _, err := Thumb([]byte("not a picture")); err == nil {
		t.Error("text made a copy")
	}
}

// TestClean: the copy kept in place of an upload is at most CleanSide,
// keeps no GPS or EXIF block, and a bomb is refused before decoding.
func TestClean(t *testing.T) {
	big := image.NewRGBA(image.Rect(0, 0, 3000, 1500))
	var b bytes.Buffer
	if err := jpeg.Encode(&b, big, nil); err != nil {
		t.Fatal(err)
	}
	tagged := withOrientation(t, b.Bytes(), 1)
	out, err := Clean(tagged)
	if err != nil {
		t.Fatal(err)
	}
	in, err := Sniff(out)
	if err != nil || in.Type != JPEG || in.Width != CleanSide || in.Height != CleanSide/2 {
		t.Fatalf("clean copy %+v %v", in, err)
	}
	if bytes.Contains(out, []byte("Exif")) {
		t.Error("the clean copy keeps the EXIF block")
	}
	if _, err := Clean([]byte(bombPNG)); err != ErrPixels {
		t.Errorf("bomb: %v", err)
	}
}
