package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// NewUser is the input for creating an account.
type NewUser struct {
	Username string
	Name     string
	Kind     string // KindStaff (default) or KindService
	OrgID    int64  // home organisation
	Password string // staff only
}

func (s *Service) validateNewUser(ctx context.Context, in *NewUser) error {
	f := errs.Fields{}
	in.Username = NormalizeUsername(in.Username)
	in.Name = strings.TrimSpace(in.Name)
	if in.Kind == "" {
		in.Kind = KindStaff
	}
	if f.Check(in.Username != "", "username", "field.required") {
		f.Check(validUsername(in.Username), "username", "auth.username.rule")
	}
	f.Check(in.Name != "", "name", "field.required")
	f.Check(len([]rune(in.Name)) <= 50, "name", "field.too_long", 50)
	f.Check(in.Kind == KindStaff || in.Kind == KindService, "kind", "field.invalid_choice")
	f.Check(in.OrgID != 0, "org_id", "field.required")
	if in.Kind == KindStaff {
		if f.Check(in.Password != "", "password", "field.required") {
			pol, err := s.Policy(ctx)
			if err != nil {
				return err
			}
			if err := pol.CheckPassword("password", in.Username, in.Password); err != nil {
				e, _ := errs.As(err)
				for k, v := range e.Fields {
					f.Add(k, v.Key, v.Args...)
				}
			}
		}
	} else {
		f.Check(in.Password == "", "password", "auth.service_no_password")
	}
	return f.Err()
}

// CreateUser makes an account at an organisation inside the caller's
// account-management subtree. Roles are added with Grant.
func (s *Service) CreateUser(ctx context.Context, p *Principal, in NewUser) (*User, error) {
	if err := s.validateNewUser(ctx, &in); err != nil {
		return nil, err
	}
	path, _, err := s.orgPath(ctx, s.DB, in.OrgID)
	if err != nil || !p.CanAt(PermUserManage, path) {
		return nil, fieldNotFound("org_id")
	}
	id, err := s.insertUser(ctx, in, path)
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, p, id)
}

func fieldNotFound(field string) error {
	return &errs.Error{Kind: errs.KindInvalid, Code: "validation_failed", Key: "error.validation_failed",
		Fields: map[string]errs.Field{field: {Key: "auth.org_unknown"}}}
}

func (s *Service) insertUser(ctx context.Context, in NewUser, orgPath string) (int64, error) {
	hash := ""
	if in.Password != "" {
		var err error
		if hash, err = HashPassword(ctx, in.Password); err != nil {
			return 0, err
		}
	}
	id := db.NewID()
	now := s.nowMs()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (id, username, name, kind, org_id, password_hash, password_changed_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, in.Username, in.Name, in.Kind, in.OrgID, hash, now, now, now)
		if db.IsUnique(err) {
			f := errs.Fields{}
			f.Add("username", "auth.username.taken")
			return f.Err()
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.create", Entity: "user", EntityID: db.FormatID(id), OrgPath: orgPath,
			After: map[string]any{"username": in.Username, "name": in.Name, "kind": in.Kind, "org_id": db.FormatID(in.OrgID)}})
	})
	return id, err
}

// Bootstrap creates an account with roles without a calling principal: for
// the command line and the demo, which act as the system itself.
func (s *Service) Bootstrap(ctx context.Context, in NewUser, roles ...Role) (int64, error) {
	if err := s.validateNewUser(ctx, &in); err != nil {
		return 0, err
	}
	path, _, err := s.orgPath(ctx, s.DB, in.OrgID)
	if err != nil {
		return 0, fieldNotFound("org_id")
	}
	for _, r := range roles {
		if !r.Valid() {
			f := errs.Fields{}
			f.Add("role", "field.invalid_choice")
			return 0, f.Err()
		}
		if r.Duty() != roles[0].Duty() {
			return 0, errRoleConflict()
		}
	}
	id, err := s.insertUser(ctx, in, path)
	if err != nil {
		return 0, err
	}
	for _, r := range roles {
		if err := s.insertGrant(ctx, id, r, in.OrgID, path); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// manageable loads a user the caller may manage: their home organisation is
// inside the caller's account subtree, and a holder of an administrative
// role can be managed only by someone who may grant such roles (otherwise a
// system administrator could reset the auditor's password and read the log).
func (s *Service) manageable(ctx context.Context, p *Principal, id int64) (*User, error) {
	u, err := s.user(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.CanAt(PermUserManage, u.OrgPath) {
		return nil, errs.NotFound("user")
	}
	for _, g := range u.Grants {
		if g.Role.Privileged() && !p.CanAt(PermUserPrivilege, u.OrgPath) {
			return nil, errs.Forbidden()
		}
	}
	return u, nil
}

// GetUser returns an account inside the caller's account subtree; the
// caller's own account is always visible to them.
func (s *Service) GetUser(ctx context.Context, p *Principal, id int64) (*User, error) {
	u, err := s.user(ctx, id)
	if err != nil {
		return nil, err
	}
	if id != p.UserID && !p.CanAt(PermUserManage, u.OrgPath) {
		return nil, errs.NotFound("user")
	}
	return u, nil
}

const userColumns = `u.id, u.username, u.name, u.kind, u.org_id, o.name, o.path, u.totp_enabled, u.disabled, u.locked_until, u.created_at`

func (s *Service) scanUser(row interface{ Scan(...any) error }) (*User, error) {
	u := &User{}
	var locked, created int64
	if err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Kind, &u.OrgID, &u.OrgName, &u.OrgPath, &u.TOTPEnabled, &u.Disabled, &locked, &created); err != nil {
		return nil, err
	}
	u.LockedUntil, u.CreatedAt = time.UnixMilli(locked), time.UnixMilli(created)
	u.Locked = locked > s.nowMs()
	return u, nil
}

func (s *Service) user(ctx context.Context, id int64) (*User, error) {
	u, err := s.scanUser(s.DB.QueryRow(ctx, "SELECT "+userColumns+" FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("get user %d: %w", id, err)
	}
	u.Grants, err = s.grants(ctx, id)
	return u, err
}

// UserQuery filters the account list.
type UserQuery struct {
	Q      string // username or name substring
	Within int64  // home organisation's subtree
	Role   Role
	After  int64 // cursor: accounts with id < After (newest first)
	Limit  int
}

// ListUsers lists accounts whose home organisation is inside the caller's
// account subtree, newest first.
func (s *Service) ListUsers(ctx context.Context, p *Principal, q UserQuery) ([]User, int64, error) {
	paths := p.Paths(PermUserManage)
	if len(paths) == 0 {
		return nil, 0, nil
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	var where []string
	var args []any
	var scope []string
	for _, path := range paths {
		scope = append(scope, "(o.path >= ? AND o.path < ?)")
		args = append(args, path, audit.PathEnd(path))
	}
	where = append(where, "("+strings.Join(scope, " OR ")+")")
	if q.Within != 0 {
		path, _, err := s.orgPath(ctx, s.DB, q.Within)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, "o.path >= ? AND o.path < ?")
		args = append(args, path, audit.PathEnd(path))
	}
	if q.Q != "" {
		// Names are matched ignoring Latin case on both engines (Zhang Wei,
		// zhang wei); usernames are stored lower-case already.
		where = append(where, "(u.username LIKE ? ESCAPE '\\' OR "+s.DB.LikeFold("u.name")+")")
		like := "%" + db.Like(strings.ToLower(strings.TrimSpace(q.Q))) + "%"
		args = append(args, like, "%"+db.Like(strings.TrimSpace(q.Q))+"%")
	}
	if q.Role != "" {
		where = append(where, "EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.role = ?)")
		args = append(args, string(q.Role))
	}
	if q.After > 0 {
		where = append(where, "u.id < ?")
		args = append(args, q.After)
	}
	args = append(args, q.Limit+1)
	rows, err := s.DB.Query(ctx, "SELECT "+userColumns+" FROM users u JOIN orgs o ON o.id = u.org_id WHERE "+
		strings.Join(where, " AND ")+" ORDER BY u.id DESC LIMIT ?", args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	var out []User
	for rows.Next() {
		u, err := s.scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, *u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = out[len(out)-1].ID
	}
	for i := range out {
		if out[i].Grants, err = s.grants(ctx, out[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return out, next, nil
}

// Grant gives a user a role over an organisation's subtree. The caller needs
// account rights over both the user and the organisation, the privilege
// right for administrative roles, and cannot grant to themself.
func (s *Service) Grant(ctx context.Context, p *Principal, userID int64, role Role, orgID int64) (*Grant, error) {
	f := errs.Fields{}
	f.Check(role.Valid(), "role", "field.invalid_choice")
	f.Check(orgID != 0, "org_id", "field.required")
	if err := f.Err(); err != nil {
		return nil, err
	}
	if userID == p.UserID {
		return nil, &errs.Error{Kind: errs.KindForbidden, Code: "self_grant", Key: "auth.self_grant"}
	}
	u, err := s.manageable(ctx, p, userID)
	if err != nil {
		return nil, err
	}
	path, name, err := s.orgPath(ctx, s.DB, orgID)
	if err != nil || !p.CanAt(PermUserManage, path) {
		return nil, fieldNotFound("org_id")
	}
	if role.GrantedBySecurity() && !p.CanAt(PermUserPrivilege, path) {
		return nil, &errs.Error{Kind: errs.KindForbidden, Code: "grant_needs_security", Key: "auth.grant_needs_security"}
	}
	if u.Kind == KindService && role.Privileged() {
		f.Add("role", "auth.service_no_admin")
		return nil, f.Err()
	}
	if err := s.insertGrant(ctx, userID, role, orgID, path); err != nil {
		return nil, err
	}
	for _, g := range mustGrants(s.grants(ctx, userID)) {
		if g.Role == role && g.OrgID == orgID {
			return &g, nil
		}
	}
	return &Grant{Role: role, OrgID: orgID, OrgPath: path, OrgName: name}, nil
}

func mustGrants(g []Grant, _ error) []Grant { return g }

func errRoleConflict() error {
	return &errs.Error{Kind: errs.KindConflict, Code: "role_conflict", Key: "auth.role_conflict",
		Fields: map[string]errs.Field{"role": {Key: "auth.role_conflict"}}}
}

func (s *Service) insertGrant(ctx context.Context, userID int64, role Role, orgID int64, path string) error {
	id := db.NewID()
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		// The account's row is locked while its roles are checked, so two
		// grants of conflicting duties cannot both pass on two processes.
		var uid int64
		if err := tx.QueryRow(ctx, "SELECT id FROM users WHERE id = ?"+tx.ForUpdate(), userID).Scan(&uid); err != nil {
			return fmt.Errorf("lock user %d: %w", userID, err)
		}
		rows, err := tx.Query(ctx, "SELECT role FROM grants WHERE user_id = ?", userID)
		if err != nil {
			return fmt.Errorf("grants of %d: %w", userID, err)
		}
		conflict := false
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return err
			}
			conflict = conflict || Role(r).Duty() != role.Duty()
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if conflict {
			return errRoleConflict()
		}
		_, err = tx.Exec(ctx, "INSERT INTO grants (id, user_id, role, org_id, created_at) VALUES (?, ?, ?, ?, ?)", id, userID, string(role), orgID, s.nowMs())
		if db.IsUnique(err) {
			return errs.Conflict("grant_exists", "auth.grant_exists")
		}
		if err != nil {
			return fmt.Errorf("insert grant: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.grant", Entity: "user", EntityID: db.FormatID(userID), OrgPath: path,
			After: map[string]string{"role": string(role), "org_id": db.FormatID(orgID)}})
	})
}

// Revoke removes a grant.
func (s *Service) Revoke(ctx context.Context, p *Principal, userID, grantID int64) error {
	if userID == p.UserID {
		return &errs.Error{Kind: errs.KindForbidden, Code: "self_grant", Key: "auth.self_grant"}
	}
	u, err := s.manageable(ctx, p, userID)
	if err != nil {
		return err
	}
	var g *Grant
	for i := range u.Grants {
		if u.Grants[i].ID == grantID {
			g = &u.Grants[i]
		}
	}
	if g == nil || !p.CanAt(PermUserManage, g.OrgPath) {
		return errs.NotFound("grant")
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM grants WHERE id = ?", grantID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.revoke", Entity: "user", EntityID: db.FormatID(userID), OrgPath: g.OrgPath,
			Before: map[string]string{"role": string(g.Role), "org_id": db.FormatID(g.OrgID)}})
	})
}

// SetDisabled turns an account off (ending its sessions) or on again.
func (s *Service) SetDisabled(ctx context.Context, p *Principal, userID int64, disabled bool) error {
	if userID == p.UserID {
		return &errs.Error{Kind: errs.KindForbidden, Code: "self_disable", Key: "auth.self_disable"}
	}
	u, err := s.manageable(ctx, p, userID)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, s.nowMs(), userID); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.disable", Entity: "user", EntityID: db.FormatID(userID), OrgPath: u.OrgPath,
			Before: map[string]bool{"disabled": u.Disabled}, After: map[string]bool{"disabled": disabled}})
	})
}

// Unlock lifts a lockout before it runs out.
func (s *Service) Unlock(ctx context.Context, p *Principal, userID int64) error {
	u, err := s.manageable(ctx, p, userID)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET locked_until = 0, failed_logins = 0 WHERE id = ?", userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.unlock", Entity: "user", EntityID: db.FormatID(userID), OrgPath: u.OrgPath})
	})
}

// ResetPassword sets a temporary password for another account and ends all
// its sessions and tokens. The person must choose their own at the next
// sign-in (password_changed_at 0 reads as expired), and the account's second
// factor stays, so whoever reset it cannot sign in as its holder when
// two-step verification is on.
func (s *Service) ResetPassword(ctx context.Context, p *Principal, userID int64, password string) error {
	if userID == p.UserID {
		// One's own password changes only with the old one (ChangePassword):
		// a stolen session must not be able to take the account over.
		return &errs.Error{Kind: errs.KindForbidden, Code: "self_reset", Key: "auth.self_reset"}
	}
	u, err := s.manageable(ctx, p, userID)
	if err != nil {
		return err
	}
	if u.Kind != KindStaff {
		f := errs.Fields{}
		f.Add("password", "auth.service_no_password")
		return f.Err()
	}
	return s.setPassword(ctx, u, password, "user.reset_password")
}

// ChangePassword changes the caller's own password after checking the old one.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, old, password string) error {
	u, err := s.user(ctx, p.UserID)
	if err != nil {
		return err
	}
	var hash string
	if err := s.DB.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", p.UserID).Scan(&hash); err != nil {
		return err
	}
	if ok, err := VerifyPassword(ctx, hash, old); err != nil || !ok {
		f := errs.Fields{}
		f.Add("old_password", "auth.old_password_wrong")
		return f.Err()
	}
	return s.setPassword(ctx, u, password, "user.change_password")
}

func (s *Service) setPassword(ctx context.Context, u *User, password, action string) error {
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	if err := pol.CheckPassword("password", u.Username, password); err != nil {
		return err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := s.nowMs()
		changed := now
		if action == "user.reset_password" {
			changed = 0
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, failed_logins = 0, locked_until = 0 WHERE id = ?",
			hash, changed, now, u.ID); err != nil {
			return err
		}
		// Whoever knew the old password may hold a session or have minted a
		// token with it: a new password ends them all.
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "user", EntityID: db.FormatID(u.ID), OrgPath: u.OrgPath})
	})
}

// CreateToken issues a named API token for an account the caller manages
// (typically a service account for an integration). The secret is returned
// once and only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, p *Principal, userID int64, name string, days int) (string, time.Time, error) {
	f := errs.Fields{}
	name = strings.TrimSpace(name)
	f.Check(name != "", "name", "field.required")
	f.Check(len([]rune(name)) <= 60, "name", "field.too_long", 60)
	f.Check(days >= 1 && days <= 730, "days", "field.out_of_range", 1, 730)
	if err := f.Err(); err != nil {
		return "", time.Time{}, err
	}
	var u *User
	var err error
	if userID == p.UserID {
		u, err = s.user(ctx, userID)
	} else {
		u, err = s.manageable(ctx, p, userID)
		// A token acts as its account: minting one for another person would
		// let the minter act (and reveal) in that person's name. Only
		// integrations' service accounts get tokens from someone else, and
		// only from the security administrator.
		if err == nil && (u.Kind != KindService || !p.CanAt(PermUserPrivilege, u.OrgPath)) {
			err = &errs.Error{Kind: errs.KindForbidden, Code: "token_for_other", Key: "auth.token_for_other"}
		}
	}
	if err != nil {
		return "", time.Time{}, err
	}
	lifetime := time.Duration(days) * 24 * time.Hour
	var token string
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		token, err = s.createSession(ctx, tx, sessionSpec{userID: userID, kind: SessionAPI, name: name, lifetime: lifetime, ip: audit.ActorFrom(ctx).IP})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.token_create", Entity: "user", EntityID: db.FormatID(userID), OrgPath: u.OrgPath,
			After: map[string]any{"name": name, "days": days}})
	})
	return token, s.now().Add(lifetime), err
}

// UserSessions lists the sessions and tokens of an account the caller manages.
func (s *Service) UserSessions(ctx context.Context, p *Principal, userID int64) ([]Session, error) {
	if _, err := s.manageable(ctx, p, userID); err != nil {
		return nil, err
	}
	return s.Sessions(ctx, &Principal{UserID: userID})
}

// RevokeSessions ends every session and token of an account the caller manages.
func (s *Service) RevokeSessions(ctx context.Context, p *Principal, userID int64) error {
	u, err := s.manageable(ctx, p, userID)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.sessions_revoked", Entity: "user", EntityID: db.FormatID(userID), OrgPath: u.OrgPath})
	})
}
