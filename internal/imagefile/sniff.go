// Package imagefile checks and re-encodes the pictures people upload (a
// letter's photos, an entry's photos, a case's evidence, a station's
// photos): what a file is, read from its bytes and never from the name or
// type the client sent (JPEG, PNG or WebP only); a bound on its pixels,
// so that a small file claiming a huge picture (a decompression bomb) is
// refused before anything is decoded; and copies re-encoded from the
// pixels, which keep none of the original's metadata (a camera's place
// and time, EXIF/GPS), at full size or for phones.
package imagefile

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // the decoders DecodeConfig and Decode read with
	_ "image/png"

	_ "golang.org/x/image/webp"
)

const (
	// MaxPixels bounds a picture's width times height: decoding takes
	// four bytes a pixel, and phones' cameras stay well below it.
	MaxPixels = 50_000_000
	// MaxSide bounds either side: a phone's camera stays well below it,
	// a forged header claiming a picture a pixel tall and a million wide
	// does not.
	MaxSide = 20000
)

// The types Sniff names.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	WebP = "image/webp"
)

// Why Sniff refuses a file.
var (
	ErrType   = errors.New("imagefile: not a JPEG, PNG or WebP picture")
	ErrPixels = errors.New("imagefile: picture too large to decode")
)

// Info is what Sniff read: the type and the size in pixels.
type Info struct {
	Type          string
	Width, Height int
}

// Sniff reads what a picture is from its bytes: JPEG, PNG or WebP by
// their signature, confirmed by a header that decodes. ErrType for
// anything else, ErrPixels for a picture with more than MaxPixels pixels
// or a side over MaxSide.
func Sniff(b []byte) (Info, error) {
	var in Info
	var want string
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		in.Type, want = JPEG, "jpeg"
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		in.Type, want = PNG, "png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		in.Type, want = WebP, "webp"
	default:
		return Info{}, ErrType
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != want || cfg.Width < 1 || cfg.Height < 1 {
		return Info{}, ErrType
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Info{}, ErrPixels
	}
	in.Width, in.Height = cfg.Width, cfg.Height
	return in, nil
}

// Type is the type Sniff names b, "" when it refuses it.
func Type(b []byte) string {
	in, err := Sniff(b)
	if err != nil {
		return ""
	}
	return in.Type
}
