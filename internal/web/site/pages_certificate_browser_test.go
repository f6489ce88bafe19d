package site

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// TestBrowserCertificate opens a member's certificate at desktop (1280 px)
// and phone (390 px) widths: the QR code loads, nothing runs off the side,
// and printed on A4 landscape it fills one page. Screenshots go to
// testkit.ScreenshotDir as certificate-<width>, with the public check.
func TestBrowserCertificate(t *testing.T) {
	skipBrowser(t)
	s := newCertSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "欧阳娜仁", 1, "2019-03-01")
	attempt := s.take(t, zhang, 2)
	path := "/m/papers/" + attempt + "/certificate"
	for _, width := range []int{1280, 390} {
		b := s.memberTab(t, path, 90*time.Second)
		if width > 600 {
			b.do(chromedp.EmulateViewport(1280, 900))
		}
		s.codeLogin(b, path, mobileNumber(1), ".cert")
		b.do(imageLoaded(".cert-qr img"))
		b.expect("certificate", "合格证书", "欧阳娜仁", "2026年北京市职工安全生产月知识竞赛", "北京市总工会")
		if b.sideways(2) {
			t.Errorf("%d px: the certificate runs off the side", width)
		}
		b.shot(fmt.Sprintf("certificate-%d", width))
		if width > 600 {
			var pdf []byte
			yes, a4w, a4h := true, 8.27, 11.69
			b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{Landscape: &yes, PaperWidth: a4w, PaperHeight: a4h, PreferCSSPageSize: &yes})
				if err == nil {
					pdf = res.Data
				}
				return err
			}))
			if n := len(pdfPageRE.FindAll(pdf, -1)); n != 1 {
				t.Errorf("the certificate prints on %d pages, want 1", n)
			}
		}
		// The public check of the same certificate.
		cert, err := s.contests.Certificate(context.Background(), signuptest.Self(zhang), mustID(t, attempt))
		if err != nil {
			t.Fatal(err)
		}
		b.open("/certificates/verify?c="+cert.Payload, ".cert-verdict")
		b.expect("verify", "证书真实有效", "欧**仁")
		if b.sideways(2) {
			t.Errorf("%d px: the verify page runs off the side", width)
		}
		b.shot(fmt.Sprintf("certificate-verify-%d", width))
	}
}
