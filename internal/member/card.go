package member

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/errs"
)

// cardKeyID is the id of the current card signing key. Rotating it means a
// new setting (card.signing_key.<id>) and publishing both public keys until
// the old cards have expired.
const cardKeyID = 1

// cardValidDays is how long a shown card verifies offline. A card is
// re-signed each time it is shown; a change of union or status revokes it
// online at once (the serial), offline within this many days.
const cardValidDays = 90

// signer returns the card signing key, made on first use and shared by
// every server process through the settings table, sealed with the pii
// keyring so that a copy of the database alone cannot forge cards.
func (s *Store) signer(ctx context.Context) (card.Signer, error) {
	// The key never changes once made, so each process keeps the copy it
	// read; every process reads the same row.
	s.cardMu.Lock()
	defer s.cardMu.Unlock()
	if s.card != nil {
		return *s.card, nil
	}
	sg, err := s.loadSigner(ctx)
	if err == nil {
		s.card = &sg
	}
	return sg, err
}

func (s *Store) loadSigner(ctx context.Context) (card.Signer, error) {
	name := fmt.Sprintf("card.signing_key.%d", cardKeyID)
	aad := "settings." + name
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return card.Signer{}, errs.Internal(err, "member: card key")
	}
	sealed, err := s.Keys.SealString(hex.EncodeToString(seed), aad)
	if err != nil {
		return card.Signer{}, errs.Internal(err, "member: card key")
	}
	if _, err := s.DB.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, sealed); err != nil {
		return card.Signer{}, errs.Internal(err, "member: card key")
	}
	if err := s.DB.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", name).Scan(&sealed); err != nil {
		return card.Signer{}, errs.Internal(err, "member: card key")
	}
	h, err := s.Keys.OpenString(sealed, aad)
	if err != nil {
		return card.Signer{}, errs.Internal(err, "member: card key")
	}
	if seed, err = hex.DecodeString(h); err != nil {
		return card.Signer{}, errs.Internal(err, "member: card key")
	}
	return card.NewSignerFromSeed(cardKeyID, seed)
}

// PublicKey is the card verification key in its published text form.
func (s *Store) PublicKey(ctx context.Context) (string, error) {
	sg, err := s.signer(ctx)
	if err != nil {
		return "", err
	}
	return card.PublicKeyText(sg.KeyID, sg.PublicKey()), nil
}

// Card is a member card ready to show.
type Card struct {
	Member     *Member   `json:"member"`
	Payload    string    `json:"payload"`
	ValidUntil time.Time `json:"valid_until"`
}

// Card signs a fresh card for a member, for staff who may see the member.
func (s *Store) Card(ctx context.Context, pr *auth.Principal, id int64) (*Card, error) {
	m, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	return s.sign(ctx, m)
}

// OwnCard is the card of the member with this id, for the member.
func (s *Store) OwnCard(ctx context.Context, memberID int64) (*Card, error) {
	r, err := s.load(ctx, memberID)
	if err != nil {
		return nil, err
	}
	m := s.masked(r)
	return s.sign(ctx, &m)
}

func (s *Store) sign(ctx context.Context, m *Member) (*Card, error) {
	if m.Status != StatusActive {
		return nil, errs.Conflict("not_active", "member.card_inactive")
	}
	sg, err := s.signer(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := card.Claims{MemberID: m.ID, OrgID: m.OrgID, Serial: uint32(m.CardSerial), Name: m.Name, OrgName: m.OrgName,
		IssuedAt: now, ValidUntil: now.AddDate(0, 0, cardValidDays)}
	payload, err := sg.Sign(c)
	if err != nil {
		return nil, err
	}
	claims, _, _, _, err := card.Parse(payload)
	if err != nil {
		return nil, errs.Internal(err, "member: card parse")
	}
	return &Card{Member: m, Payload: payload, ValidUntil: claims.ValidUntil}, nil
}

// CardCheck is the answer to a scanned card.
type CardCheck struct {
	Status     card.Status `json:"status"`
	MemberID   int64       `json:"member_id,string,omitempty"`
	Name       string      `json:"name,omitempty"`
	OrgID      int64       `json:"org_id,string,omitempty"`
	OrgName    string      `json:"org_name,omitempty"`
	IssuedAt   *time.Time  `json:"issued_at,omitempty"`
	ValidUntil *time.Time  `json:"valid_until,omitempty"`
}

// VerifyCard checks a scanned payload: signature and expiry offline, then
// revocation against the registry (the member must still be active, in the
// same union, with the same card serial). Forged cards show no claims.
func (s *Store) VerifyCard(ctx context.Context, payload string) (*CardCheck, error) {
	sg, err := s.signer(ctx)
	if err != nil {
		return nil, err
	}
	v := card.Verifier{Keys: map[byte]ed25519.PublicKey{sg.KeyID: sg.PublicKey()}, Now: s.now,
		Revoked: func(c card.Claims) (bool, error) {
			var orgID int64
			var st Status
			var serial int
			err := s.DB.QueryRow(ctx, "SELECT org_id, status, card_serial FROM members WHERE id = ?", c.MemberID).Scan(&orgID, &st, &serial)
			if err != nil {
				return true, nil
			}
			return orgID != c.OrgID || st != StatusActive || uint32(serial) != c.Serial, nil
		}}
	c, st, err := v.Check(payload)
	if err != nil {
		return nil, err
	}
	out := &CardCheck{Status: st}
	if st != card.StatusForged {
		out.MemberID, out.Name, out.OrgID, out.OrgName = c.MemberID, c.Name, c.OrgID, c.OrgName
		out.IssuedAt, out.ValidUntil = &c.IssuedAt, &c.ValidUntil
	}
	return out, nil
}

// Own returns a member's own record, for the member signed in.
func (s *Store) Own(ctx context.Context, memberID int64) (*Member, error) {
	return s.own(ctx, memberID, false)
}

// OwnInFull returns a member's own record with their numbers in full, for
// the member alone: a self-reveal, which the caller audits.
func (s *Store) OwnInFull(ctx context.Context, memberID int64) (*Member, error) {
	return s.own(ctx, memberID, true)
}

func (s *Store) own(ctx context.Context, memberID int64, full bool) (*Member, error) {
	r, err := s.load(ctx, memberID)
	if err != nil {
		return nil, err
	}
	m := s.masked(r)
	// The member's own record: what their number encodes is theirs to see.
	m.Gender, m.BirthDate = r.Gender, r.BirthDate
	if full {
		m.IDNumber, m.Mobile = s.openOr(r.idSealed, idAAD(memberID)), s.openOr(r.mobileSealed, mobileAAD(memberID))
	}
	return &m, nil
}

// OwnTransfers lists a member's own transfers, newest first.
func (s *Store) OwnTransfers(ctx context.Context, memberID int64) ([]Transfer, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+transferCols+transferFrom+" WHERE t.member_id = ? ORDER BY t.id DESC LIMIT 50", memberID)
	return ScanAll(rows, err, []Transfer{}, "member: own transfers", func(r RowScanner) (Transfer, error) { return s.scanTransfer(r, nil) })
}
