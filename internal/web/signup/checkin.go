package signup

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// CheckpointCode is what a check-in screen shows now.
type CheckpointCode struct {
	URL         string `json:"url"`
	Image       string `json:"image"`
	ValidUntil  string `json:"valid_until,omitempty"`
	RefreshInMS int64  `json:"refresh_in_ms,omitempty"` // 0: never changes
}

// NewCode is the screen's view of a check-in code: the address members
// open (every printed code leads to /m/checkin), its picture at base +
// "/qr.png", and when it rotates (until; zero for a code that stays).
func NewCode(k *web.Kernel, r *http.Request, code, base string, until time.Time) *CheckpointCode {
	out := &CheckpointCode{URL: Origin(k, r) + activity.CheckinPath(code), Image: base + "/qr.png"}
	if !until.IsZero() {
		out.ValidUntil = web.FormatTime(until, "15:04:05")
		out.Image += "?w=" + db.FormatID(until.Unix())
		// Fetch the next code just after this one's window ends: a code
		// is still accepted through the following window, so a screen a
		// moment late never shows a code that fails.
		out.RefreshInMS = max(time.Until(until).Milliseconds(), 0) + 700
	}
	return out
}

// WriteQR answers the picture of a check-in code. Never cached: it
// rotates.
func WriteQR(w http.ResponseWriter, code *CheckpointCode) error {
	png, err := card.PNG(code.URL, 720)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(png)
	return nil
}

// ScanResult is the answer to one scan of a member's card.
type ScanResult struct {
	OK     bool   `json:"ok"`
	Title  string `json:"title"`            // the member's name, or what went wrong
	Detail string `json:"detail,omitempty"` // stamps, prize, or the reason
	Again  bool   `json:"again,omitempty"`  // already checked in earlier
	Prize  bool   `json:"prize,omitempty"`  // the stamp card is full
}

// AnswerScan answers the staff's scanner after a scan: as JSON to its
// script, else the scanner page again by render. A refusal is the result
// refusedKey with the reason; a missing or forbidden event without a field
// in question is the error page (returned) for a page, the refusal for the
// script.
func AnswerScan(w http.ResponseWriter, r *http.Request, res *ScanResult, err error, refusedKey string,
	render func(res *ScanResult, status int)) error {
	lang := i18n.FromRequest(r)
	status := http.StatusOK
	if err != nil {
		e, isErr := errs.As(err)
		if !isErr {
			slog.Error("scan failed", "path", r.URL.Path, "err", err)
		}
		if isErr && (e.Kind == errs.KindNotFound || e.Kind == errs.KindForbidden || e.Kind == errs.KindInternal) && len(e.Fields) == 0 && !web.WantsJSON(r) {
			return err
		}
		res = &ScanResult{Title: i18n.T(lang, refusedKey), Detail: web.ErrMessage(lang, err)}
		status = httpx.Status(err)
	}
	if web.WantsJSON(r) {
		web.WriteJSON(w, status, res)
		return nil
	}
	render(res, status)
	return nil
}

// ScannedCard is the posted "card" of a scan; a missing one is the
// field's error.
func ScannedCard(r *http.Request) (string, error) {
	payload := web.FormValue(r, "card")
	if payload == "" {
		return "", errs.Fields{"card": {Key: "field.required"}}.Err()
	}
	return payload, nil
}

// Export answers an attendance workbook named name, written by write. The
// headers go only once the first bytes do, so that an early refusal is
// still the error page.
func Export(k *web.Kernel, w http.ResponseWriter, r *http.Request, p *auth.Principal, name string, write func(io.Writer) error) error {
	out := &httpx.LazyWriter{W: w, Before: func() { httpx.Attachment(w, name) }}
	if err := write(out); err != nil {
		if out.Started {
			slog.Error("attendance export broke off", "path", r.URL.Path, "err", err)
			return nil
		}
		k.Fail(w, r, p, err)
	}
	return nil
}

// CodeFunc finds the current code of the request's check-in screen;
// false when there is none: err says why, or (err nil) the error page was
// answered already.
type CodeFunc func(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*CheckpointCode, bool, error)

// QRPage answers the picture of a screen's current code.
func QRPage(code CodeFunc) web.PageFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		c, ok, err := code(w, r, p)
		if !ok || err != nil {
			return err
		}
		return WriteQR(w, c)
	}
}

// CodeJSONPage answers the screen's script asking for the next code.
func CodeJSONPage(code CodeFunc) web.PageFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		c, ok, err := code(w, r, p)
		if !ok || err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	}
}
