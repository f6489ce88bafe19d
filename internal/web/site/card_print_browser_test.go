package site

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// pdfPageRE finds the page objects of a PDF ("/Type /Page", not "/Pages").
var pdfPageRE = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// TestBrowserCardPrintsOnOnePage prints a member's card as staff do (A4
// and Letter, Chromium's print to PDF) and counts the pages: one, with no
// blank second page.
func TestBrowserCardPrintsOnOnePage(t *testing.T) {
	skipBrowser(t)
	s := newPortalSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "欧阳·娜仁花", 1, "2019-03-01", "model_worker", "party_member", "platform_worker")
	desk := newTab(t, s.srv.URL, 90*time.Second, false)
	desk.login("dashilan")
	for _, lang := range []string{"zh-CN", "en"} {
		desk.open("/members/"+mid(zhang)+"/card?lang="+lang, ".mcard", imageLoaded(".mcard-qr"))
		for _, size := range []struct {
			name string
			w, h float64 // inches
		}{{"A4", 8.27, 11.69}, {"Letter", 8.5, 11}} {
			var pdf []byte
			desk.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: size.w, PaperHeight: size.h})
				if err == nil {
					pdf = res.Data
				}
				return err
			}))
			if n := len(pdfPageRE.FindAll(pdf, -1)); n != 1 {
				t.Errorf("%s, %s: the card prints on %d pages, want 1", lang, size.name, n)
			}
		}
	}
}
