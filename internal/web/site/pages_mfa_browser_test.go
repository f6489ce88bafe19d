package site

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBrowserTwoStepEnrolment walks a new administrator (not a demo
// account) through what two-step verification asks of them, in Chromium at
// desktop and phone widths: the first sign-in leads to enrolment and nowhere
// else, the recovery codes are shown once, the next sign-in asks for a code,
// a wrong code is refused in words, and a recovery code lets them in.
func TestBrowserTwoStepEnrolment(t *testing.T) {
	skipBrowser(t)
	s := newSite(t, testkit.NewDB(t, db.SQLite))
	for _, width := range []int{1280, 390} {
		name := "ops" + strconv.Itoa(width)
		if _, err := s.auth.Bootstrap(context.Background(), auth.NewUser{Username: name, Name: "运维管理员", OrgID: s.root.ID, Password: testPassword}, auth.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		b := newTab(t, s.srv.URL, 90*time.Second, width < 600)
		shot := func(what string) { b.shot("mfa-" + what + "-" + strconv.Itoa(width)) }
		signIn := func() { b.submitLogin(name) }
		signIn()
		// Only enrolment is open to them.
		if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(`form[action="/account/totp/start"]`))); err != nil {
			t.Fatalf("first sign-in did not lead to enrolment: %v", err)
		}
		if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+"/orgs"), chromedp.WaitVisible(chromedp.CSS(`form[action="/account/totp/start"]`))); err != nil {
			t.Fatalf("the organisations page opened before enrolment: %v", err)
		}
		shot("required")
		b.do(chromedp.Click(chromedp.CSS(`form[action="/account/totp/start"] button`)), chromedp.WaitVisible(chromedp.CSS("code.secret")))
		secret, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("code.secret")))
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
		b.do(
			chromedp.SendKeys(chromedp.CSS(`form[action="/account/totp/confirm"] input[name=code]`), code),
			chromedp.Click(chromedp.CSS(`form[action="/account/totp/confirm"] button`)),
			chromedp.WaitVisible(chromedp.CSS("ol.recovery-codes")),
		)
		shot("recovery-codes")
		body := b.text()
		codes := regexp.MustCompile(`[a-z2-9]{5}-[a-z2-9]{5}`).FindAllString(body, -1)
		if len(codes) != 10 || !strings.Contains(body, "只显示这一次") {
			t.Fatalf("recovery codes page: %d codes in %q", len(codes), body)
		}
		// Sign out and in again: the code step.
		b.signOut()
		signIn()
		b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/login/totp"]`)))
		shot("code-step")
		b.do(
			chromedp.SendKeys(chromedp.CSS("#f-code"), "000000"),
			chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button`)),
			chromedp.WaitVisible(chromedp.CSS(".field-error")),
		)
		if body := b.text(); !strings.Contains(body, "密码或验证码不正确") {
			t.Fatalf("wrong code page says: %q", body)
		}
		shot("wrong-code")
		if err := chromedp.Do(b.ctx,
			chromedp.SendKeys(chromedp.CSS("#f-code"), strings.ToUpper(codes[3])),
			chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button`)),
			chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
		); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		b.open("/account/totp", "footer")
		if body := b.text(); !strings.Contains(body, "还有 9 个未使用的恢复码") {
			t.Fatalf("after using one: %q", body)
		}
		shot("enabled")
	}
}
