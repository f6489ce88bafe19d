package site

import (
	"context"
	"strconv"
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

// TestBrowserPortal walks the members' pages on a phone: a member signs in
// with a text-message code, opens the card (its QR code loads), the account
// page and signs out; someone checks the card on /card/verify. Screenshots
// at phone width go to testkit.ScreenshotDir.
func TestBrowserPortal(t *testing.T) {
	skipBrowser(t)
	bg := context.Background()
	s := newPortalSite(t, testkit.NewDB(t, db.SQLite))
	zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01", "model_worker", "party_member")
	s.add(t, s.unionE, "欧阳·娜仁花", 2, "2022-11-20", "platform_worker")
	if _, err := s.members.RequestTransfer(bg, s.system, member.TransferRequest{MemberID: zhang.ID, ToOrgID: s.unionW.ID, Note: "调往城建集团"}); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, s.srv.URL, 90*time.Second, true)

	b.open("/lang?to=zh-CN&back=/m", "#f-mobile")
	b.shot("portal-login-390")

	// Ask for a code; the page says it was sent and counts down.
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobileNumber(1)),
		chromedp.Click(chromedp.CSS("button.code-send")),
		chromedp.WaitVisible(chromedp.CSS(".alert-info")),
		chromedp.Poll[chromedp.Void](`document.querySelector('button.code-send').disabled`),
	)
	b.shot("portal-login-sent-390")
	b.expect("after asking for a code", "验证码已发送", "139****0001")

	// A wrong code first, then the right one with the Enter key: Enter signs
	// in (it does not ask for another code).
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-code"), "000000"),
		chromedp.Click(chromedp.CSS("form button.btn-primary")),
		chromedp.WaitVisible(chromedp.CSS("#f-code-error")),
	)
	b.shot("portal-login-error-390")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#f-code"), s.lastCode(t, mobileNumber(1))+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".portal-hello")),
	)
	b.shot("portal-home-390")
	b.expect("home", "张建华", "北京排水集团工会", "劳模")

	// The card, from the bottom bar.
	b.do(
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/card"]`)),
		chromedp.WaitVisible(chromedp.CSS(".mcard")),
		imageLoaded(".mcard-qr"),
	)
	b.shot("portal-card-390")
	b.expect("card", "张建华", "有效期至")

	b.do(
		chromedp.Click(chromedp.CSS(`.tabbar a[href="/m/account"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-password")),
	)
	b.shot("portal-account-390")
	b.expect("account", "北京城建集团工会")

	// English.
	for _, pg := range []struct{ name, path string }{{"home-en", "/m?lang=en"}, {"card-en", "/m/card?lang=en"}, {"account-en", "/m/account?lang=en"}} {
		b.open(pg.path, ".tabbar")
		b.shot("portal-" + pg.name + "-390")
	}

	// The same pages on a wide screen stay one column.
	b.do(chromedp.EmulateViewport(1280, 900))
	for _, pg := range []struct{ name, path string }{{"home", "/m?lang=zh-CN"}, {"card", "/m/card"}} {
		b.open(pg.path, ".tabbar")
		b.shot("portal-" + pg.name + "-1280")
	}
	b.phone()

	// Checking a card: a fresh one is valid, an altered one forged.
	c, err := s.members.OwnCard(bg, zhang.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.open("/card/verify?lang=zh-CN", "#f-payload")
	b.shot("portal-verify-390")
	for _, v := range []struct{ payload, verdict, name string }{
		{c.Payload, ".verdict-ok", "valid"},
		{forged(c.Payload, 20), ".verdict-bad", "forged"},
	} {
		b.do(
			chromedp.SetValue(chromedp.CSS("#f-payload"), v.payload),
			chromedp.Click(chromedp.CSS(".verify-form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(v.verdict)),
		)
		b.shot("portal-verify-" + v.name + "-390")
	}

	// Sign out from the account page.
	b.do(
		chromedp.Navigate(b.base+"/m/account?lang=zh-CN"),
		chromedp.Click(chromedp.CSS(".portal-logout button")),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
	)
	b.expect("after signing out", "已退出登录")
	b.shot("portal-signed-out-390")
	for _, pg := range []struct{ name, path string }{{"login-password-en", "/m/login?mode=password&lang=en"}, {"verify-en", "/card/verify?lang=en"}} {
		b.open(pg.path, "footer")
		b.shot("portal-" + pg.name + "-390")
	}

	// Scanning with the camera, where the browser can: here BarcodeDetector
	// and the camera are stand-ins that see the card at once.
	scan := newTab(t, s.srv.URL, 60*time.Second, true)
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
	scan.do(
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: stub})
			return err
		}),
		chromedp.Navigate(scan.base+"/card/verify?lang=zh-CN"),
		chromedp.WaitVisible(chromedp.CSS("[data-scan]")),
	)
	scan.shot("portal-verify-scan-390")
	scan.do(
		chromedp.Click(chromedp.CSS("[data-scan]")),
		chromedp.WaitVisible(chromedp.CSS(".verdict-ok")),
	)
	scan.expect("after scanning", "张建华")

	// Staff print the card from the member's page (desktop width).
	desk := newTab(t, s.srv.URL, 60*time.Second, false)
	desk.login("dashilan")
	desk.open("/members/"+mid(zhang)+"/card", ".mcard", imageLoaded(".mcard-qr"))
	desk.shot("portal-staff-card-1280")
	// As printed: the card alone.
	desk.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	desk.shot("portal-staff-card-print")
}
