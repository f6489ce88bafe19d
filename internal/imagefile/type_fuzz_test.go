package imagefile

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"
)

// FuzzType feeds the check the suggestion box and the rights cases' evidence
// use whatever a phone might upload: it must never panic, and whatever it
// accepts must be a picture of a known type that Sniff also takes.
func FuzzType(f *testing.F) {
	var p, j bytes.Buffer
	png.Encode(&p, image.NewRGBA(image.Rect(0, 0, 3, 2)))
	jpeg.Encode(&j, image.NewRGBA(image.Rect(0, 0, 3, 2)), nil)
	f.Add(p.Bytes())
	f.Add(j.Bytes())
	f.Add([]byte(tinyWebP))
	f.Add([]byte(hugePNG))
	f.Add([]byte("GIF89a"))
	f.Add([]byte("<html><script>alert(1)</script>"))
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		ct := Type(b)
		switch ct {
		case "":
			return
		case JPEG, PNG, WebP:
		default:
			t.Fatalf("unknown type %q", ct)
		}
		if len(b) < 3 {
			t.Fatalf("%q accepted from %d bytes", ct, len(b))
		}
		if in, err := Sniff(b); err != nil || in.Type != ct {
			t.Fatalf("Type %q but Sniff %+v %v", ct, in, err)
		}
	})
}

// FuzzClean: a copy is made of what Sniff takes and of nothing else, and
// the copy is itself a JPEG within the box, with no EXIF block.
func FuzzClean(f *testing.F) {
	f.Add(samplePNG(f, 3, 2))
	f.Add(sampleJPEG(f, 8, 8))
	f.Add(withOrientation(f, sampleJPEG(f, 8, 4), 6))
	f.Add([]byte(tinyWebP))
	f.Add([]byte(bombPNG))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := Fit(b, 64)
		if err != nil {
			return
		}
		if _, serr := Sniff(b); serr != nil {
			t.Fatalf("a copy of what Sniff refuses (%v)", serr)
		}
		in, err := Sniff(out)
		if err != nil || in.Type != JPEG || in.Width > 64 || in.Height > 64 {
			t.Fatalf("copy %+v %v", in, err)
		}
		if bytes.Contains(out, []byte("Exif")) {
			t.Fatal("the copy keeps an EXIF block")
		}
	})
}
