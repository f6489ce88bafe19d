package contest

import (
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张中喜": "张*喜", "李四": "李*", "欧阳娜娜": "欧**娜", "王": "王", "": "", " 阿卜杜拉·买买提 ": "阿******提"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCertificate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input()
		in.Attempts, in.Counting = 2, CountBest
		c := w.published(t, in)
		m := w.add(t, w.tr.UnionA)
		me := signuptest.Self(m)

		// Failed: no certificate.
		first := w.take(t, c, m, 3)
		_, err := w.s.Certificate(ctx, me, first)
		wantCode(t, err, "no_certificate")

		// Passed on the second go: its certificate; the first attempt is
		// not the counting one.
		second := w.take(t, c, m, 10)
		_, err = w.s.Certificate(ctx, me, first)
		wantCode(t, err, "not_counting")
		cert, err := w.s.Certificate(ctx, me, second)
		if err != nil {
			t.Fatal(err)
		}
		if cert.Score != 20 || cert.MaxScore != 30 || cert.Kind != CertPass || cert.Name != m.Name || cert.MaskedName != MaskName(m.Name) ||
			cert.Title != c.Title || cert.Publisher != "北京市总工会" || !strings.HasPrefix(cert.Number, "ZS2026-") ||
			!strings.HasPrefix(cert.Payload, CertPrefix) || cert.IssuedOn.Format("2006-01-02") != "2026-12-01" {
			t.Fatalf("certificate %+v", cert)
		}
		if strings.Contains(cert.Payload, m.Name) {
			t.Fatal("payload in clear")
		}
		// Deterministic: the same result, the same payload.
		again, err := w.s.Certificate(ctx, me, second)
		if err != nil || again.Payload != cert.Payload {
			t.Fatalf("again: %v", err)
		}
		// Nobody else reads it.
		other := signuptest.Self(w.add(t, w.tr.UnionB))
		if _, err := w.s.Certificate(ctx, other, second); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another member: %v", err)
		}
		if _, err := w.s.Certificate(ctx, w.tr.City, second); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("staff: %v", err)
		}

		// Valid, in any case and with whitespace around.
		chk, err := w.s.VerifyCertificate(ctx, "  "+strings.ToLower(cert.Payload)+"\n")
		if err != nil || chk.Status != CertValid || chk.MaskedName != cert.MaskedName || chk.Title != c.Title || chk.Score != 20 ||
			chk.Number != cert.Number || chk.ContestID != c.ID || chk.IssuedOn == nil || !chk.IssuedOn.Equal(cert.IssuedOn) {
			t.Fatalf("verify: %+v %v", chk, err)
		}
		// Tampered: the score raised in the body and sealed again under
		// another key of the same id, or one character changed.
		forged := cert
		forged.Score = 30
		sg, _ := card.NewSignerFromSeed(certKeyID, make([]byte, ed25519.SeedSize))
		fake, err := certEnvelope.Seal(sg, forged.body())
		if err != nil {
			t.Fatal(err)
		}
		if chk, err := w.s.VerifyCertificate(ctx, fake); err != nil || chk.Status != CertTampered || chk.Title != "" || chk.MaskedName != "" {
			t.Fatalf("forged: %+v %v", chk, err)
		}
		p := []byte(cert.Payload)
		i := len(CertPrefix) + 20
		p[i] = map[bool]byte{true: 'B', false: 'A'}[p[i] == 'A']
		if chk, err := w.s.VerifyCertificate(ctx, string(p)); err != nil || chk.Status != CertTampered {
			t.Fatalf("changed: %+v %v", chk, err)
		}
		// Unknown key.
		sg7, _ := card.NewSignerFromSeed(7, make([]byte, ed25519.SeedSize))
		if k, _ := certEnvelope.Seal(sg7, cert.body()); true {
			if chk, err := w.s.VerifyCertificate(ctx, k); err != nil || chk.Status != CertUnknownKey {
				t.Fatalf("unknown key: %+v %v", chk, err)
			}
		}
		// Unreadable: a field error that never echoes the input.
		for _, bad := range []string{"", "hello", "GHC1:AAAA", CertPrefix + "1111", mustCard(t)} {
			_, err := w.s.VerifyCertificate(ctx, bad)
			wantField(t, err, FieldCertPayload, KeyCertMalformed)
			if bad != "" && strings.Contains(err.Error(), bad) {
				t.Fatalf("error echoes the input: %v", err)
			}
		}

		// Revoked once the result no longer passes (a regrade), and when
		// the contest is called off.
		if _, err := d.Exec(ctx, "UPDATE contest_results SET passed = 0 WHERE contest_id = ? AND member_id = ?", c.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if chk, err := w.s.VerifyCertificate(ctx, cert.Payload); err != nil || chk.Status != CertRevoked || chk.Title != c.Title {
			t.Fatalf("no longer passed: %+v %v", chk, err)
		}
		if _, err := d.Exec(ctx, "UPDATE contest_results SET passed = 1 WHERE contest_id = ? AND member_id = ?", c.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Cancel(ctx, w.tr.City, c.ID, 0); err != nil {
			t.Fatal(err)
		}
		if chk, err := w.s.VerifyCertificate(ctx, cert.Payload); err != nil || chk.Status != CertRevoked {
			t.Fatalf("cancelled: %+v %v", chk, err)
		}
		_, err = w.s.Certificate(ctx, me, second)
		wantCode(t, err, "no_certificate")
	})
}

func TestCertificateHonourAndPractice(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		m := w.add(t, w.tr.UnionA)
		cert, err := w.s.Certificate(ctx, signuptest.Self(m), w.take(t, c, m, 15))
		if err != nil || cert.Kind != CertHonour || cert.Score != 30 {
			t.Fatalf("full marks: %+v %v", cert, err)
		}
		in := w.input()
		in.Title, in.Practice, in.TimeLimit = "每日一练", true, 0
		pc := w.published(t, in)
		_, err = w.s.Certificate(ctx, signuptest.Self(m), w.take(t, pc, m, 15))
		wantCode(t, err, "no_certificate")
		key, err := w.s.CertPublicKey(ctx)
		if err != nil || !strings.HasPrefix(key, "ghc1-ed25519:1:") {
			t.Fatalf("key %q %v", key, err)
		}
	})
}

// mustCard is a member card's payload: not a certificate.
func mustCard(t testing.TB) string {
	sg, _ := card.NewSignerFromSeed(1, make([]byte, ed25519.SeedSize))
	p, err := sg.Sign(card.Claims{MemberID: 1, OrgID: 1, Name: "张三", OrgName: "工会", IssuedAt: time.Now(), ValidUntil: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCertificateQR renders a certificate's verify address as the pages do
// and reads it back with zbarimg (GONGHUI_QR_TESTS=1 makes a missing
// zbarimg a failure).
func TestCertificateQR(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input()
		in.Title = "2026年北京市职工安全生产月暨“安康杯”知识竞赛（第二季）决赛"
		c := w.published(t, in)
		m := w.add(t, w.tr.UnionA)
		cert, err := w.s.Certificate(ctx, signuptest.Self(m), w.take(t, c, m, 12))
		if err != nil {
			t.Fatal(err)
		}
		url := CertVerifyURL("https://gonghui.example.cn", cert.Payload)
		png, err := card.PNG(url, 720)
		if err != nil {
			t.Fatal(err)
		}
		got := zbar(t, png)
		if got != url {
			t.Fatalf("decoded %q, want %q", got, url)
		}
		chk, err := w.s.VerifyCertificate(ctx, strings.TrimPrefix(got, "https://gonghui.example.cn/certificates/verify?c="))
		if err != nil || chk.Status != CertValid {
			t.Fatalf("decoded payload: %+v %v", chk, err)
		}
		t.Logf("payload %d characters, address %d", len(cert.Payload), len(url))
	})
}

func zbar(t *testing.T, img []byte) string {
	t.Helper()
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("GONGHUI_QR_TESTS") != "" {
			t.Fatal("GONGHUI_QR_TESTS is set but zbarimg is not on PATH")
		}
		t.Skip("zbarimg not on PATH")
	}
	file := filepath.Join(t.TempDir(), "cert.png")
	if err := os.WriteFile(file, img, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--raw", "-q", file).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSuffix(string(out), "\n")
}
