package contest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/card"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Certificates: a member whose counting attempt passed (not in practice)
// gets a certificate (合格证书; 荣誉证书 from nine tenths of the points)
// carrying a QR code of a signed payload that anyone can check on the
// public verify page. The payload is a card.Envelope ("GHZ1:", the card's
// base32 text and Ed25519 signature) of the certificate's own key, kept in
// the settings table sealed with the member registry's keyring, as the
// card's key is. The name it signs is masked (张*喜): a certificate is
// shown around, and its QR code is readable by anyone.
//
// Body (version 1): uvarints attempt id, contest id, member id, score, max
// score, day of issue (days from 2000-01-01, Beijing time), then three
// strings, each a uvarint length and UTF-8: the masked name, the contest's
// title and the publisher's name (cut at a rune boundary to
// CertMaxName, CertMaxTitle and CertMaxOrg bytes).

// Limits of a certificate's payload.
const (
	CertPrefix   = "GHZ1:"
	CertMaxName  = 30
	CertMaxTitle = 90
	CertMaxOrg   = 90
	certMaxBody  = 6*10 + 3 + CertMaxName + CertMaxTitle + CertMaxOrg
	certKeyID    = 1
	// HonourShare: a score of at least this share of the points (in tenths)
	// earns a 荣誉证书 rather than a 合格证书.
	HonourTenths = 9
)

// certSigners holds the signing key read per database.
var certSigners sync.Map

var certEnvelope = card.Envelope{Prefix: CertPrefix, Version: 1, MaxBody: certMaxBody}

// certEpoch is day 0 of a certificate's day of issue.
var certEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, beijing.Zone)

// CertKind is which certificate a pass earns.
type CertKind string

const (
	CertPass   CertKind = "pass"   // 合格证书
	CertHonour CertKind = "honour" // 荣誉证书
)

// Certificate is what a certificate says.
type Certificate struct {
	Number     string    `json:"number"`
	Kind       CertKind  `json:"kind"`
	AttemptID  int64     `json:"attempt_id,string"`
	ContestID  int64     `json:"contest_id,string"`
	MemberID   int64     `json:"-"`
	Name       string    `json:"name"`        // in full: printed for the member
	MaskedName string    `json:"masked_name"` // as the payload and the verify page show it
	Title      string    `json:"title"`
	Publisher  string    `json:"publisher"`
	Score      int       `json:"score"`
	MaxScore   int       `json:"max_score"`
	IssuedOn   time.Time `json:"issued_on"` // midnight (Beijing) of the day of the counting submission
	Payload    string    `json:"payload"`
}

// kindOf is the certificate a score of max earns.
func kindOf(score, max int) CertKind {
	if max > 0 && score*10 >= max*HonourTenths {
		return CertHonour
	}
	return CertPass
}

// certNumber is the number printed on a certificate: the year of issue
// and the attempt's id in base 36, short enough to read out over the
// phone, e.g. "ZS2026-2YJ8K3Q0W1TS".
func certNumber(issued time.Time, attemptID int64) string {
	return fmt.Sprintf("ZS%d-%s", issued.In(beijing.Zone).Year(), strings.ToUpper(strconv.FormatInt(attemptID, 36)))
}

// MaskName shows a name's first and last characters and stars the rest
// (张*喜, 欧阳**, 李*): one star per hidden character.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch {
	case len(r) <= 1:
		return string(r)
	case len(r) == 2:
		return string(r[:1]) + "*"
	default:
		return string(r[:1]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1:])
	}
}

// cut shortens s to at most n bytes at a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Certificate errors.
const (
	CodeCertMalformed = "certificate_malformed"
	KeyCertMalformed  = "contest.cert.malformed"
	FieldCertPayload  = "payload"
)

func certMalformed() error {
	return &errs.Error{Kind: errs.KindInvalid, Code: CodeCertMalformed, Key: KeyCertMalformed,
		Fields: map[string]errs.Field{FieldCertPayload: {Key: KeyCertMalformed}}, Err: errors.New("contest: certificate payload unreadable")}
}

// body is a certificate's signed body.
func (c *Certificate) body() []byte {
	day := uint64(max(c.IssuedOn.Sub(certEpoch).Hours()/24, 0) + 0.5)
	b := make([]byte, 0, certMaxBody)
	for _, v := range []uint64{uint64(c.AttemptID), uint64(c.ContestID), uint64(c.MemberID), uint64(c.Score), uint64(c.MaxScore), day} {
		b = binary.AppendUvarint(b, v)
	}
	for _, s := range []string{cut(c.MaskedName, CertMaxName), cut(c.Title, CertMaxTitle), cut(c.Publisher, CertMaxOrg)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// parseCertBody reads what body writes; ok is false for anything else.
func parseCertBody(b []byte) (Certificate, bool) {
	var nums [6]uint64
	for i := range nums {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<62 {
			return Certificate{}, false
		}
		nums[i], b = v, b[n:]
	}
	var strs [3]string
	for i, limit := range []int{CertMaxName, CertMaxTitle, CertMaxOrg} {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > uint64(limit) || uint64(len(b)-n) < v {
			return Certificate{}, false
		}
		strs[i], b = string(b[n:n+int(v)]), b[n+int(v):]
		if !utf8.ValidString(strs[i]) {
			return Certificate{}, false
		}
	}
	if len(b) != 0 || nums[5] > 1<<16 || nums[3] > nums[4] && nums[4] > 0 {
		return Certificate{}, false
	}
	c := Certificate{AttemptID: int64(nums[0]), ContestID: int64(nums[1]), MemberID: int64(nums[2]), Score: int(nums[3]), MaxScore: int(nums[4]),
		IssuedOn: certEpoch.AddDate(0, 0, int(nums[5])), MaskedName: strs[0], Title: strs[1], Publisher: strs[2]}
	c.Number, c.Kind = certNumber(c.IssuedOn, c.AttemptID), kindOf(c.Score, c.MaxScore)
	return c, true
}

// certSigner returns the certificates' signing key, made on first use and
// shared by every server process through the settings table, sealed with
// the registry's keyring.
func (s *Store) certSigner(ctx context.Context) (card.Signer, error) {
	// The key never changes once made: each process keeps the copy it
	// read, per database (the Store's own fields are the kernel's).
	if sg, ok := certSigners.Load(s.DB); ok {
		return sg.(card.Signer), nil
	}
	if s.Members == nil || s.Members.Keys == nil {
		return card.Signer{}, errs.Internal(errors.New("no keyring"), "contest: certificate key")
	}
	name := fmt.Sprintf("contest.certificate_key.%d", certKeyID)
	aad := "settings." + name
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return card.Signer{}, errs.Internal(err, "contest: certificate key")
	}
	sealed, err := s.Members.Keys.SealString(hex.EncodeToString(seed), aad)
	if err == nil {
		_, err = s.DB.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, sealed)
	}
	if err == nil {
		err = s.DB.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", name).Scan(&sealed)
	}
	var h string
	if err == nil {
		h, err = s.Members.Keys.OpenString(sealed, aad)
	}
	if err == nil {
		seed, err = hex.DecodeString(h)
	}
	if err != nil {
		return card.Signer{}, errs.Internal(err, "contest: certificate key")
	}
	sg, err := card.NewSignerFromSeed(certKeyID, seed)
	if err == nil {
		certSigners.Store(s.DB, sg)
	}
	return sg, err
}

// CertPublicKey is the certificates' verification key in card's published
// text form.
func (s *Store) CertPublicKey(ctx context.Context) (string, error) {
	sg, err := s.certSigner(ctx)
	if err != nil {
		return "", err
	}
	return card.PublicKeyText(sg.KeyID, sg.PublicKey()), nil
}

// standing is a member's counting result in a contest, with the contest's
// state.
type standing struct {
	attemptID      int64
	score          int
	passed, counts bool // a result row exists
	submittedAt    time.Time
}

func (s *Store) standing(ctx context.Context, contestID, memberID int64) (standing, error) {
	var st standing
	var passed int
	var at int64
	err := s.DB.QueryRow(ctx, "SELECT attempt_id, score, passed, submitted_at FROM contest_results WHERE contest_id = ? AND member_id = ?",
		contestID, memberID).Scan(&st.attemptID, &st.score, &passed, &at)
	if err == sql.ErrNoRows {
		return st, nil
	}
	if err != nil {
		return st, errs.Internal(err, "contest: read result")
	}
	st.counts, st.passed, st.submittedAt = true, passed == 1, scope.FromMillis(at)
	return st, nil
}

// Certificate is the certificate of the member's attempt: it must be their
// counting attempt, handed in and passed, in a contest that is not
// practice and not called off. Signing is deterministic: the same result
// gives the same payload.
func (s *Store) Certificate(ctx context.Context, pr *auth.Principal, attemptID int64) (*Certificate, error) {
	a, _, err := s.attemptFor(ctx, pr, attemptID)
	if err != nil {
		return nil, err
	}
	c, err := load(ctx, s.DB, a.ContestID)
	if err != nil {
		return nil, err
	}
	if c.Practice {
		return nil, errs.Conflict("no_certificate", "contest.cert.practice")
	}
	if c.Status == StatusCancelled {
		return nil, errs.Conflict("no_certificate", "contest.cert.cancelled")
	}
	st, err := s.standing(ctx, c.ID, a.MemberID)
	if err != nil {
		return nil, err
	}
	switch {
	case a.Status != AttemptSubmitted || !st.counts:
		return nil, errs.Conflict("no_certificate", "contest.cert.not_submitted")
	case st.attemptID != a.ID:
		return nil, errs.Conflict("not_counting", "contest.cert.not_counting")
	case !st.passed:
		return nil, errs.Conflict("no_certificate", "contest.cert.not_passed")
	}
	m, err := s.Members.Brief(ctx, a.MemberID)
	if err != nil {
		return nil, err
	}
	y, mo, d := st.submittedAt.In(beijing.Zone).Date()
	cert := &Certificate{AttemptID: a.ID, ContestID: c.ID, MemberID: a.MemberID, Name: m.Name, MaskedName: cut(MaskName(m.Name), CertMaxName),
		Title: cut(c.Title, CertMaxTitle), Publisher: cut(c.OrgName, CertMaxOrg), Score: st.score, MaxScore: c.MaxScore,
		IssuedOn: time.Date(y, mo, d, 0, 0, 0, 0, beijing.Zone)}
	cert.Number, cert.Kind = certNumber(cert.IssuedOn, cert.AttemptID), kindOf(cert.Score, cert.MaxScore)
	sg, err := s.certSigner(ctx)
	if err != nil {
		return nil, err
	}
	if cert.Payload, err = certEnvelope.Seal(sg, cert.body()); err != nil {
		return nil, err
	}
	return cert, nil
}

// CertStatus is the verdict on a scanned certificate.
type CertStatus string

const (
	CertValid      CertStatus = "valid"
	CertTampered   CertStatus = "tampered"    // the signature does not match: altered or forged
	CertUnknownKey CertStatus = "unknown_key" // signed with a key this system does not hold
	CertRevoked    CertStatus = "revoked"     // genuine, but the result no longer stands
)

// CertStatuses lists the verdicts.
var CertStatuses = []CertStatus{CertValid, CertTampered, CertUnknownKey, CertRevoked}

// CertCheck is the answer to a scanned certificate: the verdict and, for a
// genuine one (valid or revoked), what it says with the name masked.
type CertCheck struct {
	Status     CertStatus `json:"status"`
	Number     string     `json:"number,omitempty"`
	Kind       CertKind   `json:"kind,omitempty"`
	ContestID  int64      `json:"contest_id,string,omitempty"`
	MaskedName string     `json:"masked_name,omitempty"`
	Title      string     `json:"title,omitempty"`
	Publisher  string     `json:"publisher,omitempty"`
	Score      int        `json:"score,omitempty"`
	MaxScore   int        `json:"max_score,omitempty"`
	IssuedOn   *time.Time `json:"issued_on,omitempty"`
}

// VerifyCertificate checks a scanned payload: its signature against the
// certificates' key, then that the result still stands (the contest not
// called off, the attempt still the member's counting one, passed, with
// the score printed). A payload that cannot be read is a field error that
// never echoes it.
func (s *Store) VerifyCertificate(ctx context.Context, payload string) (*CertCheck, error) {
	sg, err := s.certSigner(ctx)
	if err != nil {
		return nil, err
	}
	o, err := certEnvelope.Open(map[byte]ed25519.PublicKey{sg.KeyID: sg.PublicKey()}, payload)
	if err != nil {
		if errs.Is(err, errs.KindInvalid) {
			return nil, certMalformed()
		}
		return nil, err
	}
	cert, ok := parseCertBody(o.Body)
	switch {
	case !o.KnownKey:
		return &CertCheck{Status: CertUnknownKey}, nil
	case !o.Genuine || !ok:
		return &CertCheck{Status: CertTampered}, nil
	}
	out := &CertCheck{Status: CertValid, Number: cert.Number, Kind: cert.Kind, ContestID: cert.ContestID, MaskedName: cert.MaskedName,
		Title: cert.Title, Publisher: cert.Publisher, Score: cert.Score, MaxScore: cert.MaxScore, IssuedOn: &cert.IssuedOn}
	stands, err := s.stands(ctx, &cert)
	if err != nil {
		return nil, err
	}
	if !stands {
		out.Status = CertRevoked
	}
	return out, nil
}

// stands reports whether a genuine certificate's result still stands.
func (s *Store) stands(ctx context.Context, cert *Certificate) (bool, error) {
	var status Status
	var practice int
	err := s.DB.QueryRow(ctx, "SELECT status, practice FROM contests WHERE id = ?", cert.ContestID).Scan(&status, &practice)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, errs.Internal(err, "contest: verify certificate")
	}
	if status == StatusCancelled || practice == 1 {
		return false, nil
	}
	st, err := s.standing(ctx, cert.ContestID, cert.MemberID)
	if err != nil {
		return false, err
	}
	return st.counts && st.passed && st.attemptID == cert.AttemptID && st.score == cert.Score, nil
}

// CertVerifyPath is the public page that checks a certificate.
const CertVerifyPath = "/certificates/verify"

// CertVerifyURL is the address a certificate's QR code holds: the public
// verify page of base (scheme and host, no trailing slash) with the
// payload, so that any phone's camera opens the verdict.
func CertVerifyURL(base, payload string) string {
	return strings.TrimRight(base, "/") + CertVerifyPath + "?c=" + payload
}
