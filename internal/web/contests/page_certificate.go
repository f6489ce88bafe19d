package contests

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"os"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/contest"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// A member's certificate (printable, and as a PNG image), and the public
// page that checks a scanned one.

// certData is the Data of the certificate page.
type certData struct {
	C         *contest.Certificate
	Heading   string       // 荣誉证书 or 合格证书
	Body      string       // the sentence of the certificate
	Issued    string       // date in words
	ImageURL  string       // the certificate as a PNG
	QRURL     template.URL // data: URL of the QR code (a PNG this server drew)
	VerifyURL string       // what the QR code holds
	BackURL   string
}

// absBase is scheme and host as the visitor reached this server.
func (h *Pages) absBase(r *http.Request) string {
	scheme := "http"
	if httpx.Secure(r, h.HTTP) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Pages) certOf(r *http.Request, p *auth.Principal) (*contest.Certificate, error) {
	id, err := web.IDParam(r, "attempt")
	if err != nil {
		return nil, err
	}
	return h.Contests.Certificate(r.Context(), p, id)
}

// certQRSize is the side of a certificate's QR image: about 7 pixels a
// module for a version 18 code, sharp in print.
const certQRSize = 720

// certificate: GET /m/papers/{attempt}/certificate, printable on A4
// landscape.
func (h *Pages) certificate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := h.certOf(r, p)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "cweb.cert.title", "")
	verify := contest.CertVerifyURL(h.absBase(r), c.Payload)
	qr, err := card.PNG(verify, certQRSize)
	if err != nil {
		return err
	}
	d := certData{C: c, Heading: pg.T("cweb.cert.kind." + string(c.Kind)), Issued: web.FormatTime(c.IssuedOn, "2006-01-02"),
		ImageURL: r.URL.Path + ".png", VerifyURL: verify, BackURL: "/m/papers/" + r.PathValue("attempt") + "/result"}
	d.Body = pg.T("cweb.cert.body."+string(c.Kind), c.Name, c.Title, c.Score, c.MaxScore)
	d.QRURL = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(qr))
	pg.Data = d
	h.Render(w, http.StatusOK, "certificate", pg)
	return nil
}

// certificatePNG: GET /m/papers/{attempt}/certificate.png, the certificate
// as an image to save or send.
func (h *Pages) certificatePNG(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := h.certOf(r, p)
	var img []byte
	if err == nil {
		img, err = certImage(i18n.FromRequest(r), c, contest.CertVerifyURL(h.absBase(r), c.Payload))
	}
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		h.Fail(w, r, nil, err)
		return nil
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(img)
	return err
}

// certFontFiles are where Debian's fonts-noto-cjk puts the CJK faces; the
// binary embeds none. Without one the image carries the QR code, the
// frame and the figures, and the page says the rest.
var certFontFiles = []string{
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
}

var certFont = sync.OnceValue(func() *opentype.Font {
	for _, f := range certFontFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		coll, err := opentype.ParseCollection(b)
		if err != nil || coll.NumFonts() == 0 {
			continue
		}
		// Noto's collections start with the Japanese face; the simplified
		// Chinese one is the next (SC); a collection of one is what it is.
		i := 0
		if coll.NumFonts() > 1 && len(f) > 0 && bytes.Contains([]byte(f), []byte("Noto")) {
			i = 1
		}
		if ft, err := coll.Font(i); err == nil {
			return ft
		}
	}
	return nil
})

// certImage draws a certificate as a 1600×1131 PNG (A4 landscape):
// frame, heading, sentence, figures and the QR code of verify.
func certImage(lang i18n.Lang, c *contest.Certificate, verify string) ([]byte, error) {
	const W, H = 1600, 1131
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	cream := color.RGBA{0xff, 0xfb, 0xf2, 0xff}
	red := color.RGBA{0xb0, 0x10, 0x26, 0xff}
	gold := color.RGBA{0xc8, 0x9b, 0x3c, 0xff}
	draw.Draw(img, img.Bounds(), &image.Uniform{cream}, image.Point{}, draw.Src)
	frame := func(inset, width int, col color.Color) {
		for _, r := range []image.Rectangle{
			image.Rect(inset, inset, W-inset, inset+width), image.Rect(inset, H-inset-width, W-inset, H-inset),
			image.Rect(inset, inset, inset+width, H-inset), image.Rect(W-inset-width, inset, W-inset, H-inset)} {
			draw.Draw(img, r, &image.Uniform{col}, image.Point{}, draw.Src)
		}
	}
	frame(30, 14, red)
	frame(56, 4, gold)

	qrPNG, err := card.PNG(verify, 300)
	if err != nil {
		return nil, err
	}
	qr, err := png.Decode(bytes.NewReader(qrPNG))
	if err != nil {
		return nil, errs.Internal(err, "contests: certificate image")
	}
	qb := qr.Bounds()
	at := image.Pt(W-120-qb.Dx(), H-110-qb.Dy())
	draw.Draw(img, qb.Add(at), qr, qb.Min, draw.Src)

	if ft := certFont(); ft != nil {
		text := func(s string, size float64, y int, col color.Color, centre bool, x int) {
			face, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
			if err != nil {
				return
			}
			defer face.Close()
			d := &font.Drawer{Dst: img, Src: &image.Uniform{col}, Face: face}
			if centre {
				x = (W - d.MeasureString(s).Round()) / 2
			}
			d.Dot = fixed.P(x, y)
			d.DrawString(s)
		}
		ink := color.RGBA{0x22, 0x22, 0x22, 0xff}
		text(i18n.T(lang, "cweb.cert.kind."+string(c.Kind)), 96, 250, red, true, 0)
		text(c.Name, 64, 420, ink, true, 0)
		for i, line := range wrapRunes(i18n.T(lang, "cweb.cert.image_line", c.Title), 30) {
			text(line, 40, 520+i*60, ink, true, 0)
		}
		text(i18n.T(lang, "cweb.cert.score", c.Score, c.MaxScore), 40, 700, ink, true, 0)
		text(c.Publisher, 36, 880, ink, false, 160)
		text(web.FormatTime(c.IssuedOn, "2006-01-02"), 32, 940, ink, false, 160)
		text(i18n.T(lang, "cweb.cert.number", c.Number), 24, 1000, ink, false, 160)
		text(i18n.T(lang, "cweb.cert.scan"), 22, H-80, ink, false, at.X)
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img); err != nil {
		return nil, errs.Internal(err, "contests: certificate image")
	}
	return out.Bytes(), nil
}

// wrapRunes cuts s into lines of at most n runes (at most three lines).
func wrapRunes(s string, n int) []string {
	r := []rune(s)
	var out []string
	for len(r) > 0 && len(out) < 3 {
		k := min(n, len(r))
		out, r = append(out, string(r[:k])), r[k:]
	}
	return out
}

// certVerifyData is the Data of the public page that checks a certificate.
type certVerifyData struct {
	Checked bool
	Status  string
	Valid   bool
	Label   string
	Explain string
	Check   *contest.CertCheck
	Issued  string
	Kind    string
	Score   string
}

// certificateVerify: GET /certificates/verify?c=<payload>, public. An
// unreadable payload is said in words, never shown back.
func (h *Pages) certificateVerify(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "cweb.verify.title")
	w.Header().Set("Referrer-Policy", "no-referrer")
	d := certVerifyData{}
	status := http.StatusOK
	if payload := r.URL.Query().Get("c"); payload != "" {
		chk, err := h.Contests.VerifyCertificate(r.Context(), payload)
		switch {
		case err == nil:
			d = certVerifyData{Checked: true, Status: string(chk.Status), Valid: chk.Status == contest.CertValid, Check: chk,
				Label: pg.T("cweb.verify.verdict." + string(chk.Status)), Explain: pg.T("cweb.verify.explain." + string(chk.Status))}
			if chk.IssuedOn != nil {
				d.Issued = web.FormatTime(*chk.IssuedOn, "2006-01-02")
				d.Kind = pg.T("cweb.cert.kind." + string(chk.Kind))
				d.Score = strconv.Itoa(chk.Score) + " / " + strconv.Itoa(chk.MaxScore)
			}
		case errs.Is(err, errs.KindInvalid):
			d = certVerifyData{Checked: true, Status: "malformed", Label: pg.T("cweb.verify.verdict.malformed"), Explain: pg.T("contest.cert.malformed")}
			status = http.StatusUnprocessableEntity
		default:
			h.Fail(w, r, nil, err)
			return
		}
	}
	pg.Data = d
	h.Render(w, status, "certificate_verify", pg)
}
