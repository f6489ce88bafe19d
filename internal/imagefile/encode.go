package imagefile

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"

	"golang.org/x/image/draw"
)

// A picture's copy for phones: at most ThumbSide pixels on its longer
// side (a phone's full width at three device pixels to the point);
// Clean's copy at most CleanSide. Both are turned upright by the
// camera's orientation tag and re-encoded as JPEG from the pixels, so
// they keep none of the original's metadata (a camera's place and time).
const (
	ThumbSide = 1080
	CleanSide = 2560
	quality   = 82
)

// OutType is the type of every copy Thumb and Clean make.
const OutType = JPEG

// Thumb makes a picture's copy for phones from its bytes (JPEG, PNG or
// WebP, as Sniff takes them).
func Thumb(b []byte) ([]byte, error) { return Fit(b, ThumbSide) }

// Clean makes a picture's copy to keep in place of the upload: as large
// as a screen shows it (CleanSide), without the original's metadata.
func Clean(b []byte) ([]byte, error) { return Fit(b, CleanSide) }

// Fit re-encodes a picture to fit a side×side box (never larger),
// upright, as JPEG, without metadata. It refuses what Sniff refuses
// before decoding a pixel.
func Fit(b []byte, side int) ([]byte, error) {
	if _, err := Sniff(b); err != nil {
		return nil, err
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	dst := scaleDown(flat(src), side)
	out := orient(dst, jpegOrientation(b))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// flat is m as RGBA pixels, transparent parts on white (as a page shows
// them).
func flat(m image.Image) *image.RGBA {
	if r, ok := m.(*image.RGBA); ok && r.Opaque() {
		return r
	}
	b := m.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	if o, ok := m.(interface{ Opaque() bool }); ok && o.Opaque() {
		draw.Draw(out, out.Bounds(), m, b.Min, draw.Src)
		return out
	}
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), m, b.Min, draw.Over)
	return out
}

// scaleDown fits m into a side×side box (never larger): first averaged
// over whole blocks of pixels down to no less than the box (cheap, and
// a fair filter), then resampled to the box's size.
func scaleDown(m *image.RGBA, side int) *image.RGBA {
	b := m.Bounds()
	w, h := fit(b.Dx(), b.Dy(), side)
	if w == b.Dx() && h == b.Dy() {
		return m
	}
	if k := max(b.Dx(), b.Dy()) / side; k >= 2 {
		m = shrink(m, k)
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(out, out.Bounds(), m, m.Bounds(), draw.Src, nil)
	return out
}

// shrink averages m over k×k blocks (the last part-blocks dropped).
func shrink(m *image.RGBA, k int) *image.RGBA {
	b := m.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	n := uint32(k * k)
	sums := make([]uint32, 4*w)
	for y := range h {
		clear(sums)
		for dy := range k {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y*k+dy):]
			for x := range w {
				s := sums[4*x : 4*x+4]
				px := row[4*x*k : 4*(x+1)*k]
				for i := 0; i < len(px); i += 4 {
					s[0] += uint32(px[i])
					s[1] += uint32(px[i+1])
					s[2] += uint32(px[i+2])
					s[3] += uint32(px[i+3])
				}
			}
		}
		o := out.Pix[out.PixOffset(0, y):]
		for i, v := range sums {
			o[i] = uint8((v + n/2) / n)
		}
	}
	return out
}

// fit scales w×h to fit a side×side box, never up.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, (h*side+w/2)/w)
	}
	return max(1, (w*side+h/2)/h), side
}

// orient turns m upright by an EXIF orientation (1..8; anything else is
// as it is): 2 mirrored, 3 upside down, 4 flipped, 5 transposed, 6 turned
// a quarter clockwise to be upright, 7 transversed, 8 a quarter the other
// way.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			si, di := m.PixOffset(sx, sy), out.PixOffset(x, y)
			copy(out.Pix[di:di+4], m.Pix[si:si+4])
		}
	}
	return out
}

// jpegOrientation reads the orientation tag (0x0112) of a JPEG's EXIF
// block: 1 (as stored) when there is none or b is not a JPEG.
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // the picture itself: no more headers
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return exifOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// exifOrientation reads the orientation from a TIFF block's first IFD.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	for k := range n {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}
