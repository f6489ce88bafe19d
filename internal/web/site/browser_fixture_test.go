package site

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/testkit"
)

// step is one browser action, as chromedp.Do takes them.
type step = chromedp.Action[chromedp.Void]

// skipBrowser keeps Chromium out of -short runs.
func skipBrowser(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test")
	}
}

// tab is one Chromium tab on the test site. Its steps fail the test on
// error, so that the tests read as what a person does.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newTab opens Chromium on the site at base, at desktop size or, when
// onPhone, in a phone's viewport; timeout bounds all it does.
func newTab(t *testing.T, base string, timeout time.Duration, onPhone bool) *tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(testkit.Browser(t, 1280, 900), timeout)
	t.Cleanup(cancel)
	b := &tab{t: t, ctx: ctx, base: base}
	if onPhone {
		b.phone()
	}
	return b
}

// do runs the steps; an error ends the test.
func (b *tab) do(steps ...step) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// open goes to path (on the site), waits for sel and then does the rest.
func (b *tab) open(path, sel string, then ...step) {
	b.t.Helper()
	b.do(append([]step{chromedp.Navigate(b.base + path), chromedp.WaitVisible(chromedp.CSS(sel))}, then...)...)
}

func (b *tab) shot(name string) { testkit.Screenshot(b.t, b.ctx, name) }

// phone emulates a phone's viewport (headless Chromium keeps its window
// at least 500 pixels wide).
func (b *tab) phone() {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
}

// login signs in as a staff user (without a second step).
func (b *tab) login(user string) {
	b.t.Helper()
	b.submitLogin(user)
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(".page-head h1"))); err != nil {
		b.t.Fatalf("sign in as %s: %v", user, err)
	}
}

// text is the page's visible text.
func (b *tab) text() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// expect ends the test unless the page's text holds every want; what
// names the page in the message.
func (b *tab) expect(what string, wants ...string) {
	b.t.Helper()
	text := b.text()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			b.t.Fatalf("%s lacks %q: %s", what, want, text)
		}
	}
}

// sideways tells whether the page is wider than the window by more than
// slack pixels.
func (b *tab) sideways(slack int) bool {
	b.t.Helper()
	wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + `+fmt.Sprint(slack)))
	if err != nil {
		b.t.Fatal(err)
	}
	return wide
}

// confirmYes answers yes to the page's confirmation questions from now on.
func (b *tab) confirmYes() {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)); err != nil {
		b.t.Fatal(err)
	}
}

// signOut submits the staff menu's sign-out form from the page it is on.
func (b *tab) signOut() {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.querySelector('form[action="/logout"]').submit(), true)`)); err != nil {
		b.t.Fatal(err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("#f-username")))
}

// memberTab is a phone-sized browser on the member site in Chinese,
// opened at the language switch that goes back to back.
func (s *portalSite) memberTab(t *testing.T, back string, timeout time.Duration) *tab {
	t.Helper()
	b := newTab(t, s.srv.URL, timeout, true)
	b.do(chromedp.Navigate(b.base + "/lang?to=zh-CN&back=" + back))
	return b
}

// codeLogin signs a member in with a text-message code, starting from
// start (a member page: the sign-in comes back to it), and waits for
// waitFor.
func (s *portalSite) codeLogin(b *tab, start, mobile, waitFor string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx,
		chromedp.Navigate(b.base+start),
		chromedp.WaitVisible(chromedp.CSS("#f-mobile")),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), mobile),
		chromedp.Click(chromedp.CSS("button.code-send")),
		chromedp.WaitVisible(chromedp.CSS(".alert-info")),
	); err != nil {
		b.t.Fatalf("ask for a code: %v", err)
	}
	if err := chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#f-code"), s.lastCode(b.t, mobile)+"\r"),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	); err != nil {
		b.t.Fatalf("sign in: %v", err)
	}
}

// screen is a page to photograph for people to look at: path as user.
type screen struct{ user, name, path string }

// screens photographs the pages at desktop (1280 px) and phone (390 px)
// widths as prefix-name-width, signing in as each page's user in turn.
// before, when not nil, runs on each page before its picture.
func screens(t *testing.T, base, prefix string, pages []screen, before func(b *tab, pg screen)) {
	t.Helper()
	for _, width := range []int{1280, 390} {
		b := newTab(t, base, 90*time.Second, width < 600)
		who := ""
		for _, pg := range pages {
			if pg.user != who {
				if who != "" {
					b.do(chromedp.Navigate(base + "/"))
					b.signOut()
				}
				b.login(pg.user)
				who = pg.user
			}
			if err := chromedp.Do(b.ctx, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
				t.Fatalf("%s: %v", pg.path, err)
			}
			if before != nil {
				before(b, pg)
			}
			b.shot(prefix + "-" + pg.name + "-" + fmt.Sprint(width))
		}
	}
}

// submitLogin fills in the staff sign-in form as user and sends it.
func (b *tab) submitLogin(user string) {
	b.t.Helper()
	// Chromium asks for English; the product's users read Chinese first.
	if err := chromedp.Do(b.ctx,
		chromedp.Navigate(b.base+"/lang?to=zh-CN&back=/login"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), user),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	); err != nil {
		b.t.Fatalf("sign in as %s: %v", user, err)
	}
}

// imageLoaded waits until the image sel has loaded with a width.
func imageLoaded(sel string) step {
	return chromedp.Poll[chromedp.Void](`(function(){var i=document.querySelector(` + "`" + sel + "`" + `);return i&&i.complete&&i.naturalWidth>0;})()`)
}
