package site

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gonghui/internal/activity"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserCameraWithoutBarcodeDetector: in a browser without
// BarcodeDetector (Safari on iPhone, Firefox), the staff's scanner still
// reads a card with the camera, through the vendored jsQR. The camera is a
// stand-in that films the card's QR code; BarcodeDetector is removed
// before any of the page's scripts run.
func TestBrowserCameraWithoutBarcodeDetector(t *testing.T) {
	skipBrowser(t)
	s := newActSite(t, testkit.NewDB(t, db.SQLite))
	bg := context.Background()
	li := s.add(t, s.unionE, "李秀英", 2, "2021-06-15")
	walk := s.running(t, "前门大街健步走", activity.Input{Kind: "walk", Capacity: 30, Venue: "前门大街",
		Checkpoints: []activity.CheckpointInput{{Name: "前门箭楼"}}})
	if _, _, err := s.acts.Register(bg, s.officer, walk.ID, li.ID); err != nil {
		t.Fatal(err)
	}
	liCard, err := s.members.Card(bg, s.system, li.ID)
	if err != nil {
		t.Fatal(err)
	}
	png, err := card.PNG(liCard.Payload, 360)
	if err != nil {
		t.Fatal(err)
	}
	stub := `(function(){
		delete window.BarcodeDetector;
		var src = 'data:image/png;base64,` + base64.StdEncoding.EncodeToString(png) + `';
		navigator.mediaDevices.getUserMedia = function () {
			var cv = document.createElement('canvas'); cv.width = 480; cv.height = 480;
			var g = cv.getContext('2d');
			var img = new Image();
			return new Promise(function (resolve) {
				img.onload = function () {
					var paint = function () { g.fillStyle = '#fff'; g.fillRect(0, 0, 480, 480); g.drawImage(img, 60, 60); };
					paint();
					setInterval(paint, 100);
					resolve(cv.captureStream(10));
				};
				img.src = src;
			});
		};
	})();`

	b := newTab(t, s.srv.URL, 90*time.Second, true)
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: stub})
		return err
	}))
	b.login("dashilan")
	b.open("/activities/"+actID(walk)+"/scan", "[data-scan]")
	if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`'BarcodeDetector' in window || !!window.jsQR`)); err != nil || v {
		t.Fatalf("the fallback is not what runs: detector or decoder already there (%v)", err)
	}
	b.shot("activities-scan-jsqr-390")
	b.do(
		chromedp.Click(chromedp.CSS("[data-scan]")),
		chromedp.WaitVisible(chromedp.CSS(".scan-result.scan-ok")),
	)
	b.shot("activities-scan-jsqr-read-390")
	b.expect("after scanning with jsQR", "李秀英")
	if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('[data-scan]').getAttribute('data-jsqr')`)); err != nil || v == "" {
		t.Fatalf("no decoder URL on the button: %q %v", v, err)
	}
	att, err := s.acts.Attendance(bg, s.officer, walk.ID)
	if err != nil || att.Attended != 1 {
		t.Fatalf("attendance after the camera scan: %+v %v", att, err)
	}
}
