package works

import (
	"bytes"
	"image"
	_ "image/jpeg" // decoders DecodeConfig reads headers with
	_ "image/png"

	_ "golang.org/x/image/webp"
)

// Largest picture side accepted: a phone's camera stays well below it, a
// forged header claiming a gigapixel does not.
const maxSide = 20000

// SniffImage reads what a picture is from its bytes: JPEG, PNG or WebP by
// their signature, confirmed by a header that decodes to a sane size. ok
// is false for anything else, whatever name or type the client sent.
func SniffImage(b []byte) (contentType string, width, height int, ok bool) {
	var want string
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		contentType, want = "image/jpeg", "jpeg"
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		contentType, want = "image/png", "png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		contentType, want = "image/webp", "webp"
	default:
		return "", 0, 0, false
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != want || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxSide || cfg.Height > maxSide {
		return "", 0, 0, false
	}
	return contentType, cfg.Width, cfg.Height, true
}
