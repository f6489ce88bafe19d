package site

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// certSite is the member portal with banks and contests behind it: a
// city contest of three true/false questions (2 points each, pass at 4).
type certSite struct {
	*portalSite
	contests *contest.Store
	c        *contest.Contest
}

func newCertSite(t *testing.T, d *db.DB) *certSite {
	t.Helper()
	ctx := context.Background()
	s := &certSite{portalSite: newPortalSite(t, d)}
	banks := bank.NewStore(d)
	s.contests = contest.NewStore(d, banks, s.members)
	city := &auth.Principal{Kind: "staff", Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.root.ID, OrgPath: s.root.Path, OrgName: s.root.Name}}}
	bk, err := banks.CreateBank(ctx, city, bank.BankInput{OrgID: s.root.ID, Name: "全市工会知识题库"})
	if err != nil {
		t.Fatal(err)
	}
	for _, stem := range []string{"工会是职工自愿结合的工人阶级群众组织。", "职工有权依法参加和组织工会。", "工会经费可以用于职工福利。"} {
		if _, err := banks.AddQuestion(ctx, city, bk.ID, bank.Question{Type: bank.TrueFalse, Stem: stem, Key: bank.Key{True: true}}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	c, err := s.contests.Create(ctx, city, contest.Input{OrgID: s.root.ID, Title: "2026年北京市职工安全生产月知识竞赛", OpensAt: now.Add(-time.Hour).Format(time.RFC3339),
		ClosesAt: now.Add(48 * time.Hour).Format(time.RFC3339), PassMark: 4, Sections: []contest.Section{{BankID: bk.ID, Count: 3, Points: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if s.c, err = s.contests.Publish(ctx, city, c.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Banks: banks, Contest: s.contests}))
	return s
}

// take has m answer right questions right (all true) and hand in.
func (s *certSite) take(t *testing.T, m *member.Member, right int) string {
	t.Helper()
	ctx := context.Background()
	me := signuptest.Self(m)
	sh, err := s.contests.Start(ctx, me, s.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	for pos := range right {
		if _, err := s.contests.Save(ctx, me, sh.Attempt.ID, pos, bank.Answer{True: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.contests.Submit(ctx, me, sh.Attempt.ID); err != nil {
		t.Fatal(err)
	}
	return db.FormatID(sh.Attempt.ID)
}

var certRawKeyRE = keyRE("cweb|contest")

func TestCertificatePages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newCertSite(t, d)
		zhang := s.add(t, s.unionE, "欧阳娜仁", 1, "2019-03-01")
		li := s.add(t, s.unionE, "李秀英", 2, "2021-06-15")
		passed := s.take(t, zhang, 3)
		failed := s.take(t, li, 1)
		mc := s.memberLogin(t, mobileNumber(1))

		a := mc.get("/m/papers/" + passed + "/certificate")
		wantStatus(t, "certificate", a, http.StatusOK)
		wantBody(t, "certificate", a, "荣誉证书", "欧阳娜仁", "2026年北京市职工安全生产月知识竞赛", "北京市总工会", "data:image/png;base64,", "certificate.png", "证书编号：ZS")
		wantNoKeys(t, "certificate", a, certRawKeyRE, rawKeyRE)

		img := mc.get("/m/papers/" + passed + "/certificate.png")
		wantStatus(t, "image", img, http.StatusOK)
		if ct := img.header.Get("Content-Type"); ct != "image/png" {
			t.Fatalf("content type %q", ct)
		}
		pic, err := png.Decode(bytes.NewReader([]byte(img.body)))
		if err != nil || pic.Bounds().Dx() != 1600 {
			t.Fatalf("image: %v", err)
		}
		if out := os.Getenv("GONGHUI_CERT_PNG"); out != "" {
			_ = os.WriteFile(out, []byte(img.body), 0o644)
		}
		// The image's QR code opens the verify page with the payload.
		if got := zbarDecode(t, []byte(img.body)); got != "" || os.Getenv("GONGHUI_QR_TESTS") != "" {
			u, err := url.Parse(got)
			if err != nil || u.Path != "/certificates/verify" || !strings.HasPrefix(u.Query().Get("c"), "GHZ1:") {
				t.Fatalf("QR holds %q", got)
			}
			v := s.client("").get(u.RequestURI())
			wantStatus(t, "verify scanned", v, http.StatusOK)
			wantBody(t, "verify scanned", v, "证书真实有效", "欧**仁", "2026年北京市职工安全生产月知识竞赛", "荣誉证书", "6 / 6")
			if strings.Contains(v.body, "欧阳娜仁") {
				t.Fatal("the verify page shows the name in full")
			}
			wantNoKeys(t, "verify", v, certRawKeyRE, rawKeyRE)
		}

		// A failed paper, another's paper, a missing one.
		lc := s.memberLogin(t, mobileNumber(2))
		wantStatus(t, "failed", lc.get("/m/papers/"+failed+"/certificate"), http.StatusConflict)
		wantStatus(t, "another's", lc.get("/m/papers/"+passed+"/certificate"), http.StatusNotFound)
		wantStatus(t, "another's image", lc.get("/m/papers/"+passed+"/certificate.png"), http.StatusNotFound)
		wantStatus(t, "signed out", s.client("").get("/m/papers/"+passed+"/certificate"), http.StatusSeeOther)

		// The public page: nothing to check, unreadable, tampered.
		pub := s.client("")
		wantBody(t, "empty verify", pub.get("/certificates/verify"), "证书核验", "请扫描证书上的二维码")
		bad := pub.get("/certificates/verify?c=" + url.QueryEscape("<script>张三</script>"))
		wantStatus(t, "unreadable", bad, http.StatusUnprocessableEntity)
		wantBody(t, "unreadable", bad, "无法识别的证书码")
		if strings.Contains(bad.body, "张三") || strings.Contains(bad.body, "<script>张") {
			t.Fatal("the unreadable payload is shown back")
		}
		cert, err := s.contests.Certificate(context.Background(), signuptest.Self(zhang), mustID(t, passed))
		if err != nil {
			t.Fatal(err)
		}
		p := []byte(cert.Payload)
		p[30] = map[bool]byte{true: 'B', false: 'A'}[p[30] == 'A']
		tam := pub.get("/certificates/verify?c=" + string(p))
		wantStatus(t, "tampered", tam, http.StatusOK)
		wantBody(t, "tampered", tam, "内容已被篡改")
		if strings.Contains(tam.body, "安全生产月") {
			t.Fatal("a tampered certificate's claims are shown")
		}
		en := pub.get("/certificates/verify?lang=en&c=" + cert.Payload)
		wantBody(t, "english", en, "Genuine certificate", "Certificate of Honour")
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, ok := db.ParseID(s)
	if !ok {
		t.Fatalf("id %q", s)
	}
	return id
}
