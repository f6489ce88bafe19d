package auth

import (
	"context"
	"fmt"
	"time"

	"gonghui/internal/errs"
)

// An address may fail this many sign-ins within throttleWindow, whatever
// usernames it tries, before every sign-in from it is refused until the
// window moves on. Far above what people mistyping need, far below what
// guessing needs.
var throttleLimit = 100 // a variable only so that tests can lower it

const throttleWindow = 15 * time.Minute

func errThrottled() *errs.Error {
	return &errs.Error{Kind: errs.KindTooMany, Code: "too_many_attempts", Key: "auth.throttled"}
}

// throttled reports whether ip has used up its failures.
func (s *Service) throttled(ctx context.Context, ip string) (bool, error) {
	if ip == "" {
		return false, nil
	}
	since := s.now().Add(-throttleWindow).Unix() / 60
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COALESCE(SUM(failures), 0) FROM login_throttle WHERE ip = ? AND minute > ?", ip, since).Scan(&n); err != nil {
		return false, fmt.Errorf("login throttle: %w", err)
	}
	return n >= throttleLimit, nil
}

// noteFailure counts one failed sign-in from ip.
func (s *Service) noteFailure(ctx context.Context, ip string) {
	if ip == "" {
		return
	}
	_, _ = s.DB.Exec(ctx, `INSERT INTO login_throttle (ip, minute, failures) VALUES (?, ?, 1)
		ON CONFLICT (ip, minute) DO UPDATE SET failures = login_throttle.failures + 1`, ip, s.now().Unix()/60)
}

// PurgeThrottle forgets buckets older than the longest window; any process
// may run it.
func (s *Service) PurgeThrottle(ctx context.Context) error {
	_, err := s.DB.Exec(ctx, "DELETE FROM login_throttle WHERE minute <= ?", s.now().Add(-smsWindow).Unix()/60)
	return err
}

// spend counts one use under key and reports whether the uses within window,
// this one included, exceed limit. The count is added before it is read, so
// concurrent requests on several processes cannot all see room: of N racing
// requests at most the limit's worth see a total within it.
func (s *Service) spend(ctx context.Context, key string, window time.Duration, limit int) (bool, error) {
	now := s.now()
	if _, err := s.DB.Exec(ctx, `INSERT INTO login_throttle (ip, minute, failures) VALUES (?, ?, 1)
		ON CONFLICT (ip, minute) DO UPDATE SET failures = login_throttle.failures + 1`, key, now.Unix()/60); err != nil {
		return false, fmt.Errorf("rate limit %s: %w", key, err)
	}
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COALESCE(SUM(failures), 0) FROM login_throttle WHERE ip = ? AND minute > ?",
		key, now.Add(-window).Unix()/60).Scan(&n); err != nil {
		return false, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return n > limit, nil
}

// PublicFormLimit is how many submissions of a public form (applying to
// join, following an application) one address may make in throttleWindow.
const PublicFormLimit = 30

// Limit counts one use of a public form by key (the form's name and the
// client's address) and refuses it once the key has been used limit times
// within the window, across every server process. It shares the sign-in
// throttle's table, under a prefix of its own.
func (s *Service) Limit(ctx context.Context, form, ip string, limit int) error {
	if ip == "" {
		return nil
	}
	key := form + ":" + ip
	since := s.now().Add(-throttleWindow).Unix() / 60
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COALESCE(SUM(failures), 0) FROM login_throttle WHERE ip = ? AND minute > ?", key, since).Scan(&n); err != nil {
		return fmt.Errorf("form throttle: %w", err)
	}
	if n >= limit {
		return &errs.Error{Kind: errs.KindTooMany, Code: "too_many_requests", Key: "error.too_many"}
	}
	s.noteFailure(ctx, key)
	return nil
}
