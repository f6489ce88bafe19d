package card

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	qrcode "github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"

	"gonghui/internal/errs"
)

// Bounds of PNG's arguments.
const (
	maxQRText   = 1024 // bytes of text
	maxQRPixels = 4096 // image side
	quietZone   = 4    // modules of white around the code, as the standard asks
)

// PNG renders text (normally a payload from Sign) as a QR code PNG of about
// pixels×pixels, quiet zone included: the side is the largest whole number of
// pixels per module that fits, but at least one pixel per module. It uses
// error correction level M, and alphanumeric mode when every character allows
// it (as a payload's do), byte mode otherwise. The image is black on white,
// one bit per pixel. Ask for at least two pixels per module (about 120 for a
// typical card, a version 8 code of 49 modules plus the quiet zone): scanners
// such as zbar cannot read one.
func PNG(text string, pixels int) ([]byte, error) {
	if text == "" || len(text) > maxQRText {
		return nil, errs.Internal(fmt.Errorf("text of %d bytes", len(text)), "card: qr")
	}
	if pixels < 1 || pixels > maxQRPixels {
		return nil, errs.Internal(fmt.Errorf("image side %d", pixels), "card: qr")
	}
	mode := qrcode.EncModeAlphanumeric
	for i := 0; i < len(text); i++ {
		if !isAlphanumeric(text[i]) {
			mode = qrcode.EncModeByte
			break
		}
	}
	var out bytes.Buffer
	if err := render(&out, text, qrcode.WithEncodingMode(mode), pixels); err != nil {
		return nil, errs.Internal(err, "card: qr")
	}
	return out.Bytes(), nil
}

// render draws the code into w; a panic inside the QR library becomes an
// error.
func render(w io.Writer, text string, mode qrcode.EncodeOption, pixels int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("qr library panicked: %v", r)
		}
	}()
	qr, err := qrcode.NewWith(text, mode, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return err
	}
	modules := qr.Dimension() + 2*quietZone
	block := min(max(pixels/modules, 1), 255)
	wr := standard.NewWithWriter(nopCloser{w},
		standard.WithQRWidth(uint8(block)),
		standard.WithBorderWidth(quietZone*block),
		standard.WithCustomImageEncoder(bilevelPNG{}))
	return qr.Save(wr)
}

// isAlphanumeric says whether c is in the QR alphanumeric set.
func isAlphanumeric(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
		return true
	}
	switch c {
	case ' ', '$', '%', '*', '+', '-', '.', '/', ':':
		return true
	}
	return false
}

// nopCloser lets the QR writer, which wants an io.WriteCloser, write into a
// buffer.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// bilevelPNG encodes the drawing as a two-colour paletted PNG, a fraction of
// the size of the RGBA one the library would write.
type bilevelPNG struct{}

var bilevel = color.Palette{color.White, color.Black}

func (bilevelPNG) Encode(w io.Writer, img image.Image) error {
	if img == nil {
		return errors.New("no image")
	}
	b := img.Bounds()
	p := image.NewPaletted(b, bilevel)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			// Dark if the luminance is below half; anti-aliased edges
			// fall to the nearer colour.
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 0x80 {
				p.SetColorIndex(x, y, 1)
			}
		}
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	return enc.Encode(w, p)
}
