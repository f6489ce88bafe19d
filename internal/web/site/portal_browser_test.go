package site

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
)

// imageLoaded waits until the image sel has loaded with a width.
func imageLoaded(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(function(){var i=document.querySelector(` + "`" + sel + "`" + `);return i&&i.complete&&i.naturalWidth>0;})()`)
}

// TestBrowserPortal walks the members' pages on a phone: a member signs in
// with a text-message code, opens the card (its QR code loads), the account
// page and signs out; someone checks the card on /card/verify. Screenshots
// at phone width go to testkit.ScreenshotDir.
func TestBrowserPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	bg := context.Background()
	s := newPortalSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker", "party_member")
	s.add(t, s.unionE, "欧阳·娜仁花", 2, "2022-11-20", "platform_worker")
	if _, err := s.members.RequestTransfer(bg, s.system, member.TransferRequest{MemberID: zhang.ID, ToOrgID: s.unionW.ID, Note: "调往城建集团"}); err != nil {
		t.Fatal(err)
	}
	ctx := testkit.Browser(t, 1280, 900)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	phone(t, ctx)
	base := s.srv.URL

	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/lang?to=zh-CN&back=/m"),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-login-390")

	// Ask for a code; the page says it was sent and counts down.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(1)),
		chromedp.Click(chromedp.CSS("button.code-send")),
		chromedp.WaitVisible(chromedp.CSS(".alert-info")),
		chromedp.Poll[chromedp.Void](`document.querySelector('button.code-send').disabled`),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-login-sent-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "验证码已发送") || !strings.Contains(text, "139****0001") {
		t.Fatalf("after asking for a code: %s", text)
	}

	// A wrong code first, then the right one with the Enter key: Enter signs
	// in (it does not ask for another code).
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-code"), "000000"),
		chromedp.Click(chromedp.CSS("form button.btn-primary")),
		chromedp.WaitVisible(chromedp.CSS("#f-code-error")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-login-error-390")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-code"), s.lastCode(t, mobileNumber(1))+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".portal-hello")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-home-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "张建华") || !strings.Contains(text, "北京排水集团工会") || !strings.Contains(text, "劳模") {
		t.Fatalf("home: %s", text)
	}

	// The card, from the bottom bar.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/card"]`)),
		chromedp.WaitVisible(chromedp.CSS(".mcard")),
		imageLoaded(".mcard-qr"),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-card-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "张建华") || !strings.Contains(text, "有效期至") {
		t.Fatalf("card: %s", text)
	}

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/account"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-password")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-account-390")
	if text := bodyText(t, ctx); !strings.Contains(text, "北京城建集团工会") {
		t.Fatalf("account: %s", text)
	}

	// English.
	for _, pg := range []struct{ name, path string }{{"home-en", "/m?lang=en"}, {"card-en", "/m/card?lang=en"}, {"account-en", "/m/account?lang=en"}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(".tabbar"))); err != nil {
			t.Fatal(err)
		}
		testkit.Screenshot(t, ctx, "portal-"+pg.name+"-390")
	}

	// The same pages on a wide screen stay one column.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	for _, pg := range []struct{ name, path string }{{"home", "/m?lang=zh-CN"}, {"card", "/m/card"}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(".tabbar"))); err != nil {
			t.Fatal(err)
		}
		testkit.Screenshot(t, ctx, "portal-"+pg.name+"-1280")
	}
	phone(t, ctx)

	// Checking a card: a fresh one is valid, an altered one forged.
	c, err := s.members.OwnCard(bg, zhang.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/card/verify?lang=zh-CN"),
		chromedp.WaitVisible(chromedp.CSS("#f-payload")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-verify-390")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#f-payload"), c.Payload),
		chromedp.Click(chromedp.CSS(".verify-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".verdict-ok")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-verify-valid-390")
	i := len(c.Payload) - 20
	ch := "A"
	if c.Payload[i] == 'A' {
		ch = "B"
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#f-payload"), c.Payload[:i]+ch+c.Payload[i+1:]),
		chromedp.Click(chromedp.CSS(".verify-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".verdict-bad")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, ctx, "portal-verify-forged-390")

	// Sign out from the account page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/m/account?lang=zh-CN"),
		chromedp.Click(chromedp.CSS(".portal-logout button")),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
	); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "已退出登录") {
		t.Fatalf("after signing out: %s", text)
	}
	testkit.Screenshot(t, ctx, "portal-signed-out-390")
	for _, pg := range []struct{ name, path string }{{"login-password-en", "/m/login?mode=password&lang=en"}, {"verify-en", "/card/verify?lang=en"}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		testkit.Screenshot(t, ctx, "portal-"+pg.name+"-390")
	}

	// Scanning with the camera, where the browser can: here BarcodeDetector
	// and the camera are stand-ins that see the card at once.
	scan := testkit.Browser(t, 1280, 900)
	scan, cancelScan := context.WithTimeout(scan, 60*time.Second)
	defer cancelScan()
	phone(t, scan)
	stub := `(function(){
		var payload = ` + strconv.Quote(c.Payload) + `;
		window.BarcodeDetector = function () {};
		window.BarcodeDetector.getSupportedFormats = function () { return Promise.resolve(['qr_code']); };
		window.BarcodeDetector.prototype.detect = function () { return Promise.resolve([{ rawValue: payload }]); };
		navigator.mediaDevices.getUserMedia = function () {
			var cv = document.createElement('canvas'); cv.width = cv.height = 64;
			cv.getContext('2d').fillRect(0, 0, 64, 64);
			return Promise.resolve(cv.captureStream());
		};
	})();`
	if err := chromedp.Do(scan,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: stub})
			return err
		}),
		chromedp.Navigate(base+"/card/verify?lang=zh-CN"),
		chromedp.WaitVisible(chromedp.CSS("[data-scan]")),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, scan, "portal-verify-scan-390")
	if err := chromedp.Do(scan,
		chromedp.Click(chromedp.CSS("[data-scan]")),
		chromedp.WaitVisible(chromedp.CSS(".verdict-ok")),
	); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, scan); !strings.Contains(text, "张建华") {
		t.Fatalf("after scanning: %s", text)
	}

	// Staff print the card from the member's page (desktop width).
	desk := testkit.Browser(t, 1280, 900)
	desk, cancelDesk := context.WithTimeout(desk, 60*time.Second)
	defer cancelDesk()
	browserLogin(t, desk, base, "dashilan")
	if err := chromedp.Do(desk,
		chromedp.Navigate(base+"/members/"+mid(zhang)+"/card"),
		chromedp.WaitVisible(chromedp.CSS(".mcard")),
		imageLoaded(".mcard-qr"),
	); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, desk, "portal-staff-card-1280")
	// As printed: the card alone.
	if err := chromedp.Do(desk, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, desk, "portal-staff-card-print")
}
