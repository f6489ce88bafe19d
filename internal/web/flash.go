package web

import (
	"net/http"
	"strconv"
	"strings"

	"gonghui/internal/i18n"
)

// The one-off notice after a successful POST travels in a short-lived
// cookie rather than the address: a query parameter stayed in the address
// bar, in bookmarks and in the history, and showed again on every reload.
const (
	cookieFlash = "gh_flash"
	flashMaxAge = 60 // seconds: long enough for the redirect, no longer
)

// SetFlash stores the message key the next page shows once.
func SetFlash(w http.ResponseWriter, r *http.Request, key string) {
	if key == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieFlash, Value: key, Path: "/", MaxAge: flashMaxAge,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// SetFlashCount stores a message key whose text counts n ("已处理 %d 人");
// the count travels with the key as "key:n".
func SetFlashCount(w http.ResponseWriter, r *http.Request, key string, n int) {
	SetFlash(w, r, key+":"+strconv.Itoa(n))
}

// takeFlash reads the pending notice and clears it so that it shows once.
// Only message keys of the flash families are accepted: the cookie is the
// client's and must not make the page print an arbitrary catalogue entry.
func takeFlash(w http.ResponseWriter, r *http.Request, lang i18n.Lang) string {
	c, err := r.Cookie(cookieFlash)
	if err != nil || c.Value == "" {
		return ""
	}
	if w != nil {
		http.SetCookie(w, &http.Cookie{Name: cookieFlash, Value: "", Path: "/", MaxAge: -1,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	}
	// Forget it for the rest of this request too (a page built twice),
	// keeping every other cookie.
	var keep []string
	for _, o := range r.Cookies() {
		if o.Name != cookieFlash {
			keep = append(keep, o.String())
		}
	}
	r.Header.Set("Cookie", strings.Join(keep, "; "))
	return flashText(lang, c.Value)
}

func flashText(lang i18n.Lang, key string) string {
	if k, num, ok := strings.Cut(key, ":"); ok {
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || !strings.HasPrefix(k, "flash.") || !i18n.Has(k) {
			return ""
		}
		return i18n.T(lang, k, n)
	}
	if (strings.HasPrefix(key, "flash.") || strings.HasPrefix(key, "portal.flash.")) && i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return ""
}
