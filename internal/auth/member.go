package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/sms"
)

// KindMember is the kind of principal a signed-in member is: no grants, only
// their own record, card, applications and transfers.
const KindMember = "member"

// memberTokenPrefix starts every member session token, so that a token
// says which table it lives in (staff tokens are base64url, without dots).
const memberTokenPrefix = "m."

// One-time codes.
const (
	codeTTL         = 5 * time.Minute
	CodeResendAfter = time.Minute // a new code for the same number no sooner
	codeMaxAttempts = 5
	purposeLogin    = "login"
	// freshCodeSession is how long after signing in with a code a member
	// may set a new password without giving the old one.
	freshCodeSession = 15 * time.Minute
)

// SetSMS sets how one-time codes are sent (default: to the server log).
func (s *Service) SetSMS(sender sms.Sender) { s.sms = sender }

func (s *Service) smsSender() sms.Sender {
	if s.sms == nil {
		return sms.LogSender{}
	}
	return s.sms
}

type memberAccount struct {
	id      int64
	name    string
	orgPath string
}

// memberByMobile finds the active member with this (normalised) mobile.
func (s *Service) memberByMobile(ctx context.Context, mobile string) (*memberAccount, error) {
	var m memberAccount
	err := s.DB.QueryRow(ctx, "SELECT id, name, org_path FROM members WHERE mobile_hash = ? AND status = 'active'",
		s.Keys.Hash("mobile", mobile)).Scan(&m.id, &m.name, &m.orgPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("member by mobile: %w", err)
	}
	return &m, nil
}

func (s *Service) codeHash(ctx context.Context, mobileHash, purpose, code string) (string, error) {
	key, err := s.Secret(ctx, "otp")
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(mobileHash + "|" + purpose + "|" + code))
	return hex.EncodeToString(m.Sum(nil)), nil
}

func errCodeTooSoon() *errs.Error {
	return &errs.Error{Kind: errs.KindTooMany, Code: "code_too_soon", Key: "auth.code_too_soon", Args: []any{int(CodeResendAfter.Seconds())}}
}

func errBadMemberCode() *errs.Error {
	return &errs.Error{Kind: errs.KindUnauthenticated, Code: "invalid_code", Key: "auth.member_bad_code",
		Fields: map[string]errs.Field{"code": {Key: "auth.member_bad_code"}}}
}

// SendCode sends a one-time sign-in code to a member's mobile. A number that
// is not an active member's gets the same answer and the same rate limit
// but no message, so that the form does not tell who is a member.
func (s *Service) SendCode(ctx context.Context, mobile, ip string) error {
	n, err := cnid.NormalizeMobile(mobile)
	if err != nil {
		return errs.Fields{"mobile": {Key: "field.mobile.invalid"}}.Err()
	}
	if over, err := s.throttled(ctx, ip); err != nil {
		return err
	} else if over {
		return errThrottled()
	}
	mh := s.Keys.Hash("mobile", n)
	if err := s.smsAllowed(ctx, ip, mh); err != nil {
		return err
	}
	m, err := s.memberByMobile(ctx, n)
	if err != nil {
		return err
	}
	code, err := randomCode()
	if err != nil {
		return err
	}
	h, err := s.codeHash(ctx, mh, purposeLogin, code)
	if err != nil {
		return err
	}
	now := s.now()
	// One statement decides, across processes, whether a code may be sent
	// now: a new row, or an old one sent long enough ago. A new code does
	// not give new guesses: the wrong attempts on the number's codes count
	// until an hour passes without a code sent.
	res, err := s.DB.Exec(ctx, `INSERT INTO otp_codes (mobile_hash, purpose, code_hash, attempts, sent_at, expires_at) VALUES (?, ?, ?, 0, ?, ?)
		ON CONFLICT (mobile_hash, purpose) DO UPDATE SET code_hash = excluded.code_hash,
		attempts = CASE WHEN otp_codes.sent_at <= ? THEN 0 ELSE otp_codes.attempts END, sent_at = excluded.sent_at, expires_at = excluded.expires_at
		WHERE otp_codes.sent_at <= ?`, mh, purposeLogin, h, now.UnixMilli(), now.Add(codeTTL).UnixMilli(), now.Add(-smsWindow).UnixMilli(), now.Add(-CodeResendAfter).UnixMilli())
	if err != nil {
		return fmt.Errorf("store code: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return errCodeTooSoon()
	}
	if m == nil {
		return nil
	}
	// Members' phones get Chinese, like every other message the union sends.
	return s.smsSender().Send(ctx, n, i18n.T(i18n.ZH, "auth.sms_code", code, int(codeTTL.Minutes())))
}

func randomCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// MemberLoginInput is what a member types: the mobile number and either a
// password or a one-time code.
type MemberLoginInput struct {
	Mobile    string
	Password  string
	Code      string
	IP        string
	UserAgent string
	Kind      string // SessionWeb or SessionAPI
}

// MemberLogin signs a member in. Failures count towards the address's
// throttle; wrong passwords lock the member's sign-in like a staff account.
func (s *Service) MemberLogin(ctx context.Context, in MemberLoginInput) (*LoginResult, error) {
	f := errs.Fields{}
	n, err := cnid.NormalizeMobile(in.Mobile)
	if err != nil {
		f.Add("mobile", "field.mobile.invalid")
	}
	in.Code = strings.TrimSpace(in.Code)
	if in.Code == "" && in.Password == "" {
		f.Add("password", "field.required")
	}
	f.Check(len(in.Password) <= 256, "password", "field.too_long", 256)
	f.Check(len(in.Code) <= 6, "code", "field.too_long", 6)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if over, err := s.throttled(ctx, in.IP); err != nil {
		return nil, err
	} else if over {
		return nil, errThrottled()
	}
	m, err := s.memberByMobile(ctx, n)
	if err != nil {
		return nil, err
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	if in.Code != "" {
		if err := s.checkCode(ctx, n, in.Code); err != nil || m == nil {
			s.noteFailure(ctx, in.IP)
			return nil, errBadMemberCode()
		}
	} else if err := s.checkMemberPassword(ctx, m, in.Password, pol); err != nil {
		s.noteFailure(ctx, in.IP)
		return nil, err
	}
	kind := in.Kind
	if kind == "" {
		kind = SessionWeb
	}
	lifetime := time.Duration(pol.AbsoluteHours) * time.Hour
	if kind == SessionAPI {
		lifetime = time.Duration(pol.TokenHours) * time.Hour
	}
	now := s.now()
	res := &LoginResult{ExpiresAt: now.Add(lifetime)}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "member:" + db.FormatID(m.id), IP: in.IP})
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := clearAttempts(ctx, tx, "member_credentials", "member_id", m.id); err != nil {
			return err
		}
		how := "password"
		if in.Code != "" {
			how = "code"
		}
		res.Token = memberTokenPrefix + newToken()
		_, err := tx.Exec(ctx, `INSERT INTO member_sessions (id_hash, member_id, kind, via, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, HashToken(res.Token), m.id, kind, how, now.UnixMilli(), now.UnixMilli(), res.ExpiresAt.UnixMilli(), in.IP, truncate(in.UserAgent, 200))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.member_login", Entity: "member", EntityID: db.FormatID(m.id), OrgPath: m.orgPath,
			After: map[string]string{"session": kind, "with": how}})
	})
	if err != nil {
		return nil, fmt.Errorf("member login: %w", err)
	}
	return res, nil
}

// checkCode spends one attempt on the live code of mobile and, when it
// matches, uses it up. The attempt is counted before the comparison, in one
// statement, so parallel guesses on several processes share the limit.
func (s *Service) checkCode(ctx context.Context, mobile, code string) error {
	mh := s.Keys.Hash("mobile", mobile)
	now := s.now().UnixMilli()
	res, err := s.DB.Exec(ctx, "UPDATE otp_codes SET attempts = attempts + 1 WHERE mobile_hash = ? AND purpose = ? AND expires_at > ? AND attempts < ?",
		mh, purposeLogin, now, codeMaxAttempts)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return errBadMemberCode()
	}
	var stored string
	if err := s.DB.QueryRow(ctx, "SELECT code_hash FROM otp_codes WHERE mobile_hash = ? AND purpose = ?", mh, purposeLogin).Scan(&stored); err != nil {
		return errBadMemberCode()
	}
	h, err := s.codeHash(ctx, mh, purposeLogin, code)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(h), []byte(stored)) {
		return errBadMemberCode()
	}
	res, err = s.DB.Exec(ctx, "DELETE FROM otp_codes WHERE mobile_hash = ? AND purpose = ? AND code_hash = ?", mh, purposeLogin, stored)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return errBadMemberCode() // used by a parallel request
	}
	return nil
}

// checkMemberPassword checks a member's password, counting the attempt
// against the member before the hash is looked at (see reserveAttempt).
func (s *Service) checkMemberPassword(ctx context.Context, m *memberAccount, password string, pol Policy) error {
	var hash string
	if m != nil {
		err := s.DB.QueryRow(ctx, "SELECT password_hash FROM member_credentials WHERE member_id = ?", m.id).Scan(&hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if m == nil || hash == "" {
		_, _ = VerifyPassword(ctx, dummyHash(), password)
		return errBadCredentials()
	}
	a, err := s.reserveAttempt(ctx, "member_credentials", "member_id", m.id, pol)
	if err != nil {
		return err
	}
	if a.refused {
		return errLocked(time.UnixMilli(a.lockedUntil))
	}
	ok, err := VerifyPassword(ctx, hash, password)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	if a.locksNow() {
		ctx = audit.WithActor(ctx, audit.Actor{Name: "member:" + db.FormatID(m.id), IP: audit.ActorFrom(ctx).IP})
		if err := s.DB.Tx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Action: "auth.member_locked", Entity: "member", EntityID: db.FormatID(m.id), OrgPath: m.orgPath})
		}); err != nil {
			return fmt.Errorf("count member failure: %w", err)
		}
		return errLocked(time.UnixMilli(a.lockedUntil))
	}
	return errBadCredentials()
}

// authenticateMember finds a member session.
func (s *Service) authenticateMember(ctx context.Context, token string) (*Principal, *Session, error) {
	sess := &Session{IDHash: HashToken(token)}
	var memberID, created, seen, expires int64
	var name, path, status, via string
	err := s.DB.QueryRow(ctx, `SELECT s.member_id, s.kind, s.via, s.created_at, s.last_seen_at, s.expires_at, m.name, m.org_path, m.status
		FROM member_sessions s JOIN members m ON m.id = s.member_id WHERE s.id_hash = ?`, sess.IDHash).
		Scan(&memberID, &sess.Kind, &via, &created, &seen, &expires, &name, &path, &status)
	now, err := s.openSession(ctx, "member_sessions", "authenticate member", sess, err, [3]int64{created, seen, expires}, status != "active")
	if err != nil {
		return nil, nil, err
	}
	if err := s.touch(ctx, "member_sessions", "touch member session", sess, now); err != nil {
		return nil, nil, err
	}
	p := &Principal{MemberID: memberID, Name: name, Kind: KindMember, OrgPath: path, SessionKind: sess.Kind,
		FreshCode: via == "code" && now.Sub(sess.CreatedAt) < freshCodeSession}
	return p, sess, nil
}

// memberLogout ends a member session.
func (s *Service) memberLogout(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, "DELETE FROM member_sessions WHERE id_hash = ?", HashToken(token))
	return err
}

// SetMemberPassword lets a signed-in member set (or change) the password
// they sign in with. Changing one needs the current one, except shortly
// after signing in with a one-time code: that is how a forgotten password
// is replaced.
func (s *Service) SetMemberPassword(ctx context.Context, p *Principal, current, password string) error {
	if p == nil || p.MemberID == 0 {
		return errs.Forbidden()
	}
	var hash string
	err := s.DB.QueryRow(ctx, "SELECT password_hash FROM member_credentials WHERE member_id = ?", p.MemberID).Scan(&hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if hash != "" && !(p.FreshCode && current == "") {
		ok, err := VerifyPassword(ctx, hash, current)
		if err != nil {
			return err
		}
		if !ok {
			return errs.Fields{"current": {Key: "auth.old_password_wrong"}}.Err()
		}
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	if err := pol.CheckPassword("password", "", password); err != nil {
		return err
	}
	newHash, err := HashPassword(ctx, password)
	if err != nil {
		return err
	}
	now := s.nowMs()
	ctx = audit.WithActor(ctx, audit.Actor{Name: "member:" + db.FormatID(p.MemberID), IP: audit.ActorFrom(ctx).IP})
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO member_credentials (member_id, password_hash, password_changed_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (member_id) DO UPDATE SET password_hash = excluded.password_hash, password_changed_at = excluded.password_changed_at,
			failed_logins = 0, locked_until = 0, updated_at = excluded.updated_at`, p.MemberID, newHash, now, now)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.member_password", Entity: "member", EntityID: db.FormatID(p.MemberID), OrgPath: p.OrgPath})
	})
}

// HasMemberPassword reports whether the member has set a password.
func (s *Service) HasMemberPassword(ctx context.Context, memberID int64) (bool, error) {
	var hash string
	err := s.DB.QueryRow(ctx, "SELECT password_hash FROM member_credentials WHERE member_id = ?", memberID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return hash != "", err
}

// IsMemberLogin reports whether a sign-in name is a member's: a mobile
// number that no staff account uses as its username. Staff usernames may be
// digits, so a staff account of that name keeps precedence.
func (s *Service) IsMemberLogin(ctx context.Context, username string) (bool, error) {
	if _, err := cnid.NormalizeMobile(username); err != nil {
		return false, nil
	}
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT count(*) FROM users WHERE username = ?", NormalizeUsername(username)).Scan(&n); err != nil {
		return false, fmt.Errorf("member login check: %w", err)
	}
	return n == 0, nil
}

// IssueMemberTokens opens an API session for each member, without their
// code or password: for tools the operator runs on the server with the
// database's keys (the contest benchmark's takers), never for a request.
// One audit entry says how many and what for.
func (s *Service) IssueMemberTokens(ctx context.Context, memberIDs []int64, purpose string) ([]string, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	expires := now.Add(time.Duration(pol.TokenHours) * time.Hour).UnixMilli()
	tokens := make([]string, len(memberIDs))
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		flat := make([]any, 0, len(memberIDs)*9)
		for i, id := range memberIDs {
			tokens[i] = memberTokenPrefix + newToken()
			flat = append(flat, HashToken(tokens[i]), id, SessionAPI, "tool", now.UnixMilli(), now.UnixMilli(), expires, "", truncate(purpose, 200))
		}
		if err := tx.InsertRows(ctx, "member_sessions (id_hash, member_id, kind, via, created_at, last_seen_at, expires_at, ip, user_agent)", 9, flat); err != nil {
			return fmt.Errorf("issue member tokens: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.member_tokens", Entity: "member", After: map[string]any{"sessions": len(memberIDs), "purpose": purpose}})
	})
	if err != nil {
		return nil, err
	}
	return tokens, nil
}
