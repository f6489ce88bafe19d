package auth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// The tests here each reproduce a finding of the security audit (issue 12)
// and fail on the code before it was fixed.

// Finding 1: the lock was read before the password check, so 30 parallel
// attempts were all checked. Now at most the policy's limit of attempts is
// ever checked, whatever the concurrency, and the rest are refused as locked.
func TestLockoutCountsBeforeChecking(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "liwei", w.street, auth.RoleOfficer)
		// A second service on the same database stands for a second server
		// process (the e2e package does the same with real processes).
		other := auth.NewService(d, w.svc.Keys)
		var mu sync.Mutex
		checked, tokens := 0, 0
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Go(func() {
				svc, pw := w.svc, "bad-password"
				if i%2 == 1 {
					svc = other
				}
				if i == 17 {
					pw = goodPassword
				}
				_, err := svc.Login(ctx, auth.LoginInput{Username: "liwei", Password: pw, Kind: auth.SessionAPI})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					tokens++
					checked++
				case errs.Is(err, errs.KindUnauthenticated):
					checked++
				case errs.Is(err, errs.KindLocked):
				default:
					t.Errorf("attempt %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		// A complete sign-in clears the count, so after the right password
		// up to the limit may be checked again; without one, never more.
		max := auth.DefaultPolicy().MaxFailed * (tokens + 1)
		if checked > max {
			t.Fatalf("%d attempts were checked at once (limit %d, %d sign-ins)", checked, max, tokens)
		}
		if tokens == 0 {
			// The right password came too late: the account is locked.
			_, err := w.svc.Login(ctx, auth.LoginInput{Username: "liwei", Password: goodPassword})
			wantKind(t, err, errs.KindLocked)
		}
	})
}

// Finding 2: a right password cleared the failure count and wrong codes
// never counted, so codes could be guessed forever in rounds.
func TestSecondFactorFailuresCount(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		id := w.user(t, "wang", w.street, auth.RoleOfficer)
		enr, err := w.svc.BeginTOTP(ctx, &auth.Principal{UserID: id, Username: "wang"})
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(enr.Secret, time.Now())
		if _, err := w.svc.ConfirmTOTP(ctx, &auth.Principal{UserID: id, Username: "wang"}, code); err != nil {
			t.Fatal(err)
		}
		locked := false
		for round := 0; round < 4 && !locked; round++ {
			res, err := w.svc.Login(ctx, auth.LoginInput{Username: "wang", Password: goodPassword, Kind: auth.SessionWeb})
			if errs.Is(err, errs.KindLocked) {
				locked = true
				break
			}
			if err != nil || !res.MFAPending {
				t.Fatalf("round %d: %+v %v", round, res, err)
			}
			for range 4 {
				_, err := w.svc.CompleteTOTP(ctx, res.Token, "123456", "", "")
				if errs.Is(err, errs.KindLocked) {
					locked = true
					break
				}
				if err == nil {
					t.Fatal("a wrong code signed in")
				}
			}
		}
		if !locked {
			t.Fatal("16 wrong codes between right passwords did not lock the account")
		}
		// Now even the right password and code are refused until the lock ends.
		_, err = w.svc.Login(ctx, auth.LoginInput{Username: "wang", Password: goodPassword, Kind: auth.SessionWeb})
		wantKind(t, err, errs.KindLocked)
	})
}

// Finding 2 (second half): the answers told a guesser the password was
// right before the second factor was given.
func TestSameAnswerBeforeSecondFactor(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "sec", w.root, auth.RoleSecurity) // enrolled by the helper
		// Without a code the API asks for one, whatever the password.
		for _, pw := range []string{goodPassword, "Wrong-Password-1"} {
			_, err := w.svc.Login(ctx, auth.LoginInput{Username: "sec", Password: pw, Kind: auth.SessionAPI})
			wantCode(t, err, "otp_required", "password "+pw+" without a code")
		}
		// With a code: a wrong password and a wrong code get one answer.
		_, errPw := w.svc.Login(ctx, auth.LoginInput{Username: "sec", Password: "Wrong-Password-1", OTP: w.recovery["sec"][0], Kind: auth.SessionAPI})
		_, errCode := w.svc.Login(ctx, auth.LoginInput{Username: "sec", Password: goodPassword, OTP: "000000", Kind: auth.SessionAPI})
		if errPw == nil || errCode == nil || errPw.Error() != errCode.Error() {
			t.Fatalf("answers differ: wrong password %v, wrong code %v", errPw, errCode)
		}
		// A complete sign-in clears the count of those attempts.
		if _, err := w.svc.Login(ctx, auth.LoginInput{Username: "sec", Password: goodPassword, OTP: w.recovery["sec"][2], Kind: auth.SessionAPI}); err != nil {
			t.Fatal(err)
		}
		// On the web, a wrong password goes on to the code step too, and the
		// code step then fails as a wrong code does.
		res, err := w.svc.Login(ctx, auth.LoginInput{Username: "sec", Password: "Wrong-Password-1", Kind: auth.SessionWeb})
		if err != nil || !res.MFAPending {
			t.Fatalf("web, wrong password: %+v %v", res, err)
		}
		_, errPw = w.svc.CompleteTOTP(ctx, res.Token, w.recovery["sec"][1], "", "")
		res, err = w.svc.Login(ctx, auth.LoginInput{Username: "sec", Password: goodPassword, Kind: auth.SessionWeb})
		if err != nil || !res.MFAPending {
			t.Fatalf("web, right password: %+v %v", res, err)
		}
		_, errCode = w.svc.CompleteTOTP(ctx, res.Token, "000000", "", "")
		if errPw == nil || errCode == nil || errPw.Error() != errCode.Error() {
			t.Fatalf("code step answers differ: wrong password %v, wrong code %v", errPw, errCode)
		}
		// The recovery code spent on the wrong password's round was not
		// spent: the password was never right, so it was not looked at.
		full, err := w.svc.CompleteTOTP(ctx, res.Token, w.recovery["sec"][1], "", "")
		if err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		w.principal(t, full.Token)
	})
}

// Finding 3: two-step verification was optional for everyone. The three
// administrative roles now always need it; only a --demo process lets the
// demo's own accounts in without.
func TestAdministrativeRolesNeedTwoFactor(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		for _, r := range auth.AlwaysMFA {
			name := "fresh-" + string(r)
			id, err := w.svc.Bootstrap(ctx, auth.NewUser{Username: name, Name: name, OrgID: w.root, Password: goodPassword}, r)
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.svc.Login(ctx, auth.LoginInput{Username: name, Password: goodPassword, Kind: auth.SessionAPI})
			wantCode(t, err, "mfa_enrolment_required", string(r)+" without two-step verification")
			// Marked as a demo account: exempt only while the process runs --demo.
			if err := w.svc.MarkDemoAccount(ctx, id); err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.Login(ctx, auth.LoginInput{Username: name, Password: goodPassword, Kind: auth.SessionAPI}); err == nil {
				t.Fatalf("%s: a demo account is exempt on a server without --demo", r)
			}
			w.svc.SetDemoMode(true)
			if _, err := w.svc.Login(ctx, auth.LoginInput{Username: name, Password: goodPassword, Kind: auth.SessionAPI}); err != nil {
				t.Fatalf("%s: demo account on a --demo server: %v", r, err)
			}
			w.svc.SetDemoMode(false)
		}
		// The policy cannot drop them.
		pol := auth.DefaultPolicy()
		pol.MFARoles = nil
		if e, ok := errs.As(pol.Validate()); !ok || e.Fields["mfa_roles"].Key != "auth.mfa_roles_admin" {
			t.Fatalf("a policy without two-step for administrators: %v", pol.Validate())
		}
	})
}

// Finding 4: the separation of duties could be bypassed by minting a token
// for another person, granting reveal through a puppet account, or stacking
// conflicting roles on one account.
func TestSeparationOfDutiesHolds(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		admin, sec := w.admins(t)
		audID := w.user(t, "aud", w.root, auth.RoleAuditor)
		officerID := w.user(t, "officer", w.street, auth.RoleOfficer)

		// The administrator mints no token for an officer...
		_, _, err := w.svc.CreateToken(ctx, admin, officerID, "x", 1)
		wantCode(t, err, "token_for_other", "admin mints a token for an officer")
		// ...nor grants a role that reveals personal data to a puppet.
		puppet, err := w.svc.CreateUser(ctx, admin, auth.NewUser{Username: "puppet", Name: "傀儡", OrgID: w.root, Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []auth.Role{auth.RoleOfficer, auth.RoleMembershipOfficer} {
			_, err = w.svc.Grant(ctx, admin, puppet.ID, r, w.root)
			wantCode(t, err, "grant_needs_security", "admin grants "+string(r))
		}
		// A leader (no reveal) the administrator may grant.
		if _, err := w.svc.Grant(ctx, admin, puppet.ID, auth.RoleLeader, w.street); err != nil {
			t.Fatalf("admin grants leader: %v", err)
		}
		// The security administrator cannot stack duties on one account.
		_, err = w.svc.Grant(ctx, sec, audID, auth.RoleAdmin, w.root)
		wantCode(t, err, "role_conflict", "admin granted to the auditor")
		_, err = w.svc.Grant(ctx, sec, officerID, auth.RoleAuditor, w.street)
		wantCode(t, err, "role_conflict", "auditor granted to an officer")
		if _, err := w.svc.Bootstrap(ctx, auth.NewUser{Username: "both", Name: "both", OrgID: w.root, Password: goodPassword}, auth.RoleAdmin, auth.RoleOfficer); err == nil {
			t.Fatal("an account made with two duties")
		}
		// Service accounts get tokens from the security administrator only.
		svcUser, err := w.svc.CreateUser(ctx, sec, auth.NewUser{Username: "hr-sync", Name: "HR", Kind: auth.KindService, OrgID: w.street})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.CreateToken(ctx, admin, svcUser.ID, "hr", 30); err == nil {
			t.Fatal("the administrator minted a service token")
		}
		if tok, _, err := w.svc.CreateToken(ctx, sec, svcUser.ID, "hr", 30); err != nil || tok == "" {
			t.Fatalf("security administrator, service token: %v", err)
		}
		// And every grant is audited.
		entries, err := audit.List(ctx, d, audit.Filter{Paths: []string{w.rootPath}, Action: "user.grant"})
		if err != nil || len(entries) == 0 {
			t.Fatalf("grants not audited: %d %v", len(entries), err)
		}
	})
}

// Finding 9: a password change or reset left API tokens valid.
func TestNewPasswordEndsTokens(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "sec", w.root, auth.RoleSecurity)
		id := w.user(t, "qian", w.street, auth.RoleOfficer)
		p, token := w.login(t, "qian")
		if err := w.svc.ChangePassword(ctx, p, goodPassword, "Brand-New-Pass-5x"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.Authenticate(ctx, token, false); err == nil {
			t.Fatal("an API token survived a password change")
		}
		res := w.signIn(t, "qian", "Brand-New-Pass-5x", auth.SessionAPI)
		sec, _ := w.login(t, "sec")
		if err := w.svc.ResetPassword(ctx, sec, id, "Temporary-Pass-8q"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.Authenticate(ctx, res.Token, false); err == nil {
			t.Fatal("an API token survived a reset")
		}
		// The reset password is temporary: it must be replaced at once.
		res = w.signIn(t, "qian", "Temporary-Pass-8q", auth.SessionWeb)
		if p, _, err := w.svc.Authenticate(ctx, res.Token, false); err != nil || !p.PasswordExpired {
			t.Fatalf("a reset password is not marked for change: %+v %v", p, err)
		}
	})
}

// Finding 12: common passwords passed the character-class rules.
func TestCommonPasswordsRefused(t *testing.T) {
	pol := auth.DefaultPolicy()
	for _, pw := range []string{"Password123", "P@ssw0rd2026", "Qwerty!2345", "Gonghui@2026", "Abc12345678"} {
		err := pol.CheckPassword("password", "someone", pw)
		if e, ok := errs.As(err); !ok || e.Fields["password"].Key != "auth.password.common" {
			t.Errorf("%q accepted or refused for another reason: %v", pw, err)
		}
	}
	for _, pw := range []string{"Correct-Horse-9", "Quiet-River-2024", "蓝天下的自行车Ab1"} {
		if err := pol.CheckPassword("password", "someone", pw); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}

// A lock ends by itself after the policy's minutes, and the count starts
// afresh: the first attempt after it does not lock again at once.
func TestLockExpires(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		w.user(t, "zhou", w.street, auth.RoleOfficer)
		now := time.Now()
		w.svc.SetClock(func() time.Time { return now })
		for range auth.DefaultPolicy().MaxFailed {
			_, _ = w.svc.Login(ctx, auth.LoginInput{Username: "zhou", Password: "Wrong-Password-1"})
		}
		_, err := w.svc.Login(ctx, auth.LoginInput{Username: "zhou", Password: goodPassword})
		wantKind(t, err, errs.KindLocked)
		now = now.Add(time.Duration(auth.DefaultPolicy().LockMinutes)*time.Minute + time.Second)
		_, err = w.svc.Login(ctx, auth.LoginInput{Username: "zhou", Password: "Wrong-Password-1"})
		wantKind(t, err, errs.KindUnauthenticated)
		if _, err := w.svc.Login(ctx, auth.LoginInput{Username: "zhou", Password: goodPassword}); err != nil {
			t.Fatalf("after the lock ended: %v", err)
		}
	})
}

// The account list finds a name whatever the case of its Latin letters, on
// both engines (PostgreSQL's LIKE alone is case-sensitive).
func TestUserSearchIgnoresLatinCase(t *testing.T) {
	inWorld(t, func(t *testing.T, ctx context.Context, d *db.DB, w *world) {
		if _, err := w.svc.Bootstrap(ctx, auth.NewUser{Username: "zhangw", Name: "Zhang Wei 张伟", OrgID: w.street, Password: goodPassword}, auth.RoleOfficer); err != nil {
			t.Fatal(err)
		}
		sec := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleSecurity, OrgPath: w.rootPath}}}
		for _, q := range []string{"zhang wei", "ZHANG", "张伟"} {
			list, _, err := w.svc.ListUsers(ctx, sec, auth.UserQuery{Q: q})
			if err != nil || len(list) != 1 || list[0].Username != "zhangw" {
				t.Fatalf("search %q: %d found, %v", q, len(list), err)
			}
		}
	})
}
