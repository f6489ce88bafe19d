package auth_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

const goodPassword = "Correct-Horse-9"

// world is a root with two streets, made with plain SQL so that these tests
// do not depend on the org package.
type world struct {
	svc                     *auth.Service
	root, street, neighbour int64
	rootPath, streetPath    string
	recovery                map[string][]string // username -> unused recovery codes
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{svc: auth.NewService(d, testkit.Keys(t)), root: db.NewID(), street: db.NewID(), neighbour: db.NewID(), recovery: map[string][]string{}}
	w.rootPath = fmt.Sprintf("/%d/", w.root)
	w.streetPath = fmt.Sprintf("%s%d/", w.rootPath, w.street)
	for _, o := range []struct {
		id, parent int64
		path, name string
		depth      int
	}{
		{w.root, 0, w.rootPath, "北京市总工会", 0},
		{w.street, w.root, w.streetPath, "大栅栏街道总工会", 1},
		{w.neighbour, w.root, fmt.Sprintf("%s%d/", w.rootPath, w.neighbour), "西长安街街道总工会", 1},
	} {
		var parent any
		if o.parent != 0 {
			parent = o.parent
		}
		if _, err := d.Exec(ctx, "INSERT INTO orgs (id, parent_id, path, depth, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'street_federation', 0, 0)",
			o.id, parent, o.path, o.depth, o.name); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// inWorld runs fn on a fresh world on each engine.
func inWorld(t *testing.T, fn func(t *testing.T, ctx context.Context, d *db.DB, w *world)) {
	t.Helper()
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) { fn(t, context.Background(), d, newWorld(t, d)) })
}

func (w *world) user(t *testing.T, name string, org int64, roles ...auth.Role) int64 {
	t.Helper()
	id, err := w.svc.Bootstrap(context.Background(), auth.NewUser{Username: name, Name: name, OrgID: org, Password: goodPassword}, roles...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if slices.Contains(auth.AlwaysMFA, r) {
			w.recovery[name] = enrol(t, w.svc, &auth.Principal{UserID: id, Username: name})
			break
		}
	}
	return id
}

// enrol turns two-step verification on for p and returns its recovery codes.
func enrol(t *testing.T, svc *auth.Service, p *auth.Principal) []string {
	t.Helper()
	ctx := context.Background()
	enr, err := svc.BeginTOTP(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(enr.Secret, time.Now())
	codes, err := svc.ConfirmTOTP(ctx, p, code)
	if err != nil || len(codes) != 10 {
		t.Fatalf("enrol %s: %d codes, %v", p.Username, len(codes), err)
	}
	return codes
}

func (w *world) login(t *testing.T, name string) (*auth.Principal, string) {
	t.Helper()
	in := auth.LoginInput{Username: name, Password: goodPassword, Kind: auth.SessionAPI}
	if codes := w.recovery[name]; len(codes) > 0 {
		// The administrative roles always need a second factor; a recovery
		// code stands in for the authenticator (each works once).
		in.OTP, w.recovery[name] = codes[0], codes[1:]
	}
	res, err := w.svc.Login(context.Background(), in)
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	p, _, err := w.svc.Authenticate(context.Background(), res.Token, false)
	if err != nil {
		t.Fatal(err)
	}
	return p, res.Token
}

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	if !errs.Is(err, k) {
		t.Fatalf("want error kind %d, got %v", k, err)
	}
}

// wantCode fails the test unless err carries code; what names the attempt.
func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Code != code {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
}

// signIn logs name in with password and fails the test on an error.
func (w *world) signIn(t *testing.T, name, password, kind string) *auth.LoginResult {
	t.Helper()
	res, err := w.svc.Login(context.Background(), auth.LoginInput{Username: name, Password: password, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// principal is who token stands for; the test fails on an error.
func (w *world) principal(t *testing.T, token string) *auth.Principal {
	t.Helper()
	p, _, err := w.svc.Authenticate(context.Background(), token, false)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// wantSignedOut fails the test if token still stands for someone.
func (w *world) wantSignedOut(t *testing.T, token string) {
	t.Helper()
	_, _, err := w.svc.Authenticate(context.Background(), token, false)
	wantKind(t, err, errs.KindUnauthenticated)
}

// admins makes the root's administrator and security administrator and
// signs both in.
func (w *world) admins(t *testing.T) (admin, sec *auth.Principal) {
	t.Helper()
	w.user(t, "admin", w.root, auth.RoleAdmin)
	w.user(t, "sec", w.root, auth.RoleSecurity)
	admin, _ = w.login(t, "admin")
	sec, _ = w.login(t, "sec")
	return admin, sec
}

// setPolicy has a new security administrator set the default policy as
// changed by edit.
func (w *world) setPolicy(t *testing.T, edit func(*auth.Policy)) auth.Policy {
	t.Helper()
	w.user(t, "sec", w.root, auth.RoleSecurity)
	sec, _ := w.login(t, "sec")
	pol := auth.DefaultPolicy()
	edit(&pol)
	if err := w.svc.SetPolicy(context.Background(), sec, pol); err != nil {
		t.Fatal(err)
	}
	return pol
}

func TestLoginSessionLogout(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "Zhang", w.street, auth.RoleOfficer)
		_, err := w.svc.Login(ctx, auth.LoginInput{Username: "zhang", Password: "wrong"})
		wantKind(t, err, errs.KindUnauthenticated)
		_, err = w.svc.Login(ctx, auth.LoginInput{Username: "nobody", Password: "wrong"})
		wantKind(t, err, errs.KindUnauthenticated)
		_, err = w.svc.Login(ctx, auth.LoginInput{})
		if e, ok := errs.As(err); !ok || e.Fields["username"].Key == "" || e.Fields["password"].Key == "" {
			t.Fatalf("empty login should name both fields: %v", err)
		}
		res := w.signIn(t, " ZHANG ", goodPassword, "")
		p := w.principal(t, res.Token)
		if p.Username != "zhang" || !p.CanAt(auth.PermOrgWrite, w.streetPath) || p.CanAt(auth.PermOrgRead, w.rootPath) {
			t.Fatalf("principal wrong: %+v", p)
		}
		if err := w.svc.Logout(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		w.wantSignedOut(t, res.Token)
	})
}

func TestLockoutHoldsUnderConcurrency(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "liwei", w.street, auth.RoleOfficer)
		// Ten wrong attempts at once: the limit is 5, so the account must end
		// up locked and the right password refused afterwards.
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() { _, _ = w.svc.Login(ctx, auth.LoginInput{Username: "liwei", Password: "bad-password"}) })
		}
		wg.Wait()
		_, err := w.svc.Login(ctx, auth.LoginInput{Username: "liwei", Password: goodPassword})
		wantKind(t, err, errs.KindLocked)
		entries, err := audit.List(ctx, d, audit.Filter{Paths: []string{w.rootPath}, Action: "auth.locked"})
		if err != nil || len(entries) == 0 {
			t.Fatalf("lockout not audited: %v %d", err, len(entries))
		}
		// An administrator of the subtree lifts it.
		w.user(t, "boss", w.root, auth.RoleAdmin)
		boss, _ := w.login(t, "boss")
		var liID int64
		users, _, _ := w.svc.ListUsers(ctx, boss, auth.UserQuery{Q: "liwei"})
		for _, u := range users {
			if u.Username == "liwei" {
				liID = u.ID
			}
		}
		if err := w.svc.Unlock(ctx, boss, liID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Login(ctx, auth.LoginInput{Username: "liwei", Password: goodPassword}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPasswordPolicy(t *testing.T) {
	pol := auth.DefaultPolicy()
	for _, c := range []struct {
		pw string
		ok bool
	}{
		{"short1A!", false},
		{"alllowercaseletters", false},
		{"Lower-and-9", true},
		{"zhangsan-Pass9", false}, // contains the username
		{"密码很长的中文密码Ab1", true},
	} {
		err := pol.CheckPassword("password", "zhangsan", c.pw)
		if (err == nil) != c.ok {
			t.Errorf("%q: got %v", c.pw, err)
		}
	}
	bad := auth.Policy{MinLength: 2, MinClasses: 9}
	if e, ok := errs.As(bad.Validate()); !ok || e.Fields["min_length"].Key == "" || e.Fields["min_classes"].Key == "" {
		t.Fatalf("policy validation: %v", bad.Validate())
	}
}

func TestSeparationOfDuties(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		admin, sec := w.admins(t)
		auditorID := w.user(t, "aud", w.root, auth.RoleAuditor)
		streetAdmin := w.user(t, "streetadmin", w.street, auth.RoleAdmin)
		if admin.Can(auth.PermAuditRead) {
			t.Fatal("system administrator must not read the audit log")
		}
		// The administrator cannot make an auditor, nor touch one.
		u, err := w.svc.CreateUser(ctx, admin, auth.NewUser{Username: "new.officer", Name: "新干部", OrgID: w.street, Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Grant(ctx, admin, u.ID, auth.RoleAuditor, w.street)
		wantKind(t, err, errs.KindForbidden)
		err = w.svc.ResetPassword(ctx, admin, auditorID, "Another-Pass-77")
		wantKind(t, err, errs.KindForbidden)
		// The security administrator can.
		if _, err := w.svc.Grant(ctx, sec, u.ID, auth.RoleAuditor, w.street); err != nil {
			t.Fatal(err)
		}
		// Nobody grants to themself.
		_, err = w.svc.Grant(ctx, sec, sec.UserID, auth.RoleAuditor, w.root)
		wantKind(t, err, errs.KindForbidden)
		// A street administrator sees only the street's accounts, and a
		// neighbour street is not found.
		sa, _ := w.login(t, "streetadmin")
		_ = streetAdmin
		list, _, err := w.svc.ListUsers(ctx, sa, auth.UserQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.OrgID != w.street {
				t.Errorf("street admin sees %s of org %d", x.Username, x.OrgID)
			}
		}
		_, err = w.svc.CreateUser(ctx, sa, auth.NewUser{Username: "outsider", Name: "x", OrgID: w.neighbour, Password: goodPassword})
		if e, ok := errs.As(err); !ok || e.Fields["org_id"].Key == "" {
			t.Fatalf("want org_id field error, got %v", err)
		}
		_, err = w.svc.GetUser(ctx, sa, auditorID)
		wantKind(t, err, errs.KindNotFound)
	})
}

func TestTOTPLoginAndReplay(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "wang", w.street, auth.RoleOfficer)
		p, _ := w.login(t, "wang")
		enr, err := w.svc.BeginTOTP(ctx, p)
		if err != nil || len(enr.PNG) == 0 {
			t.Fatal(err)
		}
		// The secret is a credential: sealed at rest, never stored plain.
		var stored string
		if err := d.QueryRow(ctx, "SELECT totp_secret FROM users WHERE id = ?", p.UserID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == enr.Secret || strings.Contains(stored, enr.Secret) || !strings.HasPrefix(stored, "k1:") {
			t.Fatalf("totp secret stored as %q", stored)
		}
		_, err = w.svc.ConfirmTOTP(ctx, p, "000000")
		wantKind(t, err, errs.KindInvalid)
		code, _ := totp.GenerateCode(enr.Secret, time.Now())
		if _, err := w.svc.ConfirmTOTP(ctx, p, code); err != nil {
			t.Fatal(err)
		}
		// Web login now stops after the password...
		res, err := w.svc.Login(ctx, auth.LoginInput{Username: "wang", Password: goodPassword, Kind: auth.SessionWeb})
		if err != nil || !res.MFAPending {
			t.Fatalf("want pending: %+v %v", res, err)
		}
		w.wantSignedOut(t, res.Token)
		// ...the code used to enrol cannot be replayed (the answer is the
		// one for any wrong password or code)...
		_, err = w.svc.CompleteTOTP(ctx, res.Token, code, "", "")
		wantKind(t, err, errs.KindUnauthenticated)
		// ...and the next step's code completes it under a new session secret.
		next, _ := totp.GenerateCode(enr.Secret, time.Now().Add(30*time.Second))
		full, err := w.svc.CompleteTOTP(ctx, res.Token, next, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if full.Token == res.Token {
			t.Fatal("session secret not rotated")
		}
		w.principal(t, full.Token)
		if _, _, err := w.svc.Authenticate(ctx, res.Token, true); err == nil {
			t.Fatal("pending session survived")
		}
		// API logins must bring the code along.
		_, err = w.svc.Login(ctx, auth.LoginInput{Username: "wang", Password: goodPassword, Kind: auth.SessionAPI})
		wantCode(t, err, "otp_required", "API login without a code")
	})
}

func TestPolicyRequiresMFAAndSessionsExpire(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "zhao", w.street, auth.RoleOfficer)
		pol := w.setPolicy(t, func(pol *auth.Policy) { pol.MFARoles = append(pol.MFARoles, auth.RoleOfficer) })
		_, err := w.svc.Login(ctx, auth.LoginInput{Username: "zhao", Password: goodPassword, Kind: auth.SessionAPI})
		wantCode(t, err, "mfa_enrolment_required", "API login without the required second factor")
		zhao := w.principal(t, w.signIn(t, "zhao", goodPassword, auth.SessionWeb).Token)
		got, err := w.svc.Policy(ctx)
		if err != nil || !got.RequiresMFA(zhao) {
			t.Fatalf("policy not applied: %+v %v", got, err)
		}
		officer := &auth.Principal{UserID: zhao.UserID, Grants: zhao.Grants}
		err = w.svc.SetPolicy(ctx, officer, pol)
		wantKind(t, err, errs.KindForbidden)
		// A web session idle beyond the limit is gone.
		res := w.signIn(t, "zhao", goodPassword, auth.SessionWeb)
		if _, err := d.Exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", time.Now().Add(-2*time.Hour).UnixMilli(), auth.HashToken(res.Token)); err != nil {
			t.Fatal(err)
		}
		w.wantSignedOut(t, res.Token)
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "aaa1", w.street, auth.RoleOfficer)
		w.user(t, "aaa2", w.street, auth.RoleOfficer)
		n, problems, err := audit.Verify(ctx, d)
		if err != nil || len(problems) != 0 || n < 4 {
			t.Fatalf("fresh chain: n=%d problems=%v err=%v", n, problems, err)
		}
		if _, err := d.Exec(ctx, "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		_, problems, _ = audit.Verify(ctx, d)
		if len(problems) == 0 || problems[0].Seq != 2 {
			t.Fatalf("edit not detected: %v", problems)
		}
	})
}

func TestPrincipalPaths(t *testing.T) {
	p := &auth.Principal{Grants: []auth.Grant{
		{Role: auth.RoleOfficer, OrgPath: "/1/2/"},
		{Role: auth.RoleOfficer, OrgPath: "/1/2/3/"},
		{Role: auth.RoleLeader, OrgPath: "/1/9/"},
	}}
	if got := p.Paths(auth.PermOrgWrite); len(got) != 1 || got[0] != "/1/2/" {
		t.Fatalf("nested paths not folded: %v", got)
	}
	if got := p.Paths(auth.PermOrgRead); len(got) != 2 {
		t.Fatalf("read paths: %v", got)
	}
	if !p.CanAt(auth.PermOrgWrite, "/1/2/3/4/") || p.CanAt(auth.PermOrgWrite, "/1/9/") || p.CanAt(auth.PermOrgWrite, "/1/22/") {
		t.Fatal("CanAt wrong")
	}
}

func TestPasswordExpiry(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "qian", w.street, auth.RoleOfficer)
		w.setPolicy(t, func(pol *auth.Policy) { pol.PasswordMaxAge = 90 })
		p, _ := w.login(t, "qian")
		if p.PasswordExpired {
			t.Fatal("a fresh password counts as expired")
		}
		if _, err := d.Exec(ctx, "UPDATE users SET password_changed_at = ? WHERE username = 'qian'", time.Now().Add(-91*24*time.Hour).UnixMilli()); err != nil {
			t.Fatal(err)
		}
		p, _ = w.login(t, "qian")
		if !p.PasswordExpired {
			t.Fatal("a 91-day-old password under a 90-day policy is not expired")
		}
		if err := w.svc.ChangePassword(ctx, p, goodPassword, "Brand-New-Pass-5"); err != nil {
			t.Fatal(err)
		}
		res := w.signIn(t, "qian", "Brand-New-Pass-5", auth.SessionAPI)
		if p, _, _ = w.svc.Authenticate(ctx, res.Token, false); p == nil || p.PasswordExpired {
			t.Fatalf("still expired after the change: %+v", p)
		}
	})
}
