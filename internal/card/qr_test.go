package card

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gonghui/internal/errs"
)

// zbarDecode reads the QR code in a PNG with zbarimg (Debian zbar-tools),
// skipping the test when it is not installed.
func zbarDecode(t *testing.T, img []byte) string {
	t.Helper()
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("GONGHUI_QR_TESTS") != "" {
			t.Fatal("GONGHUI_QR_TESTS is set but zbarimg is not on PATH (apt-get install zbar-tools)")
		}
		t.Skip("zbarimg not on PATH (apt-get install zbar-tools): cannot decode the QR code")
	}
	file := filepath.Join(t.TempDir(), "card.png")
	if err := os.WriteFile(file, img, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--raw", "-q", file).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func TestPNG(t *testing.T) {
	p := mustSign(t, testSigner(t, 1, 0x11), typical())
	for _, side := range []int{300, 114, 1000} {
		b, err := PNG(p, side)
		if err != nil {
			t.Fatalf("PNG(%d): %v", side, err)
		}
		img := decodePNG(t, b)
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		t.Logf("side %d: %d×%d pixels, %d bytes", side, w, h, len(b))
		if w != h || w > side || w < side*2/3 {
			t.Fatalf("side %d: image is %d×%d", side, w, h)
		}
		// The quiet zone is white all round.
		for _, pt := range []image.Point{{0, 0}, {w - 1, 0}, {0, h - 1}, {w - 1, h - 1}, {w / 2, 0}, {0, h / 2}} {
			if r, g, bl, _ := img.At(pt.X, pt.Y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				t.Fatalf("side %d: pixel %v is not white", side, pt)
			}
		}
		if got := zbarDecode(t, b); got != p {
			t.Fatalf("side %d: decoded %q, want %q", side, got, p)
		}
	}
}

func TestPNGSmallerThanCode(t *testing.T) {
	p := mustSign(t, testSigner(t, 1, 0x11), typical())
	b, err := PNG(p, 10)
	if err != nil {
		t.Fatal(err)
	}
	// One pixel per module at least: version 8 is 49 modules, plus 2×4 quiet.
	if w := decodePNG(t, b).Bounds().Dx(); w != 57 {
		t.Fatalf("width %d, want 57", w)
	}
}

func TestPNGByteMode(t *testing.T) {
	// Text outside the alphanumeric set (here the lower-case form and a
	// public key) still renders, in byte mode.
	pub := PublicKeyText(1, testSigner(t, 1, 0x11).PublicKey())
	b, err := PNG(pub, 300)
	if err != nil {
		t.Fatal(err)
	}
	if got := zbarDecode(t, b); got != pub {
		t.Fatalf("decoded %q, want %q", got, pub)
	}
}

func TestPNGRejects(t *testing.T) {
	for _, c := range []struct {
		text   string
		pixels int
	}{
		{"", 300},
		{"GHC1:AAAA", 0},
		{"GHC1:AAAA", -1},
		{"GHC1:AAAA", maxQRPixels + 1},
		{strings.Repeat("A", maxQRText+1), 300},
	} {
		if _, err := PNG(c.text, c.pixels); !errs.Is(err, errs.KindInternal) {
			t.Errorf("PNG(%d chars, %d): %v", len(c.text), c.pixels, err)
		}
	}
	// The longest text fits a QR code in byte mode.
	if _, err := PNG(strings.Repeat("a", maxQRText), 200); err != nil {
		t.Errorf("longest text: %v", err)
	}
}
