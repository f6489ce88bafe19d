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
	if testing.Short() {
		t.Skip("browser test")
	}
	s := newSite(t, testkit.NewDB(t, db.SQLite))
	for _, width := range []int{1280, 390} {
		name := "ops" + strconv.Itoa(width)
		if _, err := s.auth.Bootstrap(context.Background(), auth.NewUser{Username: name, Name: "运维管理员", OrgID: s.root.ID, Password: testPassword}, auth.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		ctx := testkit.Browser(t, width, 900)
		ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		if width < 600 {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 844, chromedp.EmulateMobile)); err != nil {
				t.Fatal(err)
			}
		}
		shot := func(what string) { testkit.Screenshot(t, ctx, "mfa-"+what+"-"+strconv.Itoa(width)) }
		signIn := func() {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(s.srv.URL+"/lang?to=zh-CN&back=/login"),
				chromedp.SendKeys(chromedp.CSS("#f-username"), name),
				chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
				chromedp.Click(chromedp.CSS("button[type=submit]")),
			); err != nil {
				t.Fatal(err)
			}
		}
		signIn()
		// Only enrolment is open to them.
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`form[action="/account/totp/start"]`))); err != nil {
			t.Fatalf("first sign-in did not lead to enrolment: %v", err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/orgs"), chromedp.WaitVisible(chromedp.CSS(`form[action="/account/totp/start"]`))); err != nil {
			t.Fatalf("the organisations page opened before enrolment: %v", err)
		}
		shot("required")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/account/totp/start"] button`)), chromedp.WaitVisible(chromedp.CSS("code.secret"))); err != nil {
			t.Fatal(err)
		}
		secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("code.secret")))
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`form[action="/account/totp/confirm"] input[name=code]`), code),
			chromedp.Click(chromedp.CSS(`form[action="/account/totp/confirm"] button`)),
			chromedp.WaitVisible(chromedp.CSS("ol.recovery-codes")),
		); err != nil {
			t.Fatal(err)
		}
		shot("recovery-codes")
		body := bodyText(t, ctx)
		codes := regexp.MustCompile(`[a-z2-9]{5}-[a-z2-9]{5}`).FindAllString(body, -1)
		if len(codes) != 10 || !strings.Contains(body, "只显示这一次") {
			t.Fatalf("recovery codes page: %d codes in %q", len(codes), body)
		}
		// Sign out and in again: the code step.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('form[action="/logout"]').submit(), true)`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#f-username"))); err != nil {
			t.Fatal(err)
		}
		signIn()
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`form[action="/login/totp"]`))); err != nil {
			t.Fatal(err)
		}
		shot("code-step")
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#f-code"), "000000"),
			chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button`)),
			chromedp.WaitVisible(chromedp.CSS(".field-error")),
		); err != nil {
			t.Fatal(err)
		}
		if body := bodyText(t, ctx); !strings.Contains(body, "密码或验证码不正确") {
			t.Fatalf("wrong code page says: %q", body)
		}
		shot("wrong-code")
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#f-code"), strings.ToUpper(codes[3])),
			chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button`)),
			chromedp.WaitVisible(chromedp.CSS(".page-head h1")),
		); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/account/totp"), chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		if body := bodyText(t, ctx); !strings.Contains(body, "还有 9 个未使用的恢复码") {
			t.Fatalf("after using one: %q", body)
		}
		shot("enabled")
		cancel()
	}
}
