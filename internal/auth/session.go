package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Session kinds.
const (
	SessionWeb = "web"
	SessionAPI = "api"
)

// Session is a signed-in browser or an API token, as found by its secret.
type Session struct {
	IDHash     string
	UserID     int64
	Kind       string
	Name       string
	MFAPending bool
	PasswordOK bool // false only for a pending sign-in whose password was wrong
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// newToken returns a random secret for a cookie or bearer token; only its
// hash is stored, so a copy of the database does not yield usable sessions.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the stored form of a session or token secret.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

type sessionSpec struct {
	userID     int64
	kind, name string
	mfaPending bool
	// passwordWrong marks a sign-in that goes on to the code step although
	// its password was wrong; it can never complete.
	passwordWrong bool
	lifetime      time.Duration
	ip, ua        string
}

func (s *Service) createSession(ctx context.Context, tx *db.Tx, sp sessionSpec) (string, error) {
	token := newToken()
	now := s.nowMs()
	_, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, kind, name, mfa_pending, password_ok, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		HashToken(token), sp.userID, sp.kind, sp.name, sp.mfaPending || sp.passwordWrong, !sp.passwordWrong, now, now, now+sp.lifetime.Milliseconds(), sp.ip, truncate(sp.ua, 200))
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// touchEvery limits writes: last_seen_at moves at most once a minute per
// session, which is precise enough for an idle timeout counted in minutes.
const touchEvery = time.Minute

// Authenticate finds the session for token and loads its principal. A
// session past its absolute lifetime or idle for longer than the policy
// allows is deleted and answers Unauthenticated; so does one still waiting
// for its second factor unless allowPending.
func (s *Service) Authenticate(ctx context.Context, token string, allowPending bool) (*Principal, *Session, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, errs.Unauthenticated()
	}
	if strings.HasPrefix(token, memberTokenPrefix) {
		return s.authenticateMember(ctx, token)
	}
	sess := &Session{IDHash: HashToken(token)}
	var created, seen, expires int64
	err := s.DB.QueryRow(ctx, `SELECT user_id, kind, name, mfa_pending, password_ok, created_at, last_seen_at, expires_at, ip, user_agent
		FROM sessions WHERE id_hash = ?`, sess.IDHash).
		Scan(&sess.UserID, &sess.Kind, &sess.Name, &sess.MFAPending, &sess.PasswordOK, &created, &seen, &expires, &sess.IP, &sess.UserAgent)
	now, err := s.openSession(ctx, "sessions", "authenticate", sess, err, [3]int64{created, seen, expires}, false)
	if err != nil {
		return nil, nil, err
	}
	if (sess.MFAPending && !allowPending) || (!sess.PasswordOK && !sess.MFAPending) {
		return nil, nil, errs.Unauthenticated()
	}
	p, err := s.loadPrincipal(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	p.SessionKind = sess.Kind
	if err := s.touch(ctx, "sessions", "touch session", sess, now); err != nil {
		return nil, nil, err
	}
	return p, sess, nil
}

// openSession finishes reading a session of table (sessions or
// member_sessions): err is the read's, stamps its created, last seen and
// expiry times. A missing session answers Unauthenticated; so does one
// past its lifetime, idle for longer than the policy allows, or ended
// for another reason, and it is deleted. what names the read in an error.
func (s *Service) openSession(ctx context.Context, table, what string, sess *Session, err error, stamps [3]int64, ended bool) (time.Time, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, errs.Unauthenticated()
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", what, err)
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = time.UnixMilli(stamps[0]), time.UnixMilli(stamps[1]), time.UnixMilli(stamps[2])
	pol, err := s.Policy(ctx)
	if err != nil {
		return time.Time{}, err
	}
	now := s.now()
	idle := time.Duration(pol.IdleMinutes) * time.Minute
	if now.After(sess.ExpiresAt) || (sess.Kind == SessionWeb && now.Sub(sess.LastSeenAt) > idle) || ended {
		_, _ = s.DB.Exec(ctx, "DELETE FROM "+table+" WHERE id_hash = ?", sess.IDHash)
		return time.Time{}, errs.Unauthenticated()
	}
	return now, nil
}

// touch moves a session's last_seen_at on, at most once every touchEvery.
func (s *Service) touch(ctx context.Context, table, what string, sess *Session, now time.Time) error {
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if _, err := s.DB.Exec(ctx, "UPDATE "+table+" SET last_seen_at = ? WHERE id_hash = ?", now.UnixMilli(), sess.IDHash); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, token string) error {
	if strings.HasPrefix(token, memberTokenPrefix) {
		return s.memberLogout(ctx, token)
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		var userID int64
		var path string
		err := tx.QueryRow(ctx, `SELECT s.user_id, o.path FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id
			WHERE s.id_hash = ?`, HashToken(token)).Scan(&userID, &path)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", HashToken(token)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.logout", Entity: "user", EntityID: db.FormatID(userID), OrgPath: path})
	})
}

// LogoutEverywhere ends every session and token of the principal's own
// account except API tokens made for integrations by name.
func (s *Service) LogoutEverywhere(ctx context.Context, p *Principal) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND name = ''", p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.logout_everywhere", Entity: "user", EntityID: db.FormatID(p.UserID), OrgPath: p.OrgPath})
	})
}

// Sessions lists the principal's own sessions, newest first.
func (s *Service) Sessions(ctx context.Context, p *Principal) ([]Session, error) {
	rows, err := s.DB.Query(ctx, `SELECT id_hash, kind, name, created_at, last_seen_at, expires_at, ip, user_agent
		FROM sessions WHERE user_id = ? AND mfa_pending = ? ORDER BY created_at DESC LIMIT 100`, p.UserID, false)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var x Session
		var c, l, e int64
		if err := rows.Scan(&x.IDHash, &x.Kind, &x.Name, &c, &l, &e, &x.IP, &x.UserAgent); err != nil {
			return nil, err
		}
		x.UserID, x.CreatedAt, x.LastSeenAt, x.ExpiresAt = p.UserID, time.UnixMilli(c), time.UnixMilli(l), time.UnixMilli(e)
		out = append(out, x)
	}
	return out, rows.Err()
}

// PurgeExpired deletes sessions past their absolute lifetime; any process
// may run it now and then.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	res, err := s.DB.Exec(ctx, "DELETE FROM sessions WHERE expires_at < ?", s.nowMs())
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if res, err = s.DB.Exec(ctx, "DELETE FROM member_sessions WHERE expires_at < ?", s.nowMs()); err != nil {
		return n, err
	}
	m, _ := res.RowsAffected()
	if _, err := s.DB.Exec(ctx, "DELETE FROM otp_codes WHERE expires_at < ?", s.nowMs()); err != nil {
		return n + m, err
	}
	return n + m, nil
}
