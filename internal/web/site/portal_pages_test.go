package site

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

var (
	smsCodeRE      = regexp.MustCompile(`\d{6}`)
	portalRawKeyRE = keyRE("portal")
)

// portalSite is the member site with text messages recorded.
type portalSite struct {
	*memberSite
	sms *sms.Recorder
}

func newPortalSite(t *testing.T, d *db.DB) *portalSite {
	t.Helper()
	s := &portalSite{memberSite: newMemberSite(t, d), sms: &sms.Recorder{}}
	s.auth.SetSMS(s.sms)
	return s
}

// lastCode is the one-time code of the last message to mobile.
func (s *portalSite) lastCode(t *testing.T, mobile string) string {
	t.Helper()
	code := smsCodeRE.FindString(s.sms.Last(mobile))
	if code == "" {
		t.Fatalf("no code sent to %s: %q", mobile, s.sms.Last(mobile))
	}
	return code
}

// memberLogin signs a member in with a code through the forms.
func (s *portalSite) memberLogin(t *testing.T, mobile string) *client {
	t.Helper()
	c := s.client("")
	a := c.post("/m/login/code", url.Values{"mobile": {mobile}, "mode": {"code"}}, "/m/login")
	wantStatus(t, "send code", a, http.StatusOK)
	a = c.post("/m/login", url.Values{"mobile": {mobile}, "mode": {"code"}, "code": {s.lastCode(t, mobile)}}, "/m/login")
	wantStatus(t, "sign in by code", a, http.StatusSeeOther)
	if a.location != "/m" {
		t.Fatalf("after signing in: %q", a.location)
	}
	return c
}

// SetCookie finds the Set-Cookie of name in an answer.
func SetCookie(a answer, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func wantNoPortalKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, portalRawKeyRE, memberRawKeyRE, rawKeyRE)
}

func TestPortalPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newPortalSite(t, d)
		zhang, li, wang := s.addTrio(t)
		zhao := s.add(t, s.unionE, "赵六", 4, "2022-02-02")
		s.add(t, s.unionE, "孙七", 5, "2023-03-03")
		s.add(t, s.unionE, "周八", 6, "2023-04-04")
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")

		t.Run("sign in by code", func(t *testing.T) {
			c := s.client("")
			a := c.get("/m/login")
			wantStatus(t, "sign-in page", a, 200)
			wantBody(t, "sign-in page", a, "会员登录", `name="mobile"`, `formaction="/m/login/code"`, "获取验证码", "60 秒内只能获取一次", `action="/m/login"`)
			wantNoPortalKeys(t, "sign-in page", a)
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("sign-in page cache: %q", a.header.Get("Cache-Control"))
			}

			a = c.post("/m/login/code", url.Values{"mobile": {mobileNumber(1)}, "mode": {"code"}}, "/m/login")
			wantStatus(t, "send code", a, 200)
			wantBody(t, "send code", a, "验证码已发送", cnid.MaskMobile(mobileNumber(1)), `value="`+mobileNumber(1)+`"`, `data-countdown="60"`, `id="f-code"`)
			code := s.lastCode(t, mobileNumber(1))

			// Asking again at once: refused in place, no second message.
			a = c.post("/m/login/code", url.Values{"mobile": {mobileNumber(1)}}, "/m/login")
			wantStatus(t, "code too soon", a, http.StatusTooManyRequests)
			wantBody(t, "code too soon", a, "秒后再重新获取", `id="f-code-error"`)
			if got := s.lastCode(t, mobileNumber(1)); got != code {
				t.Error("a second code was sent within the minute")
			}

			// A wrong code: refused, no session, the number kept.
			wrong := "000000"
			if code == wrong {
				wrong = "111111"
			}
			a = c.post("/m/login", url.Values{"mobile": {mobileNumber(1)}, "code": {wrong}}, "/m/login")
			wantStatus(t, "wrong code", a, http.StatusUnauthorized)
			wantBody(t, "wrong code", a, "验证码不正确或已过期", `value="`+mobileNumber(1)+`"`, `aria-invalid="true"`)
			if ck := SetCookie(a, "gh_member"); ck != nil && ck.Value != "" {
				t.Fatal("a wrong code gave a session")
			}
			a = c.post("/m/login", url.Values{"mobile": {mobileNumber(1)}, "code": {""}}, "/m/login")
			wantStatus(t, "no code", a, http.StatusUnprocessableEntity)
			wantBody(t, "no code", a, "请填写短信里的 6 位验证码")

			a = c.post("/m/login", url.Values{"mobile": {mobileNumber(1)}, "code": {code}}, "/m/login")
			wantStatus(t, "right code", a, http.StatusSeeOther)
			if a.location != "/m" {
				t.Errorf("after sign-in: %q", a.location)
			}
			ck := SetCookie(a, "gh_member")
			if ck == nil || !strings.HasPrefix(ck.Value, "m.") || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Fatalf("member cookie: %+v", ck)
			}
			if SetCookie(a, "gh_session") != nil {
				t.Error("a member sign-in set the staff cookie")
			}
			// The code is used up.
			a = s.client("").post("/m/login", url.Values{"mobile": {mobileNumber(1)}, "code": {code}}, "/m/login")
			wantStatus(t, "code used twice", a, http.StatusUnauthorized)

			a = c.get("/m")
			wantStatus(t, "home", a, 200)
			wantBody(t, "home", a, "张建华", "北京排水集团工会", "在册", "劳模", "2019-03-01", cnid.MaskResidentID(idNumber(t, 1)),
				cnid.MaskMobile(mobileNumber(1)), `href="/m/card"`, `href="/m/account"`, `class="tabbar"`, "出示会员卡")
			wantNoBody(t, "home", a, idNumber(t, 1), mobileNumber(1), "李秀英")
			wantNoPortalKeys(t, "home", a)
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("home cache: %q", a.header.Get("Cache-Control"))
			}
			wantStatus(t, "sign-in page when signed in", c.get("/m/login"), http.StatusSeeOther)

			a = c.get("/m?lang=en")
			wantBody(t, "home in English", a, "Hello, 张建华", "Show my member card", "Active")
			wantNoPortalKeys(t, "home in English", a)

			// Signing out ends the session.
			a = c.post("/m/logout", url.Values{}, "/m/account")
			wantStatus(t, "sign out", a, http.StatusSeeOther)
			if a.location != "/m/login" || flashSet(a) != "portal.flash.signed_out" {
				t.Errorf("after signing out: %q", a.location)
			}
			wantBody(t, "signed out", c.get(a.location), "已退出登录")
			a = c.get("/m")
			wantStatus(t, "home after sign-out", a, http.StatusSeeOther)
			if !strings.HasPrefix(a.location, "/m/login") {
				t.Errorf("home after sign-out goes to %q", a.location)
			}
			if _, _, err := s.auth.Authenticate(ctx, ck.Value, false); err == nil {
				t.Error("the session survived signing out")
			}
		})

		t.Run("unknown number and bad input", func(t *testing.T) {
			c := s.client("")
			a := c.post("/m/login/code", url.Values{"mobile": {"13812345678"}}, "/m/login")
			wantStatus(t, "not a member", a, 200)
			wantBody(t, "not a member", a, "验证码已发送", "138****5678")
			if s.sms.Last("13812345678") != "" {
				t.Error("a code went to a number that is no member's")
			}
			a = c.post("/m/login/code", url.Values{"mobile": {"12345"}}, "/m/login")
			wantStatus(t, "bad number", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad number", a, "手机号应为 11 位", `value="12345"`)
			a = c.post("/m/login", url.Values{"mobile": {"12345"}, "code": {"123456"}}, "/m/login")
			wantStatus(t, "bad number sign-in", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad number sign-in", a, "手机号应为 11 位")
		})

		t.Run("form tokens", func(t *testing.T) {
			c := s.client("")
			a := c.post("/m/login/code", url.Values{"mobile": {mobileNumber(4)}}, "")
			wantStatus(t, "code without token", a, http.StatusForbidden)
			wantBody(t, "code without token", a, "表单已失效")
			if s.sms.Last(mobileNumber(4)) != "" {
				t.Fatal("a code was sent without a form token")
			}
			a = c.post("/m/login", url.Values{"mobile": {mobileNumber(4)}, "code": {"123456"}}, "")
			wantStatus(t, "sign-in without token", a, http.StatusForbidden)
			a = c.post("/m/login", url.Values{"mobile": {mobileNumber(4)}, "code": {"123456"}, "csrf_token": {"forged"}}, "")
			wantStatus(t, "sign-in with a forged token", a, http.StatusForbidden)
			if ck := SetCookie(a, "gh_member"); ck != nil {
				t.Fatal("a refused sign-in set a cookie")
			}

			// A member's POSTs need the member session's token.
			m := s.memberLogin(t, mobileNumber(4))
			a = m.post("/m/password", url.Values{"password": {testPassword}, "password2": {testPassword}}, "")
			wantStatus(t, "password without token", a, http.StatusForbidden)
			// A token of the anonymous cookie is not the member session's.
			anon := csrfRE.FindStringSubmatch(m.get("/card/verify").body)[1]
			a = m.post("/m/password", url.Values{"password": {testPassword}, "password2": {testPassword}, "csrf_token": {anon}}, "")
			wantStatus(t, "password with another token", a, http.StatusForbidden)
			if has, _ := s.auth.HasMemberPassword(ctx, zhao.ID); has {
				t.Fatal("a password was set without the form token")
			}
			a = m.post("/m/logout", url.Values{}, "")
			wantStatus(t, "sign out without token", a, http.StatusForbidden)
			wantStatus(t, "still signed in", m.get("/m"), 200)
		})

		t.Run("password", func(t *testing.T) {
			c := s.memberLogin(t, mobileNumber(2))
			a := c.get("/m/account")
			wantStatus(t, "account", a, 200)
			wantBody(t, "account", a, "还没有设置密码", `action="/m/password"`, `action="/m/logout"`, "没有转会记录", cnid.MaskMobile(mobileNumber(2)), "至少 10 个字符")
			wantNoBody(t, "account", a, `name="current"`, mobileNumber(2))
			wantNoPortalKeys(t, "account", a)

			a = c.post("/m/password", url.Values{"password": {testPassword}, "password2": {testPassword + "x"}}, "/m/account")
			wantStatus(t, "mismatch", a, http.StatusUnprocessableEntity)
			wantBody(t, "mismatch", a, "两次输入的密码不一致")
			a = c.post("/m/password", url.Values{"password": {"short"}, "password2": {"short"}}, "/m/account")
			wantStatus(t, "weak", a, http.StatusUnprocessableEntity)
			wantBody(t, "weak", a, `id="f-password-error"`)
			wantNoBody(t, "weak", a, `value="short"`)
			if has, _ := s.auth.HasMemberPassword(ctx, li.ID); has {
				t.Fatal("bad input set a password")
			}

			// By password: not before one is set.
			p := s.client("")
			a = p.post("/m/login", url.Values{"mode": {"password"}, "mobile": {mobileNumber(2)}, "password": {testPassword}}, "/m/login?mode=password")
			wantStatus(t, "no password yet", a, http.StatusUnauthorized)
			wantBody(t, "no password yet", a, "手机号或密码不正确", `name="password"`, `value="password"`)

			a = c.post("/m/password", url.Values{"password": {testPassword}, "password2": {testPassword}}, "/m/account")
			wantStatus(t, "set", a, http.StatusSeeOther)
			if a.location != "/m/account" || flashSet(a) != "portal.flash.password_set" {
				t.Errorf("after setting: %q", a.location)
			}
			a = c.get(a.location)
			// Signed in with a code minutes ago: a new password needs no old one
			// (the forgotten-password path).
			wantBody(t, "set", a, "密码已设置", "可以直接设置新密码", "已设置密码")
			wantNoBody(t, "set", a, `name="current"`)

			a = p.post("/m/login", url.Values{"mode": {"password"}, "mobile": {mobileNumber(2)}, "password": {"Wrong-Pass-2026!"}}, "/m/login?mode=password")
			wantStatus(t, "wrong password", a, http.StatusUnauthorized)
			wantBody(t, "wrong password", a, "手机号或密码不正确")
			a = p.post("/m/login", url.Values{"mode": {"password"}, "mobile": {mobileNumber(2)}, "password": {testPassword}, "next": {"/m/card"}}, "/m/login?mode=password")
			wantStatus(t, "by password", a, http.StatusSeeOther)
			if a.location != "/m/card" {
				t.Errorf("after signing in with next: %q", a.location)
			}
			wantBody(t, "by password", p.get("/m"), "李秀英")

			// From a password session, changing it needs the current one.
			wantBody(t, "password session", p.get("/m/account"), `name="current"`)
			a = p.post("/m/password", url.Values{"current": {"nope"}, "password": {"Another-Pass-2027?"}, "password2": {"Another-Pass-2027?"}}, "/m/account")
			wantStatus(t, "wrong current", a, http.StatusUnprocessableEntity)
			wantBody(t, "wrong current", a, "当前密码不正确")
			a = p.post("/m/password", url.Values{"current": {testPassword}, "password": {"Another-Pass-2027?"}, "password2": {"Another-Pass-2027?"}}, "/m/account")
			wantStatus(t, "change", a, http.StatusSeeOther)
			wantBody(t, "changed", p.get(a.location), "密码已修改")

			// next never leaves the member pages.
			a = s.client("").post("/m/login", url.Values{"mode": {"password"}, "mobile": {mobileNumber(2)}, "password": {"Another-Pass-2027?"}, "next": {"//evil.example/"}}, "/m/login")
			wantStatus(t, "foreign next", a, http.StatusSeeOther)
			if a.location != "/m" {
				t.Errorf("foreign next followed: %q", a.location)
			}
			a = s.client("").post("/m/login", url.Values{"mode": {"password"}, "mobile": {mobileNumber(2)}, "password": {"Another-Pass-2027?"}, "next": {"/members"}}, "/m/login")
			if a.location != "/m" {
				t.Errorf("staff next followed: %q", a.location)
			}
		})

		t.Run("members and staff apart", func(t *testing.T) {
			m := s.memberLogin(t, mobileNumber(5))
			for _, path := range []string{"/", "/members", "/members/" + mid(zhang), "/members/" + mid(zhang) + "/card", "/members/" + mid(zhang) + "/card.png", "/account"} {
				a := m.get(path)
				wantStatus(t, "member on "+path, a, http.StatusSeeOther)
				if !strings.HasPrefix(a.location, "/login") {
					t.Errorf("member on %s goes to %q", path, a.location)
				}
			}
			for _, path := range []string{"/m", "/m/card", "/m/card.png", "/m/account"} {
				a := officer.get(path)
				wantStatus(t, "staff on "+path, a, http.StatusSeeOther)
				if !strings.HasPrefix(a.location, "/m/login") {
					t.Errorf("staff on %s goes to %q", path, a.location)
				}
			}
			a := officer.post("/m/password", url.Values{"password": {testPassword}, "password2": {testPassword}}, "/members")
			wantStatus(t, "staff posting a member form", a, http.StatusSeeOther)
			// A staff token put into the member cookie is not a member.
			u, _ := url.Parse(s.srv.URL)
			var staffTok string
			for _, ck := range officer.c.Jar.Cookies(u) {
				if ck.Name == "gh_session" {
					staffTok = ck.Value
				}
			}
			forged := s.client("")
			forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: "gh_member", Value: staffTok, Path: "/"}})
			wantStatus(t, "staff token as member", forged.get("/m"), http.StatusSeeOther)
			// An API session of a member is not a browser session.
			if err := s.auth.SendCode(ctx, mobileNumber(6), "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
			res, err := s.auth.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mobileNumber(6), Code: s.lastCode(t, mobileNumber(6)), Kind: auth.SessionAPI})
			if err != nil {
				t.Fatal(err)
			}
			api := s.client("")
			api.c.Jar.SetCookies(u, []*http.Cookie{{Name: "gh_member", Value: res.Token, Path: "/"}})
			wantStatus(t, "API token as member cookie", api.get("/m"), http.StatusSeeOther)
		})

		t.Run("card", func(t *testing.T) {
			m := s.memberLogin(t, mobileNumber(3))
			a := m.get("/m/card")
			wantStatus(t, "card page", a, 200)
			wantBody(t, "card page", a, "王德明", "北京城建集团工会", "有效期至", `src="/m/card.png"`, "每次打开都会重新生成")
			wantNoPortalKeys(t, "card page", a)
			a = m.get("/m/card.png")
			wantStatus(t, "card png", a, 200)
			if a.header.Get("Content-Type") != "image/png" || a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("card png headers: %v", a.header)
			}
			img, err := png.Decode(strings.NewReader(a.body))
			if err != nil {
				t.Fatalf("card png: %v", err)
			}
			if b := img.Bounds(); b.Dx() < 240 || b.Dx() != b.Dy() {
				t.Errorf("card png is %v", b)
			}
			payload := zbarDecode(t, []byte(a.body))
			if payload == "" {
				c, err := s.members.OwnCard(ctx, wang.ID)
				if err != nil {
					t.Fatal(err)
				}
				payload = c.Payload
			} else if !strings.HasPrefix(payload, card.Prefix) {
				t.Fatalf("the QR code says %q", payload)
			}
			check, err := s.members.VerifyCard(ctx, payload)
			if err != nil || check.Status != card.StatusValid || check.MemberID != wang.ID {
				t.Fatalf("the scanned card: %+v %v", check, err)
			}
			// Each image is a fresh signature... of the same member.
			b := m.get("/m/card.png")
			if p2 := zbarDecode(t, []byte(b.body)); p2 != "" && !strings.HasPrefix(p2, card.Prefix) {
				t.Errorf("second code: %q", p2)
			}
		})

		t.Run("staff card", func(t *testing.T) {
			page := "/members/" + mid(zhang) + "/card"
			a := officer.get(page)
			wantStatus(t, "staff card", a, 200)
			wantBody(t, "staff card", a, "张建华", "北京排水集团工会", `src="/members/`+mid(zhang)+`/card.png"`, "data-print", "有效期至", `href="/members/`+mid(zhang)+`"`)
			wantNoPortalKeys(t, "staff card", a)
			a = officer.get(page + ".png")
			wantStatus(t, "staff card png", a, 200)
			if _, err := png.Decode(strings.NewReader(a.body)); err != nil || a.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("staff card png: %v %v", err, a.header)
			}
			if p := zbarDecode(t, []byte(a.body)); p != "" {
				check, err := s.members.VerifyCard(ctx, p)
				if err != nil || check.Status != card.StatusValid || check.MemberID != zhang.ID {
					t.Fatalf("staff card scanned: %+v %v", check, err)
				}
			}
			wantStatus(t, "another street's member", west.get(page), 404)
			wantStatus(t, "another street's member png", west.get(page+".png"), 404)
			wantStatus(t, "no such member", officer.get("/members/999999999/card"), 404)
			if _, err := s.members.SetStatus(ctx, s.system, li.ID, member.StatusChange{Status: member.StatusRetired, On: "2024-01-01"}); err != nil {
				t.Fatal(err)
			}
			a = officer.get("/members/" + mid(li) + "/card")
			wantStatus(t, "former member", a, http.StatusConflict)
			wantStatus(t, "signed out", s.client("").get(page), http.StatusSeeOther)
		})

		t.Run("verify", func(t *testing.T) {
			c := s.client("")
			a := c.get("/card/verify")
			wantStatus(t, "verify page", a, 200)
			wantBody(t, "verify page", a, "核验会员卡", `name="payload"`, "ghc1-ed25519:1:", "离线核验", "data-scan")
			// How a card is checked, in words: no command, no API path.
			wantNoBody(t, "verify page", a, "gonghui card", "/api/", "GET ")
			wantNoPortalKeys(t, "verify page", a)
			key, _ := s.members.PublicKey(ctx)
			wantBody(t, "verify page", a, key)

			fresh, err := s.members.OwnCard(ctx, zhang.ID)
			if err != nil {
				t.Fatal(err)
			}
			a = c.post("/card/verify", url.Values{"payload": {fresh.Payload}}, "/card/verify")
			wantStatus(t, "valid", a, 200)
			wantBody(t, "valid", a, `class="verdict verdict-ok"`, `data-status="valid"`, ">有效会员卡<", "张建华", "北京排水集团工会", web.FormatTime(fresh.ValidUntil, "2006-01-02"))

			// One character of the signature changed: forged, no claims shown.
			i := len(fresh.Payload) - 20
			ch := byte('A')
			if fresh.Payload[i] == 'A' {
				ch = 'B'
			}
			altered := fresh.Payload[:i] + string(ch) + fresh.Payload[i+1:]
			a = c.post("/card/verify", url.Values{"payload": {altered}}, "/card/verify")
			wantStatus(t, "forged", a, 200)
			wantBody(t, "forged", a, `class="verdict verdict-bad"`, `data-status="forged"`, "可能伪造")
			wantNoBody(t, "forged", a, "张建华")

			a = c.post("/card/verify", url.Values{"payload": {"hello"}}, "/card/verify")
			wantStatus(t, "malformed", a, http.StatusUnprocessableEntity)
			wantBody(t, "malformed", a, "不是有效的会员卡二维码", `id="f-payload-error"`, ">hello</textarea>")
			wantNoBody(t, "malformed", a, "verdict")

			a = c.post("/card/verify", url.Values{"payload": {fresh.Payload}}, "")
			wantStatus(t, "no token", a, http.StatusForbidden)
			wantNoBody(t, "no token", a, "verdict-ok")

			// A card of a member who has left since: revoked.
			old, err := s.members.OwnCard(ctx, zhao.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.members.SetStatus(ctx, s.system, zhao.ID, member.StatusChange{Status: member.StatusLeft, On: "2025-01-01"}); err != nil {
				t.Fatal(err)
			}
			a = c.post("/card/verify", url.Values{"payload": {old.Payload}}, "/card/verify")
			wantBody(t, "revoked", a, `class="verdict verdict-bad"`, `data-status="revoked"`, "已作废", "赵六")

			a = s.client("en").post("/card/verify", url.Values{"payload": {fresh.Payload}}, "/card/verify")
			wantBody(t, "in English", a, "Check a member card", "A genuine card of ours")
			wantNoPortalKeys(t, "in English", a)
		})
	})
}

// zbarDecode reads the QR code of a PNG with zbarimg, when installed ("" if
// not).
func zbarDecode(t *testing.T, img []byte) string {
	t.Helper()
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		return ""
	}
	path := filepath.Join(t.TempDir(), "card.png")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--raw", "-q", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return string(bytes.TrimSpace(out))
}
